import type { Browser, Page } from 'playwright-core';
import { api, seedOrganisation, storedEvents } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { buildWeb, chooseOption, expectFailedLoads as takeFailedLoads, hoverChart, launchBrowser, signIn, signInFirstTime as firstSignIn } from './browser';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

/**
 * The customer page in headless Chromium: a relationship manager opens their customer and sees what
 * the customer holds and since when, and the tier history with the bank days the changes were
 * recorded; files a special VIP card application and a claim on a customer the system does not have,
 * each refusal beside its field; head office cannot refuse the application without a reason. The
 * manager asks head office to move a customer to a manager of another branch (a blank reason, and a
 * target inside the customer's own branch, refused beside their fields), and the request waits in
 * head office's inbox and in the manager's own requests. The
 * customer's history is written through the API, dated around midnight in Beijing, so every expected
 * value below is worked out from the dates by hand.
 */
describe('customer page: holdings, tier history, VIP card application, claim', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let browser: Browser;
  let problems: string[];
  let newPage: Awaited<ReturnType<typeof launchBrowser>>['newPage'];
  const ONE_TIME = 'temporary 2026';
  const expectFailedLoads = (status: number, count: number) => takeFailedLoads(problems, status, count);
  const signInFirstTime = (page: Page, staffId: string, newPassword: string) => firstSignIn(page, t.url, staffId, ONE_TIME, newPassword);
  const ok = (r: { status: number; body: unknown }) => {
    if (r.status >= 300) throw new Error(`fixture failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
  /** Opens the staff picker of a transfer form: the group titles (sub-branch, own or other branch) it shows. */
  const openPicker = async (page: Page, form: string) => {
    await page.click(`${form} [data-field=toStaffId] .el-select__wrapper`);
    await page.waitForSelector('.el-select-group__title:visible');
    return page.$$eval('.el-select-group__title', (xs) => xs.filter((x) => (x as unknown as { offsetParent: unknown }).offsetParent !== null).map((x) => (x.textContent ?? '').trim()));
  };
  /** Searches the open picker by staff id and picks the one match; returns what the search left to pick from. */
  const pickStaff = async (page: Page, staffId: string) => {
    await page.keyboard.type(staffId);
    const shown = await page.$$eval('.el-select-dropdown__item', (xs) => xs.filter((x) => (x as unknown as { offsetParent: unknown }).offsetParent !== null).map((x) => (x.textContent ?? '').trim()));
    await page.click(`.el-select-dropdown__item:visible:has-text("${staffId}")`);
    return shown;
  };
  /** H2's cross-branch request, filed by rm1 in the browser (below), approved by head office after. */
  let transferRequestId = '';

  beforeAll(async () => {
    buildWeb();
    // The fixture dates facts months back: allow it for staff too.
    t = await startTestApp({ BACKDATE_GRACE_DAYS: '3650' });
    c = api(t);
    await seedOrganisation(t);
    const rm = c.as('rm1');
    const admin = c.as('admin');
    // H1 joins SB1 in January, managed by rm1, risk tolerance R4 (GOLD R3 and FUND-EQ R4 may be sold).
    ok(await rm.post('/api/customers', { customerId: 'H1', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '300000' }, occurredAt: '2026-01-05T02:00:00.000Z' }));
    ok(await c.as('head-br1').post('/api/customers/H1/manager', { staffId: 'rm1', occurredAt: '2026-01-05T03:00:00.000Z' }));
    ok(await c.as('head-br1').post('/api/customers/H1/risk-assessment', { tolerance: 'R4', occurredAt: '2026-01-06T03:00:00.000Z' }));
    const snapshot = (month: string, averageDailyAssets: string, holdings: string[], occurredAt: string) =>
      admin.post('/api/customers/H1/balances', { month, averageDailyAssets, holdings, occurredAt });
    const sale = (productCode: string, occurredAt: string) =>
      rm.post('/api/interactions', { kind: 'conversion', customerId: 'H1', staffId: 'rm1', productCode, amount: '10000', revenue: '50', occurredAt });
    // February: 300,000 average → standard (threshold 200,000); recorded 01:00 Beijing on 2 March (17:00 UTC on 1 March).
    ok(await snapshot('2026-02', '300000', ['DEP-1Y', 'FUND-BOND'], '2026-03-01T17:00:00.000Z'));
    // GOLD at 23:30 Beijing on 31 March; FUND-EQ at 00:30 Beijing on 1 April (still 31 March in UTC); GOLD again on 2 April.
    ok(await sale('GOLD', '2026-03-31T15:30:00.000Z'));
    ok(await sale('FUND-EQ', '2026-03-31T16:30:00.000Z'));
    ok(await sale('GOLD', '2026-04-02T02:00:00.000Z'));
    // March's snapshot leaves FUND-BOND out: closed in March. Average (300,000 + 300,000) / 2: still standard.
    ok(await snapshot('2026-03', '300000', ['DEP-1Y', 'FUND-EQ', 'GOLD'], '2026-04-02T18:00:00.000Z'));
    // April's lists it again (held since April); (300,000 + 300,000 + 6,000,000) / 3 = 2,200,000 → platinum (1,500,000 ≤ it < 6,000,000),
    // recorded 02:00 Beijing on 2 May (18:00 UTC on 1 May).
    ok(await snapshot('2026-04', '6000000', ['DEP-1Y', 'FUND-BOND', 'FUND-EQ', 'GOLD'], '2026-05-01T18:00:00.000Z'));
    // H2 (SB1, rm1's): rm2 refers two DEP-1Y sales to rm1; the second sale is reversed, so one referral of two converted.
    ok(await rm.post('/api/customers', { customerId: 'H2', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '50000' } }));
    ok(await c.as('head-br1').post('/api/customers/H2/manager', { staffId: 'rm1' }));
    for (const [referralId, conversionId] of [['RF-A', 'S-A'], ['RF-B', 'S-B']]) {
      ok(await rm.post('/api/interactions', { kind: 'referral', customerId: 'H2', referralId, referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'DEP-1Y' }));
      ok(await rm.post('/api/interactions', { kind: 'conversion', customerId: 'H2', conversionId, staffId: 'rm1', productCode: 'DEP-1Y', amount: '5000', revenue: '10', referrerStaffId: 'rm2', referralId }));
    }
    ok(await rm.post('/api/interactions', { kind: 'reversal', customerId: 'H2', conversionId: 'S-B', reason: 'cooling-off cancellation' }));
    // R3 in SB2, with no manager yet: rm3 may look them up, but is not their manager.
    ok(await c.as('rm3').post('/api/customers', { customerId: 'R3', segment: 'retail', gender: 'M', assetsByUnit: { SB2: '80000' } }));
    for (const who of ['rm1', 'appr-ho', 'rm3', 'head-br1']) ok(await admin.post(`/api/auth/staff/${who}/one-time-password`, { password: ONE_TIME }));
    await expectCaughtUp(t.runtime.projector!, 60_000);
    ({ browser, problems, newPage } = await launchBrowser());
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows a relationship manager what their customer holds and since when, and the tier history on bank days', async () => {
    const { page } = await newPage();
    await signInFirstTime(page, 'rm1', 'my customers 2026');
    await page.click('#tabs [data-tab=customer]');
    await page.fill('#customer-id', 'H1');
    await page.click('#customer-open');
    await page.waitForSelector('#customer-holdings [data-holding=GOLD]');
    // Held now, in product order: since the snapshot month, or the bank day of the sale that brought it.
    const held = await page.$$eval('#customer-holdings [data-holding]', (xs) => xs.map((x) => x.textContent));
    expect(held).toEqual(['DEP-1Y', 'FUND-BOND', 'FUND-EQ', 'GOLD']);
    expect(await text(page, '#customer-holdings [data-since=DEP-1Y]')).toBe('2026-02');
    expect(await text(page, '#customer-holdings [data-since=FUND-BOND]')).toBe('2026-04');
    expect(await text(page, '#customer-holdings [data-since=FUND-EQ]')).toBe('2026-04-01');
    expect(await text(page, '#customer-holdings [data-since=GOLD]')).toBe('2026-03-31');
    expect(await text(page, '#customer-holdings [data-sales=GOLD]')).toBe('2');
    expect(await text(page, '#customer-holdings [data-sales=FUND-BOND]')).toBe('0');
    // FUND-BOND's first period: held from February, gone in March's snapshot.
    expect(await text(page, '#customer-past-holdings [data-closed=FUND-BOND]')).toBe('2026-03');
    // Tier history: the month it is for, the tier, and the bank day it was recorded (not the UTC date).
    expect(await text(page, '#customer-tier-history [data-tier-month="2026-02"]')).toBe('标准');
    expect(await text(page, '#customer-tier-history [data-recorded="2026-02"]')).toBe('2026-03-02');
    expect(await text(page, '#customer-tier-history [data-tier-month="2026-04"]')).toBe('白金');
    expect(await text(page, '#customer-tier-history [data-recorded="2026-04"]')).toBe('2026-05-02');
    expect(await text(page, '#customer-tier')).toBe('白金');
    await page.close();
  }, 60_000);

  it('lets the manager file a special VIP card application, with a refusal beside its field', async () => {
    const { page } = await newPage();
    await signIn(page, t.url, 'rm1', 'my customers 2026');
    await page.waitForSelector('#tabs');
    await page.click('#tabs [data-tab=customer]');
    await page.fill('#customer-id', 'H1');
    await page.click('#customer-open');
    await page.waitForSelector('#vip-apply');
    const sent: Record<string, string>[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/customers/H1/vip-card/applications') && sent.push(r.headers()));
    // Black is above H1's platinum: a special card, waiting for head office.
    await page.fill('#vip-application-id', 'VA-1');
    await chooseOption(page, '[data-field=tier] .el-select__wrapper', '黑金');
    await page.click('#vip-apply-submit');
    await page.waitForSelector('#vip-notice:has-text("VA-1")');
    // A second one while VA-1 is open is refused beside the application id, in Chinese.
    await page.fill('#vip-application-id', 'VA-2');
    await page.click('#vip-apply-submit');
    await page.waitForSelector('[data-field=applicationId] .el-form-item__error');
    expect(await text(page, '[data-field=applicationId] .el-form-item__error')).toBe('该客户已有未完成的贵宾卡申请');
    expect(sent).toHaveLength(2);
    for (const h of sent) expect(h['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[0]!['idempotency-key']).not.toBe(sent[1]!['idempotency-key']);
    expectFailedLoads(409, 1);
    const applied = (await storedEvents(t, 'customer-H1')).filter((e) => e.type === 'VipCardApplied');
    expect(applied.map((e) => [e.data.applicationId, e.data.tier, e.data.special])).toEqual([['VA-1', 'black', true]]);
    await page.close();
  }, 60_000);

  it('lets the manager claim a customer the system does not have; a claim into another sub-branch is refused beside the assets', async () => {
    const { page } = await newPage();
    await signIn(page, t.url, 'rm1', 'my customers 2026');
    await page.waitForSelector('#tabs');
    await page.click('#tabs [data-tab=customer]');
    // Looking up someone not in the system opens the claim form for them.
    await page.fill('#customer-id', 'NEW-1');
    await page.click('#customer-open');
    await page.waitForSelector('#customer-claim');
    expect(await page.inputValue('#claim-customer')).toBe('NEW-1');
    await page.fill('#claim-id', 'CL-NEW-1');
    await page.fill('#claim-birth-year', '1980');
    // Most of the assets in SB2: the customer would join SB2, where rm1 does not work (422 STAFF_NOT_IN_UNIT).
    await page.fill('#claim-unit', 'SB2');
    await page.fill('#claim-assets', '500000');
    await page.click('#claim-file');
    await page.waitForSelector('[data-field=assetsByUnit] .el-form-item__error');
    expect(await text(page, '[data-field=assetsByUnit] .el-form-item__error')).toBe('客户将归属资产最多的支行，您不在该支行');
    expect(await storedEvents(t, 'customer-NEW-1')).toEqual([]);
    await page.fill('#claim-unit', 'SB1');
    await page.click('#claim-file');
    await page.waitForSelector('#claim-notice:has-text("CL-NEW-1")');
    expect((await storedEvents(t, 'customer-NEW-1')).map((e) => [e.type, e.data.claimId, e.data.onboarding?.homeUnitId])).toEqual([['CustomerClaimFiled', 'CL-NEW-1', 'SB1']]);
    // the lookup's 404 and the refused claim's 422
    expectFailedLoads(404, 1);
    expectFailedLoads(422, 1);
    await page.close();
  }, 60_000);

  it('makes head office give a reason to refuse the application, in the inbox; a blank claim rejection is refused too', async () => {
    const { page } = await newPage();
    await signInFirstTime(page, 'appr-ho', 'head office 2026');
    await page.click('#tabs [data-tab=inbox]');
    await page.waitForSelector('#inbox-waiting [data-reject="VA-1"]', { timeout: 15_000 });
    await page.click('#inbox-waiting [data-reject="VA-1"]');
    await page.waitForSelector('#inbox-reason');
    await page.click('#inbox-reject-confirm');
    await page.waitForSelector('.el-dialog .el-form-item__error');
    expect(await text(page, '.el-dialog .el-form-item__error')).toBe('驳回须说明理由');
    // The inbox's dialog asks for the reason before anything is sent (the API's REASON_REQUIRED is checked below, on a claim).
    expectFailedLoads(400, 0);
    expect((await storedEvents(t, 'customer-H1')).filter((e) => e.type === 'VipCardApplicationRefused')).toEqual([]);
    await page.fill('#inbox-reason', '客户资产未达黑金标准');
    await page.click('#inbox-reject-confirm');
    await page.waitForSelector('#inbox-notice:has-text("VA-1")');
    expect((await storedEvents(t, 'customer-H1')).filter((e) => e.type === 'VipCardApplicationRefused').map((e) => e.data.reasonNote)).toEqual([expect.stringMatching(/^vip-application:VA-1:refusal:[0-9a-f-]{36}$/)]);
    await page.close();
    // The claim goes to BR1 (the nearest unit above SB1 that assigns customers): blank is no reason, and nothing is appended.
    const blank = await c.as('head-br1').post('/api/customers/NEW-1/claims/CL-NEW-1/decision', { approve: false, reason: '   ' });
    expect([blank.status, blank.body.error.code]).toEqual([400, 'REASON_REQUIRED']);
    expect((await storedEvents(t, 'customer-NEW-1')).map((e) => e.type)).toEqual(['CustomerClaimFiled']);
  }, 60_000);

  it('shows head office products per customer of one unit month by month, with empty months as zero, and referral conversion without the reversed sale', async () => {
    const { page } = await newPage();
    await signIn(page, t.url, 'appr-ho', 'head office 2026');
    await page.waitForSelector('#tabs');
    // The screen opens on the last twelve months; that answer is held back here until a range chosen
    // after it has been shown, then let through: it must not overwrite the later range (it did).
    let letOpeningThrough: () => void = () => undefined;
    const openingHeld = new Promise<void>((r) => (letOpeningThrough = r));
    const asked: string[] = [];
    await page.route(/\/api\/cross-selling\?/, async (route) => {
      asked.push(route.request().url());
      if (asked.length === 1) await openingHeld;
      await route.continue();
    });
    await page.click('#tabs [data-tab=crossSelling]');
    const pick = async (from: string, to: string) => {
      await page.fill('#xs-from', from);
      await page.keyboard.press('Enter');
      await page.fill('#xs-to', to);
      await page.keyboard.press('Enter');
      expect([await page.inputValue('#xs-from'), await page.inputValue('#xs-to')]).toEqual([from, to]);
    };
    const shownRatios = () => page.$$eval('#cross-selling-ratio [data-ratio]', (xs) => xs.map((x) => `${x.getAttribute('data-ratio')} ${x.textContent}`));
    // March to June: H1's snapshots of March and April (3 and 4 products), not February's.
    await pick('2026-03', '2026-06');
    await page.waitForSelector('#cross-selling-ratio [data-ratio="2026-03/SB1"]');
    const opening = page.waitForResponse((r) => r.url() === asked[0]);
    letOpeningThrough();
    await opening;
    await page.waitForTimeout(100); // the answer applied, if it were (a render tick)
    expect((await shownRatios()).filter((r) => r.includes('/SB1 '))).toEqual(['2026-03/SB1 3.00', '2026-04/SB1 4.00']);
    await page.unroute(/\/api\/cross-selling\?/);
    // The fixture's months, whatever today is (the screen opens on the last twelve, which hold none of
    // them from April 2027: no chart to hover then).
    await pick('2026-01', '2026-06');
    await chooseOption(page, 'label:has(#xs-unit) .el-select__wrapper', 'SB1');
    // Only H1 has snapshots: 2 products in February, 3 in March, 4 in April, all in SB1.
    await page.waitForSelector('#cross-selling-ratio [data-ratio="2026-02/SB1"]');
    expect(await shownRatios()).toEqual(['2026-02/SB1 2.00', '2026-03/SB1 3.00', '2026-04/SB1 4.00']);
    // the chart's tooltip is drawn on the canvas: no inline style for the CSP to refuse
    await page.waitForSelector('#cross-selling-chart canvas');
    expect(await hoverChart(page, '#cross-selling-chart')).toBeGreaterThan(0);
    // rm2 referred two, one converted (the other's sale was reversed): 1/2, 50%.
    expect(await text(page, '#cross-selling-referrers [data-referrer=rm2]')).toBe('1/2 · 50.0%');
    expect(await text(page, '#cross-selling-sellers [data-seller=rm1]')).toBe('1/2 · 50.0%');
    await page.close();
  }, 60_000);

  it('lets the manager ask head office to move a customer to another branch, refusing a blank reason and a target in the same branch beside their fields', async () => {
    const { page } = await newPage();
    await signIn(page, t.url, 'rm1', 'my customers 2026');
    await page.waitForSelector('#tabs');
    await page.click('#tabs [data-tab=customer]');
    await page.fill('#customer-id', 'H2');
    await page.click('#customer-open');
    await page.waitForSelector('#transfer-request');
    const sent: Record<string, string>[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/customers/H2/transfer-requests') && sent.push(r.headers()));
    // The picker: the managers H2 could go to, by sub-branch (rm1, H2's own, left out): rm2 works in OUT1, an outlet of SB1 (BR1); rm3 in SB2 (BR2).
    expect(await openPicker(page, '#transfer-request')).toEqual(['SB1（SB1）· 本分行', 'SB2（SB2）· 其他分行']);
    // rm1 does not see BR2's people (GET /api/org): SB2 is listed without names, its manager typed by staff id.
    expect(await page.$$eval('.type-staff-id', (xs) => xs.filter((x) => (x as unknown as { offsetParent: unknown }).offsetParent !== null).map((x) => (x.textContent ?? '').trim()))).toEqual(['请输入该分行客户经理的工号']);
    expect(await page.$('.el-select-dropdown__item[data-staff=rm3]')).toBeNull();
    // Blank (spaces only) is no reason: asked for beside the reason, nothing sent.
    expect(await pickStaff(page, 'rm3')).toEqual(['rm3']);
    await page.fill('#transfer-reason', '   ');
    await page.click('#transfer-submit');
    await page.waitForSelector('[data-field=reason] .el-form-item__error');
    expect(await text(page, '[data-field=reason] .el-form-item__error')).toBe('请说明调配理由');
    expect(sent).toHaveLength(0);
    // rm2 works in OUT1, under SB1, in BR1 — H2's own branch: the branch transfers directly (400 NOT_CROSS_BRANCH), beside the target.
    await openPicker(page, '#transfer-request');
    expect(await pickStaff(page, 'rm2')).toEqual(['rm2']);
    await page.fill('#transfer-reason', '客户搬到深圳');
    await page.click('#transfer-submit');
    await page.waitForSelector('[data-field=toStaffId] .el-form-item__error');
    expect(await text(page, '[data-field=toStaffId] .el-form-item__error')).toBe('该客户经理在客户所在分行：分行内调配由分行直接办理');
    // the reason's refusal goes once one is given (Element Plus fades it out)
    await page.waitForSelector('[data-field=reason] .el-form-item__error', { state: 'detached' });
    expect((await storedEvents(t, 'customer-H2')).filter((e) => e.type === 'CustomerTransferRequested')).toEqual([]);
    // rm3 works in SB2, under BR2: across branches, filed for head office; the server names the request.
    await openPicker(page, '#transfer-request');
    await pickStaff(page, 'rm3');
    await page.click('#transfer-submit');
    await page.waitForSelector('#transfer-notice');
    const notice = await text(page, '#transfer-notice');
    const requestId = /TR-[0-9a-f-]{36}/.exec(notice)?.[0];
    expect(requestId).toBeDefined();
    transferRequestId = requestId!;
    expect(notice).toBe(`调配申请 ${requestId} 已提交，等待总行审批；可在审批箱“我的申请”中查看`);
    await page.waitForSelector('[data-field=toStaffId] .el-form-item__error', { state: 'detached' });
    const requested = (await storedEvents(t, 'customer-H2')).filter((e) => e.type === 'CustomerTransferRequested');
    expect(requested.map((e) => [e.data.requestId, e.data.fromUnitId, e.data.toUnitId, e.data.fromStaffId, e.data.toStaffId, e.data.requestedBy])).toEqual([[requestId, 'SB1', 'SB2', 'rm1', 'rm3', 'rm1']]);
    // One key per filing: the refused one and the filed one each had their own.
    expect(sent).toHaveLength(2);
    for (const h of sent) expect(h['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[0]!['idempotency-key']).not.toBe(sent[1]!['idempotency-key']);
    expectFailedLoads(400, 1);
    // The manager's own requests list it, waiting.
    await page.click('#tabs [data-tab=inbox]');
    const mine = `#inbox-mine .el-table__row:has-text("${requestId}")`;
    await page.waitForSelector(`${mine} [data-status=pending]`, { timeout: 15_000 });
    expect(await text(page, `${mine} td:first-child`)).toBe('跨分行客户调配');
    await page.close();
    // Head office, the unit above both branches, has it waiting.
    const ho = (await newPage()).page;
    await signIn(ho, t.url, 'appr-ho', 'head office 2026');
    await ho.waitForSelector('#tabs');
    await ho.click('#tabs [data-tab=inbox]');
    await ho.waitForSelector(`#inbox-waiting [data-approve="${requestId}"]`, { timeout: 15_000 });
    const waiting = `#inbox-waiting .el-table__row:has-text("${requestId}")`;
    expect(await text(ho, `${waiting} td:first-child`)).toBe('跨分行客户调配');
    expect(((await ho.textContent(`${waiting} [data-fact=toUnitId]`)) ?? '').replace(/\s+/g, ' ').trim()).toBe('移入机构 SB2');
    await ho.close();
  }, 90_000);

  it('lets BR1\'s head transfer a customer inside the branch by picking the manager, a refusal beside the picker', async () => {
    const { page } = await newPage();
    await signInFirstTime(page, 'head-br1', 'branch head 2026');
    await page.click('#tabs [data-tab=customer]');
    await page.fill('#customer-id', 'H2');
    await page.click('#customer-open');
    await page.waitForSelector('#direct-transfer');
    // BR1 transfers inside BR1 only: SB2 (BR2) is head office's, not offered here.
    expect(await openPicker(page, '#direct-transfer')).toEqual(['SB1（SB1）· 本分行']);
    expect(await pickStaff(page, 'rm2')).toEqual(['rm2']);
    await page.click('#direct-submit');
    // rm1's request for H2 waits for head office: no direct transfer under it (409), said beside the picker.
    await page.waitForSelector('#direct-transfer [data-field=toStaffId] .el-form-item__error');
    expect(await text(page, '#direct-transfer [data-field=toStaffId] .el-form-item__error')).toBe('该客户已有待审批的调配申请');
    expectFailedLoads(409, 1);
    expect((await storedEvents(t, 'customer-H2')).filter((e) => e.type === 'CustomerTransferred')).toEqual([]);
    // H1 has no request waiting: it goes from rm1 to rm2 (OUT1, an outlet of SB1: H1 stays in SB1).
    await page.fill('#customer-id', 'H1');
    await page.click('#customer-open');
    await page.waitForSelector('#customer-360 h2:has-text("H1")');
    await openPicker(page, '#direct-transfer');
    await pickStaff(page, 'rm2');
    await page.click('#direct-submit');
    await page.waitForSelector('#direct-notice:has-text("rm2")');
    const moved = (await storedEvents(t, 'customer-H1')).filter((e) => e.type === 'CustomerTransferred');
    expect(moved.map((e) => [e.data.fromStaffId, e.data.toStaffId, e.data.fromUnitId, e.data.toUnitId, e.data.crossBranch])).toEqual([['rm1', 'rm2', 'SB1', 'SB1', false]]);
    await page.close();
  }, 60_000);

  it('does not offer the transfer request to a manager who is not the customer\'s', async () => {
    const { page } = await newPage();
    await signInFirstTime(page, 'rm3', 'not theirs 2026');
    await page.click('#tabs [data-tab=customer]');
    await page.fill('#customer-id', 'R3');
    await page.click('#customer-open');
    await page.waitForSelector('#customer-360');
    expect(await page.$('#transfer-request')).toBeNull();
    await page.close();
  }, 60_000);

  it('tells both managers once head office approves the transfer: the new one follows the link to the customer page, the old one has no link', async () => {
    expect(transferRequestId).not.toBe('');
    const ho = (await newPage()).page;
    await signIn(ho, t.url, 'appr-ho', 'head office 2026');
    await ho.waitForSelector('#tabs');
    await ho.click('#tabs [data-tab=inbox]');
    await ho.click(`#inbox-waiting [data-approve="${transferRequestId}"]`);
    await ho.waitForSelector(`#inbox-notice:has-text("${transferRequestId}")`);
    // head office decided: it is not a manager of H2 before or after, so it is told nothing — asked once the
    // notifications have caught up with the approval (rm3, the new manager, has theirs by then)
    await expectCaughtUp(t.runtime.projector!, 60_000);
    expect((await c.as('rm3').get('/api/notifications')).body.unread).toBe(1);
    await ho.click('#notifications-bell');
    await ho.waitForSelector('#notifications :text("没有通知")');
    await ho.close();
    const moved = (await storedEvents(t, 'customer-H2')).filter((e) => e.type === 'CustomerTransferred');
    expect(moved.map((e) => [e.data.fromStaffId, e.data.toStaffId, e.data.fromUnitId, e.data.toUnitId])).toEqual([['rm1', 'rm3', 'SB1', 'SB2']]);
    // When it happened, on the bank's wall clock (UTC+8, no daylight saving in China), worked out here from the stored time.
    const { rows } = await t.db.pool.query(`SELECT metadata->>'occurredAt' AS at FROM es_events WHERE stream_id = 'customer-H2' AND type = 'CustomerTransferred'`);
    const beijing = new Date(Date.parse(rows[0].at) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    await expectCaughtUp(t.runtime.projector!, 60_000);

    // rm3, the new manager: one unread, in Chinese, with the link to H2's page
    const { page } = await newPage();
    await signIn(page, t.url, 'rm3', 'not theirs 2026');
    await page.waitForSelector('.notification-badge sup:has-text("1")');
    await page.click('#notifications-bell');
    const mine = '#notifications [data-customer=H2][data-role=new_manager]';
    await page.waitForSelector(mine);
    expect(await text(page, `${mine} .notification-text`)).toBe('客户 H2 已调入您名下：由 SB1 rm1 调至 SB2 rm3跨分行');
    expect(await text(page, `${mine} .notification-when`)).toBe(`${beijing} · 办理人 appr-ho`);
    expect(await page.getAttribute(`${mine}`, 'data-read')).toBe('false');
    await page.click(`${mine} .notification-link`);
    // the customer page opens on H2, now rm3's, and the notification is read (the badge goes)
    await page.waitForSelector('#customer-360 h2:has-text("H2")');
    expect(await page.inputValue('#customer-id')).toBe('H2');
    expect(await page.textContent('#customer-360')).toContain('rm3');
    await page.waitForSelector('.notification-badge sup', { state: 'hidden' });
    await page.close();

    // rm1, the previous manager: told too (of H1 as well, which BR1's head gave rm2), in English when they switch, and with no link
    const old = (await newPage()).page;
    await signIn(old, t.url, 'rm1', 'my customers 2026');
    await old.waitForSelector('.notification-badge sup:has-text("2")');
    await old.click('#lang');
    await old.click('#notifications-bell');
    const theirs = '#notifications [data-customer=H2][data-role=previous_manager]';
    await old.waitForSelector(theirs);
    expect(await text(old, `${theirs} .notification-text`)).toBe('Customer H2 moved away: from SB1 rm1 to SB2 rm3across branches');
    expect(await text(old, `${theirs} .notification-when`)).toBe(`${beijing} · decided by appr-ho`);
    expect(await old.$(`${theirs} .notification-link`)).toBeNull();
    expect(await text(old, '#notifications [data-customer=H1][data-role=previous_manager] .notification-text')).toBe('Customer H1 moved away: from SB1 rm1 to SB1 rm2');
    expect(await text(old, '#notifications [data-customer=H1] .notification-when')).toMatch(/ · decided by head-br1$/);
    await old.click(`${theirs} .notification-read`);
    await old.waitForSelector(`${theirs}[data-read=true]`);
    await old.waitForSelector('.notification-badge sup:has-text("1")');
    await old.close();
  }, 90_000);

  it('does not offer the admin the direct transfer form (the admin\'s role is configuration, DOMAIN.md)', async () => {
    ok(await c.as('admin').post('/api/org/staff', { staffId: 'admin2', displayName: 'admin2', role: 'admin', unitId: 'HO' }));
    ok(await c.as('admin').post('/api/auth/staff/admin2/one-time-password', { password: ONE_TIME }));
    const { page } = await newPage();
    await signInFirstTime(page, 'admin2', 'configuration 2026');
    await page.click('#tabs [data-tab=customer]');
    await page.fill('#customer-id', 'H1');
    await page.click('#customer-open');
    await page.waitForSelector('#customer-360 h2:has-text("H1")');
    expect(await page.$('#direct-transfer')).toBeNull();
    await page.close();
  }, 60_000);

  it('showed no console error and no CSP violation on these screens', () => {
    expect(problems).toEqual([]);
  });
});
