#!/usr/bin/env node
/**
 * Measures the projector on a synthetic history: append rate into the Postgres store, then a full
 * rebuild of every read model from position 0 (events/s and peak RSS of this process).
 *
 *   npm run build && node dist/apps/cli/src/bench/projector-throughput.js --events 1000000
 *
 * Uses DATABASE_URL when set, else an embedded PostgreSQL in a temporary folder.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PostgresEventStore } from '@app/event-store';
import { MIGRATIONS, migrate, startEmbeddedPostgres } from '@app/platform';
import { PROJECTIONS, ProjectionRunner } from '@app/read-models';
import { syntheticBatches } from './synthetic-history';

const EVENTS_PER_CUSTOMER = 7.9; // measured average of the synthetic history

async function main() {
  const target = Number(process.argv[process.argv.indexOf('--events') + 1] ?? 100_000) || 100_000;
  let dir: string | undefined;
  let stop = async () => undefined as void;
  let url = process.env.DATABASE_URL;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'bench-'));
    if (userInfo().uid === 0) chownSync(dir, ...(['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres']).toString())) as [number, number]));
    const pg = await startEmbeddedPostgres({ dataDir: dir });
    url = pg.url;
    stop = () => pg.stop();
  }
  const pool = new Pool({ connectionString: url, max: 12 });
  pool.on('error', () => undefined);
  try {
    await migrate(url, MIGRATIONS);
    const store = new PostgresEventStore(pool, { connectionString: url });
    const customers = Math.ceil(target / EVENTS_PER_CUSTOMER);
    let appended = 0;
    const t0 = performance.now();
    for (const batch of syntheticBatches(customers, 42)) {
      await store.appendToStreams(batch);
      appended += batch.reduce((n, a) => n + a.events.length, 0);
    }
    const appendSeconds = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ phase: 'append', customers, events: appended, seconds: round(appendSeconds), eventsPerSecond: Math.round(appended / appendSeconds) }));

    const only = process.env.BENCH_PROJECTIONS?.split(',');
    const projections = only ? PROJECTIONS.filter((p) => only.includes(p.name)) : PROJECTIONS;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const runner = new ProjectionRunner(store, pool, projections, { info: () => undefined, error: (o, m) => console.error(m, o) }, { batchSize: 2000, maxBatchWaitMs: 20 });
    const t1 = performance.now();
    await runner.start();
    if (!(await runner.catchUp(3_600_000))) throw new Error('projector did not catch up');
    const rebuildSeconds = (performance.now() - t1) / 1000;
    const statuses = runner.status().map((st) => `${st.name}:${st.state}@${st.position.commit}/${st.position.prepare}`);
    const head = await store.headPosition();
    await runner.stop();
    console.log(JSON.stringify({ phase: 'check', head: `${head?.commit}/${head?.prepare}`, statuses }));
    clearInterval(sampler);
    console.log(
      JSON.stringify({
        phase: 'rebuild',
        projections: projections.map((p) => p.name),
        events: appended,
        seconds: round(rebuildSeconds),
        eventsPerSecond: Math.round(appended / rebuildSeconds),
        projectionEventsPerSecond: Math.round((appended * projections.length) / rebuildSeconds),
        peakRssMb: Math.round(peakRss / 2 ** 20),
      }),
    );
  } finally {
    await pool.end();
    await stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
