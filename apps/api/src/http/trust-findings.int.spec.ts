import { api, seedCustomer, seedOrganisation, storedEvents, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/**
 * The smaller findings of "trust at the door" (issue 16, item 11), each as it was found: through the API.
 * The bank of test/support/api.ts, plus a second relationship manager in SB1 (rm1x), a marketer in
 * BR2 (mkt-br2) and a second admin only where a test says so.
 */
describe('trust at the door: the smaller findings', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const position = async () => (await t.db.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events`)).rows[0]!.n;
  /** The bank month of now, cut in Asia/Shanghai (en-CA gives YYYY-MM-DD). */
  const bankMonth = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await c.as('admin').post('/api/org/staff', { staffId: 'rm1x', displayName: 'rm1x', role: 'relationship_manager', unitId: 'SB1' });
    await c.as('admin').post('/api/org/staff', { staffId: 'mkt-br2', displayName: 'mkt-br2', role: 'marketer', unitId: 'BR2' });
    // U1 and U2: customers of SB1 nobody manages yet (rm1 onboarded them; onboarding assigns no one).
    await seedCustomer(t, 'U1', { tolerance: 'R3' });
    await seedCustomer(t, 'U2', { tolerance: 'R3' });
  });
  afterAll(() => t.close());

  it("refuses a relationship manager reversing a colleague's sale on an unassigned customer; the seller's head may", async () => {
    const sale = await c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId: 'U1', staffId: 'rm1', productCode: 'GOLD', amount: 1000, revenue: '10' });
    expect(sale.status).toBe(201);
    const before = await position();
    const colleague = await c.as('rm1x').post('/api/interactions', { kind: 'reversal', customerId: 'U1', conversionId: sale.body.id, reason: 'not mine' });
    expect(colleague.status).toBe(403);
    expect(colleague.body.error.code).toBe('NOT_YOUR_RECORD');
    expect(await position()).toBe(before);
    const head = await c.as('head-br1').post('/api/interactions', { kind: 'reversal', customerId: 'U1', conversionId: sale.body.id, reason: 'cooling-off' });
    expect(head.status).toBe(201);
  });

  it('revokes every token issued up to the revocation, also within the same second', async () => {
    // Start just after a second begins, so that the token and the revocation share their second.
    while (Date.now() % 1000 > 200) await new Promise((r) => setTimeout(r, 5));
    const { token } = t.runtime.tokens.issue('rm2');
    const revoked = await c.as('admin').post('/api/org/staff/rm2/revoke-tokens');
    expect(revoked.status).toBe(200);
    const old = await fetch(`${t.url}/api/org`, { headers: { authorization: `Bearer ${token}` } });
    expect(old.status).toBe(401);
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe('TOKEN_REVOKED');
    await new Promise((r) => setTimeout(r, 5));
    const fresh = await fetch(`${t.url}/api/org`, { headers: { authorization: `Bearer ${t.runtime.tokens.issue('rm2').token}` } });
    expect(fresh.status).toBe(200);
  });

  it('refuses a 7,000-character id in the path with 400 ID_TOO_LONG, with or without an Idempotency-Key', async () => {
    const long = 'C'.repeat(7000);
    const before = await position();
    const command = await c.as('rm1').post(`/api/customers/${long}/consents`, { channel: 'sms', granted: false }, { 'idempotency-key': 'long-id-1' });
    expect(command.status).toBe(400);
    expect(command.body.error.code).toBe('ID_TOO_LONG');
    const read = await c.as('head-br1').get(`/api/customers/${long}`);
    expect(read.status).toBe(400);
    expect(read.body.error.code).toBe('ID_TOO_LONG');
    // 65 characters: one more than an id may have.
    expect((await c.as('head-br1').get(`/api/customers/${'C'.repeat(65)}`)).body.error.code).toBe('ID_TOO_LONG');
    expect(await position()).toBe(before);
  });

  it("tells a relationship manager of another branch nothing of a customer's waiting claim: scope comes first", async () => {
    const claim = { claimId: 'CL-A', customerId: 'NEWC', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '5000' } };
    expect((await c.as('rm1').post('/api/customers/claims', claim)).status).toBe(201);
    // rm3 works in SB2 (BR2); the claim is SB1's.
    const onboard = await c.as('rm3').post('/api/customers', { customerId: 'NEWC', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '5000' } });
    expect(onboard.status).toBe(403);
    expect(onboard.body.error.code).toBe('OUTSIDE_SCOPE');
    const second = await c.as('rm3').post('/api/customers/claims', { ...claim, claimId: 'CL-B' });
    expect(second.body.error.code).not.toBe('CLAIM_PENDING');
    for (const r of [onboard, second]) expect(JSON.stringify(r.body)).not.toContain('CL-A');
  });

  it('answers 404 alike for an id that does not exist and one outside the reader\'s scope', async () => {
    // Customer: U1 is SB1's; rm3 works in SB2.
    const missing = await c.as('rm3').get('/api/customers/NOBODY');
    const outside = await c.as('rm3').get('/api/customers/U1');
    expect([missing.status, outside.status]).toEqual([404, 404]);
    expect(outside.body.error.code).toBe(missing.body.error.code);
    // Campaign: K-BR1 is BR1's; mkt-br2 works in BR2.
    const draft = await c.as('mkt-br1').post('/api/campaigns', { campaignId: 'K-BR1', name: 'x', ownerUnitId: 'BR1', productCodes: ['DEP-1Y'], channels: ['phone'], budget: '10', period: { start: '2026-01-01', end: '2030-01-01' } });
    expect(draft.status).toBe(201);
    const campaignOutside = await c.as('mkt-br2').get(`/api/campaigns/K-BR1/effectiveness?minPosition=${draft.body.position}`);
    const campaignMissing = await c.as('mkt-br2').get('/api/campaigns/K-NONE/effectiveness');
    expect([campaignOutside.status, campaignMissing.status]).toEqual([404, 404]);
    expect(campaignOutside.body.error.code).toBe(campaignMissing.body.error.code);
    // Scorecard: rm1 is SB1's.
    const personOutside = await c.as('rm3').get('/api/scorecards/rm1?period=2026-03');
    const personMissing = await c.as('rm3').get('/api/scorecards/nobody?period=2026-03');
    expect([personOutside.status, personMissing.status]).toEqual([404, 404]);
    expect(personOutside.body.error.code).toBe(personMissing.body.error.code);
  });

  it('scopes GET /api/org to the reader and never shows token times', async () => {
    await c.as('admin').post('/api/org/staff/mkt-sb1/revoke-tokens'); // someone with revoked tokens is listed without them
    const rm3 = await c.as('rm3').get('/api/org');
    expect(rm3.status).toBe(200);
    // SB2 holds rm3 alone; above it BR2 and HO (where they sit), nothing of BR1's subtree.
    expect(rm3.body.staff.map((s: { staffId: string }) => s.staffId)).toEqual(['rm3']);
    expect(rm3.body.units.map((u: { unitId: string }) => u.unitId).sort()).toEqual(['BR2', 'HO', 'SB2']);
    const head = await c.as('head-br1').get('/api/org');
    // BR1 and below: mkt-br1, appr-br1, head-br1 (BR1), mkt-sb1, rm1, rm1x (SB1), rm2 (OUT1).
    expect(head.body.staff.map((s: { staffId: string }) => s.staffId).sort()).toEqual(['appr-br1', 'head-br1', 'mkt-br1', 'mkt-sb1', 'rm1', 'rm1x', 'rm2']);
    const admin = await c.as('admin').get('/api/org');
    expect(admin.body.staff.length).toBeGreaterThan(10);
    for (const body of [rm3.body, head.body, admin.body]) expect(JSON.stringify(body)).not.toMatch(/tokensValidFrom|issuedAt|token/i);
  });

  it("keeps sale-level scorecard detail from marketers (they see no customer records), not from the seller's head", async () => {
    const sale = await c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId: 'U2', staffId: 'rm1', productCode: 'DEP-1Y', amount: 2000, revenue: '20' });
    expect(sale.status).toBe(201);
    const path = `/api/scorecards/rm1?period=${bankMonth()}&minPosition=${sale.body.position}`;
    const marketer = await c.as('mkt-br1').get(path);
    expect(marketer.status).toBe(200);
    expect(marketer.body.staffId).toBe('rm1');
    expect(marketer.body).not.toHaveProperty('credits');
    expect(JSON.stringify(marketer.body)).not.toContain('U2');
    const head = await c.as('head-br1').get(path);
    expect(head.body.credits.some((x: { customerId: string }) => x.customerId === 'U2')).toBe(true);
  });

  it('four eyes: whoever submitted a campaign once does not approve it, even after a rejection and a resubmission by someone else', async () => {
    const mkt = c.as('mkt-br1');
    expect((await mkt.post('/api/campaigns', { campaignId: 'K-4E', name: 'x', ownerUnitId: 'BR1', productCodes: ['DEP-1Y'], channels: ['phone'], budget: '10', period: { start: '2026-01-01', end: '2030-01-01' } })).status).toBe(201);
    expect((await submitWithPlan(c.as('admin'), 'K-4E')).status).toBe(200);
    expect((await c.as('appr-ho').post('/api/campaigns/K-4E/reject', { reason: 'costs' })).status).toBe(200);
    expect((await submitWithPlan(mkt, 'K-4E')).status).toBe(200);
    const approve = await c.as('admin').post('/api/campaigns/K-4E/approve');
    expect(approve.status).toBe(403);
    expect(approve.body.error.code).toBe('FOUR_EYES');
    expect((await storedEvents(t, 'campaign-K-4E')).map((e) => e.type)).not.toContain('CampaignApproved');
  });

  it('refuses at draft an audience naming units outside the owning unit', async () => {
    const r = await c.as('mkt-br1').post('/api/campaigns', {
      campaignId: 'K-AUD',
      name: 'x',
      ownerUnitId: 'BR1',
      productCodes: ['DEP-1Y'],
      channels: ['phone'],
      budget: '10',
      period: { start: '2026-01-01', end: '2030-01-01' },
      audience: { unitIds: ['SB1', 'SB2'] },
    });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'OUTSIDE_SCOPE', details: { unitId: 'SB2' } });
    expect(await storedEvents(t, 'campaign-K-AUD')).toEqual([]);
  });

  it('lets the last admin not give up the role', async () => {
    const r = await c.as('admin').post('/api/org/staff/admin/role', { role: 'analyst' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('LAST_ADMIN');
    expect((await c.as('admin').get('/api/org')).body.staff.find((s: { staffId: string }) => s.staffId === 'admin').role).toBe('admin');
  });

  it('audits refusals made before the guard with the actor the token names, and refused reads of a customer', async () => {
    await c.as('rm1').post('/api/customers/U1/consents', 'channel=sms', { 'content-type': 'text/plain', 'x-correlation-id': 'corr-415' });
    await c.as('rm3').get('/api/customers/U1');
    const find = async (match: (e: Record<string, unknown>) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const list = (await c.as('admin').get('/api/audit?limit=1000')).body.entries as Record<string, unknown>[];
        const hit = list.find(match);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    };
    expect(await find((e) => e.correlationId === 'corr-415')).toMatchObject({ actor: 'rm1', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await find((e) => e.actor === 'rm3' && e.path === '/api/customers/U1')).toMatchObject({ method: 'GET', status: 404, kind: 'denied-customer-read' });
  });

  it('answers POSITION_AHEAD at once for a minPosition whose prepare part the store has not handed out', async () => {
    const r = await c.as('rm1').post('/api/customers/U1/consents', { channel: 'email', granted: false });
    const [commit, prepare] = String(r.body.position).split('/');
    const ahead = await c.as('head-br1').get(`/api/customers/U1?minPosition=${commit}/${BigInt(prepare!) + 1_000_000n}`);
    expect(ahead.status).toBe(400);
    expect(ahead.body.error.code).toBe('POSITION_AHEAD');
    // The position itself is fine.
    expect((await c.as('head-br1').get(`/api/customers/U1?minPosition=${r.body.position}`)).status).toBe(200);
  });
});
