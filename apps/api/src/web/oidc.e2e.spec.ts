import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { freePort } from '@app/platform';
import { seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { buildWeb, launchBrowser } from './browser';

/**
 * With OIDC_ISSUER set, staff sign in through the bank's OpenID Connect provider: here a real one
 * (node-oidc-provider) started on this machine, its development login form filled in headless
 * Chromium. The subject comes back as the staff id; one that names no staff member opens nothing.
 */
describe('sign-in through the bank\'s OpenID Connect provider', () => {
  let provider: ChildProcess;
  let t: TestApp;
  let browser: Browser;
  let problems: string[];
  let newPage: Awaited<ReturnType<typeof launchBrowser>>['newPage'];
  let issuer: string;

  beforeAll(async () => {
    buildWeb();
    const [appPort, providerPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${providerPort}`;
    const redirectUri = `http://127.0.0.1:${appPort}/api/auth/oidc/callback`;
    provider = spawn(process.execPath, [join(__dirname, '..', '..', '..', '..', 'test', 'support', 'oidc-provider.mjs'), String(providerPort), redirectUri], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      provider.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      provider.on('exit', (code) => reject(new Error(`the OpenID Connect provider exited (${code})`)));
    });
    t = await startTestApp(
      { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'campaign-platform', OIDC_CLIENT_SECRET: 'test-client-secret', OIDC_REDIRECT_URI: redirectUri },
      { port: appPort },
    );
    await seedOrganisation(t);
    ({ browser, problems, newPage } = await launchBrowser());
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    provider?.kill();
  });

  async function signInAt(subject: string) {
    const { page } = await newPage();
    const authorizations: URL[] = [];
    page.on('request', (r) => r.url().startsWith(`${issuer}/auth?`) && authorizations.push(new URL(r.url())));
    await page.goto(`${t.url}/`);
    await page.click('#oidc-sign-in');
    await page.waitForSelector('input[name=login]');
    await page.fill('input[name=login]', subject);
    await page.fill('input[name=password]', 'anything');
    await page.click('button[type=submit]');
    await page.waitForSelector('button:has-text("Continue")');
    await page.click('button:has-text("Continue")');
    return { page, authorizations };
  }

  it('offers the single sign-on instead of a password form, and refuses password sign-in', async () => {
    const res = await fetch(`${t.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staffId: 'head-br1', password: 'anything 123' }) });
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([403, 'PASSWORD_SIGN_IN_DISABLED']);
    expect(await (await fetch(`${t.url}/api/auth/config`)).json()).toEqual({ mode: 'oidc', bankTimeZone: 'Asia/Shanghai' });
  });

  it('signs a branch head in with the authorization code flow and PKCE, the subject as the staff id', async () => {
    const { page, authorizations } = await signInAt('head-br1');
    await page.waitForSelector('#campaign-list');
    expect(await page.textContent('#who')).toContain('head-br1 · 机构负责人 · BR1');
    const auth = authorizations[0]!;
    expect(Object.fromEntries([...auth.searchParams].filter(([k]) => ['response_type', 'client_id', 'code_challenge_method', 'scope'].includes(k)))).toEqual({
      response_type: 'code',
      client_id: 'campaign-platform',
      code_challenge_method: 'S256',
      scope: 'openid profile',
    });
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(auth.searchParams.get('state')).toBeTruthy();
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    // the session works for the API, and the pending sign-in was used up
    const session = (await page.evaluate(async () => (await fetch('/api/auth/session')).json())) as { staffId: string };
    expect(session.staffId).toBe('head-br1');
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM auth_oidc_requests`)).rows[0].n).toBe(0);
    await page.close();
  }, 60_000);

  it('opens nothing from a callback in a browser that did not start the sign-in (login CSRF)', async () => {
    // The attacker starts a sign-in and keeps its state (the redirect to the provider names it) ...
    const started = await fetch(`${t.url}/api/auth/oidc/start`, { redirect: 'manual' });
    const state = new URL(started.headers.get('location')!).searchParams.get('state')!;
    expect(state).toBeTruthy();
    // ... and sends the victim to the callback with it: the victim's browser has no state cookie.
    const callback = await fetch(`${t.url}/api/auth/oidc/callback?code=attackers-code&state=${encodeURIComponent(state)}`, { redirect: 'manual' });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/?signin-error=OIDC_STATE_UNKNOWN');
    expect(callback.headers.getSetCookie().some((c) => c.startsWith('cp_session='))).toBe(false);
  });

  it('opens no session for a subject that names no staff member', async () => {
    const { page } = await signInAt('stranger');
    await page.waitForSelector('#signin-error:has-text("不是本系统的在职员工")');
    expect(page.url()).toBe(`${t.url}/`);
    expect(await page.$('#campaign-list')).toBeNull();
    await page.close();
  }, 60_000);

  it('showed no console error and no CSP violation on the platform\'s own pages', () => {
    expect(problems.filter((p) => p.startsWith(t.url))).toEqual([]);
  });
});
