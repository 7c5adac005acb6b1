import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { campaignEffectivenessDefinition, placeAt } from './campaign-effectiveness.projection';
import { conversionsOf, emptyCeState, groupConversionsOf, participantsOf, stepsKey, type CeState } from './campaign-effectiveness.state';

let seq = 0;
const event = (type: string, data: Record<string, unknown>, occurredAt: string): RecordedEvent =>
  ({ type, data, metadata: { eventId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, occurredAt: new Date(occurredAt).toISOString() }, position: { commit: 1n, prepare: BigInt(seq) } }) as unknown as RecordedEvent;
const definition = campaignEffectivenessDefinition('Asia/Shanghai');
/** Given this state, when these events (in log order) are folded, the rows of `table` the batch will write. */
const when = (state: CeState, events: RecordedEvent[], table: string) =>
  foldEffects(definition, events, state)
    .rows(table)
    .map((r) => r.insert ?? { ...r.key, ...r.change });
const sale = (conversionId: string, productCode: string, revenue: string, occurredAt: string) =>
  event('ConversionRecorded', { conversionId, customerId: 'A', staffId: 'rm1', productCode, amount: revenue, revenue, campaignId: 'K' }, occurredAt);
const t = (beijing: string) => new Date(beijing).toISOString();

/** Campaign K sells DEP; A is onboarded in SB1 on 1 January. */
const given = () => [
  event('CampaignDrafted', { campaignId: 'K', name: 'Deposit spring', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 25, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } }, '2026-03-20T09:00:00+08:00'),
  event('CustomerOnboarded', { customerId: 'A', homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00'),
];

describe('campaign effectiveness as effects', () => {
  it('given a sale before the launch, one in the run, one reversed, one off-product and one after the close, counts one sale of 30.00 for the participant', () => {
    const events = [
      ...given(),
      sale('VA1', 'DEP', '100.00', '2026-03-29T09:00:00+08:00'), // before the launch (and the enrolment): paired, not counted
      event('CampaignLaunched', { campaignId: 'K', treatmentCount: 1, controlCount: 0 }, '2026-03-30T10:00:00+08:00'),
      event('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: 'A', group: 'treatment' }, '2026-03-30T10:00:00+08:00'),
      sale('VA2', 'DEP', '50.00', '2026-03-31T23:30:00+08:00'),
      sale('VA3', 'CARD', '10.00', '2026-04-01T00:10:00+08:00'), // not a campaign product: not paired
      sale('VA4', 'DEP', '30.00', '2026-04-01T00:30:00+08:00'),
      event('ConversionReversed', { customerId: 'A', conversionId: 'VA2' }, '2026-04-03T09:00:00+08:00'),
      event('ConversionReversed', { customerId: 'A', conversionId: 'VA2' }, '2026-04-04T09:00:00+08:00'), // seen twice: the first stands
      event('CampaignCompleted', { campaignId: 'K' }, '2026-04-10T18:00:00+08:00'),
      sale('VA5', 'DEP', '70.00', '2026-04-12T09:00:00+08:00'), // after the close: paired, not counted
    ];
    // VA1 before 30 Mar 10:00, VA2 reversed, VA5 after 10 Apr 18:00: only VA4, 30.00 = 3,000 fen.
    expect(when(emptyCeState(), events, 'ce_participants')).toEqual([
      { campaign_id: 'K', customer_id: 'A', grp: 'treatment', enrolled_at: t('2026-03-30T10:00:00+08:00'), unit_id: 'SB1', unit_from: t('2026-01-01T09:00:00+08:00'), tier: 'ordinary', sales: 1, revenue_fen: 3000,
        // For the as-of days: VA2 (31 Mar 23:30) until its reversal on 3 Apr 09:00, VA4 (1 Apr 00:30) for good.
        sale_at: [t('2026-03-31T23:30:00+08:00'), t('2026-04-01T00:30:00+08:00')], sale_until: [t('2026-04-03T09:00:00+08:00'), null], sale_revenue: [5000, 3000] },
    ]);
    expect(when(emptyCeState(), events, 'ce_group_conversions').map((r) => r.conversion_id)).toEqual(['VA1', 'VA2', 'VA4', 'VA5']);
    // The conversion is marked reversed once, at the first reversal's time.
    expect(when(emptyCeState(), events, 'ce_conversions').filter((r) => r.conversion_id === 'VA2')).toEqual([
      { conversion_id: 'VA2', event_id: expect.stringMatching(/^0{8}-/), customer_id: 'A', staff_id: 'rm1', product_code: 'DEP', amount_fen: 5000, revenue_fen: 5000, campaign_id: 'K', occurred_at: t('2026-03-31T23:30:00+08:00'), reversed: true, reversed_at: t('2026-04-03T09:00:00+08:00') },
    ]);
  });

  it('given contacts seen out of order, keeps the first contact (23:30 Beijing on 31 March), and an accepted offer is taking part', () => {
    const events = [
      ...given(),
      event('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: 'A', group: 'control' }, '2026-03-30T10:00:00+08:00'),
      event('CustomerContacted', { contactId: 'a2', campaignId: 'K', customerId: 'A', staffId: 'rm1', channel: 'sms' }, '2026-04-02T09:00:00+08:00'),
      event('CustomerContacted', { contactId: 'a1', campaignId: 'K', customerId: 'A', staffId: 'rm1', channel: 'phone' }, '2026-03-31T23:30:00+08:00'),
      event('CustomerContacted', { contactId: 'a1', campaignId: 'K', customerId: 'A', staffId: 'rm1', channel: 'phone' }, '2026-03-31T23:30:00+08:00'), // a repeat: one row
      event('OfferAccepted', { offerId: 'o1', campaignId: 'K', customerId: 'A' }, '2026-04-01T00:30:00+08:00'),
    ];
    const [row] = when(emptyCeState(), events, 'ce_participants');
    expect([row!.first_contacted_at, row!.first_offered_at, row!.first_accepted_at, row!.took_part_at]).toEqual([t('2026-03-31T23:30:00+08:00'), undefined, t('2026-04-01T00:30:00+08:00'), t('2026-04-01T00:30:00+08:00')]);
    expect(when(emptyCeState(), events, 'ce_contacts').map((r) => r.contact_id)).toEqual(['a2', 'a1']);
  });

  it('given a participant already written, a later-recorded backdated tier change and a transfer after enrolment change only its tier', () => {
    // In the read model: A in SB1 since 1 Jan, enrolled 30 March in K (ordinary then, as known).
    const s = emptyCeState();
    s.units.set('A', [{ validFrom: Date.parse('2026-01-01T09:00:00+08:00'), seq: 1n, value: 'SB1' }]);
    s.campaigns.set('K', { productCodes: ['DEP'], launchedAt: Date.parse('2026-03-30T10:00:00+08:00'), closedAt: null });
    participantsOf(s, 'A').set('K', {
      campaignId: 'K', customerId: 'A', grp: 'treatment', enrolledAt: Date.parse('2026-03-30T10:00:00+08:00'),
      first: { first_contacted_at: null, first_offered_at: null, first_accepted_at: null, took_part_at: null },
      unitId: 'SB1', unitFrom: Date.parse('2026-01-01T09:00:00+08:00'), tier: 'ordinary', sales: 0, revenueFen: 0, steps: stepsKey([], [], []),
    });
    const events = [
      event('CustomerTransferred', { customerId: 'A', toUnitId: 'SB2' }, '2026-04-05T09:00:00+08:00'), // after enrolment: SB1 stays
      event('CustomerTierChanged', { customerId: 'A', to: 'gold' }, '2026-03-01T09:00:00+08:00'), // before enrolment: gold then
    ];
    expect(when(s, events, 'ce_participants')).toEqual([{ campaign_id: 'K', customer_id: 'A', unit_id: 'SB1', unit_from: t('2026-01-01T09:00:00+08:00'), tier: 'gold' }]);
    expect(when(emptyCeState(), events, 'ce_customers')).toEqual([{ customer_id: 'A', unit_id: 'SB2', tier: 'gold' }]);
  });

  it('given a sale already paired before the launch, the launch counts it and a close before it takes it off again', () => {
    const s = emptyCeState();
    s.campaigns.set('K', { productCodes: ['DEP'], launchedAt: null, closedAt: null });
    participantsOf(s, 'B').set('K', {
      campaignId: 'K', customerId: 'B', grp: 'control', enrolledAt: Date.parse('2026-03-29T10:00:00+08:00'),
      first: { first_contacted_at: null, first_offered_at: null, first_accepted_at: null, took_part_at: null },
      unitId: 'SB1', unitFrom: null, tier: 'ordinary', sales: 0, revenueFen: 0, steps: stepsKey([], [], []),
    });
    conversionsOf(s, 'B').set('VB1', { productCode: 'DEP', occurredAt: Date.parse('2026-03-31T20:00:00+08:00'), revenueFen: 4000, reversed: false, reversedAt: null });
    groupConversionsOf(s, 'K', 'B').add('VB1');
    const launched = event('CampaignLaunched', { campaignId: 'K', treatmentCount: 0, controlCount: 1 }, '2026-03-30T10:00:00+08:00');
    // Launched 30 March: VB1 (31 March 20:00) counts, 40.00.
    expect(when(s, [launched], 'ce_participants')).toEqual([
      { campaign_id: 'K', customer_id: 'B', sales: 1, revenue_fen: 4000, sale_at: ['2026-03-31T12:00:00.000Z'], sale_until: [null], sale_revenue: [4000] },
    ]);
    // Then completed 31 March 18:00, two hours before the sale: none counts.
    expect(when(s, [event('CampaignCompleted', { campaignId: 'K' }, '2026-03-31T18:00:00+08:00')], 'ce_participants')).toEqual([
      { campaign_id: 'K', customer_id: 'B', sales: 0, revenue_fen: 0, sale_at: [], sale_until: [], sale_revenue: [] },
    ]);
  });

  it('places a backdated onboarding at its first known unit, since when it holds', () => {
    const row = (validFrom: string, seq: bigint, value: string) => ({ validFrom: Date.parse(validFrom), seq, value });
    // Enrolled 1 March; the only unit rows start 2 March (SB1) and 3 March (SB2): the earliest, SB1 from 2 March.
    expect(placeAt([row('2026-03-03T00:00:00+08:00', 1n, 'SB2'), row('2026-03-02T00:00:00+08:00', 2n, 'SB1')], [], Date.parse('2026-03-01T00:00:00+08:00'))).toEqual({
      unitId: 'SB1',
      unitFrom: Date.parse('2026-03-02T00:00:00+08:00'),
      tier: 'ordinary',
    });
  });

  it('keeps the targets as drafted (none: null) and each feedback line once, with its rating or null, at its business time', () => {
    const drafted = event(
      'CampaignDrafted',
      { campaignId: 'T', name: 'T', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '10', controlGroupPercent: 0, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00' }, targets: { conversions: 7, revenue: '1200.5' } },
      '2026-02-20T09:00:00+08:00',
    );
    expect(when(emptyCeState(), [drafted, ...given()], 'ce_campaigns').map((r) => [r.campaign_id, r.target_conversions, r.target_revenue])).toEqual([
      ['T', 7, '1200.5'],
      ['K', null, null], // K's plan set no target
    ]);
    const line = (feedbackId: string, rating: number | null, at: string) => event('CampaignFeedbackRecorded', { campaignId: 'K', feedbackId, customerId: null, rating, comment: 'c', commentNote: null }, at);
    // Rated 4 at 23:30 on 10 March Beijing; a comment without a rating at 00:30 on the 11th; the first seen again.
    expect(when(emptyCeState(), [line('F1', 4, '2026-03-10T23:30:00+08:00'), line('F2', null, '2026-03-11T00:30:00+08:00'), line('F1', 4, '2026-03-10T23:30:00+08:00')], 'ce_feedback')).toEqual([
      { campaign_id: 'K', feedback_id: 'F1', rating: 4, occurred_at: '2026-03-10T15:30:00.000Z' },
      { campaign_id: 'K', feedback_id: 'F2', rating: null, occurred_at: '2026-03-10T16:30:00.000Z' },
    ]);
  });

  it('reads a plan given in bank days as the decider does: from the first day at Beijing midnight to the one after the last day', () => {
    const drafted = event(
      'CampaignDrafted',
      { campaignId: 'D', name: 'D', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '10', controlGroupPercent: 0, period: { start: '2026-03-05', end: '2026-03-31' } },
      '2026-02-20T09:00:00+08:00',
    );
    // 5 March 00:00 Beijing is 4 March 16:00 UTC; the end is 1 April 00:00 Beijing, 31 March 16:00 UTC (not UTC midnights).
    expect(when(emptyCeState(), [drafted], 'ce_campaigns').map((r) => [r.period_start, r.period_end])).toEqual([['2026-03-04T16:00:00.000Z', '2026-03-31T16:00:00.000Z']]);
  });
});
