import { api, seedOrganisation, storedEvents } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

const NAME = '王芳测试';
const PHONE = '13811112222';

/**
 * Personal data in clear only for the customer's own manager and the heads of the units above the
 * customer (issue 16, item 8: 129 of 200 sampled demo customers had no manager, and every
 * relationship manager of their sub-branch read and could overwrite their details).
 * W1 is a customer of SB1 nobody manages; rm1 and rm1x work in SB1, head-br1 heads BR1 above it.
 */
describe('personal data of a customer nobody manages yet', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await c.as('admin').post('/api/org/staff', { staffId: 'rm1x', displayName: 'rm1x', role: 'relationship_manager', unitId: 'SB1' });
    const r = await c.as('rm1').post('/api/customers', { customerId: 'W1', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '80000' }, personal: { name: NAME, phone: PHONE } });
    expect(r.status).toBe(201);
    await expectCaughtUp(t.runtime.projector!, 30_000);
  });
  afterAll(() => t.close());

  it("masks it for the sub-branch's relationship managers, who may still serve the customer, and shows it in clear to the heads above", async () => {
    for (const rm of ['rm1', 'rm1x']) {
      const r = await c.as(rm).get('/api/customers/W1');
      expect(r.status).toBe(200);
      // masking keeps the first character of the name and 3 + 4 digits of the phone: 138****2222
      expect(r.body.personal).toEqual({ name: '王***', phone: '138****2222' });
    }
    expect((await c.as('head-br1').get('/api/customers/W1')).body.personal).toEqual({ name: NAME, phone: PHONE });
  });

  it('refuses a relationship manager overwriting it (403), appending nothing and leaving the vault as it was', async () => {
    const before = (await storedEvents(t, 'customer-W1')).length;
    const r = await c.as('rm1x').post('/api/customers/W1/personal-data', { phone: '13900000000' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('NOT_YOUR_CUSTOMER');
    expect((await storedEvents(t, 'customer-W1')).length).toBe(before);
    expect((await c.as('head-br1').get('/api/customers/W1')).body.personal).toEqual({ name: NAME, phone: PHONE });
  });

  it('shows it in clear to the manager once one is assigned, and to no colleague', async () => {
    const assigned = await c.as('head-br1').post('/api/customers/W1/manager', { staffId: 'rm1' });
    expect(assigned.status).toBe(200);
    expect((await c.as('rm1').get(`/api/customers/W1?minPosition=${assigned.body.position}`)).body.personal).toEqual({ name: NAME, phone: PHONE });
    expect((await c.as('rm1').post('/api/customers/W1/personal-data', { phone: '13900000000' })).status).toBe(200);
    // rm1x no longer reaches W1 at all: answered as an unknown customer.
    expect((await c.as('rm1x').get('/api/customers/W1')).status).toBe(404);
  });
});
