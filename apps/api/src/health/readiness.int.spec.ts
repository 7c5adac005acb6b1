import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, loadConfig, serveOps, startProjector, startRuntime, temporaryDataDir, type Runtime } from '@app/platform';
import { startOwnPostgres, type OwnPostgres } from '../../../../test/support/own-postgres';
import { createApi } from '../bootstrap';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { PROJECTIONS } from '@app/read-models';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

const probe = () => ({
  type: 'Probe',
  data: {},
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'test', orgUnit: null, occurredAt: '2026-01-31T16:00:00.000Z', schemaVersion: 1 },
});
const secrets = () => ({ PII_MASTER_KEY: randomBytes(32).toString('base64'), JWT_SECRET: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent' as const });

async function ready(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/health/ready`);
  return { status: res.status, body: await res.json() };
}

describe('readiness: READY_MAX_LAG_SECONDS', () => {
  let t: TestApp;
  beforeAll(async () => {
    // 5 s: a loaded machine may take a second or more between an append and the probe's answer.
    t = await startTestApp({ READY_MAX_LAG_SECONDS: '5' });
  });
  afterAll(() => t.close());

  it('is ready while every projection is caught up, reporting each one\'s lag', async () => {
    await t.runtime.store.appendToStream('probe-1', [probe()], 'no_stream');
    await expectCaughtUp(t.runtime.projector!, 5_000);
    const r = await ready(t.url);
    expect(r.status).toBe(200);
    expect(r.body.maxLagSeconds).toBe(5);
    expect(r.body.projections.map((p: { name: string }) => p.name).sort()).toEqual(PROJECTIONS.map((p) => p.name).sort());
    expect(r.body.projections.find((p: { name: string }) => p.name === 'customer-360')).toEqual({ name: 'customer-360', state: 'running', position: expect.stringMatching(/^\d+\/\d+$/), lag: { events: 0, seconds: 0 } });
  });

  it('is unready (503 READ_MODELS_STALE) once an event has waited longer than the threshold, and ready again when the projector catches up', async () => {
    await t.runtime.projector!.stop();
    await t.runtime.store.appendToStream('probe-2', [probe(), probe()], 'no_stream');
    // Within the threshold: still ready, two events behind.
    const fresh = await ready(t.url);
    expect(fresh.status).toBe(200);
    expect(fresh.body.projections[0].lag.events).toBe(2);
    // The two events have waited 10 s (recorded then), well over the threshold: no pause that a
    // loaded machine could make too short, or too long for the check above.
    await t.db.pool.query(`UPDATE es_events SET recorded_at = recorded_at - interval '10 seconds' WHERE stream_id = 'probe-2'`);
    const stale = await ready(t.url);
    expect(stale.status).toBe(503);
    expect(stale.body.error.code).toBe('READ_MODELS_STALE');
    expect(stale.body.error.details.projections.every((p: { lag: { events: number; seconds: number } }) => p.lag.events === 2 && p.lag.seconds >= 10)).toBe(true);
    // A blue/green rebuild under way (a `#next` build beside each live one): the old figures serve on purpose.
    await t.db.pool.query(`INSERT INTO projection_checkpoints (name, version, schema_name) SELECT name || '#next', version + 1, schema_name || '_next' FROM projection_checkpoints`);
    const rebuilding = await ready(t.url);
    expect(rebuilding.status).toBe(200);
    expect(rebuilding.body.projections.every((p: { rebuilding?: boolean; lag: { events: number } }) => p.rebuilding === true && p.lag.events === 2)).toBe(true);
    await t.db.pool.query(`DELETE FROM projection_checkpoints WHERE name LIKE '%#next'`);
    expect((await ready(t.url)).status).toBe(503);
    await startProjector(t.runtime);
    await expectCaughtUp(t.runtime.projector!, 60_000);
    expect((await ready(t.url)).status).toBe(200);
  });
});

describe('readiness: a replica with no projector run yet', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ READY_MAX_LAG_SECONDS: '30', RUN_PROJECTOR: 'false' });
  });
  afterAll(() => t.close());

  it('is ready on an empty store, unready once the store has events no projection has read', async () => {
    expect((await ready(t.url)).status).toBe(200);
    await t.runtime.store.appendToStream('probe-3', [probe()], 'no_stream');
    const r = await ready(t.url);
    expect([r.status, r.body.error.code]).toEqual([503, 'READ_MODELS_STALE']);
  });
});

describe('readiness: the event store at a dead port', () => {
  it('is 503 STORE_UNREACHABLE while the database answers', async () => {
    const t = await startTestApp({ RUN_PROJECTOR: 'false', EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' });
    try {
      const r = await ready(t.url);
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('STORE_UNREACHABLE');
      expect(r.body.error.details.database).toEqual({ ok: true });
      expect(r.body.error.details.store.kind).toBe('eventstoredb');
    } finally {
      await t.close();
    }
  });

  it('says only the code on the public API port; the driver\'s error text is on the METRICS_PORT server', async () => {
    const t = await startTestApp({ RUN_PROJECTOR: 'false', EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' });
    const ops = await serveOps(t.runtime, { port: 0, host: '127.0.0.1' });
    try {
      const inside = await ready(`http://127.0.0.1:${ops.port}`);
      expect([inside.status, inside.body.error.code]).toEqual([503, 'STORE_UNREACHABLE']);
      const raw: string = inside.body.error.details.store.error;
      expect(raw.length).toBeGreaterThan(0);
      expect(inside.body.error.message).toContain(raw);

      const outside = await ready(t.url);
      expect(outside.status).toBe(503);
      expect(outside.body.error).toEqual({
        code: 'STORE_UNREACHABLE',
        message: 'the event store does not answer',
        details: { store: { kind: 'eventstoredb', ok: false }, database: { ok: true }, projections: [] },
      });
      expect(JSON.stringify(outside.body)).not.toContain(raw);
    } finally {
      await ops.close();
      await t.close();
    }
  });
});

describe('readiness: the database stops and comes back', () => {
  let pg: OwnPostgres;
  let dir: string;
  let runtime: Runtime;
  let app: NestExpressApplication;
  let url: string;
  beforeAll(async () => {
    dir = temporaryDataDir('campaign-ready-');
    pg = await startOwnPostgres(dir);
    const config = loadConfig({ DATABASE_URL: pg.url, ...secrets() });
    runtime = await startRuntime(config, createLogger('silent'));
    await startProjector(runtime);
    app = await createApi(runtime);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await runtime.close();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('is 503 while PostgreSQL is down, and ready again once it is back, without restarting the app', async () => {
    expect((await ready(url)).status).toBe(200);
    await pg.stop();
    const down = await ready(url);
    expect(down.status).toBe(503);
    // On the Postgres store the event log and the read models share the server: both are named.
    expect(down.body.error.code).toBe('STORE_UNREACHABLE');
    // Public port: the code, not the driver's text (it names the host and port).
    expect(down.body.error.details.database).toEqual({ ok: false });
    expect(down.body.error.message).toBe('the event store does not answer');
    pg = await startOwnPostgres(dir, pg.port);
    let back = await ready(url);
    // Until it answers 200 (the pool reconnects, the projector subscribes again after its back-off):
    // a deadline, not fifty tries, which a loaded machine used up in the back-off alone.
    for (const end = Date.now() + 30_000; back.status !== 200 && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 100));
      back = await ready(url);
    }
    expect(back.status).toBe(200);
    expect(back.body.database).toEqual({ ok: true });
  }, 60_000);
});
