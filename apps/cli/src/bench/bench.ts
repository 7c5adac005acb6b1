#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --sizes 100000,300000] [-- --out DIR] [-- --audience-only] [-- --audience-sizes 100000,1000000] [-- --store-only] [-- --read-side-only] [-- --launch-sizes … [--no-launch-baseline] [--launch-projector-after]] [-- --projections a,b] [-- --runs N] [-- --org small,8000x600] [-- --no-as-of-replay] [-- --campaign-days 365] [-- --as-of-day 2026-08-15] [-- --no-analyze] [-- --follow-up-only [--follow-up-contacts 50000,400000]]`: append, command path, projector rebuild (with the
 * naive baseline), queries and growth, each figure beside a baseline measured in the same run.
 * Writes `<out>/bench-<time>.json` and `.md` (default out: bench/results) and prints the summary.
 */
import 'reflect-metadata';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { endOfBusinessDay } from '@app/domain';
import { PostgresEventStore } from '@app/event-store';
import { createLogger, loadConfig, MIGRATIONS, migrate, startEmbeddedPostgres, startProjector, startRuntime, temporaryDataDir } from '@app/platform';
import { campaignEffectiveness, campaignList, customer360, customerDirectoryProjection, PROJECTIONS, PEOPLE_PER_PAGE, ProjectionRunner, scorecard, withReadModels } from '@app/read-models';
import { appendBench } from './append.bench';
import { peerBench } from './peer.bench';
import { audienceBench } from './audience.bench';
import { commandBench } from './commands.bench';
import { naiveRebuild } from './naive-baseline';
import { readSideMarkdown, readSideQueries, scorecardMarkdown, scorecardQueries, seedAndLaunch, type ReadSideQueries, type ScorecardQueries, type SeedAndLaunch } from './read-side.bench';
import { percentiles, timed } from './percentiles';
import { syntheticBatches } from '@app/demo';
import { severalApisBench } from './several-apis.bench';
import { launchAtSize, type LaunchAtSize } from './launch.bench';
import { followUpBench } from './follow-up.bench';

const EVENTS_PER_CUSTOMER = 8.2;
const silent = { info: () => undefined, error: (o: object, m: string) => console.error(m, o) };

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const out = resolve(args.includes('--out') ? args[args.indexOf('--out') + 1]! : 'bench/results');
  const sizesArg = args.includes('--sizes') ? args[args.indexOf('--sizes') + 1]!.split(',').map(Number) : undefined;
  const sizes = sizesArg ?? (quick ? [5_000, 10_000, 20_000] : [100_000, 300_000, 1_000_000]);
  // The histories at size and their queries only (no append, peer, command-path, audience or launch sections, no naive baseline).
  const readSideOnly = args.includes('--read-side-only');
  // `--projections staff-scorecard,campaign-effectiveness`: build and measure only these at each size (the queries of the others are left out).
  const only = args.includes('--projections') ? args[args.indexOf('--projections') + 1]!.split(',') : undefined;
  const projections = only ? PROJECTIONS.filter((p) => only.includes(p.name)) : PROJECTIONS;
  if (only && projections.length !== only.length) throw new Error(`--projections: unknown name among ${only.join(', ')}`);
  const built = (name: string) => projections.some((p) => p.name === name);
  const launchCustomers = readSideOnly ? 0 : args.includes('--launch-customers') ? Number(args[args.indexOf('--launch-customers') + 1]) : quick ? 200 : 20_000;
  const started = Date.now();

  let dir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  let stopPg = async () => undefined as void;
  if (!adminUrl) {
    dir = temporaryDataDir('bench-');
    const pg = await startEmbeddedPostgres({ dataDir: dir, settings: loadConfig().embeddedPgSettings });
    adminUrl = pg.url;
    stopPg = () => pg.stop();
  }
  const databases: string[] = [];
  const freshDatabase = async (name: string) => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    databases.push(name);
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    await migrate(u.toString(), MIGRATIONS);
    return u.toString();
  };
  const step = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);

  if (args.includes('--launch-sizes')) {
    // Only the launch at a bank's size: `--launch-sizes 100000,1000000`.
    try {
      const launches: LaunchAtSize[] = [];
      for (const customers of args[args.indexOf('--launch-sizes') + 1]!.split(',').map(Number)) {
        const url = await freshDatabase(`bench_launch_${customers}`);
        const runtime = await startRuntime(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RUN_PROJECTOR: 'false', SEED_DEMO: 'false' }), createLogger('silent'));
        try {
          launches.push(await launchAtSize(runtime, customers, step, { baseline: !args.includes('--no-launch-baseline'), projectorAfter: args.includes('--launch-projector-after'), cpuProfile: process.env.LAUNCH_CPU_PROFILE, commandCpuProfile: process.env.LAUNCH_COMMAND_CPU_PROFILE, commandPerf: process.env.LAUNCH_COMMAND_PERF }));
        } finally {
          await runtime.close();
        }
        step(JSON.stringify(launches.at(-1)));
      }
      const report = { machine: { cpus: cpus().length, node: process.version }, launches };
      mkdirSync(out, { recursive: true });
      const file = join(out, `bench-launch-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(report, null, 2));
      console.log(JSON.stringify(report, null, 2));
      step(`report: ${file}`);
    } finally {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect().catch(() => undefined);
      for (const d of databases) await admin.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => undefined);
      await admin.end().catch(() => undefined);
      await stopPg();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    return;
  }

  if (args.includes('--follow-up-only')) {
    // Only the follow-up answer at two contact counts: its reaction per 旬 from the per-day counters, beside counting each window's contact rows (v7).
    try {
      const url = await freshDatabase('bench_follow_up');
      const pool = new Pool({ connectionString: url, max: 4 });
      pool.on('error', () => undefined);
      const result = await followUpBench(pool, new PostgresEventStore(pool, { connectionString: url }), args.includes('--follow-up-contacts') ? args[args.indexOf('--follow-up-contacts') + 1]!.split(',').map(Number) : quick ? [5_000, 40_000] : [50_000, 400_000], option('--runs', 10), step);
      await pool.end();
      const report = { machine: { cpus: cpus().length, node: process.version }, followUp: result };
      mkdirSync(out, { recursive: true });
      const file = join(out, `bench-follow-up-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(report, null, 2));
      console.log(JSON.stringify(report, null, 2));
      step(`report: ${file}`);
    } finally {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect().catch(() => undefined);
      for (const d of databases) await admin.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => undefined);
      await admin.end().catch(() => undefined);
      await stopPg();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    return;
  }

  if (args.includes('--apis')) {
    // Only the multi-process comparison (it starts processes of its own; several minutes at its default 60 s per run).
    try {
      step('several api processes against one');
      const report = { machine: { cpus: cpus().length, node: process.version }, severalApis: await severalApisBench(adminUrl, { seconds: option('--apis-seconds', 60), connections: option('--apis-connections', 64), customers: option('--apis-customers', 40) }) };
      mkdirSync(out, { recursive: true });
      const file = join(out, `bench-apis-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(report, null, 2));
      console.log(JSON.stringify(report, null, 2));
      step(`report: ${file}`);
    } finally {
      await stopPg();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    return;
  }

  try {
    const report: Record<string, unknown> = {
      quick,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, database: adminUrl.includes('127.0.0.1') ? 'embedded PostgreSQL' : 'DATABASE_URL' },
    };

    const storeOnly = args.includes('--store-only');
    if (!readSideOnly) {
    if (!storeOnly) {
      step('audience preview');
      const url = await freshDatabase('bench_audience');
      const pool = new Pool({ connectionString: url, max: 4 });
      pool.on('error', () => undefined);
      const store = new PostgresEventStore(pool, { connectionString: url });
      const audience: unknown[] = [];
      // Each size adds customers to the last one's history (`--audience-sizes 100000,300000`).
      const audienceSizes = args.includes('--audience-sizes') ? args[args.indexOf('--audience-sizes') + 1]!.split(',').map(Number) : quick ? [10_000] : [100_000, 1_000_000];
      let from = 1;
      for (const customers of audienceSizes) {
        step(`audience preview at ${customers} customers`);
        audience.push(await audienceBench(pool, store, customers, quick ? 10 : 20, from));
        step(JSON.stringify(audience.at(-1)));
        from = customers + 1;
      }
      report.audiencePreview = audience;
      await pool.end();
    }
    if (args.includes('--audience-only')) {
      process.stdout.write(`${JSON.stringify(report.audiencePreview, null, 2)}\n`);
      return;
    }

    step('append');
    {
      const url = await freshDatabase('bench_append');
      const pool = new Pool({ connectionString: url, max: 4 });
      pool.on('error', () => undefined);
      report.append = await appendBench(pool, new PostgresEventStore(pool, { connectionString: url }), quick ? 5_000 : 100_000, quick ? 200 : 2_000);
      await pool.end();
    }

    step('append and import beside Emmett (same server, same payloads)');
    {
      const url = await freshDatabase('bench_peer_ours');
      const emmettUrl = await freshDatabase('bench_peer_emmett');
      const pool = new Pool({ connectionString: url, max: 4 });
      pool.on('error', () => undefined);
      report.peer = await peerBench({ pool, url }, { url: emmettUrl }, quick ? { events: 2_000, singles: 100, streamLength: 2_000 } : { events: 100_000, singles: 2_000, streamLength: 10_000 });
      await pool.end();
    }
    if (storeOnly) {
      // Only the store section (append, then beside Emmett): about a minute, to run several times on a noisy machine.
      process.stdout.write(`${JSON.stringify({ append: report.append, peer: report.peer }, null, 2)}\n`);
      return;
    }

    step('command path');
    {
      const url = await freshDatabase('bench_commands');
      const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RUN_PROJECTOR: 'false' });
      const runtime = await startRuntime(config, createLogger('silent'));
      const org = syntheticBatches(0).next().value!;
      await runtime.store.appendToStreams(org);
      report.commands = await commandBench(runtime, quick ? 50 : 500, quick ? { 1: 150, 16: 20 } : { 1: 3_000, 16: 300 });
      await runtime.close();
    }
    }

    const rebuild: unknown[] = [];
    const queries: unknown[] = [];
    let naive: unknown;
    const readSide: ReadSideQueries[] = [];
    const scorecards: ScorecardQueries[] = [];
    // `--org small,8000x600`: each size's history once per org shape (`small`: the synthetic history's 5 staff in 4 units; `8000x600`: 8,000 staff in about 600 units, `bankOrg`).
    const orgs = args.includes('--org') ? args[args.indexOf('--org') + 1]!.split(',') : ['small'];
    // `--campaign-days 365`: the campaigns' first contacts spread over a year, not 40 days (`SyntheticOptions.campaignDays`);
    // `--as-of-day 2026-08-15`: the bank day whose end the as-of answers are read at (default 15 March: mid-K2 at 40 days).
    const campaignDays = args.includes('--campaign-days') ? Number(args[args.indexOf('--campaign-days') + 1]) : undefined;
    if (campaignDays !== undefined && !(campaignDays > 0)) throw new Error('--campaign-days: a number of days above 0');
    const asOfDay = args.includes('--as-of-day') ? args[args.indexOf('--as-of-day') + 1]! : '2026-03-15';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOfDay)) throw new Error('--as-of-day: a bank day, YYYY-MM-DD');
    for (const size of sizes) for (const orgName of orgs) {
      const org = orgName === 'small' ? undefined : (([staff, units]) => ({ staff: staff!, units: units! }))(orgName.split('x').map(Number));
      if (org && !(org.staff > 0 && org.units > 0)) throw new Error(`--org: ${orgName} is neither small nor STAFFxUNITS`);
      step(`history of ${size} events${org ? ` in an org of ${org.staff} staff and ${org.units} units` : ''}`);
      const url = await freshDatabase(`bench_${size}${org ? `_${org.staff}x${org.units}` : ''}`);
      const pool = new Pool({ connectionString: url, max: 12 });
      pool.on('error', () => undefined);
      const store = new PostgresEventStore(pool, { connectionString: url });
      let events = 0;
      const [, writeMs] = await timed(async () => {
        for (const batch of syntheticBatches(Math.ceil(size / EVENTS_PER_CUSTOMER), 42, { org, campaignDays })) {
          await store.appendToStreams(batch);
          events += batch.reduce((n, a) => n + a.events.length, 0);
        }
      });
      step(`wrote ${events} events in ${Math.round(writeMs / 100) / 10} s`);

      if (size === sizes[0] && orgName === orgs[0] && !readSideOnly) {
        step(`naive baseline on ${events} events`);
        const ours = new ProjectionRunner(store, pool, [{ ...customerDirectoryProjection, name: 'bench-directory' }], silent, { batchSize: 2000 });
        const [, oursMs] = await timed(async () => {
          await ours.start();
          await ours.catchUp(3_600_000);
        });
        await ours.stop();
        const baseline = await naiveRebuild(url, store);
        const oursRate = events / (oursMs / 1000);
        const naiveRate = baseline.events / baseline.seconds;
        naive = { projection: 'customer-directory', events, projectorEventsPerSecond: Math.round(oursRate), naiveEventsPerSecond: Math.round(naiveRate), ratio: Math.round((oursRate / naiveRate) * 10) / 10 };
      }

      step(`rebuild of ${only ? only.join(', ') : 'all projections'} over ${events} events`);
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
      const runner = new ProjectionRunner(store, pool, projections, silent, { batchSize: 2000, maxBatchWaitMs: 20 });
      const [, ms] = await timed(async () => {
        await runner.start();
        if (!(await runner.catchUp(3_600_000))) throw new Error('projector did not catch up');
      });
      await runner.stop();
      clearInterval(sampler);
      // Fresh tables have no planner statistics yet; a live system gets them from autovacuum. With --no-analyze the
      // queries are timed on the statistics the projector's own ANALYZEs left (after batches that changed a table a lot).
      if (!args.includes('--no-analyze')) await withReadModels(pool, projections.map((p) => p.name), (db) => db.query('ANALYZE'), { readOnly: false });
      step(`projected in ${Math.round(ms / 100) / 10} s`);
      rebuild.push({ events, writeSeconds: Math.round(writeMs) / 1000, projections: projections.length, seconds: Math.round(ms) / 1000, eventsPerSecond: Math.round(events / (ms / 1000)), peakRssMb: Math.round(peakRss / 2 ** 20) });

      step(`queries at ${events} events`);
      const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : quick ? 20 : 30;
      const sample = async (f: (db: import('@app/read-models').Queryable) => Promise<unknown>, projections: string[]) => {
        const t: number[] = [];
        for (let i = 0; i < runs; i++) t.push((await timed(() => withReadModels(pool, projections, f)))[1]);
        return percentiles(t);
      };
      if (built('staff-scorecard')) scorecards.push(await scorecardQueries(pool, events, '2026-03', runs, orgName));
      if (!only) {
        queries.push({
          events,
          campaignEffectiveness: await sample((db) => campaignEffectiveness(db, 'K2'), ['campaign-effectiveness']),
          campaignList: await sample((db) => campaignList(db), ['campaign-effectiveness']),
          branchScorecard: await sample((db) => scorecard(db, '2026-03', 'BR1', { limit: PEOPLE_PER_PAGE.default }), ['staff-scorecard']),
          customer360: await sample((db) => customer360(db, 'S7'), ['customer-360', 'points-ledger']),
        });
      }
      // As of 15 March Beijing time by default: the middle of the synthetic campaigns (launched 2 March, completed 30 April).
      if (built('campaign-effectiveness')) readSide.push(await readSideQueries(pool, store, events, 'K2', new Date(endOfBusinessDay(asOfDay)), runs, !args.includes('--no-as-of-replay')));
      await pool.end();
    }
    let launch: SeedAndLaunch | undefined;
    if (launchCustomers > 0) {
      step(`seed of ${launchCustomers} customers, then a launch to all of them`);
      const url = await freshDatabase('bench_launch');
      const runtime = await startRuntime(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RUN_PROJECTOR: 'true', SEED_DEMO: 'false' }), createLogger('silent'));
      try {
        await startProjector(runtime);
        launch = await seedAndLaunch(runtime, launchCustomers, 2);
      } finally {
        await runtime.close();
      }
    }
    report.readSide = { queries: readSide, seedAndLaunch: launch ?? null };
    report.scorecards = scorecards;
    if (only) report.projections = only.join(', ');
    report.rebuild = rebuild;
    report.naiveBaseline = naive;
    report.queries = queries;
    report.seconds = Math.round((Date.now() - started) / 100) / 10;

    mkdirSync(out, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const md = markdown(report);
    writeFileSync(join(out, `bench-${stamp}.json`), JSON.stringify(report, null, 2));
    writeFileSync(join(out, `bench-${stamp}.md`), md);
    process.stdout.write(md);
  } finally {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect().catch(() => undefined);
    for (const d of databases) await admin.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await stopPg();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const BATCHES = ['batch100', 'batch1000'] as const;
const BATCH_LABEL = { batch100: 'batches of 100', batch1000: 'batches of 1,000' };
/** A ratio as a whole percentage. */
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
/** An import's row of the peer table: its rate, and that rate against our own batches of 1,000. */
const importRow = (what: string, eventsPerSecond: number, ofBatch1000: number, after = '') => `| ${what} | ${eventsPerSecond} events/s | | | | ${percent(ofBatch1000)} of our batches of 1,000${after} |`;

function markdown(r: Record<string, any>): string {
  const lines = [`# Benchmark${r.quick ? ' (quick)' : ''}`, '', `Machine: ${r.machine.cpus} × ${r.machine.cpu}, Node ${r.machine.node}, ${r.machine.database}. Took ${r.seconds} s.`, ''];
  const a = r.append;
  if (a) {
  lines.push('## Append', '', '| what | figure |', '| --- | --- |');
  lines.push(`| ceiling (server-side generate_series insert) | ${a.ceilingEventsPerSecond} events/s |`);
  for (const k of BATCHES) lines.push(`| ${BATCH_LABEL[k]} | ${a[k].eventsPerSecond} events/s (${percent(a[k].fractionOfCeiling)} of ceiling) |`);
  lines.push(`| single append, expected revision | p50 ${a.singleAppendMs.p50} ms, p99 ${a.singleAppendMs.p99} ms |`, '');
  const p = r.peer;
  lines.push(`## Beside Emmett (${p.events} events per run, same server and payloads)`, '', 'Ceiling: the same rows by a bare COPY per batch (its own transaction) into our events table, text built beforehand.', '');
  lines.push('| what | ours | Emmett | ceiling | ours ÷ Emmett | ours ÷ ceiling |', '| --- | --- | --- | --- | --- | --- |');
  for (const k of BATCHES) lines.push(`| ${BATCH_LABEL[k]} | ${p[k].ours} events/s | ${p[k].emmett} events/s | ${p[k].ceiling} events/s | ${p[k].vsEmmett}× | ${percent(p[k].ofCeiling)} |`);
  lines.push(`| single append p50 / p99 | ${p.singleAppendMs.ours.p50} / ${p.singleAppendMs.ours.p99} ms | ${p.singleAppendMs.emmett.p50} / ${p.singleAppendMs.emmett.p99} ms | | | |`);
  lines.push(`| read a ${p.readStreamMs.events}-event stream p50 | ${p.readStreamMs.ours.p50} ms | ${p.readStreamMs.emmett.p50} ms | | ${Math.round((p.readStreamMs.emmett.p50 / p.readStreamMs.ours.p50) * 100) / 100}× as fast | |`);
  lines.push(importRow("import (campaignctl import's path, catalogue checks), each stream's events together", p.import.eventsPerSecond, p.import.ofBatch1000));
  lines.push(importRow('import, the streams taking turns (as an export of a history has them)', p.importInterleaved.eventsPerSecond, p.importInterleaved.ofBatch1000));
  const t = p.importInTurns;
  lines.push(importRow(`import (streams together) in turns with batches of 1,000, ${t.rounds} rounds each`, t.import, t.ofBatch1000, ` (${t.batch1000} events/s in the same turns)`), '');
  const c = r.commands;
  lines.push('## Command path (CommandBus, rules, append)', '', '| clients | commands/s | p50 ms | p99 ms |', '| --- | --- | --- | --- |');
  for (const x of [c.oneClient, c.sixteenClients]) lines.push(`| ${x.clients} | ${x.commandsPerSecond} | ${x.latencyMs.p50} | ${x.latencyMs.p99} |`);
  }
  lines.push('', `## Projector rebuild (${r.projections ?? 'all projections'}, from position 0)`, '', '| events | seconds | events/s | peak RSS MB |', '| --- | --- | --- | --- |');
  for (const x of r.rebuild) lines.push(`| ${x.events} | ${x.seconds} | ${x.eventsPerSecond} | ${x.peakRssMb} |`);
  const n = r.naiveBaseline;
  if (n) lines.push('', `Naive baseline (EventsHandler + TypeORM save per event), ${n.projection} over ${n.events} events: projector ${n.projectorEventsPerSecond} events/s vs naive ${n.naiveEventsPerSecond} events/s = **${n.ratio}×**.`, '');
  if (r.queries.length) lines.push('## Queries (ms)', '', '| events | effectiveness p50/p95 | campaign list p50/p95 | branch scorecard p50/p95 | customer 360 p50/p95 |', '| --- | --- | --- | --- | --- |');
  for (const q of r.queries) {
    const f = (x: { p50: number; p95: number }) => `${x.p50} / ${x.p95}`;
    lines.push(`| ${q.events} | ${f(q.campaignEffectiveness)} | ${f(q.campaignList)} | ${f(q.branchScorecard)} | ${f(q.customer360)} |`);
  }
  if (r.readSide) lines.push('', ...readSideMarkdown(r.readSide.queries, r.readSide.seedAndLaunch ?? undefined));
  if (r.scorecards?.length) lines.push('', ...scorecardMarkdown(r.scorecards));
  if (r.audiencePreview) lines.push('', '## Audience preview (selection, exclusions, split, detectable lift; ms)', '', '| customers | plan | audience | before p50 / p95 | now p50 / p95 | p95 speed-up | baseline (ids of the subtree) p50 / p95 |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const x of r.audiencePreview ?? []) {
    for (const plan of ['everyCriterion', 'wholeBank']) {
      const y = x[plan];
      lines.push(`| ${x.customers} | ${plan} | ${y.audienceSize} | ${y.beforeMs.p50} / ${y.beforeMs.p95} | ${y.nowMs.p50} / ${y.nowMs.p95} | ${y.p95Speedup}× | ${x.baselineMs.p50} / ${x.baselineMs.p95} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
