import { planPdf } from '@app/demo';
import { api, seedCustomer, seedOrganisation, storedEvents } from '../../../../test/support/api';
import { OPERATION_ERRORS } from './error-responses';
import { fetchOpenApiDocument, type OpenApiDocument } from '../../../../test/support/openapi-document';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

const DAY = 86_400_000;
/** The bank month (Asia/Shanghai) of an instant; en-CA formats as YYYY-MM-DD. */
const bankMonth = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date(ms)).slice(0, 7);

/**
 * Issue 15: the business refusals a client meets come with a status and code the document lists
 * for the operation that refused (openapi.answers.int.spec.ts does the sign-in and password ones;
 * error-catalogue.spec.ts checks statically that every code thrown is documented at its status).
 * An app of its own, with a 40 days' backdating grace so last month can be closed and still be in it.
 */
describe('business refusals are documented for the operation that answers them', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let doc: OpenApiDocument;
  const now = Date.now();
  const thisMonth = bankMonth(now);
  // 20 days before the 1st of this bank month is always in the month before.
  const lastMonth = bankMonth(Date.parse(`${thisMonth}-01T00:00:00+08:00`) - 20 * DAY);
  beforeAll(async () => {
    t = await startTestApp({ BACKDATE_GRACE_DAYS: '40' });
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'R1', { tolerance: 'R3' });
    await seedCustomer(t, 'R2', { tolerance: 'R3', optedOut: ['sms'] });
    const admin = c.as('admin');
    const ok = async (r: Promise<{ status: number; body: any }>) => {
      const a = await r;
      if (a.status >= 300) throw new Error(`seed: ${a.status} ${JSON.stringify(a.body)}`);
      return a.body;
    };
    // rm1 manages R1: its personal data is rm1's to write.
    await ok(c.as('head-br1').post('/api/customers/R1/manager', { staffId: 'rm1' }));
    // KR launched with no control group: R1 and R2 (both SB1, under BR1) are in treatment.
    await ok(admin.post('/api/campaigns', { campaignId: 'KR', name: 'KR 黄金', ownerUnitId: 'BR1', productCodes: ['GOLD'], channels: ['phone'], budget: '2000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0 }));
    const plan = await ok(admin.upload('/api/campaigns/KR/plan-documents?fileName=plan-KR.pdf', planPdf('KR plan')));
    await ok(admin.post('/api/campaigns/KR/submit', { planDocumentId: plan.documentId }));
    await ok(c.as('appr-ho').post('/api/campaigns/KR/approve', {}));
    await ok(admin.post('/api/campaigns/KR/launch', { randomisationSeed: 'KR' }));
    // KB approved, not launched: a marketer's launch dated back past the grace is refused whole.
    await ok(admin.post('/api/campaigns', { campaignId: 'KB', name: 'KB 黄金', ownerUnitId: 'BR1', productCodes: ['GOLD'], channels: ['phone'], budget: '100', period: { start: '2000-01-01', end: '2030-01-01' }, controlGroupPercent: 0 }));
    const planB = await ok(admin.upload('/api/campaigns/KB/plan-documents?fileName=plan-KB.pdf', planPdf('KB plan')));
    await ok(admin.post('/api/campaigns/KB/submit', { planDocumentId: planB.documentId }));
    await ok(c.as('appr-ho').post('/api/campaigns/KB/approve', {}));
    // KD stays a draft.
    await ok(admin.post('/api/campaigns', { campaignId: 'KD', name: 'KD', ownerUnitId: 'BR1', productCodes: ['DEP-1Y'], channels: ['phone'], budget: '100', period: { start: '2026-01-01', end: '2030-01-01' } }));
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'R1', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'KR' }));
    // Last month closed by head office: a sale dated in it is refused.
    await ok(admin.post('/api/org/closed-months', { month: lastMonth }));
    doc = await fetchOpenApiDocument(t.url);
  }, 120_000);
  afterAll(() => t.close());

  /** The codes the document lists for an operation's status (its own response, or the shared one it refers to). */
  const listed = (method: string, path: string, status: number): string[] => {
    const r = doc.paths[path]?.[method]?.responses[String(status)];
    const shared = r?.$ref ? doc.components.responses[r.$ref.slice('#/components/responses/'.length)] : r;
    return shared?.['x-codes'] ?? [];
  };

  it('each refusal provoked is listed at its status for its operation', async () => {
    const seen: [string, string, number, string][] = [];
    const refusal = (method: string, path: string, r: { status: number; body: { error?: { code: string } } }) => seen.push([method, path, r.status, r.body?.error?.code ?? `no error: ${JSON.stringify(r.body)}`]);
    const rm = c.as('rm1');
    const admin = c.as('admin');
    const sale = (over: Record<string, unknown>) => ({ kind: 'conversion', customerId: 'R1', staffId: 'rm1', productCode: 'GOLD', amount: '1000.00', revenue: '10.00', ...over });
    // A second campaign contact within 7 days; a channel R2 opted out of.
    refusal('post', '/api/interactions', await rm.post('/api/interactions', { kind: 'contact', customerId: 'R1', staffId: 'rm1', channel: 'phone', outcome: 'again', campaignId: 'KR' }));
    refusal('post', '/api/interactions', await rm.post('/api/interactions', { kind: 'contact', customerId: 'R2', staffId: 'rm1', channel: 'sms', outcome: 'reached', campaignId: null }));
    // A sale in 2001 (past the grace), one in the closed month (within the grace), one tomorrow.
    refusal('post', '/api/interactions', await rm.post('/api/interactions', sale({ occurredAt: '2001-06-15T02:00:00.000Z' })));
    refusal('post', '/api/interactions', await rm.post('/api/interactions', sale({ occurredAt: `${lastMonth}-28T02:00:00.000Z` })));
    refusal('post', '/api/interactions', await rm.post('/api/interactions', sale({ occurredAt: new Date(now + 2 * DAY).toISOString() })));
    // A closed month holds a campaign's cost and a consent too; a marketer's cost dated in 2001 is past the grace.
    refusal('post', '/api/campaigns/{campaignId}/costs', await c.as('mkt-br1').post('/api/campaigns/KR/costs', { amount: '50.00', description: 'venue', occurredAt: '2001-06-15T02:00:00.000Z' }));
    refusal('post', '/api/campaigns/{campaignId}/costs', await c.as('mkt-br1').post('/api/campaigns/KR/costs', { amount: '50.00', description: 'venue', occurredAt: `${lastMonth}-28T02:00:00.000Z` }));
    refusal('post', '/api/customers/{customerId}/consents', await rm.post('/api/customers/R1/consents', { channel: 'sms', granted: true, occurredAt: `${lastMonth}-28T02:00:00.000Z` }));
    // A launch dated in 2001 by a marketer: refused before anything is recorded (no CampaignLaunched, no enrolment).
    const kbBefore = (await storedEvents(t, 'campaign-KB')).map((e) => e.type);
    refusal('post', '/api/campaigns/{campaignId}/launch', await c.as('mkt-br1').post('/api/campaigns/KB/launch', { randomisationSeed: 'KB', occurredAt: '2001-06-15T02:00:00.000Z' }));
    expect((await storedEvents(t, 'campaign-KB')).map((e) => e.type)).toEqual(kbBefore);
    expect(kbBefore).not.toContain('CampaignLaunched');
    // The month not over yet cannot be closed; a draft cannot be launched; an unknown campaign.
    refusal('post', '/api/org/closed-months', await admin.post('/api/org/closed-months', { month: thisMonth }));
    refusal('post', '/api/campaigns/{campaignId}/launch', await admin.post('/api/campaigns/KD/launch', { randomisationSeed: 'KD' }));
    refusal('post', '/api/campaigns/{campaignId}/launch', await admin.post('/api/campaigns/NOPE/launch', { randomisationSeed: 'NOPE' }));
    // A complaint made now, answered an hour before it was made.
    expect((await rm.post('/api/interactions', { kind: 'complaint', customerId: 'R1', complaintId: 'Q1', category: 'too_many_calls', answerWithinDays: 1 })).status).toBe(201);
    refusal('post', '/api/customers/{customerId}/complaints/{complaintId}/answer', await rm.post('/api/customers/R1/complaints/Q1/answer', { occurredAt: new Date(now - 3_600_000).toISOString() }));
    // KR cancelled by an admin (not held to the grace) dated an hour before this test began, before KR's launch: refused, nothing appended.
    const krBefore = (await storedEvents(t, 'campaign-KR')).map((e) => e.type);
    refusal('post', '/api/campaigns/{campaignId}/cancel', await admin.post('/api/campaigns/KR/cancel', { reason: 'dated back', occurredAt: new Date(now - 3_600_000).toISOString() }));
    expect((await storedEvents(t, 'campaign-KR')).map((e) => e.type)).toEqual(krBefore);
    expect(krBefore).toContain('CampaignLaunched');
    // R1 has no points at all.
    refusal('post', '/api/points/{customerId}/redemptions', await admin.post('/api/points/R1/redemptions', { redemptionId: 'RD1', points: 10, description: 'lounge' }));
    // Points for a customer the bank does not have; a reversal of a transaction that earned none; the same transaction twice.
    refusal('post', '/api/points/{customerId}/redemptions', await admin.post('/api/points/NOBODY/redemptions', { redemptionId: 'RD2', points: 10, description: 'lounge' }));
    refusal('post', '/api/points/{customerId}/transactions/{transactionId}/reversal', await admin.post('/api/points/R1/transactions/POS-NONE/reversal', { reason: 'disputed' }));
    expect((await admin.post('/api/points/R1/transactions', { transactionId: 'POS-1', spend: '88.00' })).status).toBe(201);
    refusal('post', '/api/points/{customerId}/transactions', await admin.post('/api/points/R1/transactions', { transactionId: 'POS-1', spend: '88.00' }));
    // The same Idempotency-Key again with another body.
    const key = { 'idempotency-key': 'refusals-key-1' };
    expect((await rm.post('/api/customers/R1/personal-data', { name: '李雷', phone: '+86 138 0000 0001' }, key)).status).toBe(200);
    refusal('post', '/api/customers/{customerId}/personal-data', await rm.post('/api/customers/R1/personal-data', { name: '李雷', phone: '+86 138 0000 0002' }, key));

    // Worked out by hand from the deciders and the HTTP layer: what each of these refusals is.
    expect(seen.map(([m, p, s, code]) => `${m.toUpperCase()} ${p} ${s} ${code}`)).toEqual([
      'POST /api/interactions 422 CONTACT_LIMIT_REACHED',
      'POST /api/interactions 422 OPTED_OUT',
      'POST /api/interactions 422 BACKDATED_TOO_FAR',
      'POST /api/interactions 422 PERIOD_CLOSED',
      'POST /api/interactions 400 OCCURRED_IN_FUTURE',
      'POST /api/campaigns/{campaignId}/costs 422 BACKDATED_TOO_FAR',
      'POST /api/campaigns/{campaignId}/costs 422 PERIOD_CLOSED',
      'POST /api/customers/{customerId}/consents 422 PERIOD_CLOSED',
      'POST /api/campaigns/{campaignId}/launch 422 BACKDATED_TOO_FAR',
      'POST /api/org/closed-months 409 MONTH_NOT_OVER',
      'POST /api/campaigns/{campaignId}/launch 409 INVALID_CAMPAIGN_STATE',
      'POST /api/campaigns/{campaignId}/launch 404 UNKNOWN_CAMPAIGN',
      'POST /api/customers/{customerId}/complaints/{complaintId}/answer 422 ANSWER_BEFORE_COMPLAINT',
      'POST /api/campaigns/{campaignId}/cancel 422 CLOSE_BEFORE_LAUNCH',
      'POST /api/points/{customerId}/redemptions 422 INSUFFICIENT_POINTS',
      'POST /api/points/{customerId}/redemptions 404 UNKNOWN_CUSTOMER',
      'POST /api/points/{customerId}/transactions/{transactionId}/reversal 404 UNKNOWN_TRANSACTION',
      'POST /api/points/{customerId}/transactions 409 ALREADY_EXISTS',
      'POST /api/customers/{customerId}/personal-data 422 IDEMPOTENCY_KEY_REUSED',
    ]);
    const unlisted = seen.filter(([m, p, s, code]) => !listed(m, p, s).includes(code)).map((x) => x.join(' '));
    expect(unlisted).toEqual([]);
  });

  it("an operation's 404 and 409 list its own codes only: a points redemption misses a customer, never a campaign", () => {
    // points.command.ts and points.decider.ts: no customer (404); a redemption id used already (409), besides every command's two.
    expect(listed('post', '/api/points/{customerId}/redemptions', 404)).toEqual(['UNKNOWN_CUSTOMER']);
    expect(listed('post', '/api/points/{customerId}/redemptions', 409)).toEqual(['ALREADY_EXISTS', 'CONCURRENCY_CONFLICT', 'REQUEST_IN_PROGRESS']);
    // Closing a month refuses only a month not over yet.
    expect(listed('post', '/api/org/closed-months', 409)).toEqual(['MONTH_NOT_OVER', 'CONCURRENCY_CONFLICT', 'REQUEST_IN_PROGRESS']);
    expect(listed('post', '/api/org/closed-months', 404)).toEqual([]);
    // A list of campaigns has no id to miss and, being a query, no conflict.
    expect(Object.keys(doc.paths['/api/campaigns']!.get!.responses)).not.toContain('404');
    expect(Object.keys(doc.paths['/api/campaigns']!.get!.responses)).not.toContain('409');
  });

  it('every operation OPERATION_ERRORS names is one the document has', () => {
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect(Object.keys(OPERATION_ERRORS).filter((op) => !documented.has(op))).toEqual([]);
  });

  it("an operation's own refusals are not listed for another: a points redemption lists neither a contact limit nor a closed month", () => {
    // Points are not held to business time (points.decider.ts); a complaint's answer is (customer.decider.ts).
    expect(listed('post', '/api/points/{customerId}/redemptions', 422)).toEqual(['INSUFFICIENT_POINTS', 'IDEMPOTENCY_KEY_REUSED']);
    expect(listed('post', '/api/customers/{customerId}/complaints/{complaintId}/answer', 422)).toEqual(['ANSWER_BEFORE_COMPLAINT', 'BACKDATED_TOO_FAR', 'PERIOD_CLOSED', 'IDEMPOTENCY_KEY_REUSED']);
    expect(listed('post', '/api/interactions', 422).slice(-3)).toEqual(['BACKDATED_TOO_FAR', 'PERIOD_CLOSED', 'IDEMPOTENCY_KEY_REUSED']);
    expect(listed('post', '/api/auth/sign-out', 422)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });
});
