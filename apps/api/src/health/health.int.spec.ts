import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

describe('health and docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness with 200', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness with the store kind and its last global position', async () => {
    const empty = await (await fetch(`${t.url}/health/ready`)).json();
    expect(empty).toMatchObject({ status: 'ready', store: { kind: 'postgres', position: null, globalPosition: '0' }, database: { ok: true } });
    const appended = await t.runtime.store.appendToStream('health-1', [
      { type: 'Probe', data: {}, metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'test', orgUnit: null, occurredAt: new Date().toISOString(), schemaVersion: 1 } },
    ], 'no_stream');
    const res = await fetch(`${t.url}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { store: { globalPosition: string; position: string } };
    expect(body.store.globalPosition).toBe(appended.position.prepare.toString());
    expect(body.store.position).toBe(`${appended.position.commit}/${appended.position.prepare}`);
  });

  it('serves the OpenAPI document at /docs', async () => {
    expect((await fetch(`${t.url}/docs`)).status).toBe(200);
    const doc = (await (await fetch(`${t.url}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready', '/api/campaigns', '/api/interactions']));
  });

  it('documents every command with a summary, a request body schema and an example', async () => {
    type Body = { content?: { 'application/json'?: { schema?: unknown; examples?: unknown }; 'application/octet-stream'?: { schema?: unknown } } };
    const doc = (await (await fetch(`${t.url}/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { summary?: string; requestBody?: Body }>> };
    const posts = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.post ? [[path, ops.post] as const] : []));
    expect(posts.length).toBeGreaterThan(30);
    for (const [path, op] of posts) {
      expect([path, typeof op.summary]).toEqual([path, 'string']);
      // Operator actions on projections take no body; every business command does.
      if (path.startsWith('/api/projections/')) continue;
      // A plan document's upload takes the file itself: its body is bytes, described as such.
      const file = op.requestBody?.content?.['application/octet-stream'];
      if (file) {
        expect([path, file.schema]).toEqual([path, { type: 'string', format: 'binary' }]);
        continue;
      }
      const json = op.requestBody?.content?.['application/json'];
      expect([path, json?.schema !== undefined, json?.examples !== undefined]).toEqual([path, true, true]);
    }
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await fetch(`${t.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: {} } });
  });
});
