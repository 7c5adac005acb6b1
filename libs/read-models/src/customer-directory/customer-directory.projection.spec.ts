import type { CampaignEvent, CustomerEvent } from '@app/domain';
import { evolveCampaignRow, evolveCustomerRow, type CustomerDirectoryRow } from './customer-directory.projection';

const onboarded = evolveCustomerRow(null, { type: 'CustomerOnboarded', data: { customerId: 'C1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 } }, '2026-01-05T01:00:00.000Z')!;
const contact = (contactId: string, contactedAt: string, campaignId: string | null = 'K1'): CustomerEvent => ({
  type: 'CustomerContacted',
  data: { contactId, customerId: 'C1', staffId: 'rm1', channel: 'phone', campaignId, outcomeNote: null, contactedAt },
});
const apply = (row: CustomerDirectoryRow, ...events: [CustomerEvent, string][]) => events.reduce((r, [e, at]) => evolveCustomerRow(r, e, at)!, row);

describe('the customer directory row (what audiences select on)', () => {
  it('starts with the birth year, active since onboarding, no contacts or enrolments', () => {
    expect(onboarded).toMatchObject({ birth_year: 1980, last_active_at: '2026-01-05T01:00:00.000Z', campaign_contacts: {}, enrolled_in: [], control_in: [] });
  });

  it('keeps campaign contacts of the 30 days before the latest, keyed so a contact applied twice counts once', () => {
    const row = apply(
      onboarded,
      [contact('a', '2026-02-01T00:00:00.000Z'), '2026-02-01T00:00:00.000Z'],
      [contact('b', '2026-02-20T00:00:00.000Z'), '2026-02-20T00:00:00.000Z'],
      [contact('b', '2026-02-20T00:00:00.000Z'), '2026-02-20T00:00:00.000Z'],
      [contact('x', '2026-02-25T00:00:00.000Z', null), '2026-02-25T00:00:00.000Z'],
      // 3 March: 'a' (1 Feb) is 30 days before to the minute: no longer "after the start of the 30 days".
      [contact('c', '2026-03-03T00:00:00.000Z'), '2026-03-03T00:00:00.000Z'],
    );
    expect(row.campaign_contacts).toEqual({ b: '2026-02-20T00:00:00.000Z', c: '2026-03-03T00:00:00.000Z' });
  });

  it('moves the last activity to the latest sale or card payment, never back', () => {
    const sale: CustomerEvent = { type: 'ConversionRecorded', data: { conversionId: 'V1', customerId: 'C1', staffId: 'rm1', productCode: 'GOLD', amount: '1', revenue: '1', campaignId: null, referrerStaffId: null, referralId: null } };
    const row = apply(onboarded, [sale, '2026-03-01T00:00:00.000Z'], [sale, '2026-02-01T00:00:00.000Z']);
    expect(row).toMatchObject({ last_active_at: '2026-03-01T00:00:00.000Z', holdings: ['GOLD'] });
    const card = evolveCustomerRow(row, { type: 'TransactionPointsEarned', data: { customerId: 'C1' } }, '2026-03-02T15:59:00.000Z')!;
    expect(card.last_active_at).toBe('2026-03-02T15:59:00.000Z');
  });

  it('records enrolments, control groups apart, and the risk profile last assessed', () => {
    const row = apply(
      onboarded,
      [{ type: 'CustomerEnrolledInCampaign', data: { campaignId: 'K2', customerId: 'C1', group: 'control' } }, '2026-02-01T00:00:00.000Z'],
      [{ type: 'CustomerEnrolledInCampaign', data: { campaignId: 'K1', customerId: 'C1', group: 'treatment' } }, '2026-02-02T00:00:00.000Z'],
      [{ type: 'RiskProfileAssessed', data: { customerId: 'C1', tolerance: 'R3', assessedAt: '2026-02-03T00:00:00.000Z', validUntil: '2027-02-03T00:00:00.000Z' } }, '2026-02-03T00:00:00.000Z'],
    );
    expect(row).toMatchObject({ enrolled_in: ['K1', 'K2'], control_in: ['K2'], risk_tolerance: 'R3', risk_valid_until: '2027-02-03T00:00:00.000Z' });
  });
});

describe('the directory campaign row (periods for the control-group and overlap rules)', () => {
  const drafted = (start: string, end: string) =>
    ({ type: 'CampaignDrafted', data: { campaignId: 'K', name: 'K', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '10', controlGroupPercent: 0, period: { start, end } } }) as unknown as CampaignEvent;

  it('reads a period given in bank days from the first day at Beijing midnight to the midnight after the last day', () => {
    // 5 March 00:00 Beijing = 4 March 16:00 UTC; the end 1 April 00:00 Beijing = 31 March 16:00 UTC.
    expect(evolveCampaignRow(null, drafted('2026-03-05', '2026-03-31'))).toEqual({ campaign_id: 'K', status: 'draft', period_start: '2026-03-04T16:00:00.000Z', period_end: '2026-03-31T16:00:00.000Z' });
  });

  it('keeps a period given as instants with their offsets, as instants', () => {
    expect(evolveCampaignRow(null, drafted('2026-03-05T00:00:00+08:00', '2026-04-01T00:00:00+08:00'))).toMatchObject({ period_start: '2026-03-04T16:00:00.000Z', period_end: '2026-03-31T16:00:00.000Z' });
  });
});
