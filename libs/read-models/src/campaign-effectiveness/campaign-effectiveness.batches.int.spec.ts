import { randomUUID } from 'node:crypto';
import { endOfBusinessDay, formatFen } from '@app/domain';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { customerDirectoryProjection } from '../customer-directory/customer-directory.projection';
import { ProjectionRunner } from '../runner/projection-runner';
import { readCheckpoints, withReadModels, type Queryable } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignEffectiveness, campaignEffectivenessAtDayEndFromSales, campaignEffectivenessFromFacts } from './campaign-effectiveness.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, productCode: string, revenue: string, occurredAt: string, campaignId: string | null = null) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode, amount: '1000.00', revenue, campaignId }, occurredAt);
const reversal = (customerId: string, conversionId: string, at: string) => ev('ConversionReversed', { customerId, conversionId }, at);
const onboarded = (customerId: string, homeUnitId: string, at: string) => ev('CustomerOnboarded', { customerId, homeUnitId, segment: 'retail', gender: 'F', birthYear: 1980 }, at);
const drafted = (campaignId: string, productCodes: string[], at: string, start = '2026-01-01T00:00:00+08:00') =>
  ev('CampaignDrafted', { campaignId, name: campaignId, ownerUnitId: 'BR1', productCodes, channels: ['phone'], budget: '1000', controlGroupPercent: 20, period: { start, end: '2026-12-31T00:00:00+08:00' } }, at);
const launched = (campaignId: string, treatmentCount: number, controlCount: number, at: string) => ev('CampaignLaunched', { campaignId, treatmentCount, controlCount }, at);
const completed = (campaignId: string, at: string) => ev('CampaignCompleted', { campaignId }, at);
const enrolled = (campaignId: string, customerId: string, group: 'treatment' | 'control', at: string) => ev('CustomerEnrolledInCampaign', { campaignId, customerId, group }, at);
const contacted = (contactId: string, campaignId: string, customerId: string, channel: string, at: string) =>
  ev('CustomerContacted', { contactId, customerId, staffId: 'rm1', channel, campaignId, outcomeNote: null, contactedAt: at }, at);
const complained = (customerId: string, complaintId: string, campaignId: string, at: string) => ev('ComplaintRecorded', { customerId, complaintId, campaignId }, at);
const feedback = (campaignId: string, feedbackId: string, rating: number | null, at: string) =>
  ev('CampaignFeedbackRecorded', { campaignId, feedbackId, customerId: null, rating, comment: 'ok', commentNote: null }, at);
const cost = (campaignId: string, costId: string, amount: string, at: string) => ev('CampaignCostRecorded', { campaignId, costId, amount, customerId: null, description: 'calls', descriptionNote: null }, at);

/**
 * One log, appended in phases (each projected before the next is appended; in database A each phase is projected as one
 * batch of up to 500 events, in database B one event at a time). Times in Beijing time (+08:00).
 *
 * K0 (LOAN) 1–28 Feb: M's earlier participation (M bought a LOAN in its run).
 * K1 (DEP) launched 28 Mar 10:00, completed 30 Apr 18:00: treatment A, B, C, D (enrolled at the launch), M (1 Apr);
 *    control X (at the launch), N (1 Apr).
 * K2 (CARD) drafted 1 Apr 08:00, launched 1 Apr 10:00, completed 20 Apr 18:00 — all in the one phase (batch) with its
 *    enrolments: treatment M, U (never onboarded), control N; M and N enrolled into K1 in that same batch.
 *
 *   A  VA1 DEP 100.00 31 Mar 23:30 (K1-tagged), VA2 DEP 50.00 1 Apr 00:30 (K1-tagged) — across the month end;
 *      VA3 DEP 20.00 15 Apr; after K1's close: VA2 reversed 1 May 00:10, VA4 DEP 90.00 1 May 00:20
 *   B  VB1 DEP 30.00 29 Mar 10:00, reversed 29 Mar 18:00 (its own bank day: never counts as of a day end)
 *   C  VC1 DEP 80.00 31 Mar 23:59:59.999 (K1-tagged), reversed 1 Apr 00:00:00.000 (counts on 31 Mar only)
 *   D  onboarded SB2; moved to SB3 30 Mar 12:00 (after enrolment); VD1 DEP 20.00 2 Apr 09:00
 *   M  VM-L LOAN 500.00 10 Feb (K0); VM-C0 CARD 30.00 5 Mar (before K2); VM-D2 DEP 15.00 29 Mar 11:00 reversed
 *      31 Mar 10:00 (before M's enrolment day); VM-D DEP 40.00 30 Mar 15:00 (after K1's launch, before M enrolled:
 *      counts from the enrolment day, 1 Apr); VM-FX FX 12.00 2 Apr (no campaign's product); VM-C1 CARD 60.00 3 Apr 12:00
 *   N  onboarded 1 Apr 09:00 in the same batch as its enrolments; VN-D1 DEP 70.00 5 Apr; VN-C1 CARD 25.00 (K2-tagged) and
 *      VN-C2 CARD 5.00 on 10 Apr; VN-C3 CARD 9.00 20 Apr 23:30 (after K2's close)
 *   X  VX1 DEP 40.00 1 Apr 23:30
 *
 * The reaction (K1; each 旬 is 1–10, 11–20, 21 to the month's end, in bank days): A contacted by phone 10 Apr 23:59:59 and
 * by SMS 11 Apr 00:00:30 (two 旬s), and in a later batch by phone 1 Apr 00:05 (a backdated contact: A's first in the
 * first 旬 and by phone moves to 1 Apr); B by phone 20 Apr 23:59 and 21 Apr 00:00:10 (two 旬s again); B's complaint 10 Apr
 * 23:30; feedback rated 4 on 11 Apr 00:10, one without a rating 30 Apr 23:59; a cost of 100.00 on 31 Mar 23:50.
 * K3 (no participants): X contacted by phone 20 Apr 23:59 and 21 Apr 00:01 before K3's draft is in the log; the draft
 * (next phase) starts its period on 21 Apr, so the contact of the 20th leaves its 旬 count once the draft comes.
 */
const PHASES: [string, NewEvent[]][][] = [
  // 1. History before K1.
  [
    ...['A', 'B', 'C', 'M', 'X'].map((id): [string, NewEvent[]] => [`customer-${id}`, [onboarded(id, 'SB1', '2026-01-01T09:00:00+08:00')]]),
    ['customer-D', [onboarded('D', 'SB2', '2026-01-01T09:00:00+08:00')]],
    ['campaign-K0', [drafted('K0', ['LOAN'], '2026-01-20T09:00:00+08:00'), launched('K0', 1, 0, '2026-02-01T00:00:00+08:00')]],
    ['customer-M', [enrolled('K0', 'M', 'treatment', '2026-02-01T00:00:00+08:00'), sale('VM-L', 'M', 'LOAN', '500.00', '2026-02-10T09:00:00+08:00')]],
    ['campaign-K0', [completed('K0', '2026-02-28T18:00:00+08:00')]],
    ['customer-M', [sale('VM-C0', 'M', 'CARD', '30.00', '2026-03-05T09:00:00+08:00')]],
    ['campaign-K1', [drafted('K1', ['DEP'], '2026-03-20T09:00:00+08:00')]],
  ],
  // 2. K1's launch with its enrolments.
  [
    ['campaign-K1', [launched('K1', 4, 1, '2026-03-28T10:00:00+08:00')]],
    ...['A', 'B', 'C', 'D', 'X'].map((id): [string, NewEvent[]] => [`customer-${id}`, [enrolled('K1', id, id === 'X' ? 'control' : 'treatment', '2026-03-28T10:00:00+08:00')]]),
  ],
  // 3. Sales up to the month's end.
  [
    ['customer-B', [sale('VB1', 'B', 'DEP', '30.00', '2026-03-29T10:00:00+08:00'), reversal('B', 'VB1', '2026-03-29T18:00:00+08:00')]],
    ['customer-M', [sale('VM-D2', 'M', 'DEP', '15.00', '2026-03-29T11:00:00+08:00')]],
    ['customer-D', [ev('CustomerTransferred', { customerId: 'D', toUnitId: 'SB3' }, '2026-03-30T12:00:00+08:00')]],
    ['customer-M', [sale('VM-D', 'M', 'DEP', '40.00', '2026-03-30T15:00:00+08:00'), reversal('M', 'VM-D2', '2026-03-31T10:00:00+08:00')]],
    ['customer-A', [sale('VA1', 'A', 'DEP', '100.00', '2026-03-31T23:30:00+08:00', 'K1'), sale('VA2', 'A', 'DEP', '50.00', '2026-04-01T00:30:00+08:00', 'K1')]],
    ['customer-C', [sale('VC1', 'C', 'DEP', '80.00', '2026-03-31T23:59:59.999+08:00', 'K1'), reversal('C', 'VC1', '2026-04-01T00:00:00.000+08:00')]],
  ],
  // 4. One batch: K2 drafted, launched and completed with its enrolments; M and N into both campaigns; N onboarded; U unknown.
  [
    ['campaign-K2', [drafted('K2', ['CARD'], '2026-04-01T08:00:00+08:00'), launched('K2', 2, 1, '2026-04-01T10:00:00+08:00')]],
    ['customer-N', [onboarded('N', 'SB1', '2026-04-01T09:00:00+08:00'), enrolled('K1', 'N', 'control', '2026-04-01T10:00:00+08:00'), enrolled('K2', 'N', 'control', '2026-04-01T10:00:00+08:00')]],
    ['customer-M', [enrolled('K1', 'M', 'treatment', '2026-04-01T10:00:00+08:00'), enrolled('K2', 'M', 'treatment', '2026-04-01T10:00:00+08:00')]],
    ['customer-U', [enrolled('K2', 'U', 'treatment', '2026-04-01T10:00:00+08:00')]],
    ['campaign-K2', [completed('K2', '2026-04-20T18:00:00+08:00')]],
  ],
  // 5. Sales during the runs (K2's all after its completion was already in the log).
  [
    ['customer-X', [sale('VX1', 'X', 'DEP', '40.00', '2026-04-01T23:30:00+08:00')]],
    ['customer-D', [sale('VD1', 'D', 'DEP', '20.00', '2026-04-02T09:00:00+08:00')]],
    ['customer-M', [sale('VM-FX', 'M', 'FX', '12.00', '2026-04-02T09:30:00+08:00'), sale('VM-C1', 'M', 'CARD', '60.00', '2026-04-03T12:00:00+08:00')]],
    ['customer-N', [sale('VN-D1', 'N', 'DEP', '70.00', '2026-04-05T10:00:00+08:00'), sale('VN-C1', 'N', 'CARD', '25.00', '2026-04-10T09:00:00+08:00', 'K2'), sale('VN-C2', 'N', 'CARD', '5.00', '2026-04-10T15:00:00+08:00')]],
    ['customer-A', [sale('VA3', 'A', 'DEP', '20.00', '2026-04-15T11:00:00+08:00')]],
    ['customer-N', [sale('VN-C3', 'N', 'CARD', '9.00', '2026-04-20T23:30:00+08:00')]],
    ['customer-A', [contacted('CA1', 'K1', 'A', 'phone', '2026-04-10T23:59:59+08:00'), contacted('CA2', 'K1', 'A', 'sms', '2026-04-11T00:00:30+08:00')]],
    ['customer-B', [complained('B', 'QB1', 'K1', '2026-04-10T23:30:00+08:00'), contacted('CB1', 'K1', 'B', 'phone', '2026-04-20T23:59:00+08:00')]],
    ['customer-B', [contacted('CB2', 'K1', 'B', 'phone', '2026-04-21T00:00:10+08:00')]],
    ['campaign-K1', [cost('K1', 'COST1', '100.00', '2026-03-31T23:50:00+08:00'), feedback('K1', 'F1', 4, '2026-04-11T00:10:00+08:00')]],
    ['customer-X', [contacted('CX1', 'K3', 'X', 'phone', '2026-04-20T23:59:00+08:00'), contacted('CX2', 'K3', 'X', 'phone', '2026-04-21T00:01:00+08:00')]],
  ],
  // 6. K1's close; just after midnight, a reversal of a sale in its run and a new sale.
  [
    ['campaign-K1', [completed('K1', '2026-04-30T18:00:00+08:00')]],
    ['customer-A', [reversal('A', 'VA2', '2026-05-01T00:10:00+08:00'), sale('VA4', 'A', 'DEP', '90.00', '2026-05-01T00:20:00+08:00')]],
    ['customer-A', [contacted('CA0', 'K1', 'A', 'phone', '2026-04-01T00:05:00+08:00')]],
    ['campaign-K1', [feedback('K1', 'F2', null, '2026-04-30T23:59:00+08:00')]],
    ['campaign-K3', [drafted('K3', ['DEP'], '2026-05-02T09:00:00+08:00', '2026-04-21T00:00:00+08:00')]],
  ],
];

const PROJECTIONS = [campaignEffectivenessProjection, customerDirectoryProjection];
const dayEnd = (day: string) => new Date(endOfBusinessDay(day));
const daysFrom = (first: string, last: string) => {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};
/** The day ends each campaign's figures are compared at: the day before its launch (K2: its draft day) to the day after its close (K1: two). */
const RUNS: [string, string[]][] = [
  ['K0', daysFrom('2026-01-31', '2026-03-01')],
  ['K1', daysFrom('2026-03-27', '2026-05-02')],
  ['K2', daysFrom('2026-04-01', '2026-04-22')],
];

const KEYS = new Set(['campaign_id', 'customer_id', 'grp', 'unit_id', 'tier', 'as_of_day', 'day']);
const numeric = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
/** A counter row all of whose counts are zero (what a batch's +1/−1 may leave behind). */
const zero = (row: Record<string, unknown>) => Object.entries(row).every(([k, v]) => KEYS.has(k) || !numeric(v) || Number(v) === 0);
const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

/** The tables whose rows are sums (a row of zeros means nothing); the other tables of the projection compare whole. */
const SUMS = /_counts$|^ce_tagged_customers$|^ce_campaign_totals$/;

describe('campaign effectiveness: the same log projected in large batches, one event at a time, and rebuilt blue/green', () => {
  /**
   * A and B: live projections (a first start), each phase projected before the next is appended: their counters are
   * kept per batch by the triggers. C: the whole log appended first, then rebuilt blue/green in batches of 4
   * (a build beside the live tables, started from a log that already holds every phase).
   */
  const dbs: { name: string; batchSize: number; rebuild?: boolean; db?: TestDatabase; store?: PostgresEventStore }[] = [
    { name: 'A (batches of 500)', batchSize: 500 },
    { name: 'B (one event at a time)', batchSize: 1 },
    { name: 'C (rebuilt blue/green in batches of 4)', batchSize: 4, rebuild: true },
  ];
  const q = <T>(db: TestDatabase, f: (rm: Queryable) => Promise<T>) => withReadModels(db.pool, PROJECTIONS.map((p) => p.name), f);
  const rows = (db: TestDatabase, sql: string) => q(db, async (rm) => (await rm.query(sql)).rows as Record<string, unknown>[]);

  const errors: unknown[] = [];
  beforeAll(async () => {
    for (const x of dbs) {
      const db = await createTestDatabase();
      const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
      Object.assign(x, { db, store });
      const runner = () => new ProjectionRunner(store, db.pool, PROJECTIONS, { info: () => undefined, error: (...m: unknown[]) => errors.push(m) }, { batchSize: x.batchSize, maxBatchWaitMs: 5 });
      for (const phase of PHASES) {
        for (const [streamId, events] of phase) await store.appendToStream(streamId, events, 'any');
        if (x.rebuild) continue;
        // Each phase projected before the next is appended: in A a phase is one batch.
        const r = runner();
        await r.start();
        expect(await r.catchUp(120_000)).toBe(true);
        await r.stop();
      }
      if (x.rebuild) {
        const r = runner();
        await r.start();
        expect(await r.catchUp(120_000)).toBe(true);
        await r.rebuild(campaignEffectivenessProjection.name);
        await r.stop();
      }
    }
    expect(errors).toEqual([]);
  }, 300_000);
  afterAll(async () => {
    for (const x of dbs) await x.db?.drop();
  });

  const TABLES: [string, boolean][] = [
    ['ce_participants', false],
    ['ce_group_conversions', false],
    ['ce_converted_counts', true],
    ['ce_revenue_counts', true],
    ['ce_tagged_span_counts', true],
    ['ce_group_counts', true],
    ['ce_tier_now_counts', true],
    ['ce_unit_now_counts', true],
    ['ce_day_counts', true],
    ['customer_directory', false],
  ];

  it.each(TABLES)('%s: the same rows in A, B and C (counters: the non-zero rows)', async (table, counters) => {
    const [a, ...others] = await Promise.all(dbs.map(async (x) => (await rows(x.db!, `SELECT * FROM ${table}`)).filter((r) => !counters || !zero(r))));
    expect(a!.length).toBeGreaterThan(0);
    for (const o of others) expect(sorted(o)).toEqual(sorted(a!));
  });

  it('every table of the projection (facts and every counter) holds the same rows in A, B and C (counters: the non-zero rows)', async () => {
    const schema = (await readCheckpoints(dbs[0]!.db!.pool)).find((c) => c.name === campaignEffectivenessProjection.name)!.schema;
    const { rows: names } = await dbs[0]!.db!.pool.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`, [schema]);
    const tables = names.map((r) => r.t);
    expect(tables).toEqual(expect.arrayContaining(['ce_channel_counts', 'ce_channel_customers', 'ce_dekad_customers', 'ce_reaction_counts', 'ce_campaign_totals', 'ce_tagged_customers', 'ce_tier_now_counts', 'ce_unit_now_counts']));
    for (const table of tables) {
      const [a, ...others] = await Promise.all(dbs.map(async (x) => (await rows(x.db!, `SELECT * FROM ${table}`)).filter((r) => !SUMS.test(table) || !zero(r))));
      for (const o of others) expect({ table, rows: sorted(o) }).toEqual({ table, rows: sorted(a!) });
    }
  });

  // Worked out from the reaction at the top. A and B are live (counted per batch), C a build (from the whole log at once).
  it('counts the reaction per bank day and 旬 as worked out by hand: contacts across midnight and a 旬 boundary, a backdated contact, a campaign drafted after its contacts', async () => {
    for (const x of dbs) {
      const reaction = await rows(x.db!, `SELECT campaign_id, day::text, customers, complaints, feedback, ratings, rating_sum::int FROM ce_reaction_counts WHERE customers <> 0 OR complaints <> 0 OR feedback <> 0 ORDER BY 1, 2`);
      const r = (campaign_id: string, day: string, customers: number, complaints = 0, fb = 0, ratings = 0, rating_sum = 0) => ({ campaign_id, day, customers, complaints, feedback: fb, ratings, rating_sum });
      expect({ db: x.name, reaction }).toEqual({
        db: x.name,
        reaction: [
          r('K1', '2026-04-01', 1), // A's first contact in 1–10 Apr: the backdated one
          r('K1', '2026-04-10', 0, 1), // B's complaint (A's first contact there moved to 1 Apr)
          r('K1', '2026-04-11', 1, 0, 1, 1, 4), // A by SMS 00:00:30: 11–20 Apr; feedback rated 4
          r('K1', '2026-04-20', 1), // B 23:59
          r('K1', '2026-04-21', 1), // B 00:00:10: 21–30 Apr
          r('K1', '2026-04-30', 0, 0, 1), // feedback without a rating
          r('K3', '2026-04-21', 1), // X 00:01; X on 20 Apr is before K3's first bank day
        ],
      });
      const channels = await rows(x.db!, `SELECT campaign_id, channel, day::text, contacts, customers FROM ce_channel_counts WHERE contacts <> 0 OR customers <> 0 ORDER BY 1, 2, 3`);
      const c = (campaign_id: string, channel: string, day: string, contacts: number, customers: number) => ({ campaign_id, channel, day, contacts, customers });
      expect({ db: x.name, channels }).toEqual({
        db: x.name,
        channels: [
          c('K1', 'phone', '2026-04-01', 1, 1),
          c('K1', 'phone', '2026-04-10', 1, 0),
          c('K1', 'phone', '2026-04-20', 1, 1),
          c('K1', 'phone', '2026-04-21', 1, 0),
          c('K1', 'sms', '2026-04-11', 1, 1),
          c('K3', 'phone', '2026-04-20', 1, 1),
          c('K3', 'phone', '2026-04-21', 1, 0),
        ],
      });
      // Tagged sales standing: K1 VA1 (VA2 and VC1 reversed), K2 VN-C1; K1's cost and complaint.
      expect({ db: x.name, totals: await rows(x.db!, `SELECT campaign_id, tagged_sales, tagged_customers, tagged_revenue_fen::int, cost_fen::int, complaints FROM ce_campaign_totals WHERE campaign_id IN ('K1', 'K2') ORDER BY 1`) }).toEqual({
        db: x.name,
        totals: [
          { campaign_id: 'K1', tagged_sales: 1, tagged_customers: 1, tagged_revenue_fen: 10_000, cost_fen: 10_000, complaints: 1 },
          { campaign_id: 'K2', tagged_sales: 1, tagged_customers: 1, tagged_revenue_fen: 2_500, cost_fen: 0, complaints: 0 },
        ],
      });
    }
  });

  it('keeps the directory as the log left it: D in SB3, M and N enrolled in both, no row for U (enrolled, never onboarded)', async () => {
    for (const x of dbs) {
      expect(await rows(x.db!, `SELECT customer_id, home_unit_id, enrolled_in, control_in FROM customer_directory ORDER BY customer_id`)).toEqual([
        { customer_id: 'A', home_unit_id: 'SB1', enrolled_in: ['K1'], control_in: [] },
        { customer_id: 'B', home_unit_id: 'SB1', enrolled_in: ['K1'], control_in: [] },
        { customer_id: 'C', home_unit_id: 'SB1', enrolled_in: ['K1'], control_in: [] },
        { customer_id: 'D', home_unit_id: 'SB3', enrolled_in: ['K1'], control_in: [] },
        { customer_id: 'M', home_unit_id: 'SB1', enrolled_in: ['K0', 'K1', 'K2'], control_in: [] },
        { customer_id: 'N', home_unit_id: 'SB1', enrolled_in: ['K1', 'K2'], control_in: ['K1', 'K2'] },
        { customer_id: 'X', home_unit_id: 'SB1', enrolled_in: ['K1'], control_in: ['K1'] },
      ]);
    }
  });

  it('places the participants of both campaigns once each, M and N in both (enrolled in one batch), U with no unit', async () => {
    for (const x of dbs) {
      expect(await rows(x.db!, `SELECT campaign_id, customer_id, grp, unit_id FROM ce_participants ORDER BY campaign_id, customer_id`)).toEqual([
        { campaign_id: 'K0', customer_id: 'M', grp: 'treatment', unit_id: 'SB1' },
        { campaign_id: 'K1', customer_id: 'A', grp: 'treatment', unit_id: 'SB1' },
        { campaign_id: 'K1', customer_id: 'B', grp: 'treatment', unit_id: 'SB1' },
        { campaign_id: 'K1', customer_id: 'C', grp: 'treatment', unit_id: 'SB1' },
        { campaign_id: 'K1', customer_id: 'D', grp: 'treatment', unit_id: 'SB2' }, // where D stood at enrolment, not SB3
        { campaign_id: 'K1', customer_id: 'M', grp: 'treatment', unit_id: 'SB1' },
        { campaign_id: 'K1', customer_id: 'N', grp: 'control', unit_id: 'SB1' },
        { campaign_id: 'K1', customer_id: 'X', grp: 'control', unit_id: 'SB1' },
        { campaign_id: 'K2', customer_id: 'M', grp: 'treatment', unit_id: 'SB1' },
        { campaign_id: 'K2', customer_id: 'N', grp: 'control', unit_id: 'SB1' },
        { campaign_id: 'K2', customer_id: 'U', grp: 'treatment', unit_id: '' },
      ]);
    }
  });

  it.each(RUNS)('%s: as of every day end of its run, the counters, the facts and the sales rows give the same answer, in A, B and C', async (campaignId, days) => {
    const answers: unknown[][] = [];
    for (const x of dbs) {
      const mine: unknown[] = [];
      for (const day of days) {
        const e = await q(x.db!, (rm) => campaignEffectiveness(rm, campaignId, dayEnd(day)));
        expect(e).not.toBeNull();
        expect(await q(x.db!, (rm) => campaignEffectivenessFromFacts(rm, campaignId, dayEnd(day)))).toEqual(e);
        expect(await q(x.db!, (rm) => campaignEffectivenessAtDayEndFromSales(rm, campaignId, dayEnd(day)))).toEqual(e);
        mine.push(e);
      }
      answers.push(mine);
    }
    expect(answers[1]).toEqual(answers[0]);
  }, 120_000);

  // Converted customers and revenue (fen) per group, worked out from the table at the top.
  const group = (size: number, converted: number, fen: number) => ({ size, converted, conversionRate: converted / size, revenue: formatFen(fen) });
  const HAND: [string, string, object][] = [
    // K1, end of 31 Mar: treatment A, B, C, D (M not yet enrolled). A: VA1 10,000 (23:30). B: VB1 reversed on its own
    // day. C: VC1 8,000 (23:59:59.999, reversed only at 00:00 on 1 Apr). D: nothing. → 2 of 4, 18,000. Control X: 0 of 1.
    ['K1', '2026-03-31', { treatment: group(4, 2, 18_000), control: group(1, 0, 0) }],
    // K1, end of 1 Apr: A: VA1 + VA2 (00:30) = 15,000. C: reversed → 0. M enrolled today: VM-D 4,000 (30 Mar, in the run,
    // before enrolment) counts; VM-D2 was reversed on 31 Mar, before. → 2 of 5 (A, M), 19,000.
    // Control: X VX1 4,000 (23:30); N enrolled, no DEP yet → 1 of 2, 4,000.
    ['K1', '2026-04-01', { treatment: group(5, 2, 19_000), control: group(2, 1, 4_000) }],
    // K1, end of 2 Apr: D's VD1 2,000 (after D moved unit) → 3 of 5, 21,000 (M's FX never counts). Control unchanged.
    ['K1', '2026-04-02', { treatment: group(5, 3, 21_000), control: group(2, 1, 4_000) }],
    // K2, end of 3 Apr: treatment M, U: M's VM-C1 6,000 (VM-C0 on 5 Mar was before the launch) → 1 of 2, 6,000. Control N: 0 of 1.
    ['K2', '2026-04-03', { treatment: group(2, 1, 6_000), control: group(1, 0, 0) }],
    // K2, end of 21 Apr (closed 20 Apr 18:00): N's VN-C1 + VN-C2 = 3,000; VN-C3 at 23:30 on the 20th after the close → 1 of 1, 3,000.
    // K1, end of 30 Apr (closed 18:00): A VA1 + VA2 + VA3 = 17,000, D 2,000, M 4,000 → 3 of 5, 23,000.
    // Control: X 4,000, N VN-D1 7,000 → 2 of 2, 11,000.
    ['K1', '2026-04-30', { treatment: group(5, 3, 23_000), control: group(2, 2, 11_000) }],
    // K1, end of 1 May: VA2 reversed at 00:10 after the close no longer stands (A 12,000); VA4 at 00:20 is after the
    // close and never counts → 3 of 5, 18,000. Control unchanged.
    ['K1', '2026-05-01', { treatment: group(5, 3, 18_000), control: group(2, 2, 11_000) }],
    ['K2', '2026-04-21', { treatment: group(2, 1, 6_000), control: group(1, 1, 3_000) }],
  ];

  it.each(HAND)('%s as of the end of %s: converted customers and revenue as worked out by hand, in A, B and C', async (campaignId, day, groups) => {
    for (const x of dbs) expect((await q(x.db!, (rm) => campaignEffectiveness(rm, campaignId, dayEnd(day))))!.groups).toEqual(groups);
  });
});
