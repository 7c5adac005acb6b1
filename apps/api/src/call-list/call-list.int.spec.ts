import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/** 004:123 "客户经理及时联系客户"; 004 篇九 第十条 (maintenance plan); 001 服务准则 1 and 4 (opt-outs, complaints). */
describe('GET /api/call-list', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let last = '';
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    if (r.body?.position) last = r.body.position;
    return r.body;
  };
  const list = async (who = 'rm1') => (await c.as(who).get(`/api/call-list?minPosition=${last}`)).body;
  let complaintId: string;

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    for (const id of ['D1', 'D2', 'D3', 'D4']) {
      await seedCustomer(t, id, { tolerance: 'R2', optedOut: id === 'D2' ? ['sms'] : [] });
      // Assigned to rm1 by a head of the unit (管户理财经理).
      await ok(c.as('head-br1').post(`/api/customers/${id}/manager`, { staffId: 'rm1' }));
    }
    const mkt = c.as('mkt-br1');
    await ok(mkt.post('/api/campaigns', { campaignId: 'KCALL', name: 'KCALL', ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone', 'sms'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0 }));
    await ok(submitWithPlan(mkt, 'KCALL'));
    await ok(c.as('appr-ho').post('/api/campaigns/KCALL/approve'));
    await ok(mkt.post('/api/campaigns/KCALL/launch'));
    // D3 was called for the campaign today: the policy allows 1 contact per campaign in 7 days.
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'D3', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'KCALL' }));
    complaintId = (await ok(c.as('rm1').post('/api/interactions', { kind: 'complaint', customerId: 'D1', category: 'service_quality' }))).id;
  });
  afterAll(() => t.close());

  it('lists my treatment customers of each running campaign with the channels a contact would be accepted on now', async () => {
    const body = await list();
    expect(body.campaigns).toHaveLength(1);
    const byCustomer = Object.fromEntries(body.campaigns[0].customers.map((x: any) => [x.customerId, Object.fromEntries(x.channels.map((ch: any) => [ch.channel, ch.allowed ? 'ok' : ch.refusal.code]))]));
    expect(byCustomer).toEqual({
      D1: { phone: 'ok', sms: 'ok' },
      D2: { phone: 'ok', sms: 'OPTED_OUT' },
      D3: { phone: 'CONTACT_LIMIT_REACHED', sms: 'CONTACT_LIMIT_REACHED' },
      D4: { phone: 'ok', sms: 'ok' },
    });
    expect(body.campaigns[0].customers.find((x: any) => x.customerId === 'D3').contactableNow).toBe(false);
  });

  it('agrees with the contact itself: what it allows is accepted, what it refuses is refused with the same code', async () => {
    const contact = (customerId: string, channel: string) => c.as('rm1').post('/api/interactions', { kind: 'contact', customerId, staffId: 'rm1', channel, outcome: 'reached', campaignId: 'KCALL' });
    const refused = await contact('D2', 'sms');
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 422, code: 'OPTED_OUT' });
    const accepted = await contact('D4', 'sms');
    expect(accepted.status).toBe(201);
    last = accepted.body.position;
    const after = await list();
    // D4 has had its contact of the week now.
    expect(after.campaigns[0].customers.find((x: any) => x.customerId === 'D4').channels.map((ch: any) => ch.refusal?.code)).toEqual(['CONTACT_LIMIT_REACHED', 'CONTACT_LIMIT_REACHED']);
  });

  it('lists maintenance calls due (not contacted this bank month) and unanswered complaints', async () => {
    const body = await list();
    // D3 and D4 were contacted this month; D1 and D2 never.
    expect(body.maintenanceDue).toEqual([
      { customerId: 'D1', lastContactAt: null },
      { customerId: 'D2', lastContactAt: null },
    ]);
    expect(body.complaintsDue).toEqual([{ customerId: 'D1', complaintId, answerDueBy: expect.any(String), overdue: false }]);
  });

  it('gives each campaign its products and each customer the offers of that campaign still awaiting an answer', async () => {
    // D1: two offers in the campaign's name, the first answered; D2: one offered outside any campaign
    const offer = (customerId: string, offerId: string, campaignId: string | null) => ok(c.as('rm1').post('/api/interactions', { kind: 'offer', customerId, offerId, staffId: 'rm1', productCode: 'FUND-BOND', campaignId }));
    await offer('D1', 'OF-1', 'KCALL');
    await offer('D1', 'OF-2', 'KCALL');
    await offer('D2', 'OF-3', null);
    await ok(c.as('rm1').post('/api/interactions', { kind: 'offer-response', customerId: 'D1', offerId: 'OF-1', accepted: false }));
    const body = await list();
    expect(body.campaigns[0].productCodes).toEqual(['FUND-BOND']);
    const open = Object.fromEntries(body.campaigns[0].customers.map((x: any) => [x.customerId, x.openOffers]));
    expect(open).toEqual({ D1: [{ offerId: 'OF-2', productCode: 'FUND-BOND' }], D2: [], D3: [], D4: [] });
  });

  it('is a relationship manager\'s own: another manager sees none of these customers, a marketer is refused', async () => {
    expect(await list('rm3')).toMatchObject({ campaigns: [], maintenanceDue: [], complaintsDue: [] });
    expect((await c.as('mkt-br1').get('/api/call-list')).body.error.code).toBe('ROLE_NOT_ALLOWED');
  });
});
