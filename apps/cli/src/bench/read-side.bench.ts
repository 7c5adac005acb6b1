import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { ActOnCampaign, LaunchCampaign, startApplication } from '@app/application';
import { bankTimeZone, type Actor, type CampaignCommand } from '@app/domain';
import type { EventStore } from '@app/event-store';
import { planPdf, seedWithHandlers } from '@app/demo';
import type { Runtime } from '@app/platform';
import {
  buildScratch,
  campaignEffectiveness,
  campaignEffectivenessAtDayEndFromSales,
  campaignEffectivenessNowFromDays,
  campaignEffectivenessProjection,
  campaignKpis,
  campaignList,
  campaignTotals,
  PROJECTIONS,
  scorecard,
  scorecardRecounted,
  PEOPLE_PER_PAGE,
  staffScorecardProjection,
  waitForProjection,
  withReadModels,
  type Queryable,
} from '@app/read-models';
import { databaseCpuSeconds } from './cpu';
import { percentiles, timed } from './percentiles';

type Percentiles = ReturnType<typeof percentiles>;

/**
 * Answers sampled in turns (so the machine's load falls on each alike): each call timed, and this process's and the
 * database server's CPU read around it (outside its timing), as a mean per call over `runs`, to four places.
 */
function sampledInTurns<K extends string>(pool: Pool, runs: number, names: readonly K[]) {
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const cpu = Object.fromEntries(names.map((n) => [n, { node: 0, database: 0 }])) as Record<K, { node: number; database: number }>;
  const measure = async (which: K, f: () => Promise<unknown>) => {
    const database = await databaseCpuSeconds(pool);
    const node = process.cpuUsage();
    times[which].push((await timed(f))[1]);
    const used = process.cpuUsage(node);
    cpu[which].node += (used.user + used.system) / 1e6 / runs;
    cpu[which].database += ((await databaseCpuSeconds(pool)) - database) / runs;
  };
  const cpuOf = (which: K) => ({ node: Math.round(cpu[which].node * 1e4) / 1e4, database: Math.round(cpu[which].database * 1e4) / 1e4 });
  return { measure, times, cpuOf };
}

/**
 * The same-run baseline for the effectiveness answer: how it was computed before the counters —
 * nine statements aggregating the campaign's fact rows per request (campaign-effectiveness v4).
 */
const GROUP_SALES = `
  SELECT g.grp, g.customer_id, v.revenue_fen, v.occurred_at FROM ce_group_conversions g
  JOIN ce_conversions v ON v.customer_id = g.customer_id AND v.conversion_id = g.conversion_id AND NOT v.reversed
  JOIN ce_campaigns k ON k.campaign_id = g.campaign_id
  JOIN ce_participants p ON p.campaign_id = g.campaign_id AND p.customer_id = g.customer_id
  WHERE g.campaign_id = $1 AND k.launched_at IS NOT NULL AND v.occurred_at >= k.launched_at AND (k.closed_at IS NULL OR v.occurred_at <= k.closed_at)`;
const breakdown = (table: string, column: string, onlyBefore: boolean) => `
  SELECT h.key, count(*) FILTER (WHERE p.grp = 'treatment'), count(*) FILTER (WHERE p.grp = 'control'), count(s.customer_id)
  FROM ce_participants p
  LEFT JOIN LATERAL (SELECT ${column} AS key FROM ${table} x WHERE x.customer_id = p.customer_id ${onlyBefore ? 'AND x.valid_from <= p.enrolled_at' : ''}
                     ORDER BY (x.valid_from <= p.enrolled_at) DESC, x.valid_from DESC LIMIT 1) h ON true
  LEFT JOIN (SELECT DISTINCT customer_id FROM (${GROUP_SALES}) g) s ON s.customer_id = p.customer_id
  WHERE p.campaign_id = $1 GROUP BY 1`;
export const FACTS_BASELINE = [
  `SELECT * FROM ce_campaigns WHERE campaign_id = $1`,
  `SELECT count(*) FILTER (WHERE grp = 'treatment'), count(*) FILTER (WHERE grp = 'control'), count(first_contacted_at), count(first_offered_at), count(first_accepted_at), count(took_part_at)
   FROM ce_participants WHERE campaign_id = $1`,
  `SELECT count(*), count(DISTINCT customer_id), sum(revenue_fen) FROM ce_conversions WHERE campaign_id = $1 AND NOT reversed`,
  `SELECT sum(amount_fen) FROM ce_costs WHERE campaign_id = $1`,
  `SELECT count(*) FROM ce_complaints WHERE campaign_id = $1`,
  `SELECT grp, count(*), sum(revenue), sum(revenue::numeric * revenue) FROM (SELECT grp, customer_id, sum(revenue_fen) AS revenue FROM (${GROUP_SALES}) s GROUP BY 1, 2) c GROUP BY 1`,
  `SELECT day, count(*) FROM (
     SELECT (first_contacted_at AT TIME ZONE $2)::date AS day FROM ce_participants WHERE campaign_id = $1 AND first_contacted_at IS NOT NULL
     UNION ALL SELECT (first_offered_at AT TIME ZONE $2)::date FROM ce_participants WHERE campaign_id = $1 AND first_offered_at IS NOT NULL
     UNION ALL SELECT (occurred_at AT TIME ZONE $2)::date FROM ce_conversions WHERE campaign_id = $1 AND NOT reversed) x GROUP BY 1`,
  `SELECT channel, count(*), count(DISTINCT customer_id) FROM ce_contacts WHERE campaign_id = $1 GROUP BY channel`,
  breakdown('ce_customer_units', 'unit_id', false),
  breakdown('ce_customer_tiers', 'tier', true),
];

export async function effectivenessFromFacts(db: Queryable, campaignId: string): Promise<void> {
  for (const sql of FACTS_BASELINE) await db.query(sql, sql.includes('$2') ? [campaignId, bankTimeZone()] : [campaignId]);
}

export interface ReadSideQueries {
  readonly events: number;
  readonly campaignId: string;
  readonly participants: number;
  /** The answer from the counters (what the API serves now). */
  readonly effectiveness: Percentiles;
  /** Same-run baseline, sampled in turns with it: the groups summed from the day counters (before campaign-effectiveness v13); checked equal first. */
  readonly effectivenessNowFromDays: Percentiles;
  /** CPU seconds per answer, mean over the runs: this process and the database server (sampled around each call, outside its timing). */
  readonly cpu: Record<'now' | 'nowFromDays' | 'asOfDirect' | 'listTotals' | 'listTotalsFromSales', { node: number; database: number }>;
  /** Rows of the campaign in the group counters: by day (ce_group_counts, ce_converted_counts) and now (ce_tier_now_counts + ce_unit_now_counts, v14). */
  readonly groupRows: { days: number; converted: number; now: number };
  /** Same-run baseline: the v4 per-request aggregation over the fact rows. */
  readonly effectivenessFromFacts: Percentiles;
  /** As of a date under direct attribution: a query of the live read model. */
  readonly asOfDirect: Percentiles;
  /** As of the end of that bank day, the read-model answer alone: from the spans of days (campaign-effectiveness v9; as per-day deltas from v10). */
  readonly asOfDayEnd: Percentiles;
  /** Same-run baseline, sampled in turns with it: v8's day-end answer, the group sales from the campaign's sales rows. */
  readonly asOfDayEndFromSales: Percentiles;
  /** Participants with a counting sale by then (what v8 read one by one). */
  readonly convertedByThen: number;
  /** The campaign list's totals across every campaign (the bank's list), from the counters by set of owning units (v15). */
  readonly listTotals: Percentiles;
  /** Same-run baseline, sampled in turns with it: the same totals from every campaign's group sales (v14's query); checked equal first. */
  readonly listTotalsFromSales: Percentiles;
  /** Same-run baseline: one as-of replay of the history into scratch tables (how every as-of was answered before); null when left out (`--no-as-of-replay`). */
  readonly asOfReplayMs: number | null;
}

const ms = (x: number) => Math.round(x * 10) / 10;

/** Effectiveness now (counters vs the fact aggregation) and as of a date (query vs replay) on one history. */
export async function readSideQueries(pool: Pool, store: EventStore, events: number, campaignId: string, asOf: Date, runs: number, replay = true): Promise<ReadSideQueries> {
  const sample = async (f: (db: Queryable) => Promise<unknown>) => {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) t.push((await timed(() => withReadModels(pool, [campaignEffectivenessProjection.name], f)))[1]);
    return percentiles(t);
  };
  const participants = await withReadModels(pool, [campaignEffectivenessProjection.name], async (db) => Number((await db.query(`SELECT count(*) AS n FROM ce_participants WHERE campaign_id = $1`, [campaignId])).rows[0].n));
  const read = <T>(f: (db: Queryable) => Promise<T>) => withReadModels(pool, [campaignEffectivenessProjection.name], f);
  // The answer now from the now counters beside the groups summed from the day counters, in turns; checked equal first.
  const [now, nowFromDays] = await read(async (db) => [await campaignEffectiveness(db, campaignId), await campaignEffectivenessNowFromDays(db, campaignId)]);
  if (JSON.stringify(now) !== JSON.stringify(nowFromDays)) throw new Error(`the answer now from the now counters differs from the day counters' at ${events} events`);
  if (process.env.BENCH_ANSWERS) appendFileSync(process.env.BENCH_ANSWERS, `${JSON.stringify({ events, now, asOf: await read((db) => campaignEffectiveness(db, campaignId, asOf)) })}\n`);
  // BENCH_EXPLAIN=file: each statement of the answer now and as of the date, with its plan as run (auto_explain, analyze, buffers).
  if (process.env.BENCH_EXPLAIN)
    await read((db) =>
      explained(db, process.env.BENCH_EXPLAIN!, [
        [`${events} events: now`, () => campaignEffectiveness(db, campaignId)],
        [`${events} events: as of ${asOf.toISOString()}`, () => campaignEffectiveness(db, campaignId, asOf)],
      ]),
    );
  const { measure, times: t, cpuOf } = sampledInTurns(pool, runs, ['now', 'nowFromDays', 'asOfDirect', 'listTotals', 'listTotalsFromSales']);
  for (let i = 0; i < runs; i++) {
    await measure('now', () => read((db) => campaignEffectiveness(db, campaignId)));
    await measure('nowFromDays', () => read((db) => campaignEffectivenessNowFromDays(db, campaignId)));
  }
  // The list's totals across every campaign from the counters beside the group sales, in turns; checked equal first.
  const everyCampaign = (await read((db) => campaignList(db))).map((k) => k.campaignId);
  const [totals, totalsFromSales] = await read(async (db) => [await campaignTotals(db, everyCampaign), await campaignTotals(db, everyCampaign, true)]);
  if (JSON.stringify(totals) !== JSON.stringify(totalsFromSales)) throw new Error(`the list totals from the counters differ from the group sales' at ${events} events`);
  process.stderr.write(`bench: list totals over ${everyCampaign.length} campaigns at ${events} events: ${JSON.stringify({ treatmentConverted: totals.treatmentConverted, treatmentRevenue: totals.treatmentRevenue, units: totals.byUnit.length })}\n`);
  for (let i = 0; i < runs; i++) {
    await measure('listTotals', () => read((db) => campaignTotals(db, everyCampaign)));
    await measure('listTotalsFromSales', () => read((db) => campaignTotals(db, everyCampaign, true)));
  }
  const fromFacts = await sample((db) => effectivenessFromFacts(db, campaignId));
  for (let i = 0; i < runs; i++) await measure('asOfDirect', () => campaignKpis(pool, store, { asOf, campaignIds: [campaignId] }));
  const groupRows = await read(async (db) =>
    (await db.query(`SELECT (SELECT count(*)::int FROM ce_group_counts WHERE campaign_id = $1) AS days, (SELECT count(*)::int FROM ce_converted_counts WHERE campaign_id = $1) AS converted,
                            (SELECT count(*)::int FROM ce_tier_now_counts WHERE campaign_id = $1) + (SELECT count(*)::int FROM ce_unit_now_counts WHERE campaign_id = $1) AS now`, [campaignId])).rows[0] as ReadSideQueries['groupRows'],
  );
  // The day-end answer from the spans beside v8's from the sales rows, in turns; checked equal first.
  const [spans, fromSales] = await read(async (db) => [await campaignEffectiveness(db, campaignId, asOf), await campaignEffectivenessAtDayEndFromSales(db, campaignId, asOf)]);
  if (JSON.stringify(spans) !== JSON.stringify(fromSales)) throw new Error(`the day-end answer from spans differs from v8's at ${events} events`);
  const dayEnd: number[] = [];
  const dayEndFromSales: number[] = [];
  for (let i = 0; i < runs; i++) {
    dayEnd.push((await timed(() => read((db) => campaignEffectiveness(db, campaignId, asOf))))[1]);
    dayEndFromSales.push((await timed(() => read((db) => campaignEffectivenessAtDayEndFromSales(db, campaignId, asOf))))[1]);
  }
  const convertedByThen = spans ? spans.groups.treatment.converted + spans.groups.control.converted : 0;
  // The span counters' rows of the campaign (what the day-end answer's scans by campaign read), whatever their version keeps.
  const spanRows = await read(async (db) =>
    (await db.query(`SELECT (SELECT count(*)::int FROM ce_converted_counts WHERE campaign_id = $1) AS converted, (SELECT count(*)::int FROM ce_revenue_counts WHERE campaign_id = $1) AS revenue,
                            (SELECT count(*)::int FROM ce_tagged_span_counts WHERE campaign_id = $1) AS tagged`, [campaignId])).rows[0]);
  process.stderr.write(`bench: ${campaignId}'s span counter rows at ${events} events: ${JSON.stringify(spanRows)}\n`);
  const [, replayMs] = await timed(async () => {
    if (!replay) return;
    const scratch = await buildScratch(pool, store, [campaignEffectivenessProjection], { asOf });
    try {
      await scratch.query((db) => campaignEffectiveness(db, campaignId));
    } finally {
      await scratch.drop();
    }
  });
  return { events, campaignId, participants, effectiveness: percentiles(t.now), effectivenessNowFromDays: percentiles(t.nowFromDays),
    cpu: { now: cpuOf('now'), nowFromDays: cpuOf('nowFromDays'), asOfDirect: cpuOf('asOfDirect'), listTotals: cpuOf('listTotals'), listTotalsFromSales: cpuOf('listTotalsFromSales') },
    listTotals: percentiles(t.listTotals), listTotalsFromSales: percentiles(t.listTotalsFromSales), groupRows, effectivenessFromFacts: fromFacts, asOfDirect: percentiles(t.asOfDirect),
    asOfDayEnd: percentiles(dayEnd), asOfDayEndFromSales: percentiles(dayEndFromSales), convertedByThen, asOfReplayMs: replay ? ms(replayMs) : null };
}

export interface ScorecardQueries {
  readonly events: number;
  /** The org's shape: `small` (the synthetic history's 5 staff in 4 units) or staff × units asked for (`--org 8000x600`). */
  readonly org: string;
  readonly period: string;
  /** Person-unit rows in the branch's answer, and in the bank's. */
  readonly branchRows: number;
  readonly bankRows: number;
  /** A branch's scorecard (BR1, rolled up) from the counters: what the API serves now (its first page of people, `PEOPLE_PER_PAGE`). */
  readonly branch: Percentiles;
  /** Same-run baseline: customers contacted and adherence recounted from the fact rows per request (staff-scorecard v6). */
  readonly branchRecounted: Percentiles;
  /** The whole bank's scorecard (its first page of people), from the counters and recounted. */
  readonly bank: Percentiles;
  readonly bankRecounted: Percentiles;
  /** The whole bank's scorecard with every person-unit row (no page: as the CLI and the analyses read it). */
  readonly bankEveryRow: Percentiles;
  /** CPU seconds per answer, mean over the runs: this process and the database server (sampled around each call, outside its timing). */
  readonly cpu: Record<'branch' | 'branchRecounted' | 'bank' | 'bankRecounted' | 'bankEveryRow', { node: number; database: number }>;
}

/**
 * The branch and bank scorecards of a month from the counters, beside the per-request recount
 * they replaced, sampled in turns (so the machine's load falls on both alike); the two answers
 * are checked equal first.
 */
export async function scorecardQueries(pool: Pool, events: number, period: string, runs: number, org = 'small'): Promise<ScorecardQueries> {
  const read = <T>(f: (db: Queryable) => Promise<T>) => withReadModels(pool, [staffScorecardProjection.name], f);
  const [flat, recounted] = await read(async (db) => [await scorecard(db, period, 'BR1'), await scorecardRecounted(db, period, 'BR1')]);
  if (JSON.stringify(flat) !== JSON.stringify(recounted)) throw new Error(`the scorecard from counters differs from the recount at ${events} events`);
  const bankRows = (await read((db) => scorecard(db, period, undefined, { limit: 1 }))).peopleTotal;
  const page = { limit: PEOPLE_PER_PAGE.default };
  // BENCH_SCORECARD_EXPLAIN=file: each statement of the bank's and the branch's first page, with its plan as run (auto_explain, analyze, buffers).
  if (process.env.BENCH_SCORECARD_EXPLAIN)
    await read((db) =>
      explained(db, process.env.BENCH_SCORECARD_EXPLAIN!, [
        [`${events} events, org ${org}: the bank's first page`, () => scorecard(db, period, undefined, page)],
        [`${events} events, org ${org}: BR1's first page`, () => scorecard(db, period, 'BR1', page)],
      ]),
    );
  const { measure, times: t, cpuOf } = sampledInTurns(pool, runs, ['branch', 'branchRecounted', 'bank', 'bankRecounted', 'bankEveryRow']);
  const sample = (which: Parameters<typeof measure>[0], f: (db: Queryable) => Promise<unknown>) => measure(which, () => read(f));
  for (let i = 0; i < runs; i++) {
    await sample('branch', (db) => scorecard(db, period, 'BR1', page));
    await sample('branchRecounted', (db) => scorecardRecounted(db, period, 'BR1', page));
    await sample('bank', (db) => scorecard(db, period, undefined, page));
    await sample('bankRecounted', (db) => scorecardRecounted(db, period, undefined, page));
    await sample('bankEveryRow', (db) => scorecard(db, period));
  }
  return {
    events, org, period, branchRows: flat.people.length, bankRows,
    branch: percentiles(t.branch), branchRecounted: percentiles(t.branchRecounted), bank: percentiles(t.bank), bankRecounted: percentiles(t.bankRecounted), bankEveryRow: percentiles(t.bankEveryRow),
    cpu: { branch: cpuOf('branch'), branchRecounted: cpuOf('branchRecounted'), bank: cpuOf('bank'), bankRecounted: cpuOf('bankRecounted'), bankEveryRow: cpuOf('bankEveryRow') },
  };
}

export function scorecardMarkdown(rows: readonly ScorecardQueries[]): string[] {
  const f = (x: Percentiles) => `${x.p50} / ${x.p95}`;
  const c = (x: { node: number; database: number }) => `${x.node} + ${x.database}`;
  const ratio = (base: Percentiles, now: Percentiles) => `${Math.round((base.p95 / now.p95) * 10) / 10}×`;
  const lines = [
    '## Scorecards from counters beside the per-request recount (ms; CPU s per answer: this process + database; branch and bank: the first page of people, as the API answers by default)',
    '',
    '| events | org (staff × units) | month | branch rows / bank rows | branch p50/p95 | baseline: recount p50/p95 | p95 ratio | bank p50/p95 | baseline: recount p50/p95 | p95 ratio | bank, every row p50/p95 | CPU s branch / bank / bank every row | CPU s recount branch / bank |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const q of rows)
    lines.push(
      `| ${q.events} | ${q.org} | ${q.period} | ${q.branchRows} / ${q.bankRows} | ${f(q.branch)} | ${f(q.branchRecounted)} | ${ratio(q.branchRecounted, q.branch)} | ${f(q.bank)} | ${f(q.bankRecounted)} | ${ratio(q.bankRecounted, q.bank)} | ${f(q.bankEveryRow)} | ${c(q.cpu.branch)} / ${c(q.cpu.bank)} / ${c(q.cpu.bankEveryRow)} | ${c(q.cpu.branchRecounted)} / ${c(q.cpu.bankRecounted)} |`,
    );
  return lines;
}

export interface SeedAndLaunch {
  readonly customers: number;
  readonly months: number;
  readonly seedEvents: number;
  /** The seed's own rate (commands through the CommandBus, the projector running in the same process). */
  readonly seedEventsPerSecond: number;
  /** Until every projection had caught up with the seed as well. */
  readonly seedAndProjectionsEventsPerSecond: number;
  readonly launch: {
    readonly audience: number;
    /** The launch command (audience from the customer directory, one enrolment per customer, one append). */
    readonly commandMs: number;
    /** Until the campaign read model had applied every enrolment. */
    readonly projectedMs: number;
    /** The first effectiveness answer right after, from the counters. */
    readonly firstAnswerMs: number;
    /** Same-run baseline: the v4 fact aggregation for the same campaign at the same moment (no ANALYZE in between). */
    readonly firstAnswerFromFactsMs: number;
  };
}

/**
 * `campaignctl seed` through the command side with the projector running, then a launch to every
 * customer of the bank and the first effectiveness answer right after it.
 */
export async function seedAndLaunch(runtime: Runtime, customers: number, months: number): Promise<SeedAndLaunch> {
  const { pool } = runtime.db;
  const [seed, seedMs] = await timed(async () => {
    const report = await seedWithHandlers(runtime, { customers, months, seed: 7, end: '2026-06' });
    const head = await runtime.store.headPosition();
    for (const p of PROJECTIONS) if (head && !(await waitForProjection(pool, p.name, head, 3_600_000))) throw new Error(`${p.name} did not catch up`);
    return report;
  });

  const app = await startApplication(runtime);
  try {
    const org = await app.directory.current();
    const marketer: Actor = { userId: 'mkt-ho', unitId: 'HO', role: 'marketer' };
    const approver: Actor = { userId: 'appr-ho', unitId: 'HO', role: 'approver' };
    const when = '2026-06-20T09:00:00+08:00';
    const context = (by: Actor) => ({ correlationId: randomUUID(), actor: by.userId, orgUnit: by.unitId, occurredAt: when });
    const act = (command: Record<string, unknown>, by: Actor) =>
      app.commands.execute(new ActOnCampaign({ ...command, campaignId: 'K-BENCH', org, by, at: when } as unknown as CampaignCommand, context(by)));
    const plan = {
      name: 'Bench: everyone',
      objective: 'launch to every customer',
      ownerUnitId: 'HO',
      productCodes: ['DEP-1Y'],
      channels: ['phone'],
      audience: { tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [] },
      budget: '1000.00',
      period: { start: '2026-06-20', end: '2026-08-01' },
      controlGroupPercent: 10,
      targets: { conversions: null, revenue: null },
    };
    await act({ type: 'DraftCampaign', plan }, marketer);
    const document = await runtime.planDocuments.store({ campaignId: 'K-BENCH', fileName: 'bench.pdf', mediaType: 'application/pdf', content: planPdf('K-BENCH plan'), uploadedBy: marketer.userId, uploadedAt: when });
    await act({ type: 'SubmitCampaign', planDocumentId: document.documentId, planDocument: null }, marketer);
    await act({ type: 'ApproveCampaign' }, approver);
    const [launched, commandMs] = await timed(() => app.commands.execute(new LaunchCampaign('K-BENCH', 'K-BENCH', org, marketer, when, context(marketer))) as Promise<{ audienceSize: number }>);
    const head = (await runtime.store.headPosition())!;
    const [, projectedMs] = await timed(() => waitForProjection(pool, campaignEffectivenessProjection.name, head, 3_600_000));
    const [first, firstAnswerMs] = await timed(() => withReadModels(pool, [campaignEffectivenessProjection.name], (db) => campaignEffectiveness(db, 'K-BENCH')));
    if (first?.funnel.enrolled.treatment === undefined) throw new Error('no answer for K-BENCH');
    const [, firstAnswerFromFactsMs] = await timed(() => withReadModels(pool, [campaignEffectivenessProjection.name], (db) => effectivenessFromFacts(db, 'K-BENCH')));
    return {
      customers,
      months,
      seedEvents: seed.events,
      seedEventsPerSecond: seed.eventsPerSecond,
      seedAndProjectionsEventsPerSecond: Math.round(seed.events / (seedMs / 1000)),
      launch: { audience: launched.audienceSize, commandMs: ms(commandMs), projectedMs: ms(projectedMs), firstAnswerMs: ms(firstAnswerMs), firstAnswerFromFactsMs: ms(firstAnswerFromFactsMs) },
    };
  } finally {
    await app.close();
  }
}

export function readSideMarkdown(queries: readonly ReadSideQueries[], launch: SeedAndLaunch | undefined): string[] {
  const f = (x: Percentiles) => `${x.p50} / ${x.p95}`;
  const lines = [
    '## Read side: effectiveness from counters, as of a date without a replay (ms)',
    '',
    '| events | campaign (participants; converted by the as-of day) | group rows by day / now | effectiveness p50/p95 | baseline: groups from day counters p50/p95 | baseline: fact aggregation p50/p95 | as-of direct p50/p95 | as-of day end from spans p50/p95 | baseline: v8 from sales rows p50/p95 | baseline: as-of replay | CPU s now / from days / as-of direct (this process + database) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const c = (x: { node: number; database: number }) => `${x.node} + ${x.database}`;
  for (const q of queries)
    lines.push(`| ${q.events} | ${q.campaignId} (${q.participants}; ${q.convertedByThen}) | ${q.groupRows.days} (+${q.groupRows.converted} converted) / ${q.groupRows.now} | ${f(q.effectiveness)} | ${f(q.effectivenessNowFromDays)} | ${f(q.effectivenessFromFacts)} | ${f(q.asOfDirect)} | ${f(q.asOfDayEnd)} | ${f(q.asOfDayEndFromSales)} | ${q.asOfReplayMs ?? 'not measured'} | ${c(q.cpu.now)} / ${c(q.cpu.nowFromDays)} / ${c(q.cpu.asOfDirect)} |`);
  lines.push('', '| events | list totals (every campaign) from counters p50/p95 | baseline: from the group sales p50/p95 | CPU s counters / group sales (this process + database) |', '| --- | --- | --- | --- |');
  for (const q of queries) lines.push(`| ${q.events} | ${f(q.listTotals)} | ${f(q.listTotalsFromSales)} | ${c(q.cpu.listTotals)} / ${c(q.cpu.listTotalsFromSales)} |`);
  if (launch) {
    const l = launch.launch;
    lines.push(
      '',
      `Seed through the command side (${launch.customers} customers, ${launch.months} months, projector running): ${launch.seedEvents} events at ${launch.seedEventsPerSecond} events/s; ${launch.seedAndProjectionsEventsPerSecond} events/s until every projection had caught up.`,
      '',
      `Launch to every customer (${l.audience}): command ${l.commandMs} ms, projected ${l.projectedMs} ms later; first effectiveness answer ${l.firstAnswerMs} ms (baseline, fact aggregation at the same moment: ${l.firstAnswerFromFactsMs} ms).`,
    );
  }
  return lines;
}

/** Runs each step on `db` with auto_explain on (analyze, buffers, nested statements), appending a title and each statement's plan as run to `file`. */
async function explained(db: Queryable, file: string, steps: readonly (readonly [string, () => Promise<unknown>])[]): Promise<void> {
  const client = db as unknown as import('pg').PoolClient;
  const notice = (m: { message?: string }) => appendFileSync(file, `${m.message}\n\n`);
  client.on('notice', notice);
  try {
    await db.query(`LOAD 'auto_explain'`);
    for (const x of ['log_min_duration = 0', 'log_analyze = on', 'log_buffers = on', 'log_nested_statements = on', 'log_level = notice']) await db.query(`SET auto_explain.${x}`);
    for (const [title, step] of steps) {
      appendFileSync(file, `=== ${title}\n`);
      await step();
    }
    await db.query(`SET auto_explain.log_min_duration = -1`);
  } finally {
    client.off('notice', notice);
  }
}
