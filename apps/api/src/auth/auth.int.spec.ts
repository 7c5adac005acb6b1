import { createHash } from 'node:crypto';
import { api, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/**
 * Staff sign-in over HTTP: one-time passwords, lockout, the session cookie and its CSRF token,
 * and what is (not) stored. The browser side is in web/web.e2e.spec.ts.
 */
describe('staff sign-in', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const ONE_TIME = 'temporary 2026';

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const signIn = (staffId: string, password: string) => post('/api/auth/sign-in', { staffId, password });
  /** The cookies a response set, as a Cookie header, and the CSRF token among them. */
  const cookiesOf = (res: Response) => {
    const pairs = res.headers.getSetCookie().map((h) => h.split(';')[0]!);
    return { cookie: pairs.join('; '), csrf: pairs.find((p) => p.startsWith('cp_csrf='))!.slice('cp_csrf='.length) };
  };

  beforeAll(async () => {
    t = await startTestApp({ AUTH_MAX_FAILED_SIGN_INS: '3', TRUST_PROXY: '1' });
    c = api(t);
    await seedOrganisation(t);
    for (const who of ['rm1', 'rm2', 'rm3', 'head-br1']) expect((await c.as('admin').post(`/api/auth/staff/${who}/one-time-password`, { password: ONE_TIME })).status).toBe(200);
  });
  afterAll(() => t?.close());

  it('sets an httpOnly SameSite=Strict session cookie and a readable CSRF cookie', async () => {
    const res = await signIn('rm1', ONE_TIME);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ staffId: 'rm1', displayName: 'rm1', role: 'relationship_manager', unitId: 'SB1', mustChangePassword: true });
    const [session, csrf] = res.headers.getSetCookie();
    expect(session).toMatch(/^cp_session=[\w-]{43}; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
    expect(csrf).toMatch(/^cp_csrf=[\w-]{32}; Path=\/; Expires=.+; SameSite=Strict$/);
  });

  it('marks the cookies Secure behind a TLS-terminating ingress (TRUST_PROXY=1, X-Forwarded-Proto: https)', async () => {
    const res = await post('/api/auth/sign-in', { staffId: 'rm1', password: ONE_TIME }, { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    for (const c of cookies) expect(c).toMatch(/; Secure;/);
  });

  it('stores neither the password nor the session id in clear', async () => {
    const { cookie } = cookiesOf(await signIn('rm2', ONE_TIME));
    const sessionId = /cp_session=([^;]+)/.exec(cookie)![1]!;
    const { rows } = await t.db.pool.query(`SELECT (SELECT json_agg(c) FROM staff_credentials c)::text AS creds, (SELECT json_agg(s) FROM auth_sessions s)::text AS sessions, (SELECT json_agg(a) FROM audit_log a)::text AS audit`);
    const everything = JSON.stringify(rows[0]);
    expect(everything).toContain('scrypt$16384$8$1$');
    expect(everything).not.toContain(ONE_TIME);
    expect(everything).not.toContain(sessionId);
  });

  it("keeps a one-time password session away from other people's passwords, ends sessions on a reset, and answers a strange CSRF header 403", async () => {
    // An admin on a one-time password may not reset anyone else's password until they have changed their own.
    expect((await c.as('admin').post('/api/auth/staff/admin/one-time-password', { password: ONE_TIME })).status).toBe(200);
    const admin = cookiesOf(await signIn('admin', ONE_TIME));
    const reset = await post('/api/auth/staff/rm1/one-time-password', { password: 'another one 2026' }, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
    expect([reset.status, ((await reset.json()) as { error: { code: string } }).error.code]).toEqual([403, 'PASSWORD_CHANGE_REQUIRED']);
    // A CSRF header whose characters are not ASCII (more bytes than characters): refused, not a 500.
    const strange = await post('/api/auth/sign-out', {}, { cookie: admin.cookie, 'x-csrf-token': '\u00e9'.repeat(admin.csrf.length) });
    expect(strange.status).toBe(403);
    // rm2 holds a session; an admin resets rm2's password: the session is over.
    const rm2 = cookiesOf(await signIn('rm2', ONE_TIME));
    expect((await fetch(`${t.url}/api/auth/session`, { headers: { cookie: rm2.cookie } })).status).toBe(200);
    expect((await c.as('admin').post('/api/auth/staff/rm2/one-time-password', { password: ONE_TIME })).status).toBe(200);
    expect((await fetch(`${t.url}/api/auth/session`, { headers: { cookie: rm2.cookie } })).status).toBe(401);
  });

  it('lets a one-time password reach only /api/auth until it is changed, then everything its role may', async () => {
    const { cookie, csrf } = cookiesOf(await signIn('head-br1', ONE_TIME));
    const campaigns = () => fetch(`${t.url}/api/campaigns`, { headers: { cookie } });
    expect(((await (await campaigns()).json()) as { error: { code: string } }).error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const weak = await post('/api/auth/password', { currentPassword: ONE_TIME, newPassword: 'head-br1 2026 x' }, { cookie, 'x-csrf-token': csrf });
    expect([weak.status, ((await weak.json()) as { error: { code: string; details: unknown } }).error]).toEqual([422, expect.objectContaining({ code: 'WEAK_PASSWORD', details: { field: 'newPassword' } })]);
    const changed = await post('/api/auth/password', { currentPassword: ONE_TIME, newPassword: 'spring campaign 42' }, { cookie, 'x-csrf-token': csrf });
    expect(changed.status).toBe(200);
    expect((await campaigns()).status).toBe(200);
    expect((await signIn('head-br1', ONE_TIME)).status).toBe(401); // the one-time password is gone
    expect(((await (await signIn('head-br1', 'spring campaign 42')).json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(false);
  });

  it('refuses a write that carries the session cookie without its CSRF token, or with another', async () => {
    const { cookie, csrf } = cookiesOf(await signIn('head-br1', 'spring campaign 42'));
    const body = { staffId: 'rm1' };
    for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'x'.repeat(csrf.length) }] as Record<string, string>[]) {
      const res = await post('/api/customers/NOBODY/manager', body, headers);
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
    }
    // with the token the request reaches the handler (and the unknown customer is reported)
    const res = await post('/api/customers/NOBODY/manager', body, { cookie, 'x-csrf-token': csrf });
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_CUSTOMER');
  });

  it('answers an unknown staff id exactly like a wrong password', async () => {
    const unknown = await signIn('nobody-here', 'some password 1');
    const wrong = await signIn('rm3', 'some password 1');
    expect([unknown.status, await unknown.json()]).toEqual([wrong.status, await wrong.json()]);
    expect(unknown.status).toBe(401);
  });

  it('locks after three wrong passwords in a row (AUTH_MAX_FAILED_SIGN_INS=3) until an admin sets a new one-time password', async () => {
    const codes: string[] = [];
    for (const password of ['wrong one 1', 'wrong one 2', 'wrong one 3', ONE_TIME]) {
      codes.push(((await (await signIn('rm3', password)).json()) as { error: { code: string } }).error.code);
    }
    // rm3's earlier wrong password (the test above) was followed by nothing, so these make 2, 3 → locked, and the right one is refused
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    const locked = await signIn('rm3', ONE_TIME);
    expect(locked.status).toBe(423);
    expect((await c.as('admin').post('/api/auth/staff/rm3/one-time-password', { password: 'another one 2026' })).status).toBe(200);
    expect((await signIn('rm3', 'another one 2026')).status).toBe(200);
  });

  it('ends the session at sign-out, and when the staff member is deactivated', async () => {
    const { cookie, csrf } = cookiesOf(await signIn('rm1', ONE_TIME));
    const session = () => fetch(`${t.url}/api/auth/session`, { headers: { cookie } });
    expect((await session()).status).toBe(200);
    expect((await post('/api/auth/sign-out', {}, { cookie, 'x-csrf-token': csrf })).status).toBe(200);
    expect(((await (await session()).json()) as { error: { code: string } }).error.code).toBe('SESSION_EXPIRED');

    const second = cookiesOf(await signIn('rm2', ONE_TIME));
    expect((await c.as('admin').post('/api/org/staff/rm2/deactivate', {})).status).toBe(200);
    const gone = await fetch(`${t.url}/api/auth/session`, { headers: { cookie: second.cookie } });
    expect([gone.status, ((await gone.json()) as { error: { code: string } }).error.code]).toEqual([401, 'UNKNOWN_ACTOR']);
  });

  it('keeps bearer tokens working for the API and the CLI', async () => {
    expect((await c.as('mkt-br1').get('/api/campaigns')).status).toBe(200);
    expect((await c.as('rm1').get('/api/auth/session')).body).toEqual({ staffId: 'rm1', displayName: 'rm1', role: 'relationship_manager', unitId: 'SB1', mustChangePassword: false });
  });
});

/**
 * Issue 16 review: the lockout must not tell which staff ids exist, and one address must not be
 * able to lock accounts wholesale. Each test signs in from its own address (X-Forwarded-For,
 * TRUST_PROXY=1), so their budgets do not mix.
 */
describe('sign-in lockout that says nothing about which ids exist, and a budget per address', () => {
  let t: TestApp;
  const ONE_TIME = 'temporary 2026';
  const signIn = (staffId: string, password: string, from: string) =>
    fetch(`${t.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: JSON.stringify({ staffId, password }) });
  /** Status, code and the shape of the details (a lock's end differs by milliseconds between two accounts). */
  const answer = async (res: Response) => {
    const body = (await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } };
    return [res.status, body.error.code, body.error.message, Object.keys(body.error.details ?? {}).sort()];
  };

  beforeAll(async () => {
    t = await startTestApp({ AUTH_MAX_FAILED_SIGN_INS: '3', AUTH_MAX_FAILED_SIGN_INS_PER_ADDRESS: '6', TRUST_PROXY: '1' });
    await seedOrganisation(t);
    for (const who of ['rm1', 'rm2', 'rm3', 'head-br1', 'mkt-br1', 'appr-br1']) expect((await api(t).as('admin').post(`/api/auth/staff/${who}/one-time-password`, { password: ONE_TIME })).status).toBe(200);
  });
  afterAll(() => t?.close());

  it('answers wrong passwords for an existing and an unknown staff id identically, lock included', async () => {
    const existing: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 1; i <= 4; i++) {
      existing.push(await answer(await signIn('rm1', `wrong guess ${i}`, '10.1.0.1')));
      unknown.push(await answer(await signIn('no-such-staff', `wrong guess ${i}`, '10.1.0.2')));
    }
    // Three wrong in a row lock (AUTH_MAX_FAILED_SIGN_INS=3): 401, 401, then 423 twice — for both.
    expect(existing.map((a) => (a as unknown[])[0])).toEqual([401, 401, 423, 423]);
    expect(unknown).toEqual(existing);
  });

  it('stops spraying across accounts from one address after six failures (AUTH_MAX_FAILED_SIGN_INS_PER_ADDRESS=6), but never the right password of an account that signs in there', async () => {
    // A branch behind one NAT: rm2 signs in there every day.
    const branch = '10.2.0.1';
    expect((await signIn('rm2', ONE_TIME, branch)).status).toBe(200);
    const statuses: number[] = [];
    // One wrong password against eight ids (spraying: no account reaches its own lock of three).
    for (const who of ['rm3', 'head-br1', 'mkt-br1', 'appr-br1', 'ghost-1', 'ghost-2', 'ghost-3', 'ghost-4']) statuses.push((await signIn(who, 'Spring2026!', branch)).status);
    // Six failures fill the address's budget; the seventh and eighth are refused before any account counts them.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    // rm2, known at this address, is not refused for the others' failures: right password in, wrong one counted against rm2 alone.
    expect((await signIn('rm2', ONE_TIME, branch)).status).toBe(200);
    expect((await signIn('rm2', 'wrong guess 1', branch)).status).toBe(401);
    expect((await signIn('rm2', ONE_TIME, branch)).status).toBe(200);
    // An account never signed in from this address is refused there, whatever id it names, even with the right password ...
    const throttled = await answer(await signIn('mkt-br1', ONE_TIME, branch));
    expect(throttled).toEqual(await answer(await signIn('no-such-staff', ONE_TIME, branch)));
    expect(throttled.slice(0, 2)).toEqual([429, 'TOO_MANY_SIGN_IN_ATTEMPTS']);
    // ... and signs in from its own desk: the sprayed accounts were counted once each (one wrong password, not a lock).
    expect((await signIn('mkt-br1', ONE_TIME, '10.2.0.3')).status).toBe(200);
    expect((await signIn('head-br1', ONE_TIME, '10.2.0.4')).status).toBe(200);
  });

  it("counts wrong passwords at the address they come from: a stranger's guesses lock the account elsewhere, never at its owner's desk", async () => {
    const desk = '10.7.0.1';
    const stranger = '10.7.9.9';
    expect((await api(t).as('admin').post('/api/auth/staff/mkt-sb1/one-time-password', { password: ONE_TIME })).status).toBe(200);
    expect((await signIn('mkt-sb1', ONE_TIME, desk)).status).toBe(200);
    // Four wrong passwords from elsewhere (AUTH_MAX_FAILED_SIGN_INS=3): the third locks the account there.
    const fromStranger: number[] = [];
    for (let i = 1; i <= 4; i++) fromStranger.push((await signIn('mkt-sb1', `guess ${i}`, stranger)).status);
    expect(fromStranger).toEqual([401, 401, 423, 423]);
    // Even the right password is refused from there while the lock lasts ...
    expect((await signIn('mkt-sb1', ONE_TIME, stranger)).status).toBe(423);
    // ... but the owner signs in at their desk.
    expect((await signIn('mkt-sb1', ONE_TIME, desk)).status).toBe(200);
    // Wrong passwords typed at the desk lock the desk too (three in a row), the right one included, until an admin resets it.
    const atDesk: number[] = [];
    for (let i = 1; i <= 3; i++) atDesk.push((await signIn('mkt-sb1', `typo ${i}`, desk)).status);
    expect(atDesk).toEqual([401, 401, 423]);
    expect((await signIn('mkt-sb1', ONE_TIME, desk)).status).toBe(423);
    expect((await api(t).as('admin').post('/api/auth/staff/mkt-sb1/one-time-password', { password: ONE_TIME })).status).toBe(200);
    expect((await signIn('mkt-sb1', ONE_TIME, desk)).status).toBe(200);
    expect((await signIn('mkt-sb1', ONE_TIME, stranger)).status).toBe(200);
  });

  it('throttles an IPv6 client by its /64: rotating the last 64 bits does not buy more tries', async () => {
    const statuses: number[] = [];
    // Seven tries from seven addresses of 2001:db8:7:1::/64 (one per host number 1..7): the seventh meets the six failures before it.
    for (let host = 1; host <= 7; host++) statuses.push((await signIn(`ghost-v6-${host}`, 'Spring2026!', `2001:db8:7:1::${host.toString(16)}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect((await signIn('ghost-v6-9', 'Spring2026!', '2001:0db8:0007:0001:ffff:ffff:ffff:fffe')).status).toBe(429);
    // The neighbouring /64 has a budget of its own.
    expect((await signIn('ghost-v6-8', 'Spring2026!', '2001:db8:7:2::1')).status).toBe(401);
  });

  it('keys the address rows by a keyed HMAC, not a SHA-256 one could recompute for every IPv4 address', async () => {
    const from = '10.5.0.9';
    expect((await signIn('ghost-5', 'Spring2026!', from)).status).toBe(401);
    const { rows } = await t.db.pool.query<{ k: string }>(`SELECT to_jsonb(a) AS k FROM auth_address_failures a`);
    const stored = rows.map((r) => JSON.stringify(r.k));
    expect(stored.length).toBeGreaterThan(0);
    // What an enumeration of IPv4 would try: the address, with or without the old "address:" prefix, as SHA-256 (and MD5/SHA-1) hex.
    const guesses = ['sha256', 'sha1', 'md5'].flatMap((alg) => [from, `address:${from}`, `::ffff:${from}`].map((v) => createHash(alg).update(v).digest('hex')));
    for (const row of stored) {
      expect(row).not.toContain(from);
      for (const guess of guesses) expect(row).not.toContain(guess);
    }
  });

  it("counts a wrong current password at a password change against the account's lockout only, not the address's budget", async () => {
    const desk = '10.6.0.1';
    const signedIn = await signIn('head-br1', ONE_TIME, desk);
    expect(signedIn.status).toBe(200);
    const pairs = signedIn.headers.getSetCookie().map((h) => h.split(';')[0]!);
    const cookie = pairs.join('; ');
    const csrf = pairs.find((p) => p.startsWith('cp_csrf='))!.slice('cp_csrf='.length);
    const change = (currentPassword: string) =>
      fetch(`${t.url}/api/auth/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': desk, cookie, 'x-csrf-token': csrf },
        body: JSON.stringify({ currentPassword, newPassword: 'a new secret 2026' }),
      });
    // Two wrong current passwords: 422 each, not counted against the desk's address.
    expect((await change('not it 1')).status).toBe(422);
    expect((await change('not it 2')).status).toBe(422);
    // Six sign-in failures from the desk (unknown ids): the sixth is still answered 401, so the address had counted none of the two above.
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await signIn(`ghost-desk-${i}`, 'Spring2026!', desk)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    // The address is now at its budget, yet the signed-in user changes the password with the right current one.
    expect((await signIn('ghost-desk-7', 'Spring2026!', desk)).status).toBe(429);
    expect((await change(ONE_TIME)).status).toBe(200);
    // And the lockout applies: three wrong current passwords in a row (AUTH_MAX_FAILED_SIGN_INS=3) lock the account.
    const codes: unknown[] = [];
    for (const wrong of ['not it 3', 'not it 4', 'not it 5']) codes.push((await answer(await change(wrong))).slice(0, 2));
    expect(codes).toEqual([
      [422, 'INVALID_CREDENTIALS'],
      [422, 'INVALID_CREDENTIALS'],
      [423, 'ACCOUNT_LOCKED'],
    ]);
    expect((await signIn('head-br1', 'a new secret 2026', '10.6.0.2')).status).toBe(423);
  });
});
