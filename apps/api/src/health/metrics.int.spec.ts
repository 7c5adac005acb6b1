import { UPCASTERS, upcastWith } from '@app/domain';
import { EventStoreDbEventStore, type RecordedEvent } from '@app/event-store';
import { FakeEventStoreDb } from '../../../../libs/event-store/src/eventstoredb/fake-eventstoredb';
import { api } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/** The value of one series in Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    const got = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics on the api', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const scrape = async () => {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };

  it('answers without a token, with Node default metrics and the database pool', async () => {
    const text = await scrape();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_heap_size_total_bytes gauge');
    // The pool opens at most 20 connections (libs/platform/src/database.ts).
    expect(sample(text, 'campaign_db_pool_max_connections', { app: 'campaign-platform' })).toBe(20);
    expect(sample(text, 'campaign_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
  });

  it('times requests by route pattern and status class, never by concrete path', async () => {
    await fetch(`${t.url}/api/customers/C-SECRET-1`); // no token: 401
    await fetch(`${t.url}/api/customers/C-SECRET-2`);
    await fetch(`${t.url}/health`);
    const text = await scrape();
    // Two 401s on one pattern: one series, count 2.
    expect(sample(text, 'campaign_http_request_duration_seconds_count', { method: 'GET', route: '/api/customers/:customerId', status_class: '4xx' })).toBe(2);
    expect(sample(text, 'campaign_http_request_duration_seconds_count', { method: 'GET', route: '/health', status_class: '2xx' })).toBe(1);
    expect(text).not.toContain('C-SECRET');
  });

  it('counts commands by type and outcome, events appended and batch sizes, and projection position and lag', async () => {
    const c = api(t);
    expect((await c.anonymous.post('/api/org/bootstrap', { headOffice: { unitId: 'HO', name: 'HO' }, admin: { staffId: 'admin', displayName: 'A' } })).status).toBe(201);
    // A second unit under an unknown parent is refused by the organisation decider; nothing appended.
    const refused = await c.as('admin').post('/api/org/units', { unitId: 'BR9', name: 'x', level: 'branch', parentId: 'NOPE' });
    expect(refused.status).toBe(404);
    expect((await c.as('admin').post('/api/org/units', { unitId: 'BR1', name: 'BR1', level: 'branch', parentId: 'HO' })).status).toBe(201);
    const { rows } = await t.db.pool.query<{ n: string; max: string }>(`SELECT count(*) AS n, max(global_position) AS max FROM es_events`);
    const stored = Number(rows[0]!.n);
    expect(await t.runtime.projector!.waitFor((await t.runtime.store.headPosition())!, 5_000)).toBe(true);
    const text = await scrape();
    const commandType = (text.match(/campaign_commands_total\{[^}]*outcome="refused"[^}]*\}/)?.[0] ?? '').match(/command="([^"]+)"/)?.[1];
    expect(commandType).toBeDefined();
    expect(sample(text, 'campaign_commands_total', { command: commandType!, outcome: 'refused', code: refused.body.error.code })).toBe(1);
    const ok = text.split('\n').filter((l) => l.startsWith('campaign_commands_total{') && l.includes('outcome="ok"'));
    // bootstrap + one unit: two commands went through.
    expect(ok.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)).toBe(2);
    expect(sample(text, 'campaign_events_appended_total', { store: 'postgres' })).toBe(stored);
    // One append per successful command: two observations in the batch-size histogram.
    expect(sample(text, 'campaign_append_batch_size_count', { store: 'postgres' })).toBe(2);
    expect(sample(text, 'campaign_projection_position', { projection: 'campaign-effectiveness' })).toBe(Number(rows[0]!.max));
    expect(sample(text, 'campaign_projection_lag_events', { projection: 'customer-directory' })).toBe(0);
    expect(sample(text, 'campaign_projection_lag_seconds', { projection: 'staff-scorecard' })).toBe(0);
    expect(sample(text, 'campaign_projection_failed', { projection: 'staff-scorecard' })).toBe(0);
  });
});

describe('GET /metrics on an api whose store is replaced (the test app on EventStoreDB)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { store: () => new EventStoreDbEventStore(new FakeEventStoreDb().client, upcastWith<RecordedEvent>(UPCASTERS)) });
  });
  afterAll(() => t.close());

  it('counts the appends made through the replacement store', async () => {
    const c = api(t);
    expect((await c.anonymous.post('/api/org/bootstrap', { headOffice: { unitId: 'HO', name: 'HO' }, admin: { staffId: 'admin', displayName: 'A' } })).status).toBe(201);
    expect((await c.as('admin').post('/api/org/units', { unitId: 'BR1', name: 'BR1', level: 'branch', parentId: 'HO' })).status).toBe(201);
    const stored = (await t.runtime.store.readAll({ maxCount: 1_000 })).length;
    expect(stored).toBeGreaterThan(0);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    // Every event the two commands wrote, counted under the store that took them.
    expect(sample(text, 'campaign_events_appended_total', { store: 'eventstoredb' })).toBe(stored);
    expect(sample(text, 'campaign_append_batch_size_count', { store: 'eventstoredb' })).toBe(2);
  });
});
