import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { customerDirectoryProjection, type DirectoryState } from './customer-directory.projection';

const event = (type: string, data: Record<string, unknown>, occurredAt: string) => ({ type, data, metadata: { occurredAt } }) as unknown as RecordedEvent;
const empty = (): DirectoryState => ({ customers: new Map(), campaigns: new Map() });
/** Given the rows already stored, when these events (in log order) are folded, the rows of `table` the batch will write. */
const when = (state: DirectoryState, events: RecordedEvent[], table: string) =>
  foldEffects(customerDirectoryProjection.definition, events, state)
    .rows(table)
    .map((r) => r.insert);

describe('the customer directory as effects', () => {
  it('given an onboarding, a control enrolment, a transfer twice and a sale at 23:30 Beijing, writes one row as it ends', () => {
    const rows = when(empty(), [
      event('CustomerOnboarded', { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 }, '2026-01-05T01:00:00.000Z'),
      event('CustomerEnrolledInCampaign', { campaignId: 'K2', customerId: 'C1', group: 'control' }, '2026-02-01T00:00:00.000Z'),
      event('CustomerTransferred', { customerId: 'C1', toUnitId: 'SB2' }, '2026-03-01T00:00:00.000Z'),
      event('CustomerTransferred', { customerId: 'C1', toUnitId: 'SB3' }, '2026-03-01T00:00:00.000Z'),
      event('ConversionRecorded', { conversionId: 'V1', customerId: 'C1', staffId: 'rm1', productCode: 'DEP', amount: '1', revenue: '1', campaignId: null }, '2026-03-31T15:30:00.000Z'),
      event('CustomerTierChanged', { customerId: 'NOBODY', to: 'gold' }, '2026-03-31T15:30:00.000Z'), // never onboarded: no row
    ], 'customer_directory');
    expect(rows).toEqual([
      {
        customer_id: 'C1', home_unit_id: 'SB3', segment: 'retail', gender: 'F', tier: 'ordinary', manager_id: null, holdings: ['DEP'], opted_out: [], erased: false,
        birth_year: 1980, risk_tolerance: null, risk_valid_until: null, last_active_at: '2026-03-31T15:30:00.000Z', campaign_contacts: '{}', contact_times: [], enrolled_in: ['K2'], control_in: ['K2'],
      },
    ]);
  });

  it('given a row stored before, a withdrawn consent changes it from what was stored', () => {
    const stored: DirectoryState = empty();
    stored.customers.set('C1', {
      customer_id: 'C1', home_unit_id: 'SB1', segment: 'retail', gender: 'M', tier: 'gold', manager_id: 'rm1', holdings: ['DEP'], opted_out: ['sms'], erased: false,
      birth_year: null, risk_tolerance: 'R2', risk_valid_until: '2027-01-01T00:00:00.000Z', last_active_at: '2026-01-05T01:00:00.000Z', campaign_contacts: {}, enrolled_in: [], control_in: [],
    });
    const rows = foldEffects(customerDirectoryProjection.definition, [event('ConsentWithdrawn', { customerId: 'C1', channel: 'phone' }, '2026-02-01T00:00:00.000Z')], stored).rows('customer_directory');
    // Only the list that changed, as an update of the row there (no insert tried, the other sixteen columns not sent).
    expect(rows).toEqual([{ key: { customer_id: 'C1' }, change: { opted_out: ['phone', 'sms'] }, insert: null, removed: false }]);
  });

  it('given rows stored before, a launch enrolling them (one in the control group, one already in another campaign) updates their two lists only', () => {
    const stored: DirectoryState = empty();
    const base = {
      home_unit_id: 'SB1', segment: 'retail', gender: 'M', tier: 'gold', manager_id: 'rm1', holdings: ['DEP'], opted_out: [], erased: false,
      birth_year: 1961, risk_tolerance: null, risk_valid_until: null, last_active_at: '2026-01-05T01:00:00.000Z', campaign_contacts: { c0: '2026-06-19T16:30:00.000Z' },
    };
    stored.customers.set('C1', { ...base, customer_id: 'C1', enrolled_in: [], control_in: [] });
    stored.customers.set('C2', { ...base, customer_id: 'C2', enrolled_in: ['K0'], control_in: ['K0'] });
    const enrolled = (customerId: string, group: string) => event('CustomerEnrolledInCampaign', { campaignId: 'K1', customerId, group }, '2026-06-19T16:00:00.000Z'); // midnight Beijing
    const rows = foldEffects(customerDirectoryProjection.definition, [enrolled('C1', 'control'), enrolled('C2', 'treatment'), enrolled('C2', 'treatment')], stored).rows('customer_directory');
    expect(rows).toEqual([
      { key: { customer_id: 'C1' }, change: { enrolled_in: ['K1'], control_in: ['K1'] }, insert: null, removed: false },
      { key: { customer_id: 'C2' }, change: { enrolled_in: ['K0', 'K1'] }, insert: null, removed: false },
    ]);
  });

  it('given customers the batch only enrols (rows not read), adds each campaign to their sets, a repeated enrolment once', () => {
    const state: DirectoryState = { ...empty(), enrolOnly: new Set(['C1', 'C2']) };
    const enrolled = (customerId: string, campaignId: string, group: string) => event('CustomerEnrolledInCampaign', { campaignId, customerId, group }, '2026-06-19T16:00:00.000Z');
    const rows = foldEffects(customerDirectoryProjection.definition, [enrolled('C1', 'K9', 'control'), enrolled('C2', 'K9', 'treatment'), enrolled('C1', 'K10', 'treatment'), enrolled('C1', 'K9', 'control')], state).rows('customer_directory');
    // No row is created (a customer not onboarded stays without one); the sets in code point order ('K10' before 'K9').
    expect(rows).toEqual([
      { key: { customer_id: 'C1' }, change: { enrolled_in: ['K10', 'K9'], control_in: ['K9'] }, insert: null, removed: false },
      { key: { customer_id: 'C2' }, change: { enrolled_in: ['K9'] }, insert: null, removed: false },
    ]);
  });

  it('given contacts stored before and more in the batch (one twice), writes their times newest first, by instant not by text, the 30 days before the latest only', () => {
    const stored: DirectoryState = empty();
    stored.customers.set('C1', {
      customer_id: 'C1', home_unit_id: 'SB1', segment: 'retail', gender: 'M', tier: 'ordinary', manager_id: null, holdings: [], opted_out: [], erased: false, birth_year: 1970,
      risk_tolerance: null, risk_valid_until: null, last_active_at: '2026-01-05T01:00:00.000Z', enrolled_in: [], control_in: [],
      // 23:59 Beijing on 20 February, written with its offset; 1 February 00:00 UTC.
      campaign_contacts: { a: '2026-02-01T00:00:00.000Z', b: '2026-02-20T23:59:00.000+08:00' },
    });
    const contacted = (contactId: string, contactedAt: string) =>
      event('CustomerContacted', { contactId, customerId: 'C1', staffId: 'rm1', channel: 'phone', campaignId: 'K1', outcomeNote: null, contactedAt }, contactedAt);
    const [row] = when(stored, [
      contacted('c', '2026-02-20T16:00:00.000Z'), // midnight Beijing, a minute after b: newer, though b's text sorts after it
      contacted('c', '2026-02-20T16:00:00.000Z'), // the same contact again: once
      contacted('d', '2026-03-03T00:00:00.000Z'), // the latest: 30 days before it is 1 February 00:00, so a (exactly then) is dropped
    ], 'customer_directory');
    expect(row).toBeNull(); // the row is there: an update, no insert
    const [written] = foldEffects(customerDirectoryProjection.definition, [
      contacted('c', '2026-02-20T16:00:00.000Z'),
      contacted('c', '2026-02-20T16:00:00.000Z'),
      contacted('d', '2026-03-03T00:00:00.000Z'),
    ], stored).rows('customer_directory');
    expect(written!.change.contact_times).toEqual(['2026-03-03T00:00:00.000Z', '2026-02-20T16:00:00.000Z', '2026-02-20T15:59:00.000Z']);
    expect(JSON.parse(written!.change.campaign_contacts as string)).toEqual({ b: '2026-02-20T23:59:00.000+08:00', c: '2026-02-20T16:00:00.000Z', d: '2026-03-03T00:00:00.000Z' });
  });

  it('given a campaign drafted then launched in one batch, writes it once, launched', () => {
    expect(when(empty(), [
      event('CampaignDrafted', { campaignId: 'K1', period: { start: '2026-03-01T00:00:00.000Z', end: '2026-04-30T16:00:00.000Z' } }, '2026-02-20T00:00:00.000Z'),
      event('CampaignLaunched', { campaignId: 'K1' }, '2026-03-01T00:00:00.000Z'),
      event('CampaignCompleted', { campaignId: 'K9' }, '2026-03-01T00:00:00.000Z'), // unknown here: nothing
    ], 'directory_campaigns')).toEqual([{ campaign_id: 'K1', status: 'launched', period_start: '2026-03-01T00:00:00.000Z', period_end: '2026-04-30T16:00:00.000Z' }]);
  });
});
