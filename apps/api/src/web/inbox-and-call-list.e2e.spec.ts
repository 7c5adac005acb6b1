import type { Browser, Page } from 'playwright-core';
import { api, seedCustomer, seedOrganisation, storedEvents, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { buildWeb, expectFailedLoads, launchBrowser, signIn, signInFirstTime as firstSignIn } from './browser';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

/**
 * The approval inbox and the call list in headless Chromium (issue 15, screens 3 and 4). BR1's
 * campaign K-IN and a cross-branch transfer request (rm1's customer TX, SB1 in BR1 → rm3 in SB2,
 * BR2) both wait for head office, the unit directly above BR1 and the one above both branches
 * (004 篇九 第九、三十条). Head office's approver approves the campaign and rejects the transfer with a
 * reason, reading every fact labelled in Chinese; the marketer and the relationship manager each
 * see their outcome; an approver of an unrelated branch (BR3) sees neither. Then rm1 works the
 * launched campaign's call list — one contact, one sale — and the campaign's figures count them.
 */
describe('approval inbox and call list in the browser', () => {
  let t: TestApp;
  let TR1: string;
  let c: ReturnType<typeof api>;
  let browser: Browser;
  let problems: string[];
  let newPage: Awaited<ReturnType<typeof launchBrowser>>['newPage'];
  const ONE_TIME = 'temporary 2026';
  const PASSWORDS: Record<string, string> = { 'mkt-br1': 'design it 2026', 'appr-ho': 'approve it 2026', 'appr-br3': 'other branch 2026', rm1: 'call them 2026' };
  // rm1's customers in SB1, tolerance R2 (FUND-BOND, R2, may be sold to them): four, and TX whom rm1 asks to move
  const CUSTOMERS = ['S00', 'S01', 'S02', 'S03', 'TX'];

  const signInFirstTime = (page: Page, staffId: string) => firstSignIn(page, t.url, staffId, ONE_TIME, PASSWORDS[staffId]!);
  async function signInAgain(staffId: string): Promise<Page> {
    const { page } = await newPage();
    await signIn(page, t.url, staffId, PASSWORDS[staffId]!);
    await page.waitForSelector('#tabs');
    return page;
  }
  /** Polls from the test's side (the page's CSP refuses evaluated strings, as it should). */
  async function until(check: () => Promise<boolean>, timeoutMs = 15_000) {
    for (const end = Date.now() + timeoutMs; !(await check()); ) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const rowOf = (table: string, requestId: string) => `${table} .el-table__row:has-text("${requestId}")`;

  beforeAll(async () => {
    buildWeb();
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    const admin = c.as('admin');
    const ok = async (p: Promise<{ status: number; body: any }>) => {
      const r = await p;
      if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    // a third branch with its own approver: related to neither request
    await ok(admin.post('/api/org/units', { unitId: 'BR3', name: 'BR3', level: 'branch', parentId: 'HO' }));
    await ok(admin.post('/api/org/staff', { staffId: 'appr-br3', displayName: 'appr-br3', role: 'approver', unitId: 'BR3' }));
    for (const id of CUSTOMERS) {
      await seedCustomer(t, id, { tolerance: 'R2' });
      await ok(c.as('head-br1').post(`/api/customers/${id}/manager`, { staffId: 'rm1' }));
    }
    // BR1's campaign, everyone of BR1 in treatment (no control group): decided by head office, directly above BR1
    await ok(c.as('mkt-br1').post('/api/campaigns', { campaignId: 'K-IN', name: 'K-IN 债券基金', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '5000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0 }));
    await ok(submitWithPlan(c.as('mkt-br1'), 'K-IN'));
    await ok(c.as('rm1').post('/api/customers/TX/personal-data', { name: '王小明' }));
    // the server names the request
    TR1 = (await ok(c.as('rm1').post('/api/customers/TX/transfer-requests', { toStaffId: 'rm3', reason: '客户已搬到 BR2 附近' }))).requestId;
    for (const who of Object.keys(PASSWORDS)) await ok(admin.post(`/api/auth/staff/${who}/one-time-password`, { password: ONE_TIME }));
    await expectCaughtUp(t.runtime.projector!, 60_000);
    ({ browser, problems, newPage } = await launchBrowser());
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('hides both requests from an approver of an unrelated branch', async () => {
    const { page } = await newPage();
    await signInFirstTime(page, 'appr-br3');
    await page.click('#tabs [data-tab=inbox]');
    await page.waitForSelector('#inbox-waiting :text("没有待审批的申请")');
    expect(await page.$('#inbox-waiting [data-approve]')).toBeNull();
    expect(await page.textContent('#inbox-waiting')).not.toMatch(new RegExp(`K-IN|${TR1}`));
    await page.close();
  }, 60_000);

  it('lets head office approve the campaign and reject the transfer with a reason, every fact labelled in Chinese', async () => {
    const { page } = await newPage();
    await signInFirstTime(page, 'appr-ho');
    await page.click('#tabs [data-tab=inbox]');
    await page.waitForSelector(`#inbox-waiting [data-reject="${TR1}"]`);
    // the transfer's facts: who moves where and why, in words, not keys
    const transfer = rowOf('#inbox-waiting', TR1);
    expect(await page.textContent(`${transfer} td:first-child`)).toContain('跨分行客户调配');
    const fact = async (row: string, key: string) => ((await page.textContent(`${row} [data-fact=${key}]`)) ?? '').replace(/\s+/g, ' ').trim();
    expect(await fact(transfer, 'customerId')).toBe('客户 TX');
    // the name masked as approvers see personal data: 王小明 → 王**
    expect(await fact(transfer, 'customerName')).toBe('客户姓名 王**');
    expect(await fact(transfer, 'fromUnitId')).toBe('移出机构 SB1');
    expect(await fact(transfer, 'fromStaffId')).toBe('原客户经理 rm1');
    expect(await fact(transfer, 'toUnitId')).toBe('移入机构 SB2');
    expect(await fact(transfer, 'toStaffId')).toBe('新客户经理 rm3');
    expect(await fact(transfer, 'reason')).toBe('申请理由 客户已搬到 BR2 附近');
    const campaign = rowOf('#inbox-waiting', 'K-IN');
    expect(await fact(campaign, 'budget')).toBe('预算 ¥5,000.00');
    expect(await fact(campaign, 'period')).toBe('活动期间 2026-01-01 – 2030-01-01');
    expect(await fact(campaign, 'channels')).toBe('渠道 电话');
    const shown = (await page.textContent('#inbox-waiting'))!;
    for (const raw of ['toStaffId', 'fromUnitId', 'ownerUnitId', 'controlGroupPercent', 'reasonNote', '王小明']) expect(shown).not.toContain(raw);

    await page.click('#inbox-waiting [data-approve=K-IN]');
    await page.waitForSelector('#inbox-notice:has-text("K-IN: 已批准")');
    await until(async () => (await page.$('#inbox-waiting [data-approve=K-IN]')) === null);

    // a rejection without a reason is stopped in the dialog, in Chinese, and nothing is sent
    const decisions: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().includes('/transfer-requests/') && decisions.push(r.url()));
    await page.click(`#inbox-waiting [data-reject="${TR1}"]`);
    await page.click('#inbox-reject-confirm');
    await page.waitForSelector('.el-dialog .el-form-item__error:has-text("驳回须说明理由")');
    expect(decisions).toEqual([]);
    await page.fill('#inbox-reason', '贷款结清前留在原支行');
    await page.click('#inbox-reject-confirm');
    await page.waitForSelector(`#inbox-notice:has-text("${TR1}: 已驳回")`);
    await until(async () => (await page.$(`#inbox-waiting [data-reject="${TR1}"]`)) === null);
    expect(decisions).toEqual([`${t.url}/api/customers/TX/transfer-requests/${TR1}/decision`]);
    await page.close();

    // the log: the campaign approved; the transfer rejected, its reason a vault note, TX still rm1's in SB1
    const types = async (stream: string) => (await t.db.pool.query(`SELECT type FROM es_events WHERE stream_id = $1 ORDER BY stream_position`, [stream])).rows.map((r) => r.type);
    expect((await types('campaign-K-IN')).slice(-1)).toEqual(['CampaignApproved']);
    expect((await types('customer-TX')).slice(-2)).toEqual(['CustomerTransferRequested', 'CustomerTransferRequestRejected']);
    const rejected = (await t.db.pool.query(`SELECT data FROM es_events WHERE type = 'CustomerTransferRequestRejected'`)).rows[0].data;
    // the rejection's note is this decision's own (a refused attempt's clean-up cannot take it back)
    expect(rejected).toEqual({ customerId: 'TX', requestId: TR1, rejectedBy: 'appr-ho', reasonNote: expect.stringMatching(new RegExp(`^transfer-request:${TR1}:rejection:[0-9a-f-]{36}$`)) });
  }, 90_000);

  it('shows each requester the outcome on their own screen: the marketer the approval, the manager the rejection and its reason', async () => {
    const { page: marketer } = await newPage();
    await signInFirstTime(marketer, 'mkt-br1');
    await marketer.click('#tabs [data-tab=inbox]');
    await marketer.waitForSelector(`${rowOf('#inbox-mine', 'K-IN')} [data-status=approved]`);
    expect(await marketer.textContent(rowOf('#inbox-mine', 'K-IN'))).toContain('appr-ho');
    await marketer.close();

    const { page: manager } = await newPage();
    await signInFirstTime(manager, 'rm1');
    await manager.click('#tabs [data-tab=inbox]');
    await manager.waitForSelector(`${rowOf('#inbox-mine', TR1)} [data-status=rejected]`);
    const row = rowOf('#inbox-mine', TR1);
    expect(await manager.textContent(`${row} [data-reason]`)).toBe('贷款结清前留在原支行');
    expect(await manager.textContent(row)).toContain('appr-ho');
    expect(await manager.textContent(row)).toContain('跨分行客户调配');
    // in English on the switch: the same facts, labelled in English
    await manager.click('#lang');
    await manager.waitForSelector(`${row} [data-fact=toStaffId]:has-text("To manager")`);
    await manager.click('#lang');
    await manager.close();
  }, 60_000);

  it('lets the manager record a contact and a sale from the call list with one click each, and the campaign\'s figures count them', async () => {
    expect((await c.as('mkt-br1').post('/api/campaigns/K-IN/launch', {})).body).toMatchObject({ audienceSize: CUSTOMERS.length });
    await expectCaughtUp(t.runtime.projector!, 60_000);
    const page = await signInAgain('rm1');
    await page.click('#tabs [data-tab=callList]');
    await page.waitForSelector('[data-campaign=K-IN] [data-contact="S00/phone"]');
    // no control group: all five of rm1's customers (TX stayed, the transfer was rejected) are on the list
    const listed = await page.$$eval('[data-campaign=K-IN] [data-contact$="/phone"]', (b) => b.map((x) => x.getAttribute('data-contact')!.split('/')[0]));
    expect(listed.sort()).toEqual(CUSTOMERS);
    await page.click('[data-campaign=K-IN] [data-contact="S00/phone"]');
    await page.waitForSelector('#call-notice:has-text("S00: 已记录联系")');
    await page.click('[data-campaign=K-IN] [data-sale="S00"]');
    await page.fill('#sale-product', 'FUND-BOND');
    await page.fill('#sale-amount', '20000');
    await page.fill('#sale-revenue', '180.50');
    await page.click('#sale-confirm');
    await page.waitForSelector('#call-notice:has-text("S00: 已记录销售")');
    await page.close();

    await expectCaughtUp(t.runtime.projector!, 60_000);
    const e = (await c.as('mkt-br1').get('/api/campaigns/K-IN/effectiveness')).body;
    // Worked by hand: 5 enrolled, all treatment; one customer (S00) contacted once and sold once, ¥180.50 of revenue.
    expect(e.funnel).toMatchObject({ enrolled: { treatment: 5, control: 0 }, contacted: 1, converted: 1 });
    expect(e.conversions).toBe(1);
    expect(e.revenue).toBe('180.50');
    // 1 of the 5 treatment customers converted: 0.2
    expect(e.groups.treatment).toEqual({ size: 5, converted: 1, conversionRate: 0.2, revenue: '180.50' });
  }, 120_000);

  it('records from the call list a contact with its outcome, offers and their answers, a referral, a maintenance call and a complaint answer; refusals beside their field in Chinese', async () => {
    // S03 is reassessed as R1 after launch (still enrolled): FUND-BOND (R2) may no longer be offered to them
    expect((await c.as('head-br1').post('/api/customers/S03/risk-assessment', { tolerance: 'R1' })).status).toBeLessThan(300);
    // a complaint of S02's to answer
    expect((await c.as('rm1').post('/api/interactions', { kind: 'complaint', customerId: 'S02', complaintId: 'CP-1', category: 'too_many_calls' })).status).toBeLessThan(300);
    await expectCaughtUp(t.runtime.projector!, 60_000);
    const page = await signInAgain('rm1');
    const sent: any[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/interactions') && sent.push(JSON.parse(r.postData() ?? '{}')));
    await page.click('#tabs [data-tab=callList]');
    await page.waitForSelector('[data-campaign=K-IN] [data-offer="S01/FUND-BOND"]');
    const ofType = async (stream: string, ...types: string[]) => (await storedEvents(t, stream)).filter((e) => types.includes(e.type));

    // a contact that did not reach the customer: the outcome chosen is the one sent
    await page.click('#call-outcome [data-outcome=no_answer]');
    await page.click('[data-campaign=K-IN] [data-contact="S01/phone"]');
    await page.waitForSelector('#call-notice:has-text("S01: 已记录联系")');
    expect(sent.at(-1)).toMatchObject({ kind: 'contact', customerId: 'S01', channel: 'phone', outcome: 'no_answer', campaignId: 'K-IN' });
    expect((await ofType('customer-S01', 'CustomerContacted')).map((e) => [e.data.campaignId, e.data.channel])).toEqual([['K-IN', 'phone']]);

    // one click offers the campaign's product; the offer then waits for the customer's answer on the list
    await page.click('[data-campaign=K-IN] [data-offer="S01/FUND-BOND"]');
    await page.waitForSelector('[data-campaign=K-IN] [data-accept="S01/FUND-BOND"]');
    await page.click('[data-campaign=K-IN] [data-accept="S01/FUND-BOND"]');
    await page.waitForSelector('#call-notice:has-text("S01: 客户已接受推荐")');
    await page.waitForSelector('[data-campaign=K-IN] [data-accept="S01/FUND-BOND"]', { state: 'detached' });
    const s01 = await ofType('customer-S01', 'OfferPresented', 'OfferAccepted', 'OfferDeclined');
    expect(s01.map((e) => [e.type, e.data.productCode, e.data.campaignId, e.data.staffId])).toEqual([['OfferPresented', 'FUND-BOND', 'K-IN', 'rm1'], ['OfferAccepted', 'FUND-BOND', 'K-IN', 'rm1']]);
    expect(s01[1]!.data.offerId).toBe(s01[0]!.data.offerId);

    await page.click('[data-campaign=K-IN] [data-offer="S02/FUND-BOND"]');
    await page.click('[data-campaign=K-IN] [data-decline="S02/FUND-BOND"]');
    await page.waitForSelector('#call-notice:has-text("S02: 客户已拒绝推荐")');
    expect((await ofType('customer-S02', 'OfferPresented', 'OfferAccepted', 'OfferDeclined')).map((e) => e.type)).toEqual(['OfferPresented', 'OfferDeclined']);

    // an unsuitable offer: refused by the suitability rule (422), beside the offer, in Chinese; no offer presented
    await page.click('[data-campaign=K-IN] [data-offer="S03/FUND-BOND"]');
    await page.waitForSelector('[data-campaign=K-IN] [data-field="S03/productCode"].is-error');
    expect((await page.textContent('[data-campaign=K-IN] [data-field="S03/productCode"] .el-form-item__error'))!.trim()).toBe('产品风险等级超出客户风险承受能力，不能推荐');
    expect((await ofType('customer-S03', 'OfferPresented', 'OfferBlockedAsUnsuitable')).map((e) => e.type)).toEqual(['OfferBlockedAsUnsuitable']);
    expectFailedLoads(problems, 422, 1);

    // a referral of S02 to a colleague for the campaign's product
    await page.click('[data-campaign=K-IN] [data-refer="S02"]');
    await page.fill('#referral-seller', 'rm3');
    await page.click('#referral-confirm');
    await page.waitForSelector('#call-notice:has-text("S02: 已记录转介")');
    expect((await ofType('customer-S02', 'CrossSellReferred')).map((e) => [e.data.referrerStaffId, e.data.sellerStaffId, e.data.productCode])).toEqual([['rm1', 'rm3', 'FUND-BOND']]);

    // a sale with an amount that is not one: beside the amount, in Chinese (not the API's English), nothing recorded
    await page.click('[data-campaign=K-IN] [data-sale="S02"]');
    await page.fill('#sale-amount', '两万');
    await page.fill('#sale-revenue', '10');
    await page.click('#sale-confirm');
    await page.waitForSelector('[data-field=sale-amount].is-error');
    expect((await page.textContent('[data-field=sale-amount] .el-form-item__error'))!.trim()).toBe('金额须为数字（元），最多两位小数');
    expect(await page.$('[data-field=sale-revenue].is-error')).toBeNull();
    expect(await ofType('customer-S02', 'ConversionRecorded')).toEqual([]);
    expectFailedLoads(problems, 400, 1);
    await page.click('.el-dialog__headerbtn >> visible=true');

    // maintenance: S03 and TX were not contacted this month; a call to TX in no campaign's name takes TX off
    await page.click('#call-outcome [data-outcome=reached]');
    await page.waitForSelector('#maintenance-due [data-maintain="TX"]');
    await page.click('#maintenance-due [data-maintain="TX"]');
    await page.waitForSelector('#call-notice:has-text("TX: 已记录维护联系")');
    await page.waitForSelector('#maintenance-due [data-maintain="TX"]', { state: 'detached' });
    expect((await ofType('customer-TX', 'CustomerContacted')).map((e) => [e.data.campaignId, e.data.channel, e.data.staffId])).toEqual([[null, 'phone', 'rm1']]);
    expect(await page.$('#maintenance-due [data-maintain="S03"]')).not.toBeNull();

    // the complaint answered from its row, and gone from the list
    await page.click('#complaints-due [data-answer="CP-1"]');
    await page.waitForSelector('#call-notice:has-text("S02: 投诉已答复")');
    await page.waitForSelector('#complaints-due [data-answer="CP-1"]', { state: 'detached' });
    expect((await ofType('customer-S02', 'ComplaintAnswered')).map((e) => [e.data.complaintId, e.data.answeredBy, e.data.late])).toEqual([['CP-1', 'rm1', false]]);

    // in English on the switch: the actions named in English
    await page.click('#lang');
    await page.waitForSelector('[data-campaign=K-IN] [data-offer="S03/FUND-BOND"]:has-text("Offer FUND-BOND")');
    await page.click('#lang');
    await page.close();
  }, 120_000);

  it('showed no console error and no CSP violation on these screens', () => {
    expect(problems).toEqual([]);
  });
});
