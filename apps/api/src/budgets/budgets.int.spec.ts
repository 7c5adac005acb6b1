import { api, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

describe('budgets and organisation through the API', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
  });
  afterAll(() => t.close());

  it('refuses a second bootstrap', async () => {
    const r = await c.anonymous.post('/api/org/bootstrap', { headOffice: { unitId: 'HO2', name: 'x' }, admin: { staffId: 'a2', displayName: 'x' } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('ALREADY_BOOTSTRAPPED');
  });

  it('lists the org tree, staff and products', async () => {
    const r = await c.as('analyst-none').get('/api/org');
    expect(r.status).toBe(401);
    const org = await c.as('admin').get('/api/org');
    expect(org.body.units.map((u: { unitId: string }) => u.unitId)).toEqual(['HO', 'BR1', 'BR2', 'SB1', 'SB2', 'OUT1']);
    expect(org.body.products).toHaveLength(4);
  });

  it('lets only admins change the organisation (403)', async () => {
    const r = await c.as('rm1').post('/api/org/units', { unitId: 'X', name: 'x', level: 'outlet', parentId: 'SB1' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('keeps the children\'s budgets within the parent\'s, writing both units atomically', async () => {
    const over = await c.as('admin').post('/api/budgets/HO/allocations', { childUnitId: 'BR2', year: 2026, amount: '900000.01' });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('BUDGET_EXCEEDED');
    const ok = await c.as('admin').post('/api/budgets/HO/allocations', { childUnitId: 'BR2', year: 2026, amount: '900000' });
    expect(ok.status).toBe(200);
    const { rows } = await t.db.pool.query(`SELECT stream_id, type FROM es_events WHERE stream_id IN ('org-HO', 'org-BR2') ORDER BY global_position`);
    expect(rows.slice(-2)).toEqual([
      { stream_id: 'org-HO', type: 'BudgetSplit' },
      { stream_id: 'org-BR2', type: 'BudgetAllocated' },
    ]);
  });

  it('applies a change request once the superior approves it, if the parent can cover it', async () => {
    expect((await c.as('head-br1').post('/api/budgets/BR1/change-requests', { requestId: 'Q1', year: 2026, amount: '150000', reason: 'spring drive' })).status).toBe(201);
    // HO has 1,000,000 with 100,000 to BR1 and 900,000 to BR2: 50,000 more for BR1 does not fit.
    const tooMuch = await c.as('appr-ho').post('/api/budgets/BR1/change-requests/Q1/decision', { approve: true });
    expect(tooMuch.status).toBe(422);
    await c.as('admin').post('/api/budgets/HO/allocations', { childUnitId: 'BR2', year: 2026, amount: '800000' });
    const approved = await c.as('appr-ho').post('/api/budgets/BR1/change-requests/Q1/decision', { approve: true });
    expect(approved.status).toBe(200);
    expect(approved.body.events).toEqual(['BudgetChangeApproved', 'BudgetAllocated', 'BudgetSplit']);
  });
});
