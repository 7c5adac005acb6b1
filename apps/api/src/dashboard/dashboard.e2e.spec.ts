import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { declaredRoutes } from '../../../../test/support/routes';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { seedDemo } from '@app/demo';

const CHROMIUM = '/usr/bin/chromium';

/**
 * The dashboard at GET /: public static files under a strict CSP, and, in headless Chromium, a
 * branch head signing in with a token and reading campaign funnels, lift, an as-of attribution
 * replay and the scorecards — with no console error and no CSP violation.
 */
describe('dashboard', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    t = await startTestApp();
    await seedDemo(t.runtime, t.app.get(CommandBus), { customers: 300, months: 3, seed: 2, end: '2026-06' });
    await t.runtime.projector!.catchUp(60_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves its files without a token, under a strict content security policy', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<script src="dashboard.js"></script>');
    expect((await fetch(`${t.url}/dashboard.js`)).status).toBe(200);
    expect((await fetch(`${t.url}/api/campaigns`)).status).toBe(401); // the data still needs a token
  });

  it('calls only routes the API declares', () => {
    const script = readFileSync(join(__dirname, 'public', 'dashboard.js'), 'utf8');
    const used = [...script.matchAll(/api\(`?'?(\/api\/[a-z-/]+)/g)].map((m) => m[1]!.replace(/\/$/, ''));
    expect(used.length).toBeGreaterThanOrEqual(5);
    const declared = declaredRoutes(t.app, 'GET').map((r) => r.slice('GET '.length).replace(/:[A-Za-z]+/g, '*'));
    for (const path of used) expect({ path, declared: declared.some((d) => new RegExp(`^${d.replace(/\*/g, '[^/]+')}(/|$)`).test(path) || d.startsWith(path)) }).toEqual({ path, declared: true });
  });

  it('lets a branch head sign in and read a campaign: funnel, lift, and the same under linear attribution as of a date', async () => {
    const token = t.runtime.tokens.issue('head-sh').token;
    await page.goto(`${t.url}/`);
    await page.fill('#token', token);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#campaign-list tbody tr');
    expect(await page.textContent('#who')).toContain('branch head');
    const campaigns = await page.$$eval('#campaign-list tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
    expect(campaigns.some((c) => c!.startsWith('K-DEPOSIT'))).toBe(true); // Shanghai's campaign
    expect(campaigns.some((c) => c!.startsWith('K-WOMEN'))).toBe(false); // Beijing's: outside a Shanghai branch head's scope
    await page.click('#campaign-list tbody tr:has-text("K-DEPOSIT")');
    await page.waitForSelector('#campaign-detail h2:has-text("K-DEPOSIT")');
    expect(await page.textContent('#campaign-detail')).toContain('Lift over control');
    expect(await page.$$eval('.funnel .row', (rows) => rows.length)).toBe(5);
    await page.fill('#as-of', '2026-05-31');
    await page.selectOption('#attribution', 'linear');
    await page.waitForSelector('#campaign-detail .card .label:has-text("Revenue (linear)")', { timeout: 30_000 });
    expect(await page.textContent('#campaign-detail')).toContain('as of 2026-05-31T15:59:59.999Z');
  }, 60_000);

  it('shows the scorecards of the unit and below, and the exceptions', async () => {
    await page.click('#tabs button[data-tab=scorecards]');
    await page.fill('#period', '2026-04');
    await page.dispatchEvent('#period', 'change');
    await page.waitForSelector('#unit-scores tbody tr');
    const units = await page.$$eval('#unit-scores tbody tr td:first-child', (cells) => cells.map((c) => c.textContent!.split(' ')[0]));
    expect(units[0]).toBe('BR-SH');
    expect(units.every((u) => u === 'BR-SH' || u!.includes('-SH-'))).toBe(true);
    await page.click('#tabs button[data-tab=exceptions]');
    await page.waitForSelector('#exception-list thead');
    expect(problems).toEqual([]); // no console error, no CSP violation
  }, 60_000);

  it('sends a bad token back to the sign-in form', async () => {
    await page.evaluate("sessionStorage.setItem('campaign-platform-token', 'a.b.c')");
    await page.goto(`${t.url}/`);
    await page.waitForSelector('#signin:not([hidden])');
    expect(await page.textContent('#signin-error')).toContain('INVALID_TOKEN');
  }, 30_000);
});
