import type { Browser, Page } from 'playwright-core';
import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { buildWeb, expectFailedLoads as takeFailedLoads, launchBrowser, signIn as fillSignIn, signInFirstTime } from './browser';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

/**
 * The staff front end (apps/web) in headless Chromium: served under the strict CSP, signed in with
 * staff id and password (a one-time password forces a change; wrong passwords lock the account),
 * the campaign figures checked against values worked out by hand, the approval action, the language
 * switch — and no console error or CSP violation on any screen.
 */
describe('staff front end', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let browser: Browser;
  let problems: string[];
  let newPage: Awaited<ReturnType<typeof launchBrowser>>['newPage'];
  const ONE_TIME = 'temporary 2026';

  const day = (d: string, h = 9) => `2026-03-${d}T${String(h).padStart(2, '0')}:00:00.000Z`;
  const rec = async (body: Record<string, unknown>) => {
    const r = await c.as('rm1').post('/api/interactions', body);
    if (r.status !== 201) throw new Error(`${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const expectFailedLoads = (status: number, count: number) => takeFailedLoads(problems, status, count);
  const signIn = (page: Page, staffId: string, password: string) => fillSignIn(page, t.url, staffId, password);
  async function changeOneTimePassword(page: Page, staffId: string, newPassword: string) {
    await signInFirstTime(page, t.url, staffId, ONE_TIME, newPassword);
    await page.waitForSelector('#campaign-list .el-table__row');
  }

  beforeAll(async () => {
    buildWeb();
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    for (let i = 0; i < 20; i++) await seedCustomer(t, `C${String(i).padStart(2, '0')}`, { tolerance: 'R2' });
    const mkt = c.as('mkt-br1');
    const draft = (campaignId: string) => ({ campaignId, name: `${campaignId} 春季存款`, ownerUnitId: 'BR1', productCodes: ['FUND-BOND', 'DEP-1Y'], channels: ['phone'], budget: '5000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 30 });
    await mkt.post('/api/campaigns', draft('K1'));
    await submitWithPlan(mkt, 'K1');
    await c.as('appr-ho').post('/api/campaigns/K1/approve');
    expect((await mkt.post('/api/campaigns/K1/launch', { occurredAt: day('01', 0) })).status).toBe(200);
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE type = 'CustomerEnrolledInCampaign' ORDER BY data->>'customerId'`);
    const T = rows.filter((r) => r.data.group === 'treatment').map((r) => r.data.customerId as string);
    const C = rows.filter((r) => r.data.group === 'control').map((r) => r.data.customerId as string);
    expect([T.length, C.length]).toEqual([15, 5]); // 30% of 20 held back
    const sale = (customerId: string, revenue: string, occurredAt: string, campaignId: string | null) =>
      rec({ kind: 'conversion', customerId, staffId: 'rm1', productCode: 'DEP-1Y', amount: '10000', revenue, campaignId, occurredAt });
    await rec({ kind: 'contact', customerId: T[0], staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'K1', occurredAt: day('02') });
    await sale(T[0]!, '750.00', '2026-03-04T16:30:00.000Z', 'K1'); // 00:30 on 5 March in Beijing
    await sale(T[0]!, '60.00', day('09'), null); // T0's second sale: still one converted customer
    await sale(T[2]!, '200.00', day('06'), 'K1');
    await sale(C[0]!, '400.00', day('06'), null);
    await mkt.post('/api/campaigns/K1/costs', { amount: '1000.00', description: 'call centre', occurredAt: day('10') });
    // A second campaign waits for head office's approval.
    for (const id of ['K2', 'K3']) {
      await mkt.post('/api/campaigns', draft(id));
      await submitWithPlan(mkt, id);
    }
    for (const who of ['head-br1', 'appr-ho', 'rm2']) expect((await c.as('admin').post(`/api/auth/staff/${who}/one-time-password`, { password: ONE_TIME })).status).toBe(200);
    await expectCaughtUp(t.runtime.projector!, 60_000);
    ({ browser, problems, newPage } = await launchBrowser());
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the built app without a session, under a strict content security policy', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe');
    const html = await res.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script>|<style|style="/); // nothing inline
    const asset = /src="(\/assets\/[^"]+)"/.exec(html)![1]!;
    const js = await fetch(`${t.url}${asset}`);
    expect([js.status, js.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect((await fetch(`${t.url}/api/campaigns`)).status).toBe(401); // the data still needs a session or token
  });

  it('makes a user signed in with a one-time password change it before anything else', async () => {
    const { page } = await newPage();
    await signIn(page, 'head-br1', ONE_TIME);
    await page.waitForSelector('#change-password');
    expect(await page.textContent('#change-password')).toContain('一次性密码'); // Chinese by default
    // the session reaches nothing else meanwhile
    const refused = (await page.evaluate(async () => (await fetch('/api/campaigns')).json())) as { error: { code: string } };
    expect(refused.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expectFailedLoads(403, 1);
    // a weak new password is refused beside its field, in Chinese
    await page.fill('#current-password', ONE_TIME);
    await page.fill('#new-password', 'short1');
    await page.fill('#repeat-password', 'short1');
    await page.click('#change-password-submit');
    await page.waitForSelector('#change-password .el-form-item__error');
    expect(await page.textContent('#change-password .el-form-item.is-error')).toContain('新密码至少 10 位');
    expectFailedLoads(422, 1);
    await page.fill('#new-password', 'spring campaign 42');
    await page.fill('#repeat-password', 'spring campaign 42');
    await page.click('#change-password-submit');
    await page.waitForSelector('#campaign-list .el-table__row');
    expect(await page.textContent('#who')).toContain('机构负责人');
    // the new password now signs in straight to the screens
    await page.click('#sign-out');
    // Signed out once the sign-in form shows: navigating earlier races the sign-out's reply, and the reload
    // then asks for a session with the old CSRF cookie (a 401 the lockout test below would count).
    await page.waitForSelector('#staff-id');
    await signIn(page, 'head-br1', 'spring campaign 42');
    await page.waitForSelector('#campaign-list .el-table__row');
    await page.close();
  }, 60_000);

  it('shows a campaign funnel, lift against control and ROI with the figures worked out by hand', async () => {
    const { page } = await newPage();
    await signIn(page, 'head-br1', 'spring campaign 42');
    await page.click('#campaign-list .el-table__row:has-text("K1")');
    await page.waitForSelector('#campaign-detail h2:has-text("K1")');
    const figure = (name: string) => page.textContent(`#campaign-detail [data-figure=${name}]`);
    // treatment: T0 and T2 converted, 2 of 15 = 13.3%; control: C0, 1 of 5 = 20.0%; lift 13.33 − 20.00 = −6.7 points
    expect(await figure('treatment-rate')).toContain('13.3%');
    expect(await figure('treatment-rate')).toContain('2 / 15');
    expect(await figure('control-rate')).toContain('20.0%');
    expect(await figure('lift')).toContain('-6.7%');
    // campaign revenue: the tagged sales, 750.00 + 200.00 = ¥950.00; cost ¥1,000.00; ROI (950 − 1000) / 1000 = −5.0%
    expect(await figure('revenue')).toContain('¥950.00');
    expect(await figure('cost')).toContain('¥1,000.00');
    expect(await figure('roi')).toContain('-5.0%');
    // both charts are drawn by ECharts (canvas), not hand-made SVG
    for (const id of ['#funnel-chart', '#daily-chart']) expect(await page.$$eval(`${id} canvas`, (c) => c.length)).toBe(1);
    // As of today's bank day (the other shape of the answer: `asOf`, `attributed`, no `readModel`): noted, same figures.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await page.fill('#as-of', today);
    await page.press('#as-of', 'Enter');
    await page.waitForSelector('#as-of-note');
    expect(await page.textContent('#as-of-note')).toContain(today);
    expect(await figure('treatment-rate')).toContain('2 / 15');
    expect(await figure('revenue')).toContain('¥950.00');
    await page.close();
  }, 60_000);

  it('switches to English and back, and every screen of a branch head opens cleanly', async () => {
    const { page } = await newPage();
    await signIn(page, 'head-br1', 'spring campaign 42');
    await page.waitForSelector('#campaign-list .el-table__row');
    expect(await page.textContent('#tabs')).toContain('营销活动');
    await page.click('#lang');
    await page.waitForSelector('#tabs :text("Campaigns")');
    expect(await page.textContent('#who')).toContain('branch head');
    for (const [tab, ready] of [['scorecards', '#unit-scores'], ['exceptions', '#exception-list'], ['customer', '#customer-id'], ['crossSelling', '#cross-selling-ratio'], ['campaigns', '#campaign-list .el-table__row']]) {
      await page.click(`#tabs [data-tab=${tab}]`);
      await page.waitForSelector(ready!);
    }
    await page.click('#tabs [data-tab=customer]');
    await page.fill('#customer-id', 'C00');
    await page.click('#customer-open');
    await page.waitForSelector('#customer-360 h2:has-text("C00")');
    await page.click('#lang');
    await page.waitForSelector('#tabs :text("营销活动")');
    await page.close();
  }, 60_000);

  it("shows the scorecards of the month chosen, even when the answer for the month the screen opened on comes later", async () => {
    const { page } = await newPage();
    await signIn(page, 'head-br1', 'spring campaign 42');
    await page.waitForSelector('#tabs');
    // The screen opens on last month; that answer is held back until March's has been shown, then let through.
    let letOpeningThrough: () => void = () => undefined;
    const openingHeld = new Promise<void>((r) => (letOpeningThrough = r));
    const asked: string[] = [];
    await page.route(/\/api\/scorecards\?/, async (route) => {
      asked.push(route.request().url());
      if (asked.length === 1) await openingHeld;
      await route.continue();
    });
    await page.click('#tabs [data-tab=scorecards]');
    await page.fill('#period', '2026-03');
    await page.keyboard.press('Enter');
    // rm1's March: the fixture's four sales, 750.00 + 60.00 + 200.00 + 400.00 = ¥1,410.00.
    const rm1 = '#people-scores .el-table__row:has-text("rm1")';
    await page.waitForSelector(`${rm1}:has-text("¥1,410.00")`);
    const opening = page.waitForResponse((r) => r.url() === asked[0]);
    letOpeningThrough();
    await opening;
    await page.waitForTimeout(100); // the answer applied, if it were (a render tick)
    expect(await page.textContent(rm1)).toContain('¥1,410.00');
    await page.unroute(/\/api\/scorecards\?/);
    // A unit clicked drills down to it: SB1 and the units below it, its people from the first.
    expect(await page.textContent('#people-shown')).toMatch(/1–\d+/);
    await page.click('#unit-scores .el-table__row:has-text("SB1 ·")');
    await page.waitForSelector('#unit-scores .el-table__row:has-text("BR1 ·")', { state: 'detached' });
    expect(await page.inputValue('#org-unit')).toBe('SB1');
    await page.waitForSelector(`${rm1}:has-text("¥1,410.00")`);
    await page.close();
  }, 60_000);

  it('lets head office approve a campaign awaiting approval, with an idempotency key and the CSRF token', async () => {
    const { page } = await newPage();
    await changeOneTimePassword(page, 'appr-ho', 'approve it 2026');
    const sent: Record<string, string>[] = [];
    page.on('request', (r) => r.url().endsWith('/api/campaigns/K2/approve') && sent.push(r.headers()));
    await page.click('#campaign-list .el-table__row:has-text("K2")');
    await page.waitForSelector('#decision #approve');
    await page.click('#approve');
    await page.waitForSelector('#decision-notice:has-text("已批准该活动")');
    expect(sent).toHaveLength(1);
    expect(sent[0]!['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[0]!['x-csrf-token']).toBeTruthy();
    const events = await t.db.pool.query(`SELECT type FROM es_events WHERE stream_id = 'campaign-K2' ORDER BY stream_position`);
    expect(events.rows.map((r) => r.type)).toEqual(['CampaignDrafted', 'CampaignSubmitted', 'CampaignApproved']);
    // a write with the session cookie but without the CSRF header is refused
    const forged = (await page.evaluate(async () => (await fetch('/api/campaigns/K2/reject', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"x"}' })).json())) as { error: { code: string } };
    expect(forged.error.code).toBe('CSRF_TOKEN_INVALID');
    expectFailedLoads(403, 1);
    // a rejection without a reason is refused beside the reason field, in Chinese; with one it goes through
    await page.click('#campaign-list .el-table__row:has-text("K3")');
    await page.waitForSelector('#campaign-detail h2:has-text("K3")');
    await page.click('#reject');
    await page.click('#reject-confirm');
    await page.waitForSelector('.el-dialog .el-form-item.is-error:has-text("输入有误")');
    expectFailedLoads(400, 1);
    await page.fill('#reject-reason', '对照组比例过低');
    await page.click('#reject-confirm');
    await page.waitForSelector('#decision-notice:has-text("已驳回该活动")');
    const rejected = await t.db.pool.query(`SELECT data FROM es_events WHERE stream_id = 'campaign-K3' AND type = 'CampaignRejected'`);
    expect(rejected.rows.map((r) => r.data.reason)).toEqual(['对照组比例过低']);
    await page.close();
  }, 90_000);

  it('locks the account after five wrong passwords, even against the right one', async () => {
    const { page } = await newPage();
    for (let i = 1; i <= 4; i++) {
      await signIn(page, 'rm2', `wrong password ${i}`);
      await page.waitForSelector('#signin-error:has-text("员工号或密码不正确")');
    }
    await signIn(page, 'rm2', 'wrong password 5');
    await page.waitForSelector('#signin-error:has-text("账户已锁定")');
    await signIn(page, 'rm2', ONE_TIME);
    await page.waitForSelector('#signin-error:has-text("账户已锁定")');
    expectFailedLoads(401, 4);
    expectFailedLoads(423, 2);
    await page.close();
  }, 60_000);

  it('would notice a CSP violation: an inline style attribute is refused and reported', async () => {
    const { page } = await newPage();
    await page.goto(`${t.url}/`);
    await page.waitForSelector('#signin');
    await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline</p>')`);
    // Chromium reports it twice: the event (our listener, dispatched as a task of its own) and its own
    // console message. Both are waited for (a fixed pause missed them on a loaded machine), then taken out.
    const ours = () => problems.filter((p) => p.includes('CSP violation: style-src-attr'));
    const chromiums = () => problems.filter((p) => p.includes('Applying inline style violates'));
    for (const end = Date.now() + 15_000; (ours().length === 0 || chromiums().length === 0) && Date.now() < end; ) await page.waitForTimeout(50);
    const caught = ours();
    expect(caught.length).toBeGreaterThanOrEqual(1);
    problems.splice(0, problems.length, ...problems.filter((p) => !caught.includes(p) && !chromiums().includes(p)));
    await page.close();
  });

  it('showed no console error and no CSP violation on any screen', () => {
    expect(problems).toEqual([]);
  });
});
