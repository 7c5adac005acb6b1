import { api, seedOrganisation, storedEvents } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

const NAME = '林遥测试';
const PHONE = '13912345678';
const NEW_PHONE = '13700001111';

/** Every row of every table, as text, that contains `needle`: personal data must appear nowhere in plaintext. */
async function tablesContaining(t: TestApp, needle: string): Promise<string[]> {
  const { rows } = await t.db.pool.query(
    `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
  );
  const found: string[] = [];
  for (const r of rows) {
    const q = await t.db.pool.query(`SELECT count(*)::int AS n FROM "${r.table_schema}"."${r.table_name}" x WHERE x::text LIKE $1`, [`%${needle}%`]);
    if (q.rows[0].n > 0) found.push(`${r.table_schema}.${r.table_name}`);
  }
  return found;
}

describe('personal data: vault, masking, correction, erasure', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await c.as('admin').post('/api/org/staff', { staffId: 'analyst1', displayName: 'Analyst', role: 'analyst', unitId: 'HO' });
    const r = await c.as('rm1').post('/api/customers', { customerId: 'P1', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '250000' }, personal: { name: NAME, phone: PHONE } });
    expect(r.status).toBe(201);
    await c.as('admin').post('/api/customers/P1/balances', { month: '2026-01', averageDailyAssets: '250000' });
    // rm1 manages P1 (the personal data of a customer nobody manages is the heads' alone: personal-data-scope.int.spec.ts).
    expect((await c.as('head-br1').post('/api/customers/P1/manager', { staffId: 'rm1' })).status).toBe(200);
    await expectCaughtUp(t.runtime.projector!, 30_000);
  });
  afterAll(() => t.close());

  it('keeps personal data out of the event log and every table, in plaintext', async () => {
    expect((await storedEvents(t, 'customer-P1')).map((e) => e.type)).toEqual(['CustomerOnboarded', 'BalanceSnapshotRecorded', 'CustomerTierChanged', 'CustomerAssignedToManager']);
    expect(await tablesContaining(t, NAME)).toEqual([]);
    expect(await tablesContaining(t, PHONE)).toEqual([]);
  });

  it('shows it to staff and masks it for analysts', async () => {
    expect((await c.as('rm1').get('/api/customers/P1')).body.personal).toEqual({ name: NAME, phone: PHONE });
    expect((await c.as('analyst1').get('/api/customers/P1')).body.personal).toEqual({ name: '林***', phone: '139****5678' });
  });

  it('corrects a field, recording only which fields changed', async () => {
    expect((await c.as('rm1').post('/api/customers/P1/personal-data', { phone: NEW_PHONE })).status).toBe(200);
    expect((await storedEvents(t, 'customer-P1')).at(-1)).toEqual({ type: 'CustomerPersonalDataCorrected', data: { customerId: 'P1', fields: ['phone'] } });
    expect((await c.as('rm1').get('/api/customers/P1')).body.personal).toEqual({ name: NAME, phone: NEW_PHONE });
  });

  it('erases on an admin\'s request: nothing readable remains, the figures stay', async () => {
    expect((await c.as('rm1').post('/api/customers/P1/erasure', { reason: 'customer_request' })).status).toBe(403);
    const r = await c.as('admin').post('/api/customers/P1/erasure', { reason: 'customer_request' });
    expect(r.status).toBe(200);
    expect(r.body.events).toEqual(['CustomerDataErased']);
    const after = (await c.as('admin').get(`/api/customers/P1?minPosition=${r.body.position}`)).body;
    expect(after).toMatchObject({ personal: null, personalDataErased: true, tier: 'standard', unitId: 'SB1' });
    expect(await tablesContaining(t, NAME)).toEqual([]);
    expect(await tablesContaining(t, NEW_PHONE)).toEqual([]);
    const again = await c.as('rm1').post('/api/customers/P1/personal-data', { name: 'Someone' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DATA_ERASED');
  });
});
