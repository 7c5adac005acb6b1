import { randomUUID } from 'node:crypto';
import { endOfBusinessDay, nextBusinessDay } from '@app/domain';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels, type Queryable } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignEffectiveness, campaignEffectivenessAtDayEnd, campaignEffectivenessFromFacts, type CampaignEffectiveness, type MonthsRead } from './campaign-effectiveness.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, revenue: string, occurredAt: string, campaignId: string | null) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: '1000.00', revenue, campaignId }, occurredAt);
const contact = (contactId: string, customerId: string, at: string) =>
  ev('CustomerContacted', { contactId, customerId, staffId: 'rm1', channel: 'phone', campaignId: 'M', outcomeNote: null, contactedAt: at }, at);
const offer = (type: 'OfferPresented' | 'OfferAccepted', customerId: string, at: string) => ev(type, { offerId: `O-${customerId}`, customerId, staffId: 'rm1', productCode: 'DEP', campaignId: 'M' }, at);
const onboarded = (customerId: string, unitId: string) => ev('CustomerOnboarded', { customerId, homeUnitId: unitId }, '2026-01-01T09:00:00+08:00');
const enrolled = (customerId: string, group: string) => ev('CustomerEnrolledInCampaign', { campaignId: 'M', customerId, group }, '2026-11-20T10:00:00+08:00');

/**
 * Campaign M (DEP), launched 20 November 2026 10:00 Beijing time, everyone enrolled then, still running over the year
 * end. Times in Beijing time: 23:30 on a month's last day and 00:30 on the next month's first day fall in two bank
 * months (00:30 Beijing is 16:30 UTC the day before: a UTC cut would put it in the earlier month).
 *
 *   A  treatment, SB1, ordinary (moved to SB2 on 10 Dec: still SB1 in the breakdowns). Contacted 30 Nov 23:30;
 *      offered and accepted (so took part) 31 Dec 23:30. VA1 100.00 30 Nov 23:30 (tagged M), VA2 50.00 1 Dec 00:30
 *      (tagged M), VA3 20.00 2 Jan 10:00 (untagged, still a campaign product in the run): three sales, one customer.
 *   B  treatment, SB1, gold since 1 Oct. Contacted 1 Dec 00:30. VB1 30.00 31 Dec 23:30 (tagged M), reversed 1 Jan 00:30.
 *   C  treatment, SB2, ordinary. Contacted 1 Jan 00:30. VC1 70.00 15 Jan 12:00.
 *   D  treatment, SB2, ordinary. Nothing.
 *   X  control, SB1, ordinary. VX1 40.00 1 Dec 00:30, VX2 5.00 1 Feb 00:30 (two sales, one customer).
 *   Y  control, SB2, ordinary. Nothing.
 */
const HISTORY: [string, NewEvent[]][] = [
  ...['A', 'B', 'X'].map((id): [string, NewEvent[]] => [`customer-${id}`, [onboarded(id, 'SB1')]]),
  ...['C', 'D', 'Y'].map((id): [string, NewEvent[]] => [`customer-${id}`, [onboarded(id, 'SB2')]]),
  ['customer-B', [ev('CustomerTierChanged', { customerId: 'B', to: 'gold' }, '2026-10-01T09:00:00+08:00')]],
  [
    'campaign-M',
    [
      ev(
        'CampaignDrafted',
        { campaignId: 'M', name: 'Deposit winter', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 33, period: { start: '2026-11-01T00:00:00+08:00', end: '2027-03-31T00:00:00+08:00' } },
        '2026-11-01T09:00:00+08:00',
      ),
      ev('CampaignLaunched', { campaignId: 'M', treatmentCount: 4, controlCount: 2 }, '2026-11-20T10:00:00+08:00'),
    ],
  ],
  ...['A', 'B', 'C', 'D', 'X', 'Y'].map((id): [string, NewEvent[]] => [`customer-${id}`, [enrolled(id, id === 'X' || id === 'Y' ? 'control' : 'treatment')]]),
  ['customer-A', [contact('ca', 'A', '2026-11-30T23:30:00+08:00'), sale('VA1', 'A', '100.00', '2026-11-30T23:30:00+08:00', 'M')]],
  ['customer-B', [contact('cb', 'B', '2026-12-01T00:30:00+08:00')]],
  ['customer-A', [sale('VA2', 'A', '50.00', '2026-12-01T00:30:00+08:00', 'M')]],
  ['customer-X', [sale('VX1', 'X', '40.00', '2026-12-01T00:30:00+08:00', null)]],
  ['customer-A', [ev('CustomerTransferred', { customerId: 'A', toUnitId: 'SB2' }, '2026-12-10T09:00:00+08:00')]],
  ['customer-A', [offer('OfferPresented', 'A', '2026-12-31T23:30:00+08:00'), offer('OfferAccepted', 'A', '2026-12-31T23:30:00+08:00')]],
  ['customer-B', [sale('VB1', 'B', '30.00', '2026-12-31T23:30:00+08:00', 'M')]],
  ['customer-B', [ev('ConversionReversed', { customerId: 'B', conversionId: 'VB1' }, '2027-01-01T00:30:00+08:00')]],
  ['customer-C', [contact('cc', 'C', '2027-01-01T00:30:00+08:00')]],
  ['customer-A', [sale('VA3', 'A', '20.00', '2027-01-02T10:00:00+08:00', null)]],
  ['customer-C', [sale('VC1', 'C', '70.00', '2027-01-15T12:00:00+08:00', null)]],
  ['customer-X', [sale('VX2', 'X', '5.00', '2027-02-01T00:30:00+08:00', null)]],
];

const dayEnd = (day: string) => new Date(endOfBusinessDay(day));
const READS: MonthsRead[] = [
  { months: 'before', days: 'upTo' },
  { months: 'before', days: 'after' },
  { months: 'after', days: 'upTo' },
  { months: 'after', days: 'after' },
];

/** What a day end shows, worked out by hand from the table above. */
interface Expected {
  readonly day: string;
  /** Treatment, control: converted, revenue. */
  readonly t: [number, string];
  readonly c: [number, string];
  readonly funnel: { contacted: number; offered: number; accepted: number; participated: number; converted: number };
  /** Sales tagged M standing. */
  readonly conversions: number;
  /** By unit at enrolment (SB1, SB2) and by tier (gold, ordinary): treatment converted, control converted. */
  readonly byUnit: [number, number, number, number];
  readonly byTier: [number, number, number, number];
}
const CASES: Expected[] = [
  // 30 Nov: A contacted (23:30), VA1 standing. A is SB1 and ordinary at enrolment.
  { day: '2026-11-30', t: [1, '100.00'], c: [0, '0.00'], funnel: { contacted: 1, offered: 0, accepted: 0, participated: 0, converted: 1 }, conversions: 1, byUnit: [1, 0, 0, 0], byTier: [0, 0, 1, 0] },
  // 1 Dec: B contacted (00:30); A 100 + 50 = 150.00; X 40.00 (SB1, ordinary).
  { day: '2026-12-01', t: [1, '150.00'], c: [1, '40.00'], funnel: { contacted: 2, offered: 0, accepted: 0, participated: 0, converted: 1 }, conversions: 2, byUnit: [1, 1, 0, 0], byTier: [0, 0, 1, 1] },
  // 31 Dec: A offered, accepted and so took part (23:30); B's VB1 stands: A 150 + B 30 = 180.00; B is gold, SB1.
  { day: '2026-12-31', t: [2, '180.00'], c: [1, '40.00'], funnel: { contacted: 2, offered: 1, accepted: 1, participated: 1, converted: 2 }, conversions: 3, byUnit: [2, 1, 0, 0], byTier: [1, 0, 1, 1] },
  // 1 Jan 2027: VB1 reversed at 00:30 (B out from today); C contacted (00:30). A 150.00.
  { day: '2027-01-01', t: [1, '150.00'], c: [1, '40.00'], funnel: { contacted: 3, offered: 1, accepted: 1, participated: 1, converted: 1 }, conversions: 2, byUnit: [1, 1, 0, 0], byTier: [0, 0, 1, 1] },
  // 15 Jan: A 150 + 20 (VA3, 2 Jan) = 170, C 70 (SB2): 240.00.
  { day: '2027-01-15', t: [2, '240.00'], c: [1, '40.00'], funnel: { contacted: 3, offered: 1, accepted: 1, participated: 1, converted: 1 }, conversions: 2, byUnit: [1, 1, 1, 0], byTier: [0, 0, 2, 1] },
  // 1 Feb: X 40 + 5 (VX2 at 00:30) = 45.00, still one customer.
  { day: '2027-02-01', t: [2, '240.00'], c: [1, '45.00'], funnel: { contacted: 3, offered: 1, accepted: 1, participated: 1, converted: 1 }, conversions: 2, byUnit: [1, 1, 1, 0], byTier: [0, 0, 2, 1] },
];

function expectCase(e: CampaignEffectiveness, x: Expected) {
  expect({ day: x.day, groups: e.groups }).toEqual({
    day: x.day,
    groups: {
      treatment: { size: 4, converted: x.t[0], conversionRate: x.t[0] / 4, revenue: x.t[1] },
      control: { size: 2, converted: x.c[0], conversionRate: x.c[0] / 2, revenue: x.c[1] },
    },
  });
  // funnel.converted: customers with a sale tagged M standing (VA1, VA2: A; VB1: B until its reversal at 00:30 on 1 January).
  expect(e.funnel).toEqual({ enrolled: { treatment: 4, control: 2 }, ...x.funnel });
  expect(e.conversions).toBe(x.conversions);
  expect(e.byUnit).toEqual([
    { unitId: 'SB1', treatment: 2, control: 1, treatmentConverted: x.byUnit[0], controlConverted: x.byUnit[1] },
    { unitId: 'SB2', treatment: 2, control: 1, treatmentConverted: x.byUnit[2], controlConverted: x.byUnit[3] },
  ]);
  expect(e.byTier).toEqual([
    { tier: 'gold', treatment: 1, control: 0, treatmentConverted: x.byTier[0], controlConverted: x.byTier[1] },
    { tier: 'ordinary', treatment: 3, control: 2, treatmentConverted: x.byTier[2], controlConverted: x.byTier[3] },
  ]);
}

describe('campaign effectiveness as of a day end from the month counters (v15): whole months and half a month of days', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const q = <T>(f: (rm: Queryable) => Promise<T>) => withReadModels(db.pool, [campaignEffectivenessProjection.name], f);
  const rows = (sql: string) => q(async (rm) => (await rm.query(sql)).rows);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const [stream, events] of HISTORY) await store.appendToStream(stream, events, 'any');
    // Batches of 3: the month rows must not depend on where batches are cut.
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 3, timeoutMs: 240_000 });
  }, 300_000);
  afterAll(() => db.drop());

  it('keeps the day counters by bank month (Beijing): 23:30 on a last day in its month, 00:30 on a first day in the next', async () => {
    expect(
      await rows(`SELECT to_char(month, 'YYYY-MM') AS month, grp, tier, enrolled, contacted, offered, accepted, participated, converted FROM ce_tier_month_counts
                  WHERE campaign_id = 'M' AND (enrolled, contacted, offered, accepted, participated, converted) <> (0, 0, 0, 0, 0, 0) ORDER BY month, grp, tier`),
    ).toEqual([
      { month: '2026-11', grp: 'control', tier: 'ordinary', enrolled: 2, contacted: 0, offered: 0, accepted: 0, participated: 0, converted: 0 }, // X, Y
      { month: '2026-11', grp: 'treatment', tier: 'gold', enrolled: 1, contacted: 0, offered: 0, accepted: 0, participated: 0, converted: 0 }, // B
      // A, C, D enrolled; A contacted and converted on 30 Nov (23:30).
      { month: '2026-11', grp: 'treatment', tier: 'ordinary', enrolled: 3, contacted: 1, offered: 0, accepted: 0, participated: 0, converted: 1 },
      { month: '2026-12', grp: 'control', tier: 'ordinary', enrolled: 0, contacted: 0, offered: 0, accepted: 0, participated: 0, converted: 1 }, // X from 1 Dec (00:30)
      { month: '2026-12', grp: 'treatment', tier: 'gold', enrolled: 0, contacted: 1, offered: 0, accepted: 0, participated: 0, converted: 1 }, // B: 1 Dec 00:30, VB1 31 Dec
      { month: '2026-12', grp: 'treatment', tier: 'ordinary', enrolled: 0, contacted: 0, offered: 1, accepted: 1, participated: 1, converted: 0 }, // A, 31 Dec 23:30
      { month: '2027-01', grp: 'treatment', tier: 'gold', enrolled: 0, contacted: 0, offered: 0, accepted: 0, participated: 0, converted: -1 }, // B out on 1 Jan
      { month: '2027-01', grp: 'treatment', tier: 'ordinary', enrolled: 0, contacted: 1, offered: 0, accepted: 0, participated: 0, converted: 1 }, // C: 1 Jan 00:30, VC1 15 Jan
    ]);
    expect(
      await rows(`SELECT to_char(month, 'YYYY-MM') AS month, grp, unit_id, enrolled, converted FROM ce_unit_month_counts
                  WHERE campaign_id = 'M' AND (enrolled <> 0 OR converted <> 0) ORDER BY month, grp, unit_id`),
    ).toEqual([
      { month: '2026-11', grp: 'control', unit_id: 'SB1', enrolled: 1, converted: 0 }, // X
      { month: '2026-11', grp: 'control', unit_id: 'SB2', enrolled: 1, converted: 0 }, // Y
      { month: '2026-11', grp: 'treatment', unit_id: 'SB1', enrolled: 2, converted: 1 }, // A, B; A converted
      { month: '2026-11', grp: 'treatment', unit_id: 'SB2', enrolled: 2, converted: 0 }, // C, D
      { month: '2026-12', grp: 'control', unit_id: 'SB1', enrolled: 0, converted: 1 }, // X
      { month: '2026-12', grp: 'treatment', unit_id: 'SB1', enrolled: 0, converted: 1 }, // B in (A moved on 10 Dec: stays SB1)
      { month: '2027-01', grp: 'treatment', unit_id: 'SB1', enrolled: 0, converted: -1 }, // B out
      { month: '2027-01', grp: 'treatment', unit_id: 'SB2', enrolled: 0, converted: 1 }, // C
    ]);
    // Revenue steps in fen: A [30 Nov, 1 Dec) 10,000, [1 Dec, 2 Jan) 15,000, from 2 Jan 17,000; B [31 Dec, 1 Jan) 3,000;
    // C from 15 Jan 7,000; X [1 Dec, 1 Feb) 4,000, from 1 Feb 4,500. By month, each step's in and out:
    //   Nov: +10,000 (squares 10,000² = 100,000,000)
    //   Dec: A −10,000 + 15,000, B +3,000 = 8,000; −10,000² + 15,000² + 3,000² = −100M + 225M + 9M = 134,000,000
    //   Jan: B −3,000, A −15,000 + 17,000, C +7,000 = 6,000; −9M − 225M + 289M + 49M = 104,000,000
    //   control Dec +4,000 (16,000,000); Feb −4,000 + 4,500 = 500 (−16,000,000 + 20,250,000 = 4,250,000)
    expect(await rows(`SELECT to_char(month, 'YYYY-MM') AS month, grp, revenue_fen::int AS revenue, squares::text FROM ce_revenue_month_counts WHERE campaign_id = 'M' AND revenue_fen <> 0 ORDER BY month, grp`)).toEqual([
      { month: '2026-11', grp: 'treatment', revenue: 10_000, squares: '100000000' },
      { month: '2026-12', grp: 'control', revenue: 4_000, squares: '16000000' },
      { month: '2026-12', grp: 'treatment', revenue: 8_000, squares: '134000000' },
      { month: '2027-01', grp: 'treatment', revenue: 6_000, squares: '104000000' },
      { month: '2027-02', grp: 'control', revenue: 500, squares: '4250000' },
    ]);
  });

  it.each(CASES)('as of the end of $day, each of the four month reads and the one chosen give the figures worked out by hand', async (x) => {
    expectCase((await q((rm) => campaignEffectiveness(rm, 'M', dayEnd(x.day))))!, x);
    for (const read of READS) expectCase((await q((rm) => campaignEffectivenessAtDayEnd(rm, 'M', dayEnd(x.day), read)))!, x);
  });

  it('as of every day end from 19 November to 28 February, every month read equals the answer from the fact rows', async () => {
    let days = 0;
    for (let day = '2026-11-19'; day <= '2027-02-28'; day = nextBusinessDay(day), days++) {
      const facts = await q((rm) => campaignEffectivenessFromFacts(rm, 'M', dayEnd(day)));
      expect({ day, read: 'chosen', answer: await q((rm) => campaignEffectiveness(rm, 'M', dayEnd(day))) }).toEqual({ day, read: 'chosen', answer: facts });
      for (const read of READS) expect({ day, read, answer: await q((rm) => campaignEffectivenessAtDayEnd(rm, 'M', dayEnd(day), read)) }).toEqual({ day, read, answer: facts });
    }
    // 12 days of November (19–30), 31 of December, 31 of January, 28 of February.
    expect(days).toBe(102);
  }, 240_000);

  it('reads the month counters when the live schema has them: a month row changed by hand changes the answer', async () => {
    const { rows: [{ schema_name: schema }] } = await db.pool.query(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [campaignEffectivenessProjection.name]);
    const shift = (by: number) => db.pool.query(`UPDATE "${schema}".ce_unit_month_counts SET enrolled = enrolled + $1 WHERE campaign_id = 'M' AND month = '2026-11-01' AND grp = 'control' AND unit_id = 'SB2'`, [by]);
    await shift(1);
    try {
      // M's daily series runs from 30 Nov (A contacted) to 1 Jan (C contacted). As of 1 Dec: its 1 day of December up to it
      // against 30 after it, so the days up to it; then November (1 month row set) before it against the now counters,
      // December and January after it (3): November's row and 1 Dec's day rows. Y alone is control in SB2; the shifted row says 2.
      const e = (await q((rm) => campaignEffectiveness(rm, 'M', dayEnd('2026-12-01'))))!;
      expect(e.byUnit.find((u) => u.unitId === 'SB2')?.control).toBe(2);
    } finally {
      await shift(-1);
    }
  });

  it('answers from a live schema of a version before the month counters (blue/green: v14 serves while v15 builds), as worked out by hand', async () => {
    const { rows: [{ schema_name: schema }] } = await db.pool.query(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [campaignEffectivenessProjection.name]);
    // The tables only v15 has go (their triggers' functions would fail on a write, but nothing is written after this).
    await db.pool.query(`DROP TABLE "${schema}".ce_tier_month_counts, "${schema}".ce_unit_month_counts, "${schema}".ce_revenue_month_counts CASCADE`);
    for (const x of CASES) expectCase((await q((rm) => campaignEffectiveness(rm, 'M', dayEnd(x.day))))!, x);
    // And so every other day end, from the day counters.
    for (let day = '2026-11-19'; day <= '2027-02-28'; day = nextBusinessDay(day)) {
      expect({ day, answer: await q((rm) => campaignEffectiveness(rm, 'M', dayEnd(day))) }).toEqual({ day, answer: await q((rm) => campaignEffectivenessFromFacts(rm, 'M', dayEnd(day))) });
    }
  }, 240_000);
});
