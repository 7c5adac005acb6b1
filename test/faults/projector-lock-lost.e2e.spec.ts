import { randomBytes } from 'node:crypto';
import { freePort } from '@app/platform';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startApp, type AppProcess } from '../support/processes';
import { takeProjectorLockAway } from '../support/projector-lock';

/**
 * A process that projects loses the projector lock for good: its lock's session ends (as when the
 * database restarts) and another process takes the lock before it can take it again. It must stop
 * projecting at once (two projectors would apply the same events): both the projector process and
 * the api projecting in-process (the embedded default) exit 1 for a restart, saying why.
 */
describe('a projecting process that loses the projector lock', () => {
  let db: TestDatabase;
  const processes: AppProcess[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    await db?.drop();
  });

  it.each(['projector', 'api'] as const)('the %s exits 1 for a restart, naming the lost lock', async (app) => {
    const env = { DATABASE_URL: db.url, JWT_SECRET: randomBytes(32).toString('base64'), PII_MASTER_KEY: randomBytes(32).toString('base64'), PORT: String(await freePort()) };
    const p = startApp(app, env);
    processes.push(p);
    await p.waitForLog((l) => l.msg === 'projector running', 60_000);
    const holder = await takeProjectorLockAway(db.url);
    try {
      const code = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('still running after 20 s'), 20_000))]);
      expect(code).toBe(1);
      expect(p.lines.filter((l) => l.level === 60 || l.level === 'fatal').map((l) => [l.msg, l.err])).toEqual([
        ['stopped working and will not recover on its own: exiting for a restart', 'another process took the projector lock while the database was away'],
      ]);
    } finally {
      await holder.end();
    }
  }, 90_000);
});
