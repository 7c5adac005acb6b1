import { declaredRoutes } from '../support/routes';
import { api, seedCustomer, seedOrganisation } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Hostile path parameters and query values on every route: control characters, broken
 * Unicode, malformed percent-encoding, huge and odd ids. Never a 5xx; nothing appended.
 */
const HOSTILE = ['%00', 'x%00y', '%0A', '%1F', '%7F', '%ED%A0%80', '%E0%A4%A', '%', 'a'.repeat(3000), '..%2F..%2Fetc', "'%3B%20DROP%20TABLE%20es_events%3B--", '%3Cscript%3E', '%F0%9F%98%80', '__proto__', '%20'];

describe('hostile URLs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
    await seedCustomer(t, 'C1', { tolerance: 'R3' });
  });
  afterAll(() => t?.close());

  it('never answers a 5xx on any route, gives errors in the error shape, and appends nothing', async () => {
    const head = async () => JSON.stringify(await t.runtime.store.headPosition(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    const before = await head();
    const token = t.runtime.tokens.issue('admin').token;
    const failures: string[] = [];
    let requests = 0;
    for (const method of ['GET', 'POST'] as const) {
      for (const route of declaredRoutes(t.app, method)) {
        const template = route.slice(method.length + 1);
        const variants = template.includes(':') ? HOSTILE.map((h) => template.replace(/:[A-Za-z]+/g, h)) : HOSTILE.map((h) => `${template}?period=${h}&orgUnit=${h}&asOf=${h}&minPosition=${h}&actor=${h}`);
        for (const path of variants) {
          const res = await fetch(`${t.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
          requests++;
          const text = await res.text();
          let body: { error?: { code?: unknown } } = {};
          try {
            body = JSON.parse(text);
          } catch {
            body = {};
          }
          if (res.status >= 500 || (res.status >= 400 && typeof body.error?.code !== 'string')) failures.push(`${method} ${path.slice(0, 120)} → ${res.status} ${text.slice(0, 120)}`);
        }
      }
    }
    expect(requests).toBeGreaterThan(500);
    expect(failures).toEqual([]);
    expect(await head()).toBe(before);
  }, 120_000);

  it('refuses a NUL in a path with 400 INVALID_TEXT', async () => {
    const r = await api(t).as('admin').get('/api/customers/%00');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_TEXT');
  });

  it('refuses a minPosition beyond anything written, at once instead of polling for 5 s', async () => {
    const r = await api(t).as('admin').get('/api/campaigns?minPosition=999999999/1');
    expect(r.status).toBe(400); // not the 503 READ_MODEL_BEHIND that waiting would end in
    expect(r.body.error.code).toBe('POSITION_AHEAD');
  });
});
