import { createHash } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedDemo, seedStatus, type SeedReport } from '@app/demo';

/** What main's seed wrote for the options below: streams and events by kind and type, and the whole log's fingerprint with every event's metadata. */
const MAIN_STREAMS = [
  { kind: 'campaign', type: 'CampaignApproved', streams: 4, events: 4 },
  { kind: 'campaign', type: 'CampaignCompleted', streams: 3, events: 3 },
  { kind: 'campaign', type: 'CampaignCostRecorded', streams: 4, events: 4 },
  { kind: 'campaign', type: 'CampaignDrafted', streams: 4, events: 4 },
  { kind: 'campaign', type: 'CampaignFeedbackRecorded', streams: 3, events: 3 },
  { kind: 'campaign', type: 'CampaignLaunched', streams: 4, events: 4 },
  { kind: 'campaign', type: 'CampaignSubmitted', streams: 4, events: 4 },
  { kind: 'customer', type: 'BalanceSnapshotRecorded', streams: 1200, events: 6000 },
  { kind: 'customer', type: 'ComplaintAnswered', streams: 32, events: 33 },
  { kind: 'customer', type: 'ComplaintRecorded', streams: 36, events: 37 },
  { kind: 'customer', type: 'ConsentWithdrawn', streams: 1140, events: 2178 },
  { kind: 'customer', type: 'ConversionRecorded', streams: 142, events: 167 },
  { kind: 'customer', type: 'ConversionReversed', streams: 8, events: 8 },
  { kind: 'customer', type: 'CrossSellReferred', streams: 13, events: 13 },
  { kind: 'customer', type: 'CustomerAssignedToManager', streams: 456, events: 456 },
  { kind: 'customer', type: 'CustomerContacted', streams: 557, events: 1288 },
  { kind: 'customer', type: 'CustomerEnrolledInCampaign', streams: 434, events: 669 },
  { kind: 'customer', type: 'CustomerOnboarded', streams: 1200, events: 1200 },
  { kind: 'customer', type: 'CustomerTierChanged', streams: 14, events: 14 },
  { kind: 'customer', type: 'CustomerTookPartInCampaign', streams: 3, events: 3 },
  { kind: 'customer', type: 'OfferAccepted', streams: 154, events: 196 },
  { kind: 'customer', type: 'OfferBlockedAsUnsuitable', streams: 43, events: 49 },
  { kind: 'customer', type: 'OfferDeclined', streams: 322, events: 608 },
  { kind: 'customer', type: 'OfferPresented', streams: 348, events: 804 },
  { kind: 'customer', type: 'RiskProfileAssessed', streams: 856, events: 856 },
  { kind: 'demo', type: 'DemoSeedCompleted', streams: 1, events: 1 },
  { kind: 'demo', type: 'DemoSeedStarted', streams: 1, events: 1 },
  { kind: 'org', type: 'AnnualBudgetSet', streams: 1, events: 1 },
  { kind: 'org', type: 'BudgetAllocated', streams: 3, events: 3 },
  { kind: 'org', type: 'BudgetCommitted', streams: 3, events: 4 },
  { kind: 'org', type: 'BudgetReleased', streams: 3, events: 3 },
  { kind: 'org', type: 'BudgetSplit', streams: 1, events: 3 },
  { kind: 'organisation', type: 'OrgUnitOpened', streams: 1, events: 56 },
  { kind: 'organisation', type: 'ProductDefined', streams: 1, events: 8 },
  { kind: 'organisation', type: 'StaffMemberRegistered', streams: 1, events: 150 },
  { kind: 'organisation', type: 'TargetSet', streams: 1, events: 16 },
];
const MAIN_FINGERPRINT = { events: 14851, hash: 'f47bd4b2f696e72d644dcef4f713a74dfd1c00476a1a6e83c1fda5dce7599bdd' };


/**
 * The demo history: written through the command side, deterministic for a seed, shaped like the
 * bank in DOMAIN.md, and with treatment converting better than control.
 */
describe('demo seed', () => {
  const options = { customers: 1200, months: 4, seed: 7, end: '2026-06' };
  let a: TestApp;
  let report: SeedReport;

  const fingerprint = async (t: TestApp) => {
    const { rows } = await t.db.pool.query(
      `SELECT stream_id, stream_position, type, data::text AS data, metadata->>'eventId' AS id, metadata->>'occurredAt' AS at FROM es_events ORDER BY stream_id, stream_position`,
    );
    return { events: rows.length, hash: createHash('sha256').update(rows.map((r) => `${r.stream_id}|${r.stream_position}|${r.type}|${r.data}|${r.id}|${r.at}`).join('\n')).digest('hex') };
  };

  beforeAll(async () => {
    a = await startTestApp();
    report = await seedDemo(a.runtime, a.app.get(CommandBus), options);
    await a.runtime.projector!.catchUp(60_000);
  }, 120_000);
  afterAll(() => a?.close());

  it('writes the same history for the same seed, event ids included', async () => {
    const b = await startTestApp();
    try {
      await seedDemo(b.runtime, b.app.get(CommandBus), options);
      expect(await fingerprint(b)).toEqual(await fingerprint(a));
    } finally {
      await b.close();
    }
  }, 120_000);

  it('writes the history main wrote before the seed was made faster (issue 13): every stream, event and metadata field', async () => {
    // Taken from main at aa3e116 (the seed's command side before the issue-13 changes), same options:
    // a change that speeds the seed up must not move a single event, id, correlation or timestamp.
    const { rows } = await a.db.pool.query(`SELECT split_part(stream_id, '-', 1) AS kind, type, count(DISTINCT stream_id)::int AS streams, count(*)::int AS events FROM es_events GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(rows).toEqual(MAIN_STREAMS);
    const { rows: log } = await a.db.pool.query(`SELECT stream_id, stream_position, type, data::text AS data, metadata::text AS metadata FROM es_events ORDER BY stream_id, stream_position`);
    const hash = createHash('sha256').update(log.map((r) => `${r.stream_id}|${r.stream_position}|${r.type}|${r.data}|${r.metadata}`).join('\n')).digest('hex');
    expect({ events: log.length, hash }).toEqual(MAIN_FINGERPRINT);
  });

  it('a seed cut short (Ctrl-C on a first start) is recognised on the next start, which says how to start over', async () => {
    const c = await startTestApp();
    try {
      const stop = new AbortController();
      // Stopped at its first progress report (after onboarding): the loop over months checks the signal first thing.
      await expect(seedDemo(c.runtime, c.app.get(CommandBus), { customers: 150, months: 2, seed: 3, end: '2026-06', signal: stop.signal }, () => stop.abort())).rejects.toThrow('seeding stopped');
      const { rows } = await c.db.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = 'organisation'`);
      expect(rows[0].n).toBeGreaterThan(0); // a half-built bank is there
      expect(await seedStatus(c.runtime)).toBe('interrupted');
      await expect(seedDemo(c.runtime, c.app.get(CommandBus), { customers: 150, months: 2, seed: 3, end: '2026-06' })).rejects.toThrow(/interrupted.*To start over: stop the product, delete DATA_DIR/);
      expect(await seedStatus(a.runtime)).toBe('completed');
    } finally {
      await c.close();
    }
  }, 120_000);

  it('refuses to seed a store that already has an organisation', async () => {
    await expect(seedDemo(a.runtime, a.app.get(CommandBus), options)).rejects.toThrow(/already holds an organisation/);
  });

  it('builds the bank of the source documents: 1 head office, 3 branches, 12 sub-branches, 40 outlets, 150 staff', async () => {
    const { rows } = await a.db.pool.query(`SELECT type, data->>'level' AS level, count(*)::int AS n FROM es_events WHERE stream_id = 'organisation' AND type IN ('OrgUnitOpened', 'StaffMemberRegistered') GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(rows).toEqual([
      { type: 'OrgUnitOpened', level: 'branch', n: 3 },
      { type: 'OrgUnitOpened', level: 'head_office', n: 1 },
      { type: 'OrgUnitOpened', level: 'outlet', n: 40 },
      { type: 'OrgUnitOpened', level: 'sub_branch_1', n: 12 },
      { type: 'StaffMemberRegistered', level: null, n: 150 },
    ]);
  });

  it('gives the asset shape of DOMAIN.md: a few VIP customers holding a large share of the assets', () => {
    expect(report.vip.share).toBeGreaterThan(0.01);
    expect(report.vip.share).toBeLessThan(0.03);
    expect(report.vip.assetShare).toBeGreaterThan(0.25);
  });

  it('runs the campaigns through their lifecycle, each with a control group', async () => {
    expect(report.campaigns.map((c) => [c.campaignId, c.status])).toEqual([
      ['K-DEPOSIT', 'completed'],
      ['K-WOMEN', 'completed'],
      ['K-FUNDSWITCH', 'completed'],
      ['K-EBANK', 'launched'],
    ]);
    const { rows } = await a.db.pool.query(`SELECT data->>'campaignId' AS k, data->>'group' AS g, count(*)::int AS n FROM es_events WHERE type = 'CustomerEnrolledInCampaign' GROUP BY 1, 2`);
    for (const k of ['K-DEPOSIT', 'K-EBANK']) {
      const n = (g: string) => rows.find((r) => r.k === k && r.g === g)?.n ?? 0;
      expect(n('control')).toBeGreaterThan(0);
      expect(n('control') / (n('control') + n('treatment'))).toBeCloseTo(0.1, 1);
    }
    // Each completed campaign's costs were shared by the customers who took part: some, never more than its treatment group.
    const { rows: completed } = await a.db.pool.query(`SELECT c.data->>'campaignId' AS k, (c.data->>'participantCount')::int AS p, (l.data->>'treatmentCount')::int AS t
      FROM es_events c JOIN es_events l ON l.stream_id = c.stream_id AND l.type = 'CampaignLaunched' WHERE c.type = 'CampaignCompleted'`);
    expect(completed.map((r) => r.k).sort()).toEqual(['K-DEPOSIT', 'K-FUNDSWITCH', 'K-WOMEN']);
    for (const r of completed) expect({ k: r.k, some: r.p > 0, withinTreatment: r.p <= r.t }).toEqual({ k: r.k, some: true, withinTreatment: true });
  });

  it('keeps every rule: no sale of a risk-bearing product above the customer’s tolerance; refusals recorded', async () => {
    const { rows: unsuitable } = await a.db.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE type = 'OfferBlockedAsUnsuitable'`);
    expect(unsuitable[0].n).toBeGreaterThan(0);
    expect(report.refusals.OFFER_NOT_SUITABLE).toBeGreaterThan(0);
    // Every sale of a risk-bearing product followed an assessment at or above its risk level.
    const { rows } = await a.db.pool.query(`
      SELECT count(*)::int AS bad FROM es_events v
       WHERE v.type = 'ConversionRecorded' AND v.data->>'productCode' IN ('FUND-BOND', 'GOLD', 'FUND-EQ', 'WM-R2')
         AND NOT EXISTS (SELECT 1 FROM es_events r WHERE r.stream_id = v.stream_id AND r.type = 'RiskProfileAssessed' AND r.stream_position < v.stream_position
                         AND substr(r.data->>'tolerance', 2)::int >= (CASE v.data->>'productCode' WHEN 'FUND-EQ' THEN 4 WHEN 'GOLD' THEN 3 ELSE 2 END))`);
    expect(rows[0].bad).toBe(0);
  });

  it('gives treatment a real, modest lift over control', async () => {
    const { rows } = await a.db.pool.query(`
      WITH e AS (SELECT stream_id, data->>'group' AS g FROM es_events WHERE type = 'CustomerEnrolledInCampaign' AND data->>'campaignId' = 'K-DEPOSIT'),
           s AS (SELECT DISTINCT stream_id FROM es_events WHERE type = 'ConversionRecorded' AND data->>'productCode' IN ('DEP-1Y', 'DEP-3M'))
      SELECT e.g, count(*)::int AS n, count(s.stream_id)::int AS converted FROM e LEFT JOIN s USING (stream_id) GROUP BY e.g`);
    const rate = (g: string) => { const r = rows.find((x) => x.g === g)!; return r.converted / r.n; };
    expect(rate('treatment')).toBeGreaterThan(rate('control'));
    expect(rate('treatment') / rate('control')).toBeLessThan(6);
  });
});
