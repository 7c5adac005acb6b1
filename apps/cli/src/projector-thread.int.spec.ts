import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { createLogger, loadConfig, startRuntime } from '@app/platform';
import { takeProjectorLockAway } from '../../../test/support/projector-lock';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { projectOnThread, type Report } from './projector-thread';

/** The built CLI (`npm run build` first; npm test does it): the projector thread exists only there. */
const CLI = join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, EVENTSTORE_URL: '', KAFKA_BROKERS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('campaignctl seed: the projector on a thread of its own', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('projects on the worker thread, and every read model has seen every event when the command ends', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first)`);
    const r = await run(['seed', '--customers', '60', '--months', '2', '--end', '2026-06', '--seed', '4', '--json'], {
      DATABASE_URL: db.url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'seed-thread-')),
      LOG_LEVEL: 'info',
    });
    expect({ code: r.code, err: r.code === 0 ? '' : r.err }).toEqual({ code: 0, err: '' });
    const logs = (r.out + r.err).split('\n').filter((l) => l.startsWith('{') && l.includes('"msg"')).map((l) => JSON.parse(l) as { msg: string; thread?: string });
    // The thread's runtime started the projector; the command's own runtime did not.
    expect(logs.filter((l) => l.msg === 'projector running').map((l) => l.thread ?? 'main')).toEqual(['projector']);
    const report = JSON.parse(r.out.slice(r.out.indexOf('{\n'))) as { events: number; seconds: number; readModels: { catchUpSeconds: number; eventsPerSecond: number } };
    expect(report.readModels.eventsPerSecond).toBe(Math.round(report.events / (report.seconds + report.readModels.catchUpSeconds)));
    // Eleven projections (ten + notifications), each at the store's last event: none was left behind when the thread stopped.
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM projection_checkpoints WHERE events_seen = (SELECT count(*) FROM es_events)`);
    const { rows: all } = await db.pool.query(`SELECT count(*)::int AS n FROM projection_checkpoints`);
    expect({ atHead: rows[0].n, all: all[0].n }).toEqual({ atHead: 11, all: 11 });
  }, 180_000);
});

describe('the projector thread loses its lock', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('given the lock\'s session ended and another process took the lock meanwhile, then the thread stops projecting and says it lost the lock', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, PII_MASTER_KEY: randomBytes(32).toString('base64'), JWT_SECRET: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'thread-lost-')) });
    const runtime = await startRuntime(config, createLogger('silent'));
    const { port1, port2 } = new MessageChannel();
    const reports: Report[] = [];
    port2.on('message', (r: Report) => reports.push(r));
    try {
      await projectOnThread(port1, runtime);
      await new Promise((r) => setTimeout(r, 50));
      expect(reports).toEqual([{ kind: 'running' }]);
      // Another process takes the lock while the thread's lock session is gone (a database restart).
      const waiter = await takeProjectorLockAway(db.url);
      for (let i = 0; i < 100 && reports.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(reports).toEqual([{ kind: 'running' }, { kind: 'lost', message: 'another process took the projector lock while the database was away' }]);
      // Its runtime is closed: none of its connections is left on the database, only the new holder's.
      // (backends end a moment after their clients disconnect: asked until none is left, or 10 s)
      let left = -1;
      for (let i = 0; i < 100 && left !== 0; i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        left = (await waiter.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows[0]!.n;
      }
      expect(left).toBe(0);
      await waiter.end();
    } finally {
      port1.close();
      await runtime.close().catch(() => undefined);
    }
  }, 60_000);
});
