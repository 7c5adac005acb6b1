import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startRuntime, type Runtime } from './runtime';
import { serveOps, type OpsServer } from './ops-server';
import { postgresBusLag } from './bus-lag';
import { DomainError } from '@app/domain';

const event = (type = 'Probe') => ({
  type,
  data: {},
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'test', orgUnit: null, occurredAt: '2026-03-31T15:59:59.999Z', schemaVersion: 1 },
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const got = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics on METRICS_PORT (the projector and ingest have no other HTTP server)', () => {
  let db: TestDatabase;
  let runtime: Runtime;
  let ops: OpsServer;
  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', PII_MASTER_KEY: randomBytes(32).toString('base64'), JWT_SECRET: randomBytes(32).toString('base64'), METRICS_PORT: '1' });
    runtime = await startRuntime(config, createLogger('silent'), { app: 'ingest' });
    runtime.metrics.observe({ busLag: postgresBusLag(runtime.db.pool) });
    ops = await serveOps(runtime, { port: 0, host: '127.0.0.1', projections: false });
  });
  afterAll(async () => {
    await ops.close();
    await runtime.close();
    await db.drop();
  });
  const scrape = async () => (await fetch(`http://127.0.0.1:${ops.port}/metrics`)).text();

  it('serves /metrics, /health and /health/ready, and nothing else', async () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    const text = await scrape();
    expect(text).toContain('process_cpu_user_seconds_total{app="ingest"}');
    expect((await fetch(`http://127.0.0.1:${ops.port}/health`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${ops.port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: { kind: 'postgres', position: null, globalPosition: '0' }, database: { ok: true }, projections: [] });
    expect((await fetch(`http://127.0.0.1:${ops.port}/api/campaigns`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${ops.port}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('counts a conflict against the command that met it, and the command that gave up as a conflict', async () => {
    await runtime.store.appendToStream('order-1', [event()], 'no_stream');
    // Two attempts that each expect the stream not to exist: two conflicts, then the command fails.
    const attempt = () => runtime.store.appendToStream('order-1', [event()], 'no_stream');
    await expect(
      runtime.metrics.observeCommand('PlaceOrder', async () => {
        await attempt().catch(() => undefined);
        await attempt();
      }),
    ).rejects.toThrow();
    await expect(runtime.metrics.observeCommand('PlaceOrder', () => Promise.reject(new DomainError('rule', 'ORDER_TOO_BIG', 'too big')))).rejects.toThrow('too big');
    await runtime.metrics.observeCommand('PlaceOrder', () => runtime.store.appendToStreams([{ streamId: 'order-2', events: [event(), event(), event()], expectedRevision: 'no_stream' }]));
    const text = await scrape();
    expect(sample(text, 'campaign_command_conflict_retries_total', { command: 'PlaceOrder' })).toBe(2);
    // Labelled with the code the API answers a conflict with (error.filter.ts, the OpenAPI 409), not the error's class.
    expect(sample(text, 'campaign_commands_total', { command: 'PlaceOrder', outcome: 'conflict', code: 'CONCURRENCY_CONFLICT' })).toBe(1);
    expect(sample(text, 'campaign_commands_total', { command: 'PlaceOrder', outcome: 'conflict', code: 'WRONG_EXPECTED_VERSION' })).toBeUndefined();
    expect(sample(text, 'campaign_commands_total', { command: 'PlaceOrder', outcome: 'refused', code: 'ORDER_TOO_BIG' })).toBe(1);
    expect(sample(text, 'campaign_commands_total', { command: 'PlaceOrder', outcome: 'ok', code: '' })).toBe(1);
    // Appended: 1 (order-1) + 3 (order-2) = 4 events in 2 appends; the refused appends are not counted.
    expect(sample(text, 'campaign_events_appended_total', { store: 'postgres' })).toBe(4);
    expect(sample(text, 'campaign_append_batch_size_count', { store: 'postgres' })).toBe(2);
    expect(sample(text, 'campaign_append_batch_size_bucket', { store: 'postgres', le: '2' })).toBe(1);
  });

  it('reports the message bus consumer lag per group', async () => {
    const message = (i: number) => ({ id: `m${i}`, key: 'C-1', value: { i } });
    await runtime.bus.publish('channel.test', [1, 2, 3, 4, 5].map(message));
    const seen: string[] = [];
    const consumer = await runtime.bus.consume('channel.test', 'lag-group', async (batch) => {
      for (const m of batch) seen.push(m.id);
    });
    const deadline = Date.now() + 5_000;
    while (seen.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await consumer.stop();
    expect(sample(await scrape(), 'campaign_bus_consumer_lag_messages', { group: 'lag-group', topic: 'channel.test' })).toBe(0);
    // Three more while the group is away: 3 behind.
    await runtime.bus.publish('channel.test', [6, 7, 8].map(message));
    expect(sample(await scrape(), 'campaign_bus_consumer_lag_messages', { group: 'lag-group', topic: 'channel.test' })).toBe(3);
  });
});
