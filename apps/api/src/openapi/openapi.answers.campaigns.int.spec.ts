import { randomUUID } from 'node:crypto';
import { planPdf } from '@app/demo';
import { api, seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { answerChecker, fetchOpenApiDocument } from '../../../../test/support/openapi-document';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/**
 * Issue 15, the campaign side of the answers contract (openapi.answers.int.spec.ts has the generic
 * check of every GET and the people side): a launched campaign with a contact, a sale, a referral, a
 * cost and feedback, a completed one, a rejected and a cancelled one, budget commands and an exception
 * of every kind, so that every list these answers hold has rows to validate (an empty array validates
 * anything); and the answers of the campaign commands. An app of its own: its seed does not move the
 * people side's customers.
 */
describe('the campaign side answers as documented', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let checker: ReturnType<typeof answerChecker>;
  /** Commands' answers as they came (validated in their own test), and the last position written. */
  const commandAnswers: { method: string; path: string; status: number; body: unknown }[] = [];
  let lastPosition = '';
  /** The bank month now (Asia/Shanghai): the sales recorded without a date fall in it. */
  const bankMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'C1', { tolerance: 'R3' });
    await seedCustomer(t, 'C2', { tolerance: 'R2', optedOut: ['sms'] });
    await seedCampaignSide();
    checker = answerChecker(await fetchOpenApiDocument(t.url));
  }, 120_000);
  afterAll(() => t.close());

  /** The documented success answer: 200, or 201 for the commands that create. */
  const problems = (method: string, path: string, body: unknown, status = 200) => checker.problems(method, path, body, status);

  /**
   * The campaign side, so its answers have rows to validate (an empty array validates anything): K2
   * launched by an admin (not the marketer's request, not waiting in an inbox) with C1 and C2 (rm1's) all in
   * treatment, a contact, a sale, a referral, a cost and feedback; K3 launched and completed; K4 rejected,
   * K5 cancelled; budget commands; and supervision exceptions of every kind (imported events and a backdated complaint past its deadline).
   */
  async function seedCampaignSide() {
    const admin = c.as('admin');
    const rm = c.as('rm1');
    const ok = async (method: string, path: string, r: Promise<{ status: number; body: any }>, keep = true) => {
      const a = await r;
      if (a.status >= 300) throw new Error(`${method} ${path}: ${a.status} ${JSON.stringify(a.body)}`);
      if (keep) commandAnswers.push({ method, path, status: a.status, body: a.body });
      if (typeof a.body?.position === 'string') lastPosition = a.body.position;
      return a.body;
    };
    // rm1 manages C1 and C2: their call list has them.
    for (const customerId of ['C1', 'C2']) await ok('post', '', c.as('head-br1').post(`/api/customers/${customerId}/manager`, { staffId: 'rm1' }), false);
    for (const k of ['K2', 'K3']) {
      await ok('post', '/api/campaigns', admin.post('/api/campaigns', { campaignId: k, name: `${k} 债券基金`, ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '2000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0 }));
      const doc = await ok('post', '/api/campaigns/{campaignId}/plan-documents', admin.upload(`/api/campaigns/${k}/plan-documents?fileName=plan-${k}.pdf`, planPdf(`${k} plan`)));
      await ok('post', '/api/campaigns/{campaignId}/submit', admin.post(`/api/campaigns/${k}/submit`, { planDocumentId: doc.documentId }));
      await ok('post', '/api/campaigns/{campaignId}/approve', c.as('appr-ho').post(`/api/campaigns/${k}/approve`, {}));
      await ok('post', '/api/campaigns/{campaignId}/launch', admin.post(`/api/campaigns/${k}/launch`, { randomisationSeed: k }));
    }
    await ok('post', '/api/interactions', rm.post('/api/interactions', { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'K2' }));
    await ok('post', '/api/interactions', rm.post('/api/interactions', { kind: 'conversion', customerId: 'C1', staffId: 'rm1', productCode: 'FUND-BOND', amount: '50000.00', revenue: '750.00', campaignId: 'K2' }));
    // An admin's correction (its reason a code): rm1's scorecard lists it, without the customer for a marketer.
    await ok('post', '/api/interactions', admin.post('/api/interactions', { kind: 'conversion', customerId: 'C2', staffId: 'rm1', productCode: 'DEP-1Y', amount: '10000.00', revenue: '20.00' }, { 'correction-reason': 'late_booking' }));
    await ok('post', '/api/interactions', rm.post('/api/interactions', { kind: 'referral', customerId: 'C2', referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'GOLD' }));
    await ok('post', '/api/interactions', rm.post('/api/interactions', { kind: 'participation', customerId: 'C1', campaignId: 'K2', how: 'attended' }));
    await ok('post', '/api/campaigns/{campaignId}/costs', admin.post('/api/campaigns/K2/costs', { amount: '88.00', customerId: 'C1', description: 'gift' }));
    await ok('post', '/api/campaigns/{campaignId}/feedback', admin.post('/api/campaigns/K2/feedback', { customerId: 'C1', rating: 4, comment: 'liked it' }));
    await ok('post', '/api/interactions', rm.post('/api/interactions', { kind: 'participation', customerId: 'C1', campaignId: 'K3', how: 'attended' }));
    await ok('post', '/api/campaigns/{campaignId}/complete', admin.post('/api/campaigns/K3/complete', {}));
    await ok('post', '/api/campaigns/{campaignId}/points-deduction', admin.post('/api/campaigns/K3/points-deduction', {}));
    // K4 rejected, K5 cancelled as a draft; a budget for 2027 and its split to BR2.
    for (const k of ['K4', 'K5']) await ok('post', '', admin.post('/api/campaigns', { campaignId: k, name: k, ownerUnitId: 'BR1', productCodes: ['DEP-1Y'], channels: ['phone'], budget: '100', period: { start: '2026-01-01', end: '2030-01-01' } }), false);
    const k4plan = await ok('post', '', admin.upload('/api/campaigns/K4/plan-documents?fileName=plan-K4.pdf', planPdf('K4 plan')), false);
    await ok('post', '', admin.post('/api/campaigns/K4/submit', { planDocumentId: k4plan.documentId }), false);
    await ok('post', '/api/campaigns/{campaignId}/reject', c.as('appr-ho').post('/api/campaigns/K4/reject', { reason: 'budget too high' }));
    await ok('post', '/api/campaigns/{campaignId}/cancel', admin.post('/api/campaigns/K5/cancel', { reason: 'not this year' }));
    await ok('post', '/api/budgets/{unitId}/annual', admin.post('/api/budgets/HO/annual', { year: 2027, amount: '500000' }));
    await ok('post', '/api/budgets/{unitId}/allocations', admin.post('/api/budgets/HO/allocations', { childUnitId: 'BR2', year: 2027, amount: '50000' }));
    await ok('post', '/api/budgets/{unitId}/change-requests', c.as('head-br1').post('/api/budgets/BR1/change-requests', { requestId: 'BR1-CR', year: 2026, amount: '120000', reason: 'more' }));
    await ok('post', '/api/budgets/{unitId}/change-requests/{requestId}/decision', c.as('appr-ho').post('/api/budgets/BR1/change-requests/BR1-CR/decision', { approve: false, reason: 'no' }));
    // Supervision, one exception of each kind (their events as another channel would append them).
    const imported = async (streamId: string, type: string, data: object, occurredAt: string) => {
      const r = await t.runtime.store.appendToStream(streamId, [{ type, data, metadata: { eventId: randomUUID(), correlationId: 'import', causationId: null, actor: 'import', orgUnit: null, occurredAt, schemaVersion: 1 } }], 'any');
      lastPosition = `${r.position.commit}/${r.position.prepare}`;
    };
    await seedCustomer(t, 'B1');
    await ok('post', '', admin.post('/api/customers/B1/balances', { month: '2026-01', averageDailyAssets: '250000' }), false);
    await ok('post', '', rm.post('/api/customers/B1/vip-card/applications', { applicationId: 'APP-B1', tier: 'standard', occurredAt: '2026-01-05T00:00:00Z' }), false);
    await imported('customer-X3', 'VipCardIssued', { customerId: 'X3', cardId: 'CARD-X3', applicationId: 'NONE', tier: 'platinum', special: false, unitId: 'SB1', validUntil: '2028-01-01T00:00:00Z' }, '2026-03-02T00:00:00Z');
    await imported('customer-X4', 'VipCardApplied', { customerId: 'X4', applicationId: 'APP-X4', tier: 'standard', special: false }, '2026-03-01T00:00:00Z');
    await imported('customer-X4', 'VipCardApplicationApproved', { customerId: 'X4', applicationId: 'APP-X4', approvedBy: 'system', special: false }, '2026-03-01T00:00:00Z');
    await imported('customer-X4', 'VipCardIssued', { customerId: 'X4', cardId: 'CARD-X4', applicationId: 'APP-X4', tier: 'black', special: true, unitId: 'SB2', validUntil: '2028-01-01T00:00:00Z' }, '2026-03-02T00:00:00Z');
    await ok('post', '', rm.post('/api/interactions', { kind: 'complaint', customerId: 'C2', complaintId: 'CP-C2', category: 'too_many_calls', answerWithinDays: 5, occurredAt: '2026-03-01T10:00:00Z' }), false);
  }

  it('the campaign side\'s answers, with rows in every list, answer as documented', async () => {
    const at = `minPosition=${lastPosition}`;
    // [who asks, the documented path, the concrete request, the lists that must not be empty]
    const reads: [string, string, string, string[]][] = [
      ['admin', '/api/campaigns', `/api/campaigns?${at}`, ['campaigns', 'totals.byUnit']],
      ['admin', '/api/campaigns/{campaignId}/effectiveness', `/api/campaigns/K2/effectiveness?${at}`, ['daily', 'byChannel', 'byUnit', 'byTier']],
      ['admin', '/api/campaigns/{campaignId}/effectiveness', `/api/campaigns/K2/effectiveness?attribution=last-touch`, ['daily', 'byUnit']],
      ['admin', '/api/campaigns/{campaignId}/effectiveness', `/api/campaigns/K2/effectiveness?asOf=2029-12-31`, ['daily', 'byUnit']],
      ['admin', '/api/campaigns/{campaignId}/effectiveness/conversions', `/api/campaigns/K2/effectiveness/conversions?${at}`, ['conversions']],
      ['admin', '/api/campaigns/{campaignId}/cross-selling', `/api/campaigns/K2/cross-selling?${at}`, ['groups']],
      ['admin', '/api/budgets', `/api/budgets?year=2026&${at}`, ['units']],
      ['admin', '/api/cross-selling', `/api/cross-selling?from=2026-01&to=2030-12&${at}`, ['ratio', 'referrals.byReferrer', 'referrals.bySeller', 'attrition']],
      ['admin', '/api/scorecards', `/api/scorecards?period=${bankMonth}&${at}`, ['people', 'units']],
      ['admin', '/api/scorecards/{staffId}', `/api/scorecards/rm1?period=${bankMonth}&${at}`, ['credits', 'corrections']],
      ['mkt-br1', '/api/scorecards/{staffId}', `/api/scorecards/rm1?period=${bankMonth}&${at}`, ['corrections']],
      ['admin', '/api/exceptions', `/api/exceptions?${at}`, ['exceptions']],
      ['rm1', '/api/call-list', `/api/call-list?${at}`, ['campaigns', 'campaigns.0.customers', 'campaigns.0.customers.0.channels', 'maintenanceDue', 'complaintsDue']],
    ];
    const failures: string[] = [];
    for (const [actor, path, request, lists] of reads) {
      const r = await c.as(actor).get(request);
      if (r.status !== 200) {
        failures.push(`GET ${request} as ${actor}: ${r.status} ${JSON.stringify(r.body)}`);
        continue;
      }
      for (const list of lists) {
        const value = list.split('.').reduce<any>((v, k) => v?.[k], r.body);
        if (!Array.isArray(value) || value.length === 0) failures.push(`GET ${request}: ${list} is empty or missing`);
      }
      const problem = problems('get', path, r.body);
      if (problem) failures.push(`${problem} (as ${actor}, ${request})`);
    }
    expect(failures).toEqual([]);
    // Every kind of supervision exception was there to validate (the schema names each kind's details).
    const exceptions = (await c.as('admin').get(`/api/exceptions?${at}`)).body.exceptions.map((e: { kind: string }) => e.kind);
    expect([...new Set(exceptions)].sort()).toEqual(['application_without_card', 'card_without_application', 'complaint_overdue', 'special_quota_exceeded', 'tier_mismatch']);
  });

  it('the answers of the campaign commands the front end reads answer as documented', () => {
    const failures = commandAnswers.map((a) => problems(a.method, a.path, a.body, a.status)).filter((p) => p !== null);
    expect(failures).toEqual([]);
    // Each was there to check: create (201) and the commands that answer 200.
    expect([...new Set(commandAnswers.map((a) => `${a.status} ${a.method.toUpperCase()} ${a.path}`))].sort()).toEqual([
      '200 POST /api/budgets/{unitId}/allocations',
      '200 POST /api/budgets/{unitId}/annual',
      '200 POST /api/budgets/{unitId}/change-requests/{requestId}/decision',
      '200 POST /api/campaigns/{campaignId}/approve',
      '200 POST /api/campaigns/{campaignId}/cancel',
      '200 POST /api/campaigns/{campaignId}/complete',
      '200 POST /api/campaigns/{campaignId}/launch',
      '200 POST /api/campaigns/{campaignId}/points-deduction',
      '200 POST /api/campaigns/{campaignId}/reject',
      '200 POST /api/campaigns/{campaignId}/submit',
      '201 POST /api/budgets/{unitId}/change-requests',
      '201 POST /api/campaigns',
      '201 POST /api/campaigns/{campaignId}/costs',
      '201 POST /api/campaigns/{campaignId}/feedback',
      '201 POST /api/campaigns/{campaignId}/plan-documents',
      '201 POST /api/interactions',
    ]);
  });

  it('a campaign answer with a field the document does not name, or without one it requires, fails', async () => {
    const r = await c.as('admin').get(`/api/campaigns/K2/effectiveness?minPosition=${lastPosition}`);
    expect(problems('get', '/api/campaigns/{campaignId}/effectiveness', r.body)).toBeNull();
    expect(problems('get', '/api/campaigns/{campaignId}/effectiveness', { ...r.body, extra: 1 })).not.toBeNull();
    const { byTier: _omitted, ...withoutByTier } = r.body;
    expect(problems('get', '/api/campaigns/{campaignId}/effectiveness', withoutByTier)).not.toBeNull();
    const list = await c.as('rm1').get(`/api/call-list?minPosition=${lastPosition}`);
    const customer = list.body.campaigns[0].customers[0];
    const withExtra = { ...list.body, campaigns: [{ ...list.body.campaigns[0], customers: [{ ...customer, channels: [{ ...customer.channels[0], why: 'x' }] }] }] };
    expect(problems('get', '/api/call-list', withExtra)).toMatch(/additional properties/);
  });
});
