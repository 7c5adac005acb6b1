import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createLogger, freePort, startTracing } from '@app/platform';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';

/**
 * OpenTelemetry export, in the real process (the OTLP exporter loads its transport with a dynamic
 * import, which jest's module system cannot run): spans reach a stand-in OTLP/HTTP collector on
 * loopback when OTEL_EXPORTER_OTLP_ENDPOINT is set, in the caller's trace.
 */
const main = join(__dirname, '../../../../dist/apps/api/src/main.js');

async function collector(): Promise<{ url: string; posts: { path: string; body: string }[]; close(): Promise<void> }> {
  const posts: { path: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, posts, close: () => new Promise((r) => server.close(() => r())) };
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if (await check().catch(() => false)) return;
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('OpenTelemetry export', () => {
  it('starts nothing without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(startTracing({}, 'api', createLogger('silent'))).toBeUndefined();
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT, in the built api', () => {
    let db: TestDatabase;
    let otlp: Awaited<ReturnType<typeof collector>>;
    beforeAll(async () => {
      if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` (npm test does it first)`);
      db = await createTestDatabase();
      otlp = await collector();
    });
    afterAll(async () => {
      await otlp.close();
      await db.drop();
    });

    it('exports the request\'s server span and its command\'s span in the caller\'s trace, and stores the server span\'s traceparent in the event', async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [main], {
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: db.url,
          EVENTSTORE_URL: '',
          KAFKA_BROKERS: '',
          RUN_PROJECTOR: 'false',
          SEED_DEMO: 'false',
          LOG_LEVEL: 'silent',
          PII_MASTER_KEY: randomBytes(32).toString('base64'),
          JWT_SECRET: randomBytes(32).toString('base64'),
          OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
          OTEL_SERVICE_NAME: 'campaign-api-test',
        },
        stdio: 'ignore',
      });
      try {
        const url = `http://127.0.0.1:${port}`;
        await until(async () => (await fetch(`${url}/health`)).status === 200, 30_000, 'the api');
        const traceId = '5b8efff798038103d269b633813fc60c';
        const r = await fetch(`${url}/api/org/bootstrap`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-eee19b7ec3c1b174-01` },
          body: JSON.stringify({ headOffice: { unitId: 'HO', name: 'HO' }, admin: { staffId: 'admin', displayName: 'A' } }),
        });
        expect(r.status).toBe(201);
        const { rows } = await db.pool.query(`SELECT metadata FROM es_events WHERE stream_id = 'organisation' ORDER BY stream_position LIMIT 1`);
        const stored: string = rows[0].metadata.traceparent;
        // The same trace, a span of the api's own (not the caller's), sampled.
        expect(stored).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
        expect(stored.split('-')[2]).not.toBe('eee19b7ec3c1b174');
        // SIGTERM: the process flushes its last spans before it exits.
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
        const sent = otlp.posts.filter((p) => p.path === '/v1/traces').map((p) => p.body).join('\n');
        expect(sent).toContain('campaign-api-test');
        expect(sent).toContain('POST /api/org/bootstrap');
        expect(sent).toMatch(/"command [A-Za-z:]+"/);
        expect(sent).toContain(traceId);
        expect(sent).toContain(stored.split('-')[2]);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }, 60_000);
  });
});
