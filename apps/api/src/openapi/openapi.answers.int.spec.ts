import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { answerChecker, fetchOpenApiDocument, type OpenApiDocument } from '../../../../test/support/openapi-document';
import { expectCaughtUp } from '../../../../test/support/project-to-end';


/**
 * Issue 15: a documented answer schema that lies fails here. Every GET with a JSON 200 schema is
 * called on a seeded app and its real answer validated against the document (schemas made from zod
 * objects forbid properties they do not name, so a field the code adds and the document omits fails
 * too); so are the answers of the commands the front end reads (sign-in, audience preview).
 */
describe('documented answers match what the api really answers', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let doc: OpenApiDocument;
  let checker: ReturnType<typeof answerChecker>;
  /** The submission's position: the inbox is read at least there (the projector may be behind under a loaded CI). */
  let submittedAt: string;
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'C1', { tolerance: 'R3' });
    await seedCustomer(t, 'C2', { tolerance: 'R2', optedOut: ['sms'] });
    await seedPeople();
    // A campaign waiting for approval: the inbox and the marketer's requests are not empty.
    const mkt = c.as('mkt-br1');
    expect((await mkt.post('/api/campaigns', { campaignId: 'K1', name: 'K1 债券基金', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '5000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 10 })).status).toBe(201);
    const submitted = await submitWithPlan(mkt, 'K1');
    expect(submitted.status).toBeLessThan(300);
    submittedAt = submitted.body.position;
    doc = await fetchOpenApiDocument(t.url);
    checker = answerChecker(doc);
  }, 120_000);
  afterAll(() => t.close());

  const schemaOf = (method: string, path: string, status = 200) => checker.schemaOf(method, path, status);
  /** What is wrong with an answer given the document (the schema of the status it came with: a command's 201 has its own). */
  const problems = (method: string, path: string, body: unknown, status = 200) => checker.problems(method, path, body, status);

  // ---- customers, cards, points, organisation, operations ----

  /** The commands' answers seen while seeding the people side, validated against the document once it is fetched. */
  const commandAnswers: { call: string; method: string; path: string; status: number; body: any }[] = [];
  /** A command as the web app sends it; its answer is kept, with the documented path it came from. */
  async function command(actor: string, path: string, params: Record<string, string>, body: unknown = {}): Promise<any> {
    const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]!);
    const r = await c.as(actor).post(concrete, body);
    if (r.status >= 300) throw new Error(`POST ${concrete} as ${actor}: ${r.status} ${JSON.stringify(r.body)}`);
    commandAnswers.push({ call: `POST ${concrete} ${r.status}`, method: 'post', path, status: r.status, body: r.body });
    return r.body;
  }

  /**
   * C1 (SB1, R3) gets something in every list of its 360 and a points ledger; C3 moves to another
   * branch on a request head office approves; a claimed customer comes in; staff are registered,
   * moved, deactivated; the catalogue and the policies change. Every command the web app sends on
   * the people side answers here once.
   */
  async function seedPeople(): Promise<void> {
    const C1 = { customerId: 'C1' };
    await command('admin', '/api/customers/{customerId}/manager', C1, { staffId: 'rm1' });
    await command('rm1', '/api/customers/{customerId}/personal-data', C1, { name: '王芳', phone: '+86 138 0000 1234' });
    // January lists two products, February only one: FUND-BOND is a past holding, closed in February.
    await command('admin', '/api/customers/{customerId}/balances', C1, { month: '2026-01', averageDailyAssets: '250000', holdings: ['DEP-1Y', 'FUND-BOND'] });
    await command('admin', '/api/customers/{customerId}/balances', C1, { month: '2026-02', averageDailyAssets: '250000', holdings: ['DEP-1Y'] });
    await command('rm1', '/api/customers/{customerId}/consents', C1, { channel: 'sms', granted: false });
    // Just before midnight in Shanghai: the bank's 11 February.
    await command('rm1', '/api/interactions', {}, { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: '约了下周面谈', occurredAt: '2026-02-11T15:50:00Z' });
    // At the customer's tier (standard): approved at once, nothing waits in head office's inbox.
    await command('rm1', '/api/customers/{customerId}/vip-card/applications', C1, { applicationId: 'APP-C1', tier: 'standard' });
    await command('rm1', '/api/customers/{customerId}/vip-card/issue', C1, { cardId: 'CARD-C1' });
    await command('admin', '/api/customers/{customerId}/vip-card/review', C1, { year: 2027 });
    // Above C2's tier (ordinary): special, for head office, which refuses it with a reason (nothing left waiting).
    await command('rm1', '/api/customers/{customerId}/vip-card/applications', { customerId: 'C2' }, { applicationId: 'APP-C2', tier: 'platinum' });
    await command('appr-ho', '/api/customers/{customerId}/vip-card/applications/{applicationId}/decision', { customerId: 'C2', applicationId: 'APP-C2' }, { approve: false, reason: '资产未达白金标准' });
    // Points: 100 + 35 − 60 − 35 = 40.
    await command('admin', '/api/points/{customerId}/benefit', C1, { month: '2026-03', assetChange: '100000', profitParameter: '0.001' });
    await command('admin', '/api/points/{customerId}/transactions', C1, { transactionId: 'T1', spend: '35.70' });
    await command('admin', '/api/points/{customerId}/redemptions', C1, { redemptionId: 'R1', points: 60, description: 'airport lounge' });
    await command('admin', '/api/points/{customerId}/transactions/{transactionId}/reversal', { ...C1, transactionId: 'T1' }, { reason: 'disputed' });
    await command('admin', '/api/points/{customerId}/expiry', C1, {});
    // A campaign of SB1 (not the marketer nor the approver the inbox tests read), launched: C1 is enrolled.
    await command('admin', '/api/budgets/{unitId}/allocations', { unitId: 'BR1' }, { childUnitId: 'SB1', year: 2026, amount: '10000' });
    const mkt = c.as('mkt-sb1');
    expect((await mkt.post('/api/campaigns', { campaignId: 'K2', name: 'K2 定期存款', ownerUnitId: 'SB1', productCodes: ['DEP-1Y'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0 })).status).toBe(201);
    expect((await submitWithPlan(mkt, 'K2')).status).toBeLessThan(300);
    expect((await c.as('appr-br1').post('/api/campaigns/K2/approve')).status).toBeLessThan(300);
    expect((await mkt.post('/api/campaigns/K2/launch')).status).toBeLessThan(300);
    // Inside the branch: its head moves C1 to rm2 (OUT1, under SB1) directly.
    await command('head-br1', '/api/customers/{customerId}/transfer', C1, { toStaffId: 'rm2' });
    // Across branches: C3's manager asks, head office approves.
    await command('rm1', '/api/customers', {}, { customerId: 'C3', segment: 'retail', gender: 'M', birthYear: 1985, assetsByUnit: { SB1: '120000.00', SB2: '80000.00' }, personal: { name: '陈刚' } });
    await command('admin', '/api/customers/{customerId}/manager', { customerId: 'C3' }, { staffId: 'rm1' });
    const asked = await command('rm1', '/api/customers/{customerId}/transfer-requests', { customerId: 'C3' }, { toStaffId: 'rm3', reason: '客户搬到了二分行的辖区' });
    await command('appr-ho', '/api/customers/{customerId}/transfer-requests/{requestId}/decision', { customerId: 'C3', requestId: asked.requestId }, { approve: true });
    // A customer the system did not have, claimed by rm1 and approved by the branch above.
    await command('rm1', '/api/customers/claims', {}, { claimId: 'CL-1', customerId: 'C9', segment: 'retail', gender: 'M', birthYear: 1979, assetsByUnit: { SB1: '180000.00' } });
    await command('head-br1', '/api/customers/{customerId}/claims/{claimId}/decision', { customerId: 'C9', claimId: 'CL-1' }, { approve: true });
    await command('head-br1', '/api/customers/{customerId}/risk-assessment', { customerId: 'C9' }, { tolerance: 'R2' });
    await command('admin', '/api/customers/{customerId}/erasure', { customerId: 'C9' }, { reason: 'customer_request', requestRef: 'DPO-2026-0042' });
    await command('rm1', '/api/interactions', {}, { kind: 'complaint', customerId: 'C2', complaintId: 'CP-1', category: 'too_many_calls', answerWithinDays: 5 });
    await command('rm1', '/api/customers/{customerId}/complaints/{complaintId}/answer', { customerId: 'C2', complaintId: 'CP-1' }, {});
    // The organisation: staff who move, leave, change role; a new unit and product; policies.
    await command('admin', '/api/org/units', {}, { unitId: 'SB3', name: '三支行', level: 'sub_branch_1', parentId: 'BR2' });
    await command('admin', '/api/org/staff', {}, { staffId: 'rm-moved', displayName: '李明', role: 'relationship_manager', unitId: 'SB1' });
    await command('admin', '/api/org/staff', {}, { staffId: 'rm-left', displayName: '赵磊', role: 'relationship_manager', unitId: 'SB1' });
    await command('admin', '/api/org/staff/{staffId}/move', { staffId: 'rm-moved' }, { toUnitId: 'SB3' });
    await command('admin', '/api/org/staff/{staffId}/role', { staffId: 'rm-moved' }, { role: 'marketer' });
    await command('admin', '/api/org/staff/{staffId}/revoke-tokens', { staffId: 'rm-moved' }, {});
    await command('admin', '/api/org/staff/{staffId}/deactivate', { staffId: 'rm-left' }, {});
    await command('admin', '/api/products', {}, { productCode: 'FUND-MM', name: '货币基金', category: 'fund', riskLevel: 'R1', riskBearing: false, weight: '0.80' });
    await command('admin', '/api/products/{productCode}', { productCode: 'GOLD' }, { riskLevel: 'R4' });
    await command('admin', '/api/org/units/{unitId}/tier-thresholds', { unitId: 'BR2' }, { standard: '300000', platinum: '1500000', black: '6000000' });
    await command('admin', '/api/org/units/{unitId}/contact-policy', { unitId: 'BR2' }, { maxCampaignContactsPer30Days: 2, maxContactsPerCampaignPer7Days: 1 });
    await command('admin', '/api/org/scoring-rules', {}, { referralShare: 0.4 });
    await command('admin', '/api/org/targets', {}, { subjectId: 'rm1', period: '2026-03', points: '5000' });
    await command('admin', '/api/org/closed-months', {}, { month: '2025-11' });
    // The machine may be busy: every read model has seen all of it before anything is read.
    await expectCaughtUp(t.runtime.projector!, 60_000);
  }

  // Ids the seeded app knows, for path parameters.
  const PARAMS: Record<string, string> = { customerId: 'C1', unitId: 'BR1', staffId: 'rm1' };
  // The follow-up screen's routes: K1 (waiting for approval) and the calendar over its period; read
  // at the submission's position, so K1 is in the read model (its figures all zero, ratings null).
  PARAMS.campaignId ??= 'K1';
  const QUERIES: Record<string, () => string> = {
    '/api/campaigns/{campaignId}/follow-up': () => `?minPosition=${submittedAt}`,
    '/api/calendar': () => `?from=2026-01-01&to=2030-01-01&minPosition=${submittedAt}`,
    // Required query parameters of the campaign side (its rows are seeded and checked in openapi.answers.campaigns.int.spec.ts).
    '/api/budgets': () => '?year=2026',
    '/api/cross-selling': () => '?from=2026-01&to=2030-12',
    '/api/scorecards': () => '?period=2026-03',
    '/api/scorecards/{staffId}': () => '?period=2026-03',
  };
  // Who is asked, in turn, until one may read the route.
  const ACTORS = ['admin', 'mkt-br1', 'head-br1', 'rm1', 'appr-ho'];

  it('every GET with a documented JSON answer answers as documented', async () => {
    const checked: string[] = [];
    const failures: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item.get || !schemaOf('get', path)) continue;
      const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name] ?? `unknown-${name}`) + (QUERIES[path]?.() ?? '');
      let answered = false;
      for (const actor of ACTORS) {
        const r = await c.as(actor).get(concrete);
        if (r.status === 403) continue;
        if (r.status !== 200) {
          failures.push(`GET ${concrete} as ${actor}: ${r.status} ${JSON.stringify(r.body)}`);
        } else {
          const problem = problems('get', path, r.body);
          if (problem) failures.push(problem);
        }
        answered = true;
        break;
      }
      if (!answered) failures.push(`GET ${concrete}: no seeded actor may read it`);
      checked.push(`GET ${path}`);
    }
    expect(failures).toEqual([]);
    // The routes the front end reads are among them.
    expect(checked).toEqual(expect.arrayContaining(['GET /api/auth/config', 'GET /api/auth/session', 'GET /api/notifications', 'GET /api/inbox', 'GET /api/inbox/mine', 'GET /api/customers/{customerId}/transfer-targets', 'GET /api/campaigns/{campaignId}/follow-up', 'GET /api/calendar']));
    // ---- customers, cards, points, organisation, operations ----
    expect(checked).toEqual(expect.arrayContaining(['GET /api/customers/{customerId}', 'GET /api/customers/{customerId}/points', 'GET /api/org', 'GET /api/audit', 'GET /api/projections', 'GET /health', 'GET /health/ready']));
    // ---- campaigns, budgets, scorecards, cross-selling, call list ----
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET /api/campaigns',
        'GET /api/campaigns/{campaignId}/effectiveness',
        'GET /api/campaigns/{campaignId}/effectiveness/conversions',
        'GET /api/campaigns/{campaignId}/cross-selling',
        'GET /api/budgets',
        'GET /api/cross-selling',
        'GET /api/scorecards',
        'GET /api/scorecards/{staffId}',
        'GET /api/exceptions',
        'GET /api/call-list',
      ]),
    );
  });

  it('the inbox and my requests, not empty, answer as documented', async () => {
    const waiting = await c.as('appr-ho').get(`/api/inbox?minPosition=${submittedAt}`);
    expect(waiting.status).toBe(200);
    expect(waiting.body.items.map((i: { kind: string; requestId: string }) => `${i.kind} ${i.requestId}`)).toEqual(['campaign K1']);
    expect(problems('get', '/api/inbox', waiting.body)).toBeNull();
    const mine = await c.as('mkt-br1').get(`/api/inbox/mine?minPosition=${submittedAt}`);
    expect(mine.body.items.map((i: { kind: string; requestId: string; status: string }) => `${i.kind} ${i.requestId} ${i.status}`)).toEqual(['campaign K1 pending']);
    expect(problems('get', '/api/inbox/mine', mine.body)).toBeNull();
  });

  it('the follow-up and the calendar answer as documented, K1 among them', async () => {
    const followUp = await c.as('mkt-br1').get(`/api/campaigns/K1/follow-up?minPosition=${submittedAt}`);
    expect(followUp.status).toBe(200);
    expect(problems('get', '/api/campaigns/{campaignId}/follow-up', followUp.body)).toBeNull();
    // The period starts 1 January 2026: its first 旬 is a check, nothing in it (no rating: null, not 0).
    expect(followUp.body.checks[0]).toMatchObject({ month: '2026-01', dekad: 1, firstDay: '2026-01-01', lastDay: '2026-01-10', reaction: { feedback: 0, averageRating: null, complaints: 0, customersContacted: 0, complaintRate: null } });
    const calendar = await c.as('mkt-br1').get(`/api/calendar?from=2026-01-01&to=2030-01-01&minPosition=${submittedAt}`);
    expect(calendar.status).toBe(200);
    expect(calendar.body.campaigns.map((k: { campaignId: string }) => k.campaignId)).toContain('K1');
    expect(problems('get', '/api/calendar', calendar.body)).toBeNull();
    // A check without its reaction is not what the document says.
    const { reaction: _, ...bare } = followUp.body.checks[0];
    expect(problems('get', '/api/campaigns/{campaignId}/follow-up', { ...followUp.body, checks: [bare] })).toMatch(/reaction/);
  });

  it('the audience preview answers as documented', async () => {
    const r = await c.as('mkt-br1').post('/api/audiences/preview', {
      ownerUnitId: 'BR1',
      productCodes: ['FUND-BOND'],
      channels: ['phone', 'sms'],
      budget: '1000',
      period: { start: '2026-01-01', end: '2030-01-01' },
      controlGroupPercent: 20,
      audience: { suitableOnly: true },
    });
    expect(r.status).toBe(200);
    expect(problems('post', '/api/audiences/preview', r.body)).toBeNull();
  });

  // ---- customers, cards, points, organisation, operations ----

  it('the commands of customers, cards, points and the organisation answer as documented', () => {
    // Interactions and budgets are documented by their own slices.
    const mine = commandAnswers.filter((a) => !a.path.startsWith('/api/interactions') && !a.path.startsWith('/api/budgets'));
    expect(mine.length).toBe(39);
    expect(mine.map((a) => problems(a.method, a.path, a.body, a.status)).filter((p) => p !== null)).toEqual([]);
    // The status each answered with, worked out from the controllers (POST answers 201 unless the operation says 200).
    const created = mine.filter((a) => a.status === 201).map((a) => a.path);
    expect(new Set(created)).toEqual(
      new Set([
        '/api/customers/{customerId}/balances',
        '/api/customers/{customerId}/vip-card/applications',
        '/api/customers/{customerId}/vip-card/issue',
        '/api/points/{customerId}/benefit',
        '/api/points/{customerId}/transactions',
        '/api/points/{customerId}/redemptions',
        '/api/points/{customerId}/transactions/{transactionId}/reversal',
        '/api/points/{customerId}/expiry',
        '/api/customers/{customerId}/transfer-requests',
        '/api/customers/claims',
        '/api/customers/{customerId}/risk-assessment',
        '/api/customers',
        '/api/org/units',
        '/api/org/staff',
        '/api/products',
      ]),
    );
    const transferRequest = mine.find((a) => a.path === '/api/customers/{customerId}/transfer-requests')!.body;
    expect(transferRequest.requestId).toMatch(/^TR-[0-9a-f-]{36}$/);
    expect(transferRequest.events).toEqual(['CustomerTransferRequested']);
    // An answer missing a field, or with one the document does not name, fails.
    expect(problems('post', '/api/customers/{customerId}/transfer-requests', { ...transferRequest, requestId: undefined }, 201)).toMatch(/requestId/);
    expect(problems('post', '/api/customers/{customerId}/transfer', { ...transferRequest }, 200)).toMatch(/additional properties/);
  });

  it('the customer 360 and the points ledger, not empty, answer as documented', async () => {
    // The head of the customer's branch reads personal data and contact notes in clear; the admin masked.
    const customer = await c.as('head-br1').get('/api/customers/C1');
    expect(customer.status).toBe(200);
    expect(problems('get', '/api/customers/{customerId}', customer.body)).toBeNull();
    const b = customer.body;
    // Worked out from the seeding above.
    expect(b.tierHistory.map((h: any) => `${h.month} ${h.from}→${h.to} ${h.threeMonthAverage}`)).toEqual(['2026-01 ordinary→standard 250000.00']);
    expect(b.holdings.map((h: any) => `${h.productCode} ${h.source} ${h.sinceMonth}`)).toEqual(['DEP-1Y snapshot 2026-01']);
    expect(b.pastHoldings.map((h: any) => `${h.productCode} ${h.sinceMonth}–${h.closedMonth}`)).toEqual(['FUND-BOND 2026-01–2026-02']);
    expect(b.optedOut).toEqual(['sms']);
    expect(b.riskProfile.tolerance).toBe('R3');
    expect(b.vipCard).toMatchObject({ cardId: 'CARD-C1', tier: 'standard' });
    expect(b.lastContacts.map((x: any) => `${x.channel} ${x.staffId} ${x.campaignId} ${x.outcome}`)).toEqual(['phone rm1 null 约了下周面谈']);
    expect(b.campaigns.map((x: any) => `${x.campaignId} ${x.group}`)).toEqual(['K2 treatment']);
    expect(b.managerId).toBe('rm2');
    expect(b.pointsBalance).toBe(40);
    expect(b.personal.name).toBe('王芳');
    expect(b.personalDataErased).toBe(false);
    const masked = await c.as('admin').get('/api/customers/C1');
    expect(problems('get', '/api/customers/{customerId}', masked.body)).toBeNull();
    expect([masked.body.personal, masked.body.lastContacts[0].outcome]).toEqual([{ name: '王*', phone: '+86**********1234' }, '***']);
    // The erased customer: personal null, erased true.
    const erased = await c.as('admin').get('/api/customers/C9');
    expect([erased.status, erased.body.personal, erased.body.personalDataErased]).toEqual([200, null, true]);
    expect(problems('get', '/api/customers/{customerId}', erased.body)).toBeNull();
    // A field the document omits fails, at any depth; so does a value outside an enum.
    expect(problems('get', '/api/customers/{customerId}', { ...b, holdings: [{ ...b.holdings[0], period: 1 }] })).toMatch(/additional properties/);
    expect(problems('get', '/api/customers/{customerId}', { ...b, lastContacts: [{ ...b.lastContacts[0], outcomeNote: 'n' }] })).toMatch(/additional properties/);
    expect(problems('get', '/api/customers/{customerId}', { ...b, tier: 'gold' })).toMatch(/allowed values/);

    const points = await c.as('admin').get('/api/customers/C1/points');
    expect(points.status).toBe(200);
    expect(problems('get', '/api/customers/{customerId}/points', points.body)).toBeNull();
    expect(points.body.entries.map((e: any) => `${e.kind} ${e.points} ${e.balance}`)).toEqual([
      'BenefitPointsAccrued 100 100',
      'TransactionPointsEarned 35 135',
      'PointsRedeemed -60 75',
      'TransactionPointsReversed -35 40',
    ]);
    expect(points.body.balance).toBe(40);
  });

  it('the organisation, the audit log and the projections, not empty, answer as documented', async () => {
    const org = await c.as('admin').get('/api/org');
    expect(org.status).toBe(200);
    expect(problems('get', '/api/org', org.body)).toBeNull();
    const staff = (id: string) => org.body.staff.find((s: any) => s.staffId === id);
    expect(staff('rm-moved')).toEqual({ staffId: 'rm-moved', displayName: '李明', role: 'marketer', unitId: 'SB3', active: true });
    expect(staff('rm-left')).toEqual({ staffId: 'rm-left', displayName: '赵磊', role: 'relationship_manager', unitId: 'SB1', active: false });
    expect(org.body.units.find((u: any) => u.unitId === 'SB3')).toEqual({ unitId: 'SB3', name: '三支行', level: 'sub_branch_1', parentId: 'BR2', wealthCentre: false });
    expect(org.body.products.find((p: any) => p.productCode === 'GOLD')).toEqual({ productCode: 'GOLD', name: 'GOLD', category: 'x', riskLevel: 'R4', riskBearing: true, weight: '1.00' });
    expect(org.body.scoring).toEqual({ referralShare: 0.4, complaintPenalty: 200, unsuitablePenalty: 500 });
    // A relationship manager sees their own subtree: SB1 and OUT1 below, HO and BR1 above.
    const rmOrg = await c.as('rm1').get('/api/org');
    expect(problems('get', '/api/org', rmOrg.body)).toBeNull();
    expect(rmOrg.body.units.map((u: any) => u.unitId).sort()).toEqual(['BR1', 'HO', 'OUT1', 'SB1']);

    const audit = await c.as('admin').get('/api/audit?limit=1000');
    expect(audit.status).toBe(200);
    expect(problems('get', '/api/audit', audit.body)).toBeNull();
    const kinds = new Set(audit.body.entries.map((e: any) => e.kind));
    expect(kinds.has('command') && kinds.has('personal-data-read')).toBe(true);

    const projections = await c.as('admin').get('/api/projections');
    expect(projections.status).toBe(200);
    expect(problems('get', '/api/projections', projections.body)).toBeNull();
    expect(projections.body.projections.length).toBeGreaterThan(5);
    const restarted = await c.as('admin').post('/api/projections/period-corrections/restart', {});
    expect([restarted.status, problems('post', '/api/projections/{name}/restart', restarted.body)]).toEqual([200, null]);
    const rebuilt = await c.as('admin').post('/api/projections/period-corrections/rebuild', {});
    expect([rebuilt.status, problems('post', '/api/projections/{name}/rebuild', rebuilt.body)]).toEqual([200, null]);

    for (const path of ['/health', '/health/ready']) {
      const r = await c.anonymous.get(path);
      expect([path, r.status, problems('get', path, r.body)]).toEqual([path, 200, null]);
    }
  });

  it('the sign-in commands answer as documented: one-time password, password change, sign-out', async () => {
    const set = await c.as('admin').post('/api/auth/staff/rm-moved/one-time-password', { password: 'temporary 2031' });
    expect([set.status, set.body, problems('post', '/api/auth/staff/{staffId}/one-time-password', set.body)]).toEqual([200, { staffId: 'rm-moved', mustChangePassword: true }, null]);
    const signedIn = await c.anonymous.post('/api/auth/sign-in', { staffId: 'rm-moved', password: 'temporary 2031' });
    expect([signedIn.status, signedIn.body.mustChangePassword, problems('post', '/api/auth/sign-in', signedIn.body)]).toEqual([200, true, null]);
    const cookies = signedIn.headers.getSetCookie().map((x: string) => x.split(';')[0]!);
    const csrf = cookies.find((x: string) => x.startsWith('cp_csrf='))!.slice('cp_csrf='.length);
    const send = async (path: string, body: unknown) => {
      const r = await fetch(`${t.url}${path}`, { method: 'POST', headers: { cookie: cookies.join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    };
    const changed = await send('/api/auth/password', { currentPassword: 'temporary 2031', newPassword: 'my own secret 77' });
    expect([changed.status, changed.body, problems('post', '/api/auth/password', changed.body)]).toEqual([200, { staffId: 'rm-moved', displayName: '李明', role: 'marketer', unitId: 'SB3', mustChangePassword: false }, null]);
    const out = await send('/api/auth/sign-out', {});
    expect([out.status, out.body, problems('post', '/api/auth/sign-out', out.body)]).toEqual([200, { signedOut: true }, null]);
  });

  it('a schema that lies is caught: an answer with a field the document does not name fails', () => {
    expect(problems('get', '/api/auth/config', { mode: 'password', bankTimeZone: 'Asia/Shanghai', extra: 1 })).toMatch(/additional properties/);
    expect(problems('get', '/api/auth/config', { mode: 'sso', bankTimeZone: 'Asia/Shanghai' })).toMatch(/allowed values/);
  });

  /** The codes the document lists for an operation's status (its own response, or the shared one it refers to). */
  const listed = (method: string, path: string, status: number): string[] => {
    const r = doc.paths[path]?.[method]?.responses[String(status)];
    const shared = r?.$ref ? doc.components.responses[r.$ref.slice('#/components/responses/'.length)] : r;
    return shared?.['x-codes'] ?? [];
  };
  const cookiesOf = (r: { headers: Headers }) => r.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  /** A call with the browser's session cookie only (no bearer token, no CSRF header). */
  const withCookie = async (method: string, path: string, cookie: string): Promise<{ status: number; body: { error?: { code: string } } }> => {
    const r = await fetch(`${t.url}${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    return { status: r.status, body: (await r.json()) as { error?: { code: string } } };
  };

  it('refusals come with a status and code the document lists for that operation', async () => {
    const seen: [string, string, number, string][] = [];
    const refusal = (method: string, path: string, r: { status: number; body: { error?: { code: string } } }) => seen.push([method, path, r.status, r.body.error?.code ?? `no error: ${JSON.stringify(r.body)}`]);
    const admin = c.as('admin');
    expect((await admin.post('/api/auth/staff/rm2/one-time-password', { password: 'temporary 2026' })).status).toBe(200);
    expect((await admin.post('/api/auth/staff/rm3/one-time-password', { password: 'temporary 2027' })).status).toBe(200);
    refusal('post', '/api/auth/staff/{staffId}/one-time-password', await admin.post('/api/auth/staff/rm2/one-time-password', { password: 'abcdefghijk' }));
    // Wrong password: 401; the fifth in a row locks the account (its own answer is 423), then even the right one gets 423.
    for (let i = 0; i < 5; i++) refusal('post', '/api/auth/sign-in', await c.anonymous.post('/api/auth/sign-in', { staffId: 'rm3', password: 'wrong guess 1' }));
    refusal('post', '/api/auth/sign-in', await c.anonymous.post('/api/auth/sign-in', { staffId: 'rm3', password: 'temporary 2027' }));
    // A session on a one-time password reaches only /api/auth/; a cookie write needs the CSRF header.
    const signedIn = await c.anonymous.post('/api/auth/sign-in', { staffId: 'rm2', password: 'temporary 2026' });
    expect(signedIn.status).toBe(200);
    expect(problems('post', '/api/auth/sign-in', signedIn.body)).toBeNull();
    const cookie = cookiesOf(signedIn);
    refusal('get', '/api/notifications', await withCookie('GET', '/api/notifications', cookie));
    refusal('post', '/api/auth/sign-out', await withCookie('POST', '/api/auth/sign-out', cookie));
    refusal('post', '/api/auth/password', await c.as('rm2').post('/api/auth/password', { currentPassword: 'temporary 2026', newPassword: 'short' }));
    refusal('post', '/api/auth/password', await c.as('rm2').post('/api/auth/password', { currentPassword: 'not it at all 1', newPassword: 'my own secret 42' }));
    refusal('post', '/api/audiences/preview', await c.as('mkt-br1').post('/api/audiences/preview', { ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 20, audience: { ageBand: { min: 60, max: 30 } } }));

    // Worked out by hand from the controllers: what each of these refusals is.
    expect(seen.map(([m, p, s, code]) => `${m.toUpperCase()} ${p} ${s} ${code}`)).toEqual([
      'POST /api/auth/staff/{staffId}/one-time-password 422 WEAK_PASSWORD',
      ...Array(4).fill('POST /api/auth/sign-in 401 INVALID_CREDENTIALS'),
      'POST /api/auth/sign-in 423 ACCOUNT_LOCKED',
      'POST /api/auth/sign-in 423 ACCOUNT_LOCKED',
      'GET /api/notifications 403 PASSWORD_CHANGE_REQUIRED',
      'POST /api/auth/sign-out 403 CSRF_TOKEN_INVALID',
      'POST /api/auth/password 422 WEAK_PASSWORD',
      'POST /api/auth/password 422 INVALID_CREDENTIALS',
      'POST /api/audiences/preview 400 INVALID_AGE_BAND',
    ]);
    const unlisted = seen.filter(([m, p, s, code]) => !listed(m, p, s).includes(code)).map((x) => x.join(' '));
    expect(unlisted).toEqual([]);
  });
});
