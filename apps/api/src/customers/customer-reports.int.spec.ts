import { randomUUID } from 'node:crypto';
import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

describe('customer 360, points ledger, budget usage and supervision exceptions', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let last = '';
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    if (r.body?.position) last = r.body.position;
    return r.body;
  };
  const get = async (path: string) => (await c.as('admin').get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${last}`)).body;
  /** Events from another channel, appended as they come: the supervision report must catch what the rules would not allow. */
  const imported = (streamId: string, type: string, data: object, occurredAt: string) =>
    t.runtime.store
      .appendToStream(streamId, [{ type, data, metadata: { eventId: randomUUID(), correlationId: 'import', causationId: null, actor: 'import', orgUnit: null, occurredAt, schemaVersion: 1 } }], 'any')
      .then((r) => (last = `${r.position.commit}/${r.position.prepare}`));

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'A', { tolerance: 'R3' });
    const rm = c.as('rm1');
    const admin = c.as('admin');
    await ok(admin.post('/api/customers/A/manager', { staffId: 'rm1' }));
    await ok(admin.post('/api/customers/A/balances', { month: '2026-01', averageDailyAssets: '250000' }));
    await ok(rm.post('/api/customers/A/consents', { channel: 'sms', granted: false }));
    for (let i = 1; i <= 12; i++) {
      await ok(rm.post('/api/interactions', { kind: 'contact', customerId: 'A', staffId: 'rm1', channel: 'phone', outcome: `call ${i}`, occurredAt: `2026-02-${String(i).padStart(2, '0')}T09:00:00Z` }));
    }
    await ok(rm.post('/api/customers/A/vip-card/applications', { applicationId: 'APP-1', tier: 'standard' }));
    await ok(rm.post('/api/customers/A/vip-card/issue', { cardId: 'CARD-1', occurredAt: '2026-03-01T00:00:00Z' }));
    await ok(admin.post('/api/points/A/benefit', { month: '2026-03', assetChange: '100000', profitParameter: '0.001' })); // 100
    await ok(admin.post('/api/points/A/transactions', { transactionId: 'T1', spend: '35.70' })); // 35
    await ok(admin.post('/api/points/A/redemptions', { redemptionId: 'R1', points: 60 }));
    await ok(admin.post('/api/points/A/transactions/T1/reversal', { reason: 'disputed' })); // −35

    // Budgets: HO 1,000,000 with 100,000 to BR1 (seeded); a BR1 campaign commits 20,000, spends 1,500, completes.
    const mkt = c.as('mkt-br1');
    await ok(mkt.post('/api/campaigns', { campaignId: 'K1', name: 'k', ownerUnitId: 'BR1', productCodes: ['DEP-1Y'], channels: ['phone'], budget: '20000', period: { start: '2026-01-01', end: '2030-01-01' } }));
    await ok(submitWithPlan(mkt, 'K1'));
    await ok(c.as('appr-ho').post('/api/campaigns/K1/approve'));
    await ok(mkt.post('/api/campaigns/K1/launch'));
    await ok(mkt.post('/api/campaigns/K1/costs', { amount: '1500' }));
    await ok(mkt.post('/api/campaigns/K1/complete'));

    // Supervision: B's application approved long ago without a card; C's card has no application; D's card tier differs.
    await seedCustomer(t, 'B');
    await ok(admin.post('/api/customers/B/balances', { month: '2026-01', averageDailyAssets: '250000' }));
    await ok(rm.post('/api/customers/B/vip-card/applications', { applicationId: 'APP-B', tier: 'standard', occurredAt: '2026-01-05T00:00:00Z' }));
    await imported('customer-C', 'VipCardIssued', { customerId: 'C', cardId: 'CARD-C', applicationId: 'NONE', tier: 'platinum', special: false, unitId: 'SB1', validUntil: '2028-01-01T00:00:00Z' }, '2026-03-02T00:00:00Z');
    await imported('customer-D', 'VipCardApplied', { customerId: 'D', applicationId: 'APP-D', tier: 'standard', special: false }, '2026-03-01T00:00:00Z');
    await imported('customer-D', 'VipCardApplicationApproved', { customerId: 'D', applicationId: 'APP-D', approvedBy: 'system', special: false }, '2026-03-01T00:00:00Z');
    await imported('customer-D', 'VipCardIssued', { customerId: 'D', cardId: 'CARD-D', applicationId: 'APP-D', tier: 'black', special: true, unitId: 'SB2', validUntil: '2028-01-01T00:00:00Z' }, '2026-03-02T00:00:00Z');
    // E's card follows E up to platinum at the annual review: the review's doing, no exception. F's card
    // changes tier by another channel, cause unrecorded: still a mismatch with its application.
    await seedCustomer(t, 'E');
    await ok(admin.post('/api/customers/E/balances', { month: '2026-01', averageDailyAssets: '250000' }));
    await ok(rm.post('/api/customers/E/vip-card/applications', { applicationId: 'APP-E', tier: 'standard' }));
    await ok(rm.post('/api/customers/E/vip-card/issue', { cardId: 'CARD-E' }));
    await ok(admin.post('/api/customers/E/balances', { month: '2026-02', averageDailyAssets: '4000000' }));
    await ok(admin.post('/api/customers/E/balances', { month: '2026-03', averageDailyAssets: '4000000' }));
    await ok(admin.post('/api/customers/E/vip-card/review', { year: 2027 }));
    await imported('customer-F', 'VipCardApplied', { customerId: 'F', applicationId: 'APP-F', tier: 'standard', special: false }, '2026-03-01T00:00:00Z');
    await imported('customer-F', 'VipCardApplicationApproved', { customerId: 'F', applicationId: 'APP-F', approvedBy: 'system', special: false }, '2026-03-01T00:00:00Z');
    await imported('customer-F', 'VipCardIssued', { customerId: 'F', cardId: 'CARD-F', applicationId: 'APP-F', tier: 'standard', special: false, unitId: 'SB1', validUntil: '2028-01-01T00:00:00Z' }, '2026-03-02T00:00:00Z');
    await imported('customer-F', 'VipCardTierChanged', { customerId: 'F', cardId: 'CARD-F', from: 'standard', to: 'black' }, '2026-03-03T00:00:00Z');
    // Complaints (001 服务准则 4): G's is past its deadline unanswered; H's was answered, late; I's deadline is still ahead.
    for (const id of ['G', 'H', 'I']) await seedCustomer(t, id);
    const contactG = await ok(rm.post('/api/interactions', { kind: 'contact', customerId: 'G', staffId: 'rm1', channel: 'phone', outcome: 'reached', occurredAt: '2026-03-01T09:00:00Z' }));
    await ok(rm.post('/api/interactions', { kind: 'complaint', customerId: 'G', complaintId: 'CP-G', category: 'pushy_sale', contactId: contactG.id, answerWithinDays: 5, occurredAt: '2026-03-01T10:00:00Z' }));
    await ok(rm.post('/api/interactions', { kind: 'complaint', customerId: 'H', complaintId: 'CP-H', category: 'too_many_calls', answerWithinDays: 5, occurredAt: '2026-03-01T10:00:00Z' }));
    await ok(rm.post('/api/customers/H/complaints/CP-H/answer', { occurredAt: '2026-03-20T10:00:00Z' }));
    await ok(rm.post('/api/interactions', { kind: 'complaint', customerId: 'I', complaintId: 'CP-I', category: 'too_many_calls', answerWithinDays: 90 }));
    // The machine may be busy (tests run in parallel): let the projector catch up before reading.
    await expectCaughtUp(t.runtime.projector!, 60_000);
  });
  afterAll(() => t.close());

  it('shows the customer whole', async () => {
    const a = await get('/api/customers/A');
    expect(a).toMatchObject({
      customerId: 'A',
      unitId: 'SB1',
      tier: 'standard',
      tierHistory: [{ month: '2026-01', from: 'ordinary', to: 'standard', threeMonthAverage: '250000.00' }],
      managerId: 'rm1',
      optedOut: ['sms'],
      riskProfile: { tolerance: 'R3', expired: false },
      vipCard: { cardId: 'CARD-1', tier: 'standard', validUntil: '2028-03-01T00:00:00.000Z' },
      campaigns: [{ campaignId: 'K1', group: expect.stringMatching(/^(treatment|control)$/) }], // BR1's K1 took every BR1 customer
      pointsBalance: 40, // 100 + 35 − 60 − 35
    });
    expect(a.lastContacts).toHaveLength(10);
    // An outcome is free text, kept in the vault: masked for the admin, in clear for the customer's manager.
    expect(a.lastContacts[0]).toMatchObject({ outcome: '***', occurredAt: '2026-02-12T09:00:00.000Z' });
    expect((await c.as('rm1').get('/api/customers/A')).body.lastContacts[0]).toMatchObject({ outcome: 'call 12', occurredAt: '2026-02-12T09:00:00.000Z' });
    expect(a.readModel.projection).toBe('customer-360');
    expect((await c.as('admin').get('/api/customers/NOPE')).status).toBe(404);
  });

  it('keeps the points ledger with its running balance', async () => {
    const ledger = await get('/api/customers/A/points');
    expect(ledger.entries.map((e: { kind: string; points: number; balance: number }) => [e.kind, e.points, e.balance])).toEqual([
      ['BenefitPointsAccrued', 100, 100],
      ['TransactionPointsEarned', 35, 135],
      ['PointsRedeemed', -60, 75],
      ['TransactionPointsReversed', -35, 40],
    ]);
    expect(ledger.balance).toBe(40);
  });

  it('reports each unit\'s budget usage', async () => {
    const usage = await get('/api/budgets?year=2026');
    expect(usage.units).toEqual([
      { unitId: 'BR1', year: 2026, allocated: '100000.00', splitToUnitsBelow: '0.00', committedToCampaigns: '20000.00', released: '18500.00', spent: '1500.00', remaining: '98500.00' },
      { unitId: 'HO', year: 2026, allocated: '1000000.00', splitToUnitsBelow: '100000.00', committedToCampaigns: '0.00', released: '0.00', spent: '0.00', remaining: '900000.00' },
    ]);
  });

  it('lists the supervision exceptions, DOMAIN Customer tiers: not the card tier the annual review set (E)', async () => {
    const body = await get('/api/exceptions');
    expect(body.error).toBeUndefined();
    const { exceptions } = body;
    expect(exceptions.map((e: { kind: string; customerId: string | null; unitId: string | null }) => [e.kind, e.customerId ?? e.unitId])).toEqual([
      ['card_without_application', 'C'],
      ['application_without_card', 'B'],
      ['tier_mismatch', 'D'],
      ['tier_mismatch', 'F'],
      ['special_quota_exceeded', 'SB2'],
      ['complaint_overdue', 'G'],
    ]);
    expect(exceptions.find((e: { kind: string }) => e.kind === 'application_without_card').unitId).toBe('SB1');
    // a head of the unit sees every kind that concerns it, the application without a card included
    const mine = (await c.as('head-br1').get('/api/exceptions')).body.exceptions.map((e: { kind: string; customerId: string | null }) => [e.kind, e.customerId]);
    expect(mine).toContainEqual(['application_without_card', 'B']);
    expect(mine).not.toContainEqual(['special_quota_exceeded', null]); // SB2's, outside BR1
  });

  it('DOMAIN Contacts ("Complaints … answered within a deadline"; 001 服务准则 4): lists a complaint past its deadline and unanswered as of now as an exception, with its unit and the person it is about', async () => {
    const { exceptions } = await get('/api/exceptions');
    const overdue = exceptions.filter((e: { kind: string }) => e.kind === 'complaint_overdue');
    // Recorded 2026-03-01 10:00 with 5 days to answer: due 2026-03-06 10:00, and never answered.
    expect(overdue).toEqual([
      { kind: 'complaint_overdue', unitId: 'SB1', customerId: 'G', details: { complaintId: 'CP-G', category: 'pushy_sale', staffId: 'rm1', campaignId: null, answerDueBy: '2026-03-06T10:00:00.000Z' } },
    ]);
    // The head of the customer's branch sees it.
    expect((await c.as('head-br1').get('/api/exceptions')).body.exceptions.map((e: { kind: string; customerId: string }) => [e.kind, e.customerId])).toContainEqual(['complaint_overdue', 'G']);
  });
});
