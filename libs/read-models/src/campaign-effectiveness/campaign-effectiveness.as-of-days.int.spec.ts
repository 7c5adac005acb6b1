import { randomUUID } from 'node:crypto';
import { syntheticHistory } from '@app/demo';
import { endOfBusinessDay, formatFen, meanDifference } from '@app/domain';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels, type Queryable } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignEffectiveness, campaignEffectivenessAtDayEndFromSales, campaignEffectivenessFromFacts } from './campaign-effectiveness.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, revenue: string, occurredAt: string, campaignId: string | null) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: '1000.00', revenue, campaignId }, occurredAt);
const reversal = (customerId: string, conversionId: string, at: string) => ev('ConversionReversed', { customerId, conversionId }, at);

/**
 * Campaign K (DEP) launched 28 March 10:00 Beijing time, completed 10 April. Treatment A, B, C (SB1) and D
 * (enrolled before its only unit row, SB2 from 2 April: no unit until then); control X, Y (SB1). Times in
 * Beijing time: 23:30 on 31 March and 00:30 on 1 April are two bank days and two months.
 *
 *   A  VA0 10.00 27 Mar (before the launch: never counts); VA1 100.00 31 Mar 23:30 (tagged), reversed 2 Apr 10:00;
 *      VA2 50.00 1 Apr 00:30 (tagged); VA3 20.00 2 Apr 15:00
 *   B  VB1 30.00 1 Apr 10:00 (tagged), reversed 3 Apr 00:10
 *   C  VC1 70.00 12 Apr (after the close: never counts)
 *   D  VD1 10.00 1 Apr 12:00
 *   X  VX1 40.00 1 Apr 23:30 (control)
 */
const HISTORY: [string, NewEvent[]][] = [
  ...['A', 'B', 'C', 'X', 'Y'].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerOnboarded', { customerId: id, homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')]]),
  ['customer-D', [ev('CustomerOnboarded', { customerId: 'D', homeUnitId: 'SB2' }, '2026-04-02T09:00:00+08:00')]],
  [
    'campaign-K',
    [
      ev(
        'CampaignDrafted',
        { campaignId: 'K', name: 'Deposit spring', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 33, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } },
        '2026-03-20T09:00:00+08:00',
      ),
    ],
  ],
  ['customer-A', [sale('VA0', 'A', '10.00', '2026-03-27T09:00:00+08:00', null)]],
  ['campaign-K', [ev('CampaignLaunched', { campaignId: 'K', treatmentCount: 4, controlCount: 2 }, '2026-03-28T10:00:00+08:00')]],
  ...['A', 'B', 'C', 'D', 'X', 'Y'].map((id): [string, NewEvent[]] => [
    `customer-${id}`,
    [ev('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: id, group: id === 'X' || id === 'Y' ? 'control' : 'treatment' }, '2026-03-28T10:00:00+08:00')],
  ]),
  ['customer-A', [sale('VA1', 'A', '100.00', '2026-03-31T23:30:00+08:00', 'K'), sale('VA2', 'A', '50.00', '2026-04-01T00:30:00+08:00', 'K')]],
  ['customer-B', [sale('VB1', 'B', '30.00', '2026-04-01T10:00:00+08:00', 'K')]],
  ['customer-D', [sale('VD1', 'D', '10.00', '2026-04-01T12:00:00+08:00', null)]],
  ['customer-B', [ev('ComplaintRecorded', { customerId: 'B', complaintId: 'P1', campaignId: 'K' }, '2026-04-01T23:00:00+08:00')]],
  ['customer-X', [sale('VX1', 'X', '40.00', '2026-04-01T23:30:00+08:00', null)]],
  ['customer-A', [reversal('A', 'VA1', '2026-04-02T10:00:00+08:00'), sale('VA3', 'A', '20.00', '2026-04-02T15:00:00+08:00', null)]],
  ['campaign-K', [ev('CampaignCostRecorded', { campaignId: 'K', costId: 'cost-1', amount: '60.00', customerId: null }, '2026-04-02T18:00:00+08:00')]],
  ['customer-B', [reversal('B', 'VB1', '2026-04-03T00:10:00+08:00')]],
  ['campaign-K', [ev('CampaignCompleted', { campaignId: 'K' }, '2026-04-10T18:00:00+08:00')]],
  ['customer-C', [sale('VC1', 'C', '70.00', '2026-04-12T09:00:00+08:00', null)]],
];

const dayEnd = (day: string) => new Date(endOfBusinessDay(day));
type Sums = { n: number; converted: number; sum: number; sumOfSquares: number };

describe('campaign effectiveness as of a bank day’s end, from the deltas of spans of days (no per-customer rows)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const q = <T>(f: (rm: Queryable) => Promise<T>) => withReadModels(db.pool, [campaignEffectivenessProjection.name], f);
  const project = async () => {
    // Batches of 2: the spans must not depend on where batches are cut.
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 2, timeoutMs: 240_000 });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const [stream, events] of HISTORY) await store.appendToStream(stream, events, 'any');
    await project();
  });
  afterAll(() => db.drop());

  // Each customer's counting revenue (fen) on the day, worked out from the table above.
  const cases: { day: string; t: Sums; c: Sums; tagged: [number, number, string]; cost: string; complaints: number; byUnit: [string, number, number][] }[] = [
    // 30 Mar: nobody had bought in the run (VA0 was before the launch).
    { day: '2026-03-30', t: { n: 4, converted: 0, sum: 0, sumOfSquares: 0 }, c: { n: 2, converted: 0, sum: 0, sumOfSquares: 0 }, tagged: [0, 0, '0.00'], cost: '0.00', complaints: 0, byUnit: [['', 0, 0], ['SB1', 0, 0]] },
    // 31 Mar: A 10,000 (VA1 at 23:30).
    { day: '2026-03-31', t: { n: 4, converted: 1, sum: 10_000, sumOfSquares: 10_000 ** 2 }, c: { n: 2, converted: 0, sum: 0, sumOfSquares: 0 }, tagged: [1, 1, '100.00'], cost: '0.00', complaints: 0, byUnit: [['', 0, 0], ['SB1', 1, 0]] },
    // 1 Apr: A 15,000 (VA1 + VA2 at 00:30), B 3,000, D 1,000 (no unit yet); X 4,000. Tagged VA1, VA2, VB1: A and B.
    {
      day: '2026-04-01',
      t: { n: 4, converted: 3, sum: 19_000, sumOfSquares: 15_000 ** 2 + 3_000 ** 2 + 1_000 ** 2 },
      c: { n: 2, converted: 1, sum: 4_000, sumOfSquares: 4_000 ** 2 },
      tagged: [3, 2, '180.00'],
      cost: '0.00',
      complaints: 1,
      byUnit: [['', 1, 0], ['SB1', 2, 1]],
    },
    // 2 Apr: VA1 reversed (off from its own day), VA3 bought: A 5,000 + 2,000 = 7,000; B 3,000; D 1,000 (SB2 from today); X 4,000.
    {
      day: '2026-04-02',
      t: { n: 4, converted: 3, sum: 11_000, sumOfSquares: 7_000 ** 2 + 3_000 ** 2 + 1_000 ** 2 },
      c: { n: 2, converted: 1, sum: 4_000, sumOfSquares: 4_000 ** 2 },
      tagged: [2, 2, '80.00'],
      cost: '60.00',
      complaints: 1,
      byUnit: [['SB1', 2, 1], ['SB2', 1, 0]],
    },
    // 3 Apr: VB1 reversed at 00:10: B drops out. A 7,000, D 1,000; X 4,000.
    {
      day: '2026-04-03',
      t: { n: 4, converted: 2, sum: 8_000, sumOfSquares: 7_000 ** 2 + 1_000 ** 2 },
      c: { n: 2, converted: 1, sum: 4_000, sumOfSquares: 4_000 ** 2 },
      tagged: [1, 1, '50.00'],
      cost: '60.00',
      complaints: 1,
      byUnit: [['SB1', 1, 1], ['SB2', 1, 0]],
    },
    // 12 Apr: completed 10 April; C's sale that day is outside the run.
    {
      day: '2026-04-12',
      t: { n: 4, converted: 2, sum: 8_000, sumOfSquares: 7_000 ** 2 + 1_000 ** 2 },
      c: { n: 2, converted: 1, sum: 4_000, sumOfSquares: 4_000 ** 2 },
      tagged: [1, 1, '50.00'],
      cost: '60.00',
      complaints: 1,
      byUnit: [['SB1', 1, 1], ['SB2', 1, 0]],
    },
  ];

  it.each(cases)('as of the end of $day: converted customers, revenue and its interval as worked out by hand', async ({ day, t, c, tagged, cost, complaints, byUnit }) => {
    const e = (await q((rm) => campaignEffectiveness(rm, 'K', dayEnd(day))))!;
    expect(e.groups).toEqual({
      treatment: { size: t.n, converted: t.converted, conversionRate: t.converted / t.n, revenue: formatFen(t.sum) },
      control: { size: c.n, converted: c.converted, conversionRate: c.converted / c.n, revenue: formatFen(c.sum) },
    });
    expect([e.conversions, e.funnel.converted, e.revenue, e.cost, e.complaints]).toEqual([tagged[0], tagged[1], tagged[2], cost, complaints]);
    expect(e.byUnit.map((u) => [u.unitId, u.treatmentConverted, u.controlConverted])).toEqual(byUnit);
    // The interval from the hand-worked sums (Welch with its floor: the statistics are tested on their own).
    const expected = meanDifference(t, c);
    const money = (fen: number) => formatFen(Math.round(fen));
    expect(e.revenuePerCustomer).toMatchObject({
      treatment: money(t.sum / t.n),
      control: money(c.sum / c.n),
      difference: money(t.sum / t.n - c.sum / c.n),
      confidenceInterval95: expected?.interval ? [money(expected.interval[0]), money(expected.interval[1])] : null,
    });
    // The same as the answer from the campaign's fact rows, and as the day-end answer from its sales rows (v8).
    expect(await q((rm) => campaignEffectivenessFromFacts(rm, 'K', dayEnd(day)))).toEqual(e);
    expect(await q((rm) => campaignEffectivenessAtDayEndFromSales(rm, 'K', dayEnd(day)))).toEqual(e);
  });

  // B's reversal at 00:10 on 3 April Beijing time is 16:10 on 2 April UTC: its span ends on 3 April, so its −1 is on 3 April.
  // On the wrong day (2 April, or 4 April) B would drop out a day early (the end of 2 April above) or a day late (3 April).
  const dayRows = (sql: string) => q(async (rm) => (await rm.query(sql)).rows);
  it('keeps deltas of spans, not customers: in on a span’s first day, out on its end day (B’s reversal at 00:10 on 3 April: out on 3 April)', async () => {
    // Revenue steps (customers, fen, squares): A VA1 [31 Mar, 1 Apr) 10,000, VA1 + VA2 [1 Apr, 2 Apr) 15,000, VA2 + VA3 from 2 Apr 7,000;
    // B [1 Apr, 3 Apr) 3,000; D from 1 Apr 1,000; control X from 1 Apr 4,000. Each in on its first day, out on its end day.
    expect(
      await dayRows(`SELECT grp, to_char(as_of_day, 'MM-DD') AS d, customers, revenue_fen::int AS revenue, squares::text
                     FROM ce_revenue_counts WHERE customers <> 0 OR revenue_fen <> 0 OR squares <> 0 ORDER BY grp, as_of_day`),
    ).toEqual([
      { grp: 'control', d: '04-01', customers: 1, revenue: 4000, squares: '16000000' }, // X in
      { grp: 'treatment', d: '03-31', customers: 1, revenue: 10000, squares: '100000000' }, // A in (VA1)
      // A out (VA1) and in (VA1 + VA2), B in, D in: 2 customers, −10,000 + 15,000 + 3,000 + 1,000; −10,000² + 15,000² + 3,000² + 1,000²
      { grp: 'treatment', d: '04-01', customers: 2, revenue: 9000, squares: '135000000' },
      { grp: 'treatment', d: '04-02', customers: 0, revenue: -8000, squares: '-176000000' }, // A out (VA1 + VA2), in (VA2 + VA3)
      { grp: 'treatment', d: '04-03', customers: -1, revenue: -3000, squares: '-9000000' }, // B out
    ]);
    // Converted customers by unit: A held a sale from 31 Mar on without a gap; D had no unit until its unit row on 2 Apr.
    expect(
      await dayRows(`SELECT grp, unit_id, tier, to_char(as_of_day, 'MM-DD') AS d, converted FROM ce_converted_counts WHERE converted <> 0 ORDER BY grp, as_of_day, unit_id`),
    ).toEqual([
      { grp: 'control', unit_id: 'SB1', tier: 'ordinary', d: '04-01', converted: 1 }, // X
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', d: '03-31', converted: 1 }, // A
      { grp: 'treatment', unit_id: '', tier: 'ordinary', d: '04-01', converted: 1 }, // D in, no unit
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', d: '04-01', converted: 1 }, // B in
      { grp: 'treatment', unit_id: '', tier: 'ordinary', d: '04-02', converted: -1 }, // D out of no unit
      { grp: 'treatment', unit_id: 'SB2', tier: 'ordinary', d: '04-02', converted: 1 }, // D into SB2
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', d: '04-03', converted: -1 }, // B out
    ]);
    // Tagged: A from 31 Mar (VA1, then VA2 standing), B from 1 Apr to its reversal on 3 Apr.
    expect(await dayRows(`SELECT to_char(as_of_day, 'MM-DD') AS d, customers FROM ce_tagged_span_counts WHERE customers <> 0 ORDER BY as_of_day`)).toEqual([
      { d: '03-31', customers: 1 },
      { d: '04-01', customers: 1 },
      { d: '04-03', customers: -1 },
    ]);
  });

  it('as of every day end of a synthetic history (moves, reversals, late sales), equal to the answer from the facts and to v8’s', async () => {
    for (const b of syntheticHistory(120, 7, { changes: true })) await store.appendToStreams(b);
    await project();
    for (const campaignId of ['K1', 'K2', 'K3']) {
      for (let d = 0; d <= 64; d += 3) {
        const day = new Date(Date.UTC(2026, 2, 1) + d * 86_400_000).toISOString().slice(0, 10);
        const e = await q((rm) => campaignEffectiveness(rm, campaignId, dayEnd(day)));
        expect(await q((rm) => campaignEffectivenessFromFacts(rm, campaignId, dayEnd(day)))).toEqual(e);
        expect(await q((rm) => campaignEffectivenessAtDayEndFromSales(rm, campaignId, dayEnd(day)))).toEqual(e);
      }
    }
  }, 300_000);
});
