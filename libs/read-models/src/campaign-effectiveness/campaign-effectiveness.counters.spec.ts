import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { campaignEffectivenessDefinition, type CeCountedState } from './campaign-effectiveness.projection';
import { emptyCeState } from './campaign-effectiveness.state';

let seq = 0;
const event = (type: string, data: Record<string, unknown>, beijing: string): RecordedEvent =>
  ({ type, data, metadata: { eventId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, occurredAt: new Date(beijing).toISOString() }, position: { commit: 1n, prepare: BigInt(seq) } }) as unknown as RecordedEvent;
const definition = campaignEffectivenessDefinition('Asia/Shanghai');
const sale = (conversionId: string, customerId: string, revenue: string, beijing: string, campaignId: string | null) =>
  event('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: '1000.00', revenue, campaignId }, beijing);
const reversal = (conversionId: string, customerId: string, beijing: string) => event('ConversionReversed', { customerId, conversionId }, beijing);
const contact = (contactId: string, customerId: string, beijing: string) => event('CustomerContacted', { contactId, campaignId: 'K', customerId, staffId: 'rm1', channel: 'phone' }, beijing);

const COUNTERS = ['ce_group_counts', 'ce_group_sales_counts', 'ce_day_counts', 'ce_channel_counts', 'ce_campaign_totals'] as const;
type Counters = Record<(typeof COUNTERS)[number], Map<string, Record<string, unknown>>>;
const KEYS = new Set(['campaign_id', 'grp', 'unit_id', 'tier', 'as_of_day', 'day', 'channel']);

/** What a batch adds to each counter row (the fold's composed change per key: one upsert per row that moves, amounts that cancel left out). */
function deltas(events: RecordedEvent[], state: CeCountedState): Counters {
  const fold = foldEffects(definition, events, state);
  const out = {} as Counters;
  for (const table of COUNTERS) {
    out[table] = new Map();
    for (const r of fold.rows(table)) out[table].set(JSON.stringify(r.key), { ...r.key, ...r.change });
  }
  return out;
}
/** The counter rows after adding the batches' deltas, rows left at zero left out (as a recount gives them). */
function sum(...batches: Counters[]): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const table of COUNTERS) {
    const rows = new Map<string, Record<string, unknown>>();
    for (const b of batches)
      for (const [k, r] of b[table]) {
        const row = rows.get(k) ?? {};
        for (const c in r) row[c] = KEYS.has(c) ? r[c] : c === 'squares' ? BigInt((row[c] as bigint | undefined) ?? 0n) + BigInt(r[c] as bigint) : Number(row[c] ?? 0) + Number(r[c]);
        rows.set(k, row);
      }
    out[table] = [...rows.values()]
      .filter((r) => Object.keys(r).some((c) => !KEYS.has(c) && Number(r[c]) !== 0))
      .map((r) => Object.fromEntries(Object.entries(r).filter(([c, v]) => KEYS.has(c) || Number(v) !== 0).map(([c, v]) => [c, typeof v === 'bigint' ? v.toString() : v])))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/**
 * Campaign K (product DEP) launched 30 March 10:00 Beijing time. A (SB1) is enrolled at 23:30 on 31 March, the last
 * day of March, B (SB1) at 00:30 on 1 April (both 31 March in UTC): their stages count from two bank days. A is
 * contacted at 00:10 on 1 April and buys 100.00 tagged with K. C (not enrolled) buys 40.00 tagged with K at 23:30 on
 * 1 April. Then, in a second batch (the state as the first left it): B moves to SB2 and buys 30.00 tagged; A buys
 * 50.00 tagged and 20.00 untagged (still a campaign product: counts for the group), a contact of A at 23:40 on
 * 31 March is seen late (A's first contact moves a day earlier), A's 100.00 is reversed on 5 April, and C's 40.00 at
 * 00:30 on 2 April.
 */
const BATCH_1 = [
  event('CampaignDrafted', { campaignId: 'K', name: 'Deposit spring', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 25, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } }, '2026-03-20T09:00:00+08:00'),
  event('CampaignLaunched', { campaignId: 'K', treatmentCount: 2, controlCount: 0 }, '2026-03-30T10:00:00+08:00'),
  ...['A', 'B'].map((id) => event('CustomerOnboarded', { customerId: id, homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')),
  event('CustomerOnboarded', { customerId: 'C', homeUnitId: 'SB2' }, '2026-01-01T09:00:00+08:00'),
  event('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: 'A', group: 'treatment' }, '2026-03-31T23:30:00+08:00'),
  event('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: 'B', group: 'treatment' }, '2026-04-01T00:30:00+08:00'),
  contact('a1', 'A', '2026-04-01T00:10:00+08:00'),
  sale('VA1', 'A', '100.00', '2026-04-01T09:00:00+08:00', 'K'),
  sale('VC1', 'C', '40.00', '2026-04-01T23:30:00+08:00', 'K'),
];
const BATCH_2 = [
  event('CustomerTransferred', { customerId: 'B', toUnitId: 'SB2' }, '2026-04-02T09:00:00+08:00'),
  sale('VB1', 'B', '30.00', '2026-04-03T09:00:00+08:00', 'K'),
  sale('VA2', 'A', '50.00', '2026-04-03T10:00:00+08:00', 'K'),
  sale('VA3', 'A', '20.00', '2026-04-03T11:00:00+08:00', null),
  contact('a0', 'A', '2026-03-31T23:40:00+08:00'),
  reversal('VA1', 'A', '2026-04-05T09:00:00+08:00'),
  reversal('VC1', 'C', '2026-04-02T00:30:00+08:00'),
];

const K = { campaign_id: 'K' };
const treatment = (unit_id: string, as_of_day: string) => ({ ...K, grp: 'treatment', unit_id, tier: 'ordinary', as_of_day });

describe('campaign effectiveness counters as effects (deltas of the fact rows, hand-worked)', () => {
  it('given the first batch, counts each enrolment on its own Beijing bank day, the first contact and the tagged sales', () => {
    const first = deltas(BATCH_1, emptyCeState());
    expect(sum(first)).toEqual({
      ce_group_counts: [
        { ...treatment('SB1', '2026-03-31'), enrolled: 1 }, // A, 23:30 on 31 March
        { ...treatment('SB1', '2026-04-01'), enrolled: 1, contacted: 1 }, // B at 00:30; A's contact at 00:10 on 1 April
      ],
      ce_group_sales_counts: [{ ...K, grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', converted: 1, revenue_fen: 10000, squares: '100000000' }], // A 10,000²
      ce_day_counts: [{ ...K, day: '2026-04-01', as_of_day: '2026-04-01', contacted: 1, sales: 2, revenue_fen: 14000 }], // VA1 + VC1 (23:30: still 1 April)
      ce_channel_counts: [{ ...K, channel: 'phone', day: '2026-04-01', contacts: 1, customers: 1 }],
      ce_campaign_totals: [{ ...K, tagged_sales: 2, tagged_customers: 2, tagged_revenue_fen: 14000 }],
    });
  });

  it('given the second batch on the state the first left, moves what changed (off from the old key, on at the new) and nothing else', () => {
    const state = emptyCeState();
    deltas(BATCH_1, state);
    const second = deltas(BATCH_2, state);
    // A's first contact moves from 1 April to 31 March 23:40 (counted from 31 March: A was enrolled at 23:30).
    expect([...second.ce_group_counts.values()].sort((x, y) => String(x.as_of_day).localeCompare(String(y.as_of_day)))).toEqual([
      { ...treatment('SB1', '2026-03-31'), contacted: 1 },
      { ...treatment('SB1', '2026-04-01'), contacted: -1 },
    ]);
    // B (moved to SB2 after enrolment) counts in SB1: +1 converted, +3,000, +3,000². A: 1 sale of 10,000 → 2 of
    // 5,000 + 2,000 = 7,000: revenue −3,000, squares 7,000² − 10,000² = −51,000,000. Together: 0 revenue, −42,000,000.
    expect([...second.ce_group_sales_counts.values()]).toEqual([{ ...K, grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', converted: 1, squares: -42000000n }]); // revenue: +0, not written
    // Totals: +VB1 +VA2 −VA1 −VC1 = 0 sales, 3,000 + 5,000 − 10,000 − 4,000 = −6,000; customers +B −C (A keeps VA2): 0.
    expect([...second.ce_campaign_totals.values()]).toEqual([{ ...K, tagged_revenue_fen: -6000 }]);
    expect(sum(second).ce_channel_counts).toEqual([
      { ...K, channel: 'phone', day: '2026-03-31', contacts: 1, customers: 1 },
      { ...K, channel: 'phone', day: '2026-04-01', customers: -1 },
    ]);
  });

  it('after both batches, holds what a recount of the fact rows gives', () => {
    const state = emptyCeState();
    expect(sum(deltas(BATCH_1, state), deltas(BATCH_2, state))).toEqual({
      ce_group_counts: [
        { ...treatment('SB1', '2026-03-31'), enrolled: 1, contacted: 1 }, // A
        { ...treatment('SB1', '2026-04-01'), enrolled: 1 }, // B, never contacted
      ],
      // A 7,000 (VA2, VA3) and B 3,000 (in SB1, its unit at enrolment): 7,000² + 3,000² = 58,000,000.
      ce_group_sales_counts: [{ ...K, grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', converted: 2, revenue_fen: 10000, squares: '58000000' }],
      ce_day_counts: [
        { ...K, day: '2026-03-31', as_of_day: '2026-03-31', contacted: 1 },
        { ...K, day: '2026-04-01', as_of_day: '2026-04-01', sales: 2, revenue_fen: 14000 }, // VA1 and VC1 on their day…
        { ...K, day: '2026-04-01', as_of_day: '2026-04-02', sales: -1, revenue_fen: -4000 }, // …VC1 off from its reversal (00:30 on 2 April)
        { ...K, day: '2026-04-01', as_of_day: '2026-04-05', sales: -1, revenue_fen: -10000 }, // …VA1 off from 5 April
        { ...K, day: '2026-04-03', as_of_day: '2026-04-03', sales: 2, revenue_fen: 8000 }, // VB1 + VA2 (VA3 is untagged)
      ],
      ce_channel_counts: [
        { ...K, channel: 'phone', day: '2026-03-31', contacts: 1, customers: 1 },
        { ...K, channel: 'phone', day: '2026-04-01', contacts: 1 },
      ],
      ce_campaign_totals: [{ ...K, tagged_sales: 2, tagged_customers: 2, tagged_revenue_fen: 8000 }], // VA2, VB1: A and B
    });
  });

  it('counts a fact seen again (the same contact, sale or reversal) once', () => {
    const state = emptyCeState();
    const once = sum(deltas(BATCH_1, state), deltas(BATCH_2, state));
    const again = emptyCeState();
    const repeated = [contact('a1', 'A', '2026-04-01T00:10:00+08:00'), sale('VA2', 'A', '50.00', '2026-04-03T10:00:00+08:00', 'K'), reversal('VC1', 'C', '2026-04-02T00:30:00+08:00')];
    expect(sum(deltas(BATCH_1, again), deltas([...BATCH_2, ...repeated], again), deltas(repeated, again))).toEqual(once);
  });
});
