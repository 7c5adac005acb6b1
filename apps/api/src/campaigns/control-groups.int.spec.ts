import { api, seedCustomer, seedOrganisation, storedEvents, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/** DOMAIN.md, Campaigns: "A running campaign's control customers are kept out of other campaigns' audiences and contacts … unless another campaign's owner explicitly includes them". */
describe('control groups of running campaigns through the API', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const customers = Array.from({ length: 30 }, (_, i) => `G${String(i).padStart(2, '0')}`);

  const groupsOf = async (campaignId: string) => {
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE type = 'CustomerEnrolledInCampaign' AND data->>'campaignId' = $1 ORDER BY data->>'customerId'`, [campaignId]);
    const of = (group: string) => rows.filter((r) => r.data.group === group).map((r) => r.data.customerId as string);
    return { treatment: of('treatment'), control: of('control') };
  };
  const launch = async (campaignId: string, over: Record<string, unknown> = {}) => {
    const mkt = c.as('mkt-br1');
    const plan = { campaignId, name: campaignId, ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, ...over };
    expect((await mkt.post('/api/campaigns', plan)).status).toBe(201);
    await submitWithPlan(mkt, campaignId);
    await c.as('appr-ho').post(`/api/campaigns/${campaignId}/approve`);
    const r = await mkt.post(`/api/campaigns/${campaignId}/launch`);
    expect(r.status).toBe(200);
    return r.body as { audienceSize: number; controlCount: number; excluded: Record<string, number> };
  };
  const contact = (customerId: string, campaignId: string) =>
    c.as('rm1').post('/api/interactions', { kind: 'contact', customerId, staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId });

  let heldByA: string[];

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    for (const id of customers) await seedCustomer(t, id, { tolerance: 'R2' });
    await launch('KA', { controlGroupPercent: 40 });
    heldByA = (await groupsOf('KA')).control;
    expect(heldByA.length).toBeGreaterThan(3);
  });
  afterAll(() => t.close());

  it('leaves a running campaign\'s control customers out of another campaign\'s launch, and reports them (IN_ANOTHER_CONTROL_GROUP)', async () => {
    const launched = await launch('KB', { controlGroupPercent: 40 });
    expect(launched).toMatchObject({ audienceSize: customers.length - heldByA.length, excluded: { IN_ANOTHER_CONTROL_GROUP: heldByA.length } });
    const kb = await groupsOf('KB');
    expect([...kb.treatment, ...kb.control].filter((id) => heldByA.includes(id))).toEqual([]);
  });

  it('includes them when the other campaign\'s owner explicitly chose to (includeOtherControlGroups), and records the choice in the plan', async () => {
    const launched = await launch('KC', { controlGroupPercent: 0, includeOtherControlGroups: true });
    expect(launched).toMatchObject({ audienceSize: customers.length, excluded: {} });
    expect((await storedEvents(t, 'campaign-KC'))[0]).toMatchObject({ type: 'CampaignDrafted', data: { includeOtherControlGroups: true } });
    expect((await contact(heldByA[0]!, 'KC')).status).toBe(201);
  });

  it('refuses a contact for a campaign to its treatment customer once a later campaign holds them in its running control group (422 IN_ANOTHER_CONTROL_GROUP), and allows it again once that campaign is cancelled', async () => {
    const kb = await groupsOf('KB');
    await launch('KD', { controlGroupPercent: 50 });
    const kd = await groupsOf('KD');
    const both = kb.treatment.filter((id) => kd.control.includes(id));
    expect(both.length).toBeGreaterThan(0);
    const before = (await storedEvents(t, `customer-${both[0]}`)).length;
    const refused = await contact(both[0]!, 'KB');
    expect([refused.status, refused.body.error]).toMatchObject([422, { code: 'IN_ANOTHER_CONTROL_GROUP', details: { campaignIds: ['KD'] } }]);
    const offer = await c.as('rm1').post('/api/interactions', { kind: 'offer', customerId: both[0], staffId: 'rm1', productCode: 'FUND-BOND', campaignId: 'KB' });
    expect([offer.status, offer.body.error?.code]).toEqual([422, 'IN_ANOTHER_CONTROL_GROUP']);
    const sale = await c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId: both[0], staffId: 'rm1', productCode: 'FUND-BOND', amount: '1000', revenue: '10', campaignId: 'KB' });
    expect([sale.status, sale.body.error?.code]).toEqual([422, 'IN_ANOTHER_CONTROL_GROUP']);
    expect(await storedEvents(t, `customer-${both[0]}`)).toHaveLength(before);
    // Outside any campaign the customer is served as usual.
    expect((await c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: both[0], staffId: 'rm1', channel: 'phone', outcome: 'maintenance call' })).status).toBe(201);

    expect((await c.as('mkt-br1').post('/api/campaigns/KD/cancel', { reason: 'budget moved' })).status).toBe(200);
    expect((await contact(both[0]!, 'KB')).status).toBe(201);
  });
});
