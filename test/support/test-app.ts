import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, loadConfig, startProjector, startRuntime, type Runtime } from '@app/platform';
import type { EventStore } from '@app/event-store';
import { createApi } from '../../apps/api/src/bootstrap';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  readonly db: TestDatabase;
  readonly runtime: Runtime;
  readonly app: NestExpressApplication;
  /** Base URL of the running HTTP server, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * API tests build histories dated months back (occurredAt) through the API, as staff: they are not
 * held to the grace for dating back (BACKDATE_GRACE_DAYS, default 3), which the tests of closed
 * months set themselves (apps/api/src/scorecards/closed-periods.int.spec.ts).
 */
const BUILDS_PAST_HISTORIES = { BACKDATE_GRACE_DAYS: '36600' };

/**
 * TEST_PROJECTOR_LAG_MS=1500 (from the shell, not CI): the in-process projector holds each batch that
 * long before applying it (PROJECTOR_MAX_WAIT_MS), so a spec that reads a read model right after a
 * write without waiting for the projector (`minPosition`, `projector.catchUp`) fails every time
 * instead of once in a while on a loaded machine. A test's own PROJECTOR_MAX_WAIT_MS wins.
 */
const SLOW_PROJECTOR = process.env.TEST_PROJECTOR_LAG_MS ? { PROJECTOR_MAX_WAIT_MS: process.env.TEST_PROJECTOR_LAG_MS } : {};

/** The real api on a fresh database, listening on a free loopback port. */
/** `log`: where the app's JSON log lines go (with LOG_LEVEL in `env`); silent by default. */
/** `store`: another event store for the app to use (an adapter on its stand-in server). */
export async function startTestApp(env: Record<string, string> = {}, options: { log?: { write(line: string): void }; port?: number; store?: () => EventStore } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', PII_MASTER_KEY: randomBytes(32).toString('base64'), JWT_SECRET: randomBytes(32).toString('base64'), RATE_LIMIT_PER_MINUTE: '1000000', ...BUILDS_PAST_HISTORIES, ...SLOW_PROJECTOR, ...env });
  const runtime = await startRuntime(config, createLogger(config.logLevel, options.log));
  if (options.store) {
    // Counted at the port like the store startRuntime made (appends, batch sizes, conflicts).
    const store = runtime.metrics.instrumentStore(options.store());
    (runtime as { store: EventStore }).store = store;
    runtime.metrics.observe({ store });
  }
  if (config.runProjector) await startProjector(runtime);
  const app = await createApi(runtime);
  await app.listen(options.port ?? 0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    db,
    runtime,
    app,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await runtime.close();
      await db.drop();
    },
  };
}
