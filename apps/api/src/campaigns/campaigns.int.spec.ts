import { api, seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

const plan = (campaignId: string, over: Record<string, unknown> = {}) => ({
  campaignId,
  name: 'Spring deposit drive',
  ownerUnitId: 'BR1',
  productCodes: ['DEP-1Y', 'FUND-BOND'],
  channels: ['phone'],
  audience: { genders: ['F'] },
  budget: '20000',
  period: { start: '2026-01-01', end: '2030-01-01' },
  controlGroupPercent: 20,
  ...over,
});

describe('campaign lifecycle through the API', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    for (let i = 0; i < 30; i++) await seedCustomer(t, `F${i}`, { gender: 'F' });
    for (let i = 0; i < 5; i++) await seedCustomer(t, `M${i}`, { gender: 'M' });
  });
  afterAll(() => t.close());

  it('goes draft → submitted → approved → launched → costs → completed, with the catalogue events in the store', async () => {
    const mkt = c.as('mkt-br1');
    expect((await mkt.post('/api/campaigns', plan('K1'))).status).toBe(201);
    expect((await mkt.post('/api/campaigns/K1/submit', { planDocumentRef: 'dms://K1.pdf' })).status).toBe(200);
    expect((await c.as('appr-ho').post('/api/campaigns/K1/approve')).status).toBe(200);
    const launched = await mkt.post('/api/campaigns/K1/launch');
    expect(launched.status).toBe(200);
    // Audience: the 30 female customers of BR1's subtree; the men are not in it.
    expect(launched.body.audienceSize).toBe(30);
    expect(launched.body.controlCount).toBeGreaterThan(0);

    const enrolments = await t.db.pool.query(`SELECT data FROM es_events WHERE type = 'CustomerEnrolledInCampaign' AND data->>'campaignId' = 'K1'`);
    expect(enrolments.rows).toHaveLength(30);
    const treatment = enrolments.rows.filter((r) => r.data.group === 'treatment').map((r) => r.data.customerId as string);
    expect(treatment.length).toBe(30 - launched.body.controlCount);

    expect((await mkt.post('/api/campaigns/K1/costs', { amount: '1000.00', description: 'SMS batch' })).status).toBe(201);
    expect((await mkt.post('/api/campaigns/K1/costs', { amount: '50', customerId: treatment[0], description: 'gift' })).status).toBe(201);
    // T0 has 1,000 benefit points (1,000,000 × 0.001) to lose to their cost share.
    expect((await c.as('admin').post(`/api/points/${treatment[0]}/benefit`, { month: '2026-01', assetChange: '1000000', profitParameter: '0.001' })).status).toBe(201);
    expect(await t.runtime.projector!.catchUp(30_000)).toBe(true);
    const completed = await mkt.post('/api/campaigns/K1/complete');
    expect(completed.status).toBe(200);
    expect(completed.body.events).toEqual(['CampaignCompleted']);
    // Share of the unassigned 1,000.00 is floor(100000 fen / n) each; T0 also had 50.00 recorded for them.
    const n = treatment.length;
    const t0Points = Math.min(1000, Math.floor((Math.floor(100_000 / n) + 5_000) / 100));
    expect(completed.body.pointsDeduction).toEqual({ campaignId: 'K1', participants: n, deducted: n, points: t0Points });
    const again = await mkt.post('/api/campaigns/K1/points-deduction');
    expect(again.body).toEqual({ campaignId: 'K1', participants: n, deducted: 0, points: 0 });
    const ledger = await t.db.pool.query(`SELECT data FROM es_events WHERE stream_id = $1 AND type = 'CampaignCostPointsDeducted'`, [`points-${treatment[0]}`]);
    expect(ledger.rows.map((r) => r.data)).toEqual([{ customerId: treatment[0], campaignId: 'K1', costShare: expect.any(String), points: t0Points, drawnFrom: [{ lotId: 'benefit-2026-01', points: t0Points }] }]);

    const { rows } = await t.db.pool.query(`SELECT type, data FROM es_events WHERE stream_id = 'campaign-K1' ORDER BY stream_position`);
    expect(rows.map((r) => r.type)).toEqual([
      'CampaignDrafted',
      'CampaignSubmitted',
      'CampaignApproved',
      'CampaignLaunched',
      'CampaignCostRecorded',
      'CampaignCostRecorded',
      'CampaignCompleted',
    ]);
    expect(rows[4]!.data).toMatchObject({ campaignId: 'K1', amount: '1000.00', customerId: null });
    expect(rows[6]!.data).toMatchObject({ totalCost: '1050.00', unassignedCost: '1000.00', participantCount: treatment.length, budgetReleased: '18950.00' });
    const budget = await t.db.pool.query(`SELECT type, data FROM es_events WHERE stream_id = 'org-BR1' ORDER BY stream_position`);
    expect(budget.rows.map((r) => r.type)).toEqual(['BudgetAllocated', 'BudgetCommitted', 'BudgetReleased']);
    expect(budget.rows[2]!.data).toMatchObject({ campaignId: 'K1', amount: '18950.00' });
  });

  it('refuses approval by a unit that is not above the owner (403)', async () => {
    await c.as('mkt-br1').post('/api/campaigns', plan('K2'));
    await c.as('mkt-br1').post('/api/campaigns/K2/submit', { planDocumentRef: 'doc' });
    const r = await c.as('appr-br1').post('/api/campaigns/K2/approve');
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('NOT_SUPERIOR_UNIT');
  });

  it('refuses an illegal transition (409)', async () => {
    await c.as('mkt-br1').post('/api/campaigns', plan('K3'));
    const r = await c.as('mkt-br1').post('/api/campaigns/K3/launch');
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('INVALID_CAMPAIGN_STATE');
  });

  it('refuses a launch beyond the unit\'s remaining budget (422) and appends nothing', async () => {
    await c.as('mkt-br1').post('/api/campaigns', plan('K4', { budget: '500000' }));
    await c.as('mkt-br1').post('/api/campaigns/K4/submit', { planDocumentRef: 'doc' });
    await c.as('appr-ho').post('/api/campaigns/K4/approve');
    const before = await t.runtime.store.headPosition();
    const r = await c.as('mkt-br1').post('/api/campaigns/K4/launch');
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'BUDGET_EXCEEDED', details: { unitId: 'BR1', year: 2026 } });
    expect(await t.runtime.store.headPosition()).toEqual(before);
  });

  it('enrols only the customers their own rules accept: an erased customer the audience rule matches is left out', async () => {
    expect((await c.as('admin').post('/api/customers/M0/erasure', { reason: 'customer request' })).status).toBe(200);
    await c.as('mkt-br1').post('/api/campaigns', plan('K7', { audience: { genders: ['M'] } }));
    await c.as('mkt-br1').post('/api/campaigns/K7/submit', { planDocumentRef: 'doc' });
    await c.as('appr-ho').post('/api/campaigns/K7/approve');
    const r = await c.as('mkt-br1').post('/api/campaigns/K7/launch');
    expect(r.status).toBe(200);
    // Five men match the rule; M0's data was erased: the directory leaves M0 out of the audience
    // (and the customer decider would refuse to enrol M0, DATA_ERASED, were the directory behind).
    expect(r.body).toMatchObject({ audienceSize: 4, excluded: {} });
    const enrolled = await t.db.pool.query(`SELECT data->>'customerId' AS id FROM es_events WHERE type = 'CustomerEnrolledInCampaign' AND data->>'campaignId' = 'K7' ORDER BY 1`);
    expect(enrolled.rows.map((x) => x.id)).toEqual(['M1', 'M2', 'M3', 'M4']);
    const launched = await t.db.pool.query(`SELECT data FROM es_events WHERE stream_id = 'campaign-K7' AND type = 'CampaignLaunched'`);
    expect(launched.rows[0]!.data).toMatchObject({ audienceSize: 4 });
  });

  it('leaves out customers opted out of every channel the campaign uses (DOMAIN.md, Privacy: "Contact only customers who have not opted out of the channel")', async () => {
    await seedCustomer(t, 'U-ALL', { gender: 'U', optedOut: ['phone', 'sms'] });
    await seedCustomer(t, 'U-SOME', { gender: 'U', optedOut: ['phone'] });
    await seedCustomer(t, 'U-NONE', { gender: 'U' });
    await c.as('mkt-br1').post('/api/campaigns', plan('K8', { audience: { genders: ['U'] }, channels: ['phone', 'sms'] }));
    await c.as('mkt-br1').post('/api/campaigns/K8/submit', { planDocumentRef: 'doc' });
    await c.as('appr-ho').post('/api/campaigns/K8/approve');
    const r = await c.as('mkt-br1').post('/api/campaigns/K8/launch');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ audienceSize: 2, excluded: {} });
    const enrolled = await t.db.pool.query(`SELECT data->>'customerId' AS id FROM es_events WHERE type = 'CustomerEnrolledInCampaign' AND data->>'campaignId' = 'K8' ORDER BY 1`);
    expect(enrolled.rows.map((x) => x.id)).toEqual(['U-NONE', 'U-SOME']);
  });

  it('answers an unknown campaign with 404', async () => {
    const r = await c.as('mkt-br1').post('/api/campaigns/NOPE/submit', { planDocumentRef: 'doc' });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('UNKNOWN_CAMPAIGN');
  });

  it('refuses unknown fields and bad values with 400 and the error shape', async () => {
    const unknownField = await c.as('mkt-br1').post('/api/campaigns', { ...plan('K5'), extra: 1 });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.code).toBe('VALIDATION_FAILED');
    const badBudget = await c.as('mkt-br1').post('/api/campaigns', plan('K5', { budget: '12.345' }));
    expect(badBudget.status).toBe(400);
    expect(badBudget.body.error.details.problems[0].path).toBe('budget');
    // A time without its offset would be read in the server's zone: refused. A bare day is a bank day.
    const noOffset = await c.as('mkt-br1').post('/api/campaigns', plan('K5', { period: { start: '2026-01-01T09:00:00', end: '2030-01-01' } }));
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.error.details.problems[0].path).toBe('period.start');
    const malformed = await c.as('mkt-br1').post('/api/campaigns', '{"campaignId": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('MALFORMED_JSON');
  });

  it('refuses a request without a known actor (401)', async () => {
    expect((await c.anonymous.post('/api/campaigns', plan('K6'))).body.error.code).toBe('UNAUTHENTICATED');
    expect((await c.as('nobody').post('/api/campaigns', plan('K6'))).status).toBe(401);
  });
});
