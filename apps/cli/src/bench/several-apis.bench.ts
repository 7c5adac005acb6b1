import { Client } from 'pg';
import { join } from 'node:path';
import { drive, seedCluster, startCluster, summary, verify } from './several-apis';

/**
 * `npm run bench -- --apis [--apis-seconds N] [--apis-connections N]`: the same mixed load on one
 * api process and on three (RUN_PROJECTOR=false, one projector each time), each on a fresh
 * database of the bench's server, loopback only; throughput and p50/p99 of three against one, in
 * the same run, and the correctness verdict of each run (no 5xx, 201s recorded once, caps held).
 */
export async function severalApisBench(adminUrl: string, options: { seconds: number; connections: number; customers: number }) {
  const dist = join(__dirname, '..', '..', '..');
  const mains = { api: join(dist, 'api/src/main.js'), projector: join(dist, 'projector/src/main.js') };
  const runs: Record<string, unknown> = {};
  for (const apis of [1, 3]) {
    const name = `bench_apis_${apis}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const cluster = await startCluster(mains, u.toString(), apis);
    try {
      const customers = await seedCluster(cluster, options.customers);
      const { outcomes, seconds } = await drive(cluster, customers, { connections: options.connections, seconds: options.seconds, seed: 11 });
      const { Pool } = await import('pg');
      const pool = new Pool({ connectionString: u.toString(), max: 2 });
      const verdict = await verify(pool, outcomes);
      await pool.end();
      runs[`${apis} api process${apis > 1 ? 'es' : ''}`] = { ...summary(outcomes, seconds), byStatus: verdict.byStatus, serverErrors: verdict.serverErrors, misrecorded: verdict.misrecorded.length, overCap: verdict.overCap.length };
    } finally {
      await cluster.stop();
    }
  }
  const one = runs['1 api process'] as { perSecond: number; p99Ms: number };
  const three = runs['3 api processes'] as { perSecond: number; p99Ms: number };
  return {
    load: { connections: options.connections, seconds: options.seconds, customers: options.customers, mix: '30% campaign contacts (capped), 15% contacts, 15% offers, 15% sales, 25% queries' },
    runs,
    threeAgainstOne: { throughput: Math.round((three.perSecond / Math.max(1, one.perSecond)) * 100) / 100, p99: Math.round((three.p99Ms / Math.max(1, one.p99Ms)) * 100) / 100 },
  };
}
