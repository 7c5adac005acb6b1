#!/usr/bin/env node
/**
 * `npm run bench:projections [-- --events 100000] [-- --each] [-- --only a,b] [-- --profile]`: rebuild of every
 * projection in one pass over a synthetic history (events/s, peak RSS), with `--each` each
 * projection alone too (to see which costs most), with `--only` just those, one at a time. Only this: minutes, not the hour of the full `npm run bench`.
 * `--naive`: the customer directory rebuilt the
 * usual way (a TypeORM save per event, `naive-baseline.ts`) beside ours, alone and all projections.
 * `--profile`: where the one pass spends its time — reading the log alone, and per projection its state
 * reads, its effects and each table's writes (wall time summed over batches; projections run in parallel).
 * `--statements`: the server loads pg_stat_statements, and the report lists the 25 statements of the all-projections
 * rebuild that took it longest, and `analyze` the projector's ANALYZEs of it (statements, calls, server ms, the dearest three). Each rebuild reports the database server's CPU seconds beside this process's.
 * `--blue-green`: the all-projections run is the rebuild `campaignctl replay --all` runs (beside live read models,
 * analysed once when built) instead of the projector's first start (analysed as it goes); `--runs 4 --ab BLUE_GREEN`
 * alternates the two. `--catch-up N`: events per transaction once a batch has filled up (10,000 without it; `--catch-up 10000,20000` with `--runs 4`: run i takes the i-th size, round and round); with `--runs 4 --ab CATCH_UP_OFF`
 * the runs alternate with and without catch-up batches in one process; `--runs 4 --ab TWO_BATCHES_IN_FLIGHT`, with one
 * batch in flight (the runner's default: every member finishes a batch before any starts the next) and with two. Each rebuild reports the garbage collector's
 * pauses (`gcMs`) and `memoryMb` (`process.memoryUsage()` before it and at its RSS peak); the heap bound of `campaignctl replay` (`boundHeapGrowth`) is on, `--ab V8_HEAP_GROWTH` alternates it with V8's own. `--cpu-profile FILE` / `--heap-profile FILE`: a V8 CPU profile / a sampling heap profile (every
 * allocation sampled, collected or not) of the all-projections rebuild, written to FILE.
 * The server runs with `EMBEDDED_PG_SETTINGS` (as the product's embedded one); `--server-ab 'shared_buffers=1GB,max_wal_size=8GB'`
 * restarts it before every all-projections run, the second, fourth, … runs of `--runs N` with those settings over the others, the
 * first, third, … without (a restart writes a checkpoint, so no run inherits the one before's dirty pages). Each rebuild
 * reports the server's writes meanwhile (`server`: checkpoints, WAL, the backends' own writes and evictions).
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { Client, Pool } from 'pg';

/** Every statement any client sends (the store's reads too): a count the machine's load does not move. */
let statements = 0;
const query = Client.prototype.query;
Client.prototype.query = function (this: Client, ...args: unknown[]) {
  statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof Client.prototype.query;
import { PostgresEventStore } from '@app/event-store';
import { boundHeapGrowth, HEAP_GROWING_PERCENT, loadConfig, MIGRATIONS, migrate, parseServerSettings, startEmbeddedPostgres, temporaryDataDir } from '@app/platform';
import { effectTimings, PROJECTIONS, ProjectionRunner, type Projection } from '@app/read-models';
import { START, comparePositions, type Position } from '@app/event-store';
import { syntheticBatches } from '@app/demo';
import { timed } from './percentiles';
import { naiveRebuild } from './naive-baseline';
import { cpuProfiled, gcPauses, heapSampled, withCpu } from './cpu';

const EVENTS_PER_CUSTOMER = 8.2;
/** `process.memoryUsage()` in MB: rss, the JS heap reserved and in use, memory outside it (Buffers among it). */
const mb = (m: NodeJS.MemoryUsage) => ({ rss: Math.round(m.rss / 2 ** 20), heapTotal: Math.round(m.heapTotal / 2 ** 20), heapUsed: Math.round(m.heapUsed / 2 ** 20), external: Math.round(m.external / 2 ** 20), arrayBuffers: Math.round(m.arrayBuffers / 2 ** 20) });
const silent = { info: () => undefined, error: (o: object, m: string) => console.error(m, o) };

/**
 * `--catch-up N`: events per transaction once a batch has filled up (the runner's `catchUpBatchSize`,
 * 10,000 without it, as the projector's default for batches of 500); `--runs 4 --ab CATCH_UP_OFF` alternates runs with it off (batches of 2,000 throughout).
 */
const catchUpBatchSize = (run: number) => {
  const args = process.argv.slice(2);
  if (process.env.CATCH_UP_OFF) return undefined;
  if (!args.includes('--catch-up')) return 10_000;
  // `--catch-up 10000,40000`: run i of `--runs N` takes the i-th size, round and round (sizes alternating in one process).
  const sizes = args[args.indexOf('--catch-up') + 1]!.split(',').map(Number);
  return sizes[run % sizes.length];
};

/**
 * `blueGreen`: the rebuild `campaignctl replay --all` and `POST /api/projections/:name/rebuild` run (`rebuildAll`): every
 * projection built from the start of the log into a schema of its own beside live read models (here: empty ones at
 * the head), analysed once when built, then switched to. Without it, the projector's first start over an empty read
 * side: live read models built from the start, each table analysed in the batch that changed it a lot (as after a launch).
 */
async function rebuild(pool: Pool, store: PostgresEventStore, projections: readonly Projection[], events: number, blueGreen = false, run = 0) {
  // The heap bound `campaignctl replay` and the projector set (libs/platform/src/heap.ts); `--ab V8_HEAP_GROWTH` alternates it with V8's own factor (up to 4×).
  // In one process a run keeps the old generation's limit the run before set until its own first full collection: for a clean
  // comparison of peak RSS run the two arms as separate processes.
  boundHeapGrowth(process.env.V8_HEAP_GROWTH ? 0 : HEAP_GROWING_PERCENT);
  // What the process held before the rebuild (the seeded history's leftovers, Nest-free here) and, at the RSS peak,
  // how it split: the JS heap in use, the heap V8 has reserved, and memory outside it (the driver's socket buffers).
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let atPeak = before;
  const statementsBefore = statements;
  if (blueGreen) {
    // Live read models to rebuild beside: checkpoints at the head of the log, no tables (the switch-over drops nothing).
    const head = (await store.headPosition())!;
    for (const p of projections) {
      await pool.query(`INSERT INTO projection_checkpoints (name, version, schema_name, commit_pos, prepare_pos) VALUES ($1, $2, 'none', $3::text::xid8, $4)`, [p.name, p.version, head.commit.toString(), head.prepare.toString()]);
    }
  }
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) [peakRss, atPeak] = [m.rss, m];
  }, 100);
  const gc = gcPauses();
  const runner = new ProjectionRunner(store, pool, projections, silent, { batchSize: 2000, maxBatchWaitMs: 20, catchUpBatchSize: catchUpBatchSize(run), batchesInFlight: process.env.TWO_BATCHES_IN_FLIGHT ? 2 : undefined });
  // This process's CPU (effects, folds, parsing, the driver) and the database's; the rest of the wall time is waiting for a core.
  const [[, ms], cpu] = await withCpu(pool, async () => {
    const run = await timed(async () => {
      if (blueGreen) {
        await runner.rebuildAll(projections.map((p) => p.name));
        return;
      }
      await runner.start();
      if (!(await runner.catchUp(3_600_000))) throw new Error('projector did not catch up');
    });
    await runner.stop();
    return run;
  });
  clearInterval(sampler);
  const sent = statements - statementsBefore;
  const gcMs = gc.stop();
  // The next run starts from nothing: drop this one's checkpoints and schemas.
  const { rows } = await pool.query<{ schema_name: string }>(`DELETE FROM projection_checkpoints RETURNING schema_name`);
  for (const r of rows) await pool.query(`DROP SCHEMA IF EXISTS "${r.schema_name}" CASCADE`);
  return { projections: projections.map((p) => `${p.name} v${p.version}`).join(', '), path: blueGreen ? 'blue-green rebuild' : 'first start', catchUp: catchUpBatchSize(run) ?? null, heapGrowth: process.env.V8_HEAP_GROWTH ? 'V8' : `${HEAP_GROWING_PERCENT}%`, seconds: Math.round(ms) / 1000, eventsPerSecond: Math.round(events / (ms / 1000)), peakRssMb: Math.round(peakRss / 2 ** 20), memoryMb: { before: mb(before), atPeak: mb(atPeak) }, statementsPer1000Events: Math.round((sent / events) * 1000), ...cpu, gcMs };
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const size = option('--events', 100_000);
  const step = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const dir = temporaryDataDir('bench-projections-');
  // Read as the product reads it (a bad value is the same configuration error).
  const settings = loadConfig().embeddedPgSettings;
  const abSettings = args.includes('--server-ab') ? parseServerSettings(args[args.indexOf('--server-ab') + 1]!) : undefined;
  let pg = await startEmbeddedPostgres({ dataDir: dir, settings });
  const statementsTop = args.includes('--statements');
  if (statementsTop) {
    // The server keeps per-statement totals (pg_stat_statements) only when it loads the module at start.
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    await c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await c.end();
    await pg.stop();
    pg = await startEmbeddedPostgres({ dataDir: dir, settings });
  }
  try {
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE bench_projections`);
    await admin.end();
    const u = new URL(pg.url);
    u.pathname = '/bench_projections';
    await migrate(u.toString(), MIGRATIONS);
    if (statementsTop) {
      const c = new Client({ connectionString: u.toString() });
      await c.connect();
      await c.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
      await c.end();
    }
    const connect = () => {
      const p = new Pool({ connectionString: u.toString(), max: 12 });
      p.on('error', () => undefined);
      return [p, new PostgresEventStore(p, { connectionString: u.toString() })] as const;
    };
    let [pool, store] = connect();
    /** `--server-ab`: the server restarted (same port) for run `i`, with the A/B settings on odd `i` (the second, fourth, … run). */
    const restartFor = async (i: number) => {
      if (!abSettings) return {};
      await pool.end();
      await pg.stop();
      const port = pg.port;
      pg = await startEmbeddedPostgres({ dataDir: dir, port, settings: { ...settings, ...(i % 2 === 1 ? abSettings : {}) } });
      [pool, store] = connect();
      const shown: Record<string, string> = {};
      for (const name of Object.keys(abSettings)) shown[name] = (await pool.query<{ v: string }>(`SELECT current_setting($1) AS v`, [name])).rows[0]!.v;
      return { settings: shown };
    };
    let events = 0;
    for (const batch of syntheticBatches(Math.ceil(size / EVENTS_PER_CUSTOMER), 42)) {
      await store.appendToStreams(batch);
      events += batch.reduce((n, a) => n + a.events.length, 0);
    }
    step(`history of ${events} events`);
    const results = [];
    const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : undefined;
    if (args.includes('--each') || only) {
      for (const p of PROJECTIONS.filter((x) => !only || only.includes(x.name))) {
        step(`rebuild of ${p.name}`);
        results.push(await rebuild(pool, store, [p], events));
        step(JSON.stringify(results.at(-1)));
      }
    }
    const profile = args.includes('--profile');
    let profiled: Record<string, number> | undefined;
    if (profile) {
      // Reading the whole log in the projector's batches, and nothing else.
      const [, readMs] = await timed(async () => {
        const head = await store.headPosition();
        let after: Position = START;
        while (head && comparePositions(after, head) < 0) {
          const batch = await store.readAll({ after, maxCount: 2000 });
          if (batch.length) after = batch[batch.length - 1]!.position;
        }
      });
      profiled = { 'read the log alone': Math.round(readMs) };
    }
    let baselines: Record<string, unknown> | undefined;
    if (args.includes('--naive')) {
      step('the naive customer directory (a save per event) beside ours');
      const naive = await naiveRebuild(u.toString(), store);
      const directory = await rebuild(pool, store, PROJECTIONS.filter((p) => p.name === 'customer-directory'), events);
      const naiveRate = naive.events / naive.seconds;
      baselines = {
        ...baselines,
        naive: { events: naive.events, seconds: Math.round(naive.seconds * 10) / 10, eventsPerSecond: Math.round(naiveRate) },
        directory,
        directoryRatio: Math.round((directory.eventsPerSecond / naiveRate) * 10) / 10,
      };
      step(JSON.stringify(baselines));
    }
    if (!only) {
      if (statementsTop) await pool.query(`SELECT pg_stat_statements_reset()`);
      step('rebuild of all projections in one pass');
      effectTimings.enabled = profile;
      effectTimings.ms.clear();
      const profileTo = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
      const blueGreen = () => args.includes('--blue-green') || Boolean(process.env.BLUE_GREEN);
      const first = await restartFor(0);
      results.push({ ...first, ...(await cpuProfiled(profileTo('--cpu-profile'), () => heapSampled(profileTo('--heap-profile'), () => rebuild(pool, store, PROJECTIONS, events, blueGreen())))) });
      if (abSettings) step(JSON.stringify(results.at(-1)));
      for (let i = 1; i < option('--runs', 1); i++) {
        const ab = args.includes('--ab') ? args[args.indexOf('--ab') + 1]!.split(',') : [];
        for (const k of ab) if (i % 2 === 1) process.env[k] = '1'; else delete process.env[k];
        step(`run ${i + 1} ${ab.filter((k) => process.env[k]).join(',')}`);
        const shown = await restartFor(i);
        results.push({ ...shown, ...(await rebuild(pool, store, PROJECTIONS, events, blueGreen(), i)) });
        step(JSON.stringify(results.at(-1)));
      }
      effectTimings.enabled = false;
      step(JSON.stringify(results.at(-1)));
      if (profiled) for (const [k, ms] of [...effectTimings.ms].sort((a, b) => b[1] - a[1])) profiled[k] = Math.round(ms);
      const naive = baselines?.naive as { eventsPerSecond: number } | undefined;
      if (naive) baselines!.allInOnePassRatio = Math.round((results.at(-1)!.eventsPerSecond / naive.eventsPerSecond) * 10) / 10;
    }
    // The statements of the all-projections rebuilds (every run of `--runs N` summed) that took the server longest: total and mean ms, calls, rows.
    const top = statementsTop
      ? (
          await pool.query(
            `SELECT round(total_exec_time) AS total_ms, calls, round((total_exec_time / calls)::numeric, 2) AS mean_ms, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
             FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
          )
        ).rows
      : undefined;
    // What the projector's ANALYZEs after large batches cost the server, all tables together, and the three dearest
    // (each table once, whichever schema a run built it in; calls and ms summed over the runs, as the statements above).
    const analyze = statementsTop
      ? (
          await pool.query(
            `SELECT count(DISTINCT regexp_replace(query, '^ANALYZE "[^"]+"\\.', ''))::int AS tables, sum(calls)::int AS calls, round(sum(total_exec_time))::int AS total_ms,
                    (SELECT json_agg(x) FROM (SELECT regexp_replace(query, '^ANALYZE "[^"]+"\\.', '') AS "table", calls, round(total_exec_time)::int AS total_ms
                       FROM pg_stat_statements WHERE query LIKE 'ANALYZE %' ORDER BY total_exec_time DESC LIMIT 3) x) AS dearest
             FROM pg_stat_statements WHERE query LIKE 'ANALYZE %'`,
          )
        ).rows[0]
      : undefined;
    await pool.end();
    process.stdout.write(`${JSON.stringify({ events, node: process.version, results, baselines, profileMs: profiled, analyze, statements: top }, null, 2)}\n`);
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
