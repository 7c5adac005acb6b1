import { request as httpRequest } from 'node:http';
import { api, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/**
 * Work before authentication (issue 16, item 10): ~1 MB deep or wide JSON bodies were parsed and
 * walked before the token was checked. Without a valid token a body over 4 KiB is now refused
 * unread (413 BODY_TOO_LARGE_WITHOUT_TOKEN): the proof is the answer itself — a parsed body this
 * broken would answer 400 (MALFORMED_JSON or BODY_TOO_DEEP) before the guard ever ran.
 */
describe('bodies from requests without a token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
  });
  afterAll(() => t.close());

  const post = (body: string, headers: Record<string, string> = {}) => fetch(`${t.url}/api/campaigns`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  // ~1 MB, not JSON at all: parsing it answers 400 MALFORMED_JSON.
  const broken = `{"x": "${'a'.repeat(1_000_000)}`;
  // ~1 MB of nesting: valid JSON, parsing and walking it answers 400 BODY_TOO_DEEP.
  const deep = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;

  it.each([
    ['malformed', broken],
    ['deep', deep],
  ])('refuses a ~1 MB %s body without a token (413) without parsing it', async (_what, body) => {
    const r = await post(body);
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE_WITHOUT_TOKEN');
  });

  /** fetch will not send a body on GET or HEAD: node's own client does, as an attacker's would. */
  const send = (method: string, path: string, body: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${t.url}${path}`, { method, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const codeOf = (text: string) => (JSON.parse(text) as { error: { code: string } }).error.code;

  it.each([
    ['GET', '/api/org', deep],
    ['GET', '/api/org', broken],
    ['DELETE', '/api/org', deep],
    ['DELETE', '/api/org', broken],
    ['GET', '/health', deep],
    ['POST', '/health', broken],
    ['PUT', '/health', deep],
  ])('refuses a ~1 MB body on %s %s without a token (413) unread, whatever the method or path', async (method, path, body) => {
    const r = await send(method, path, body);
    expect({ status: r.status, code: codeOf(r.body) }).toEqual({ status: 413, code: 'BODY_TOO_LARGE_WITHOUT_TOKEN' });
  });

  it('never parses a body on GET or DELETE: a small malformed one gets the auth answer without a token, the page with one', async () => {
    expect(await send('GET', '/api/org', '{"x": [[[').then((r) => ({ status: r.status, code: codeOf(r.body) }))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    // No DELETE /api/org route: the router's 404, not the parser's 400 MALFORMED_JSON.
    expect(await send('DELETE', '/api/org', '{"x": [[[').then((r) => r.status)).toBe(404);
    const token = t.runtime.tokens.issue('admin').token;
    expect((await send('GET', '/api/org', '{"x": [[[', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await send('GET', '/health', '{"x": [[[')).status).toBe(200);
  });

  it('does the same with a forged token', async () => {
    const forged = t.runtime.tokens.issue('admin').token.replace(/\.[^.]+$/, '.AAAA');
    expect((await post(deep, { authorization: `Bearer ${forged}` })).status).toBe(413);
  });

  it('still parses (and refuses) the same body with a valid token, and still reads small bodies without one', async () => {
    const token = t.runtime.tokens.issue('mkt-br1').token;
    const r = await post(deep, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_DEEP');
    // A small body without a token reaches the guard (401), and bootstrap (public, small) still answers.
    expect((await post('{}')).status).toBe(401);
    const again = await api(t).anonymous.post('/api/org/bootstrap', { headOffice: { unitId: 'HO2', name: 'x' }, admin: { staffId: 'a2', displayName: 'x' } });
    expect(again.body.error.code).toBe('ALREADY_BOOTSTRAPPED');
  });

  it('lets a signed-in browser (a live session cookie) send a large body to be parsed, and not a dead cookie', async () => {
    const session = await t.runtime.sessions.create('mkt-br1', 'password');
    const live = await post(deep, { cookie: `cp_session=${session.id}; cp_csrf=${session.csrfToken}`, 'x-csrf-token': session.csrfToken });
    expect(live.status).toBe(400); // parsed: BODY_TOO_DEEP, as with a bearer token
    expect(((await live.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_DEEP');
    expect((await post(deep, { cookie: 'cp_session=not-a-session' })).status).toBe(413);
  });

  it.each([
    ['POST', '/health'],
    ['PUT', '/'],
    ['POST', '/docs'],
  ])('refuses a large body with a session cookie on %s %s (outside /api) before any database work (issue 16 leftovers)', async (method, path) => {
    // A live session, even: outside /api no route reads a body, so the cookie buys no lookup.
    const session = await t.runtime.sessions.create('mkt-br1', 'password');
    const pool = t.runtime.db.pool;
    // A spy that calls through to the real pool (the session store queries through it): every query is seen.
    const query = jest.spyOn(pool, 'query');
    try {
      const r = await send(method, path, deep, { cookie: `cp_session=${session.id}; cp_csrf=${session.csrfToken}`, 'x-csrf-token': session.csrfToken });
      expect({ status: r.status, code: codeOf(r.body) }).toEqual({ status: 413, code: 'BODY_TOO_LARGE_WITHOUT_TOKEN' });
      // Background work (the projector, the outbox relay) may use the pool meanwhile: none of it is about sessions.
      const texts = query.mock.calls.map(([q]) => String(typeof q === 'string' ? q : (q as { text?: string }).text));
      expect(texts.filter((q) => /auth_sessions|staff_credentials/.test(q))).toEqual([]);
    } finally {
      query.mockRestore();
    }
  });

  it('looks the session up once for a large body: the size check and the guard share the answer', async () => {
    const session = await t.runtime.sessions.create('mkt-br1', 'password');
    const lookups = jest.spyOn(t.runtime.sessions, 'resolve'); // calls through to the real store
    try {
      // Over 4 KiB and valid JSON: past the size check, the parser and the guard, refused by the body's schema.
      const large = JSON.stringify({ campaignId: 'K-LARGE', name: 'x'.repeat(6_000) });
      const r = await post(large, { cookie: `cp_session=${session.id}; cp_csrf=${session.csrfToken}`, 'x-csrf-token': session.csrfToken });
      expect(r.status).toBe(400);
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });
});
