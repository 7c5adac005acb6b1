import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { endOfBusinessDay } from '@app/domain';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignEffectiveness, campaignList } from './campaign-effectiveness.query';
import { campaignTotals } from './campaign-totals.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, productCode: string, revenue: string, occurredAt: string, campaignId: string | null = null) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode, amount: '1000.00', revenue, campaignId }, occurredAt);
const cost = (campaignId: string, costId: string, amount: string, occurredAt: string, customerId: string | null = null) =>
  ev('CampaignCostRecorded', { campaignId, costId, amount, customerId }, occurredAt);
const draft = (campaignId: string, ownerUnitId: string, productCodes: string[], end: string) =>
  ev(
    'CampaignDrafted',
    { campaignId, name: campaignId, ownerUnitId, productCodes, channels: ['phone'], budget: '5000', controlGroupPercent: 10, period: { start: '2026-12-01T00:00:00+08:00', end } },
    '2026-11-20T09:00:00+08:00',
  );
const enrol = (campaignId: string, customerId: string, group: 'treatment' | 'control', at: string) => ev('CustomerEnrolledInCampaign', { campaignId, customerId, group }, at);
const A_LAUNCH = '2026-12-01T10:00:00+08:00';
const B_LAUNCH = '2026-12-05T10:00:00+08:00';

/**
 * Issue 13 item 9 and the campaign list's totals across two campaigns with costs, all times Beijing.
 *
 * A (BR1; DEP, FUND) launched 1 Dec 10:00, still running: treatment M, N, R; control Q.
 * B (BR2; DEP) launched 5 Dec 10:00, completed 20 Dec 18:00: treatment M, P, R.
 * C (BR1; GOLD) drafted only (never launched): no group, no sale, no cost.
 *
 * Sales (revenue; which campaigns' treatment group counts each — a campaign product inside its run):
 *   M  VM1 DEP   100.00  3 Dec, tagged A   A       (B not launched yet)
 *      VM0 DEP    25.00  4 Dec             A       (before B's launch)
 *      VM2 DEP    40.00  6 Dec, tagged B   A, B
 *      VM3 DEP    10.00  7 Dec             A, B
 *      VM4 FUND  200.00  8 Dec             A       (not a product of B)
 *      VM5 DEP     5.00 21 Dec             A       (after B's completion)
 *   N  VN1 DEP    30.00 31 Dec 23:30, tagged A, reversed 2 Jan: counts for none now
 *      VN2 FUND   70.00  1 Jan 00:30, tagged A   A
 *   P  VP1 DEP    60.00 10 Dec, tagged B   B       (in the log before P's enrolment in B)
 *      VP2 GOLD   50.00 11 Dec             none    (C never ran)
 *   Q  VQ1 DEP   500.00 12 Dec             none    (A's control group)
 *   R  VR1 DEP    80.00  6 Dec 15:00       A, B    (R's one sale, in both campaigns: item 9)
 * Sold in all (standing): M 380.00 + N 70.00 + P 110.00 + Q 500.00 + R 80.00 = 1,140.00.
 *
 * Costs: A 300.00 (2 Dec), 1,200.00 (31 Dec 23:30), 45.50 for M (1 Jan 00:30: 16:30 UTC on 31 Dec) = 1,545.50;
 *        B 250.25 (5 Dec 10:00), 99.75 (31 Dec 23:59, an invoice after the completion) = 350.00.
 */
const HISTORY: [string, NewEvent[]][] = [
  ...['M', 'N', 'R'].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerOnboarded', { customerId: id, homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')]]),
  ...['P', 'Q'].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerOnboarded', { customerId: id, homeUnitId: 'SB2' }, '2026-01-01T09:00:00+08:00')]]),
  ['campaign-A', [draft('A', 'BR1', ['DEP', 'FUND'], '2027-03-01T00:00:00+08:00'), ev('CampaignLaunched', { campaignId: 'A', treatmentCount: 3, controlCount: 1 }, A_LAUNCH)]],
  ['campaign-B', [draft('B', 'BR2', ['DEP'], '2027-01-01T00:00:00+08:00'), ev('CampaignLaunched', { campaignId: 'B', treatmentCount: 3, controlCount: 0 }, B_LAUNCH)]],
  ['campaign-C', [draft('C', 'BR1', ['GOLD'], '2027-01-01T00:00:00+08:00')]],
  ['customer-M', [enrol('A', 'M', 'treatment', A_LAUNCH), enrol('B', 'M', 'treatment', B_LAUNCH)]],
  ['customer-N', [enrol('A', 'N', 'treatment', A_LAUNCH)]],
  ['customer-Q', [enrol('A', 'Q', 'control', A_LAUNCH)]],
  ['customer-R', [enrol('A', 'R', 'treatment', A_LAUNCH), enrol('B', 'R', 'treatment', B_LAUNCH)]],
  // P's sale is in the log before P's enrolment (a log ordered by stream): the enrolment pairs it.
  ['customer-P', [sale('VP1', 'P', 'DEP', '60.00', '2026-12-10T09:00:00+08:00', 'B'), enrol('B', 'P', 'treatment', B_LAUNCH), sale('VP2', 'P', 'GOLD', '50.00', '2026-12-11T09:00:00+08:00')]],
  [
    'customer-M',
    [
      sale('VM1', 'M', 'DEP', '100.00', '2026-12-03T09:00:00+08:00', 'A'),
      sale('VM0', 'M', 'DEP', '25.00', '2026-12-04T09:00:00+08:00'),
      sale('VM2', 'M', 'DEP', '40.00', '2026-12-06T09:00:00+08:00', 'B'),
      sale('VM3', 'M', 'DEP', '10.00', '2026-12-07T09:00:00+08:00'),
      sale('VM4', 'M', 'FUND', '200.00', '2026-12-08T09:00:00+08:00'),
    ],
  ],
  ['customer-R', [sale('VR1', 'R', 'DEP', '80.00', '2026-12-06T15:00:00+08:00')]],
  ['customer-Q', [sale('VQ1', 'Q', 'DEP', '500.00', '2026-12-12T09:00:00+08:00')]],
  ['campaign-B', [ev('CampaignCompleted', { campaignId: 'B' }, '2026-12-20T18:00:00+08:00')]],
  ['customer-M', [sale('VM5', 'M', 'DEP', '5.00', '2026-12-21T09:00:00+08:00')]],
  ['customer-N', [sale('VN1', 'N', 'DEP', '30.00', '2026-12-31T23:30:00+08:00', 'A'), sale('VN2', 'N', 'FUND', '70.00', '2027-01-01T00:30:00+08:00', 'A')]],
  [
    'campaign-A',
    [cost('A', 'CA1', '300.00', '2026-12-02T09:00:00+08:00'), cost('A', 'CA2', '1200.00', '2026-12-31T23:30:00+08:00'), cost('A', 'CA3', '45.50', '2027-01-01T00:30:00+08:00', 'M')],
  ],
  ['campaign-B', [cost('B', 'CB1', '250.25', '2026-12-05T10:00:00+08:00'), cost('B', 'CB2', '99.75', '2026-12-31T23:59:00+08:00')]],
  ['customer-N', [ev('ConversionReversed', { customerId: 'N', conversionId: 'VN1', reasonNote: null }, '2027-01-02T09:00:00+08:00')]],
];

// A: treatment M 25 + 100 + 40 + 10 + 200 + 5 = 380.00, N 70.00, R 80.00: 3 customers, 530.00; tagged VM1 100.00 + VN2 70.00.
const A = { campaigns: 1, conversions: 2, revenue: '170.00', cost: '1545.50', treatmentConverted: 3, treatmentRevenue: '530.00' };
// B: treatment M 40 + 10 = 50.00, P 60.00, R 80.00: 3 customers, 190.00; tagged VM2 40.00 + VP1 60.00.
const B = { campaigns: 1, conversions: 2, revenue: '100.00', cost: '350.00', treatmentConverted: 3, treatmentRevenue: '190.00' };
// BR1 owns A and C (C adds a campaign and nothing else).
const BR1 = { ...A, campaigns: 2 };
// All three: tagged 170 + 100 = 270.00 in 4 sales; costs 1,545.50 + 350.00 = 1,895.50; treatment M, N, P, R once (A's 3 +
// B's 3 = 6 counts M and R twice), their sales once: 25 + 100 + 40 + 10 + 200 + 5 + 70 + 60 + 80 = 590.00 (A's 530 + B's
// 190 = 720.00 counts VM2, VM3 and VR1 twice), not more than the 1,140.00 sold.
const ALL = { campaigns: 3, conversions: 4, revenue: '270.00', cost: '1895.50', treatmentConverted: 4, treatmentRevenue: '590.00' };
const LIST = { ...ALL, byUnit: [{ unitId: 'BR1', ...BR1 }, { unitId: 'BR2', ...B }] };

async function built(batchSize: number): Promise<TestDatabase> {
  const db = await createTestDatabase();
  const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
  for (const [stream, events] of HISTORY) await store.appendToStream(stream, events, 'any');
  await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize });
  return db;
}

describe('campaign list totals across two campaigns of two units, with costs', () => {
  // Batches of 3 events (a sale, its pairing and its reversal in different batches) and the whole log in one.
  const dbs: TestDatabase[] = [];
  beforeAll(async () => {
    dbs.push(await built(3), await built(1000));
  }, 120_000);
  afterAll(() => Promise.all(dbs.map((db) => db.drop())));
  const q = <T>(db: TestDatabase, f: (rm: Parameters<typeof campaignTotals>[0]) => Promise<T>) => withReadModels(db.pool, [campaignEffectivenessProjection.name], f);

  it('counts each sale and each customer once across the campaigns and per owning unit: R bought once (80.00), in both campaigns, and counts once', async () => {
    for (const db of dbs) {
      expect(await q(db, (rm) => campaignTotals(rm, ['A', 'B', 'C']))).toEqual(LIST);
      // Each campaign's own figures count R's 80.00 (and VM2, VM3): A 530.00 + B 190.00 = 720.00 > 590.00.
      const a = (await q(db, (rm) => campaignEffectiveness(rm, 'A')))!;
      const b = (await q(db, (rm) => campaignEffectiveness(rm, 'B')))!;
      expect([a.groups.treatment.converted, a.groups.treatment.revenue, b.groups.treatment.converted, b.groups.treatment.revenue]).toEqual([3, '530.00', 3, '190.00']);
      // The list's rows: the campaigns' own tagged sales and costs, which the totals add up.
      const list = await q(db, (rm) => campaignList(rm));
      expect(list.map((k) => [k.campaignId, k.conversions, k.revenue, k.cost])).toEqual(
        expect.arrayContaining([['A', 2, '170.00', '1545.50'], ['B', 2, '100.00', '350.00'], ['C', 0, '0.00', '0.00']]),
      );
    }
  });

  it('keeps the counters by set of owning units: which units count each sale, each sale and customer in one set', async () => {
    for (const db of dbs) {
      const rows = await q(db, async (rm) => (await rm.query(`SELECT owner_units, customers, sales, revenue_fen::int AS revenue FROM ce_owner_set_totals ORDER BY owner_units`)).rows);
      expect(rows).toEqual([
        // VM0 25 + VM1 100 + VM4 200 + VM5 5 + VN2 70 = 400.00 in 5 sales; N the one customer all of whose counted sales are BR1's only.
        { owner_units: ['BR1'], customers: 1, sales: 5, revenue: 40_000 },
        // VM2 40 + VM3 10 + VR1 80 = 130.00 in 3 sales; M and R have a sale both units count.
        { owner_units: ['BR1', 'BR2'], customers: 2, sales: 3, revenue: 13_000 },
        // VP1 60.00; P.
        { owner_units: ['BR2'], customers: 1, sales: 1, revenue: 6_000 },
      ]);
    }
  });

  it('answers for one unit alone, and from the sales when the campaigns named are not all of their units: the same figures', async () => {
    for (const db of dbs) {
      // BR2 owns B only: the counters of the sets holding BR2 (130.00 + 60.00; M, R + P).
      expect(await q(db, (rm) => campaignTotals(rm, ['B']))).toEqual({ ...B, byUnit: [{ unitId: 'BR2', ...B }] });
      // A without C, BR1's other campaign: read from the sales (C counts nothing, so the figures are A's).
      expect(await q(db, (rm) => campaignTotals(rm, ['A']))).toEqual({ ...A, byUnit: [{ unitId: 'BR1', ...A }] });
      // A and B without C: A's 530 + B's 190 less VM2, VM3 and VR1 counted in both (130) = 590.00, 4 customers.
      const ab = { ...ALL, campaigns: 2 };
      expect(await q(db, (rm) => campaignTotals(rm, ['A', 'B']))).toEqual({ ...ab, byUnit: [{ unitId: 'BR1', ...A }, { unitId: 'BR2', ...B }] });
    }
  });

  it('puts the cost of 23:30 on 31 December Beijing time in 2026 and that of 00:30 on 1 January (16:30 UTC on 31 December) in 2027', async () => {
    const [db] = dbs;
    const dayEnd = (day: string) => new Date(endOfBusinessDay(day));
    const endOf2026 = (await q(db!, (rm) => campaignEffectiveness(rm, 'A', dayEnd('2026-12-31'))))!;
    // A's costs by the end of 31 Dec: 300.00 + 1,200.00 (the 45.50 of 00:30 on 1 Jan is 2027's); tagged VM1 and VN1 (23:30, standing until 2 Jan).
    expect([endOf2026.cost, endOf2026.conversions, endOf2026.revenue]).toEqual(['1500.00', 2, '130.00']);
    const b2026 = (await q(db!, (rm) => campaignEffectiveness(rm, 'B', dayEnd('2026-12-31'))))!;
    // B's: 250.25 + 99.75 (23:59 on 31 Dec) = 350.00.
    expect(b2026.cost).toBe('350.00');
  });

  it('answers the same from a live schema of a version before these counters (blue/green: v14 serves while v15 builds)', async () => {
    const db = dbs[1]!;
    const { rows: [{ schema_name: schema }] } = await db.pool.query(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [campaignEffectivenessProjection.name]);
    // The tables only v15 has go (their trigger function would fail on a write, but nothing is written after this).
    await db.pool.query(`DROP TABLE "${schema}".ce_owner_set_totals, "${schema}".ce_treatment_sales, "${schema}".ce_treatment_buyers CASCADE`);
    expect(await q(db, (rm) => campaignTotals(rm, ['A', 'B', 'C']))).toEqual(LIST);
    expect(await q(db, (rm) => campaignTotals(rm, ['B']))).toEqual({ ...B, byUnit: [{ unitId: 'BR2', ...B }] });
  });
});
