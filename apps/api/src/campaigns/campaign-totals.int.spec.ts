import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

/**
 * Issue 13 item 9: no sale counted twice in a total. X is in two overlapping campaigns of BR1, K1
 * (DEP-1Y, FUND-BOND) and K2 (DEP-1Y), both without a control group, and buys four times; Y buys
 * a product of neither. Each campaign's own group figures count X's sales of its products (so
 * DEP-1Y sales count in both), but the totals across campaigns count each sale once.
 *
 * Sold in all: X 100.00 + 40.00 + 10.00 + 200.00, Y 50.00 = 400.00.
 */
describe('totals across overlapping campaigns', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let last = '';
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    if (r.body?.position) last = r.body.position;
    return r.body;
  };
  const march = (day: number, hour = 10) => `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`;

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'X', { tolerance: 'R3' });
    await seedCustomer(t, 'Y', { tolerance: 'R3' });
    const mkt = c.as('mkt-br1');
    for (const [campaignId, productCodes] of [
      ['K1', ['DEP-1Y', 'FUND-BOND']],
      ['K2', ['DEP-1Y']],
    ] as const) {
      await ok(mkt.post('/api/campaigns', { campaignId, name: campaignId, ownerUnitId: 'BR1', productCodes, channels: ['phone'], budget: '100', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0 }));
      await ok(submitWithPlan(mkt, campaignId));
      await ok(c.as('appr-ho').post(`/api/campaigns/${campaignId}/approve`));
      await ok(mkt.post(`/api/campaigns/${campaignId}/launch`, { occurredAt: march(1, 0) }));
    }
    const rec = (body: Record<string, unknown>) => ok(c.as('rm1').post('/api/interactions', { staffId: 'rm1', ...body }));
    await rec({ kind: 'contact', customerId: 'X', channel: 'phone', outcome: 'reached', campaignId: 'K1', occurredAt: march(2) });
    await rec({ kind: 'contact', customerId: 'X', channel: 'phone', outcome: 'reached', campaignId: 'K2', occurredAt: march(2, 11) });
    const sale = (customerId: string, productCode: string, revenue: string, day: number, campaignId: string | null) =>
      rec({ kind: 'conversion', customerId, productCode, amount: '1000', revenue, campaignId, occurredAt: march(day) });
    await sale('X', 'DEP-1Y', '100.00', 5, 'K1');
    await sale('X', 'DEP-1Y', '40.00', 6, 'K2');
    await sale('X', 'DEP-1Y', '10.00', 7, null);
    await sale('X', 'FUND-BOND', '200.00', 8, null);
    await sale('Y', 'GOLD', '50.00', 9, null);
    await expectCaughtUp(t.runtime.projector!, 60_000);
  });
  afterAll(() => t.close());

  it("counts a sale for each overlapping campaign in the campaign's own figures", async () => {
    const k1 = (await c.as('mkt-br1').get(`/api/campaigns/K1/effectiveness?minPosition=${last}`)).body;
    const k2 = (await c.as('mkt-br1').get(`/api/campaigns/K2/effectiveness?minPosition=${last}`)).body;
    // K1: tagged 100.00; its products bought by X in its run: 100 + 40 + 10 (DEP-1Y) + 200 (FUND-BOND) = 350.00.
    expect(k1).toMatchObject({ conversions: 1, revenue: '100.00', groups: { treatment: { size: 2, converted: 1, revenue: '350.00' } } });
    // K2: tagged 40.00; X's DEP-1Y: 100 + 40 + 10 = 150.00. 350 + 150 = 500.00 > the 400.00 sold: not a total.
    expect(k2).toMatchObject({ conversions: 1, revenue: '40.00', groups: { treatment: { size: 2, converted: 1, revenue: '150.00' } } });
  });

  it('counts each sale and each customer once in the totals across campaigns, and per owning unit', async () => {
    const list = (await c.as('mkt-br1').get(`/api/campaigns?minPosition=${last}`)).body;
    expect(list.campaigns.map((k: { campaignId: string }) => k.campaignId).sort()).toEqual(['K1', 'K2']);
    // Tagged: 100.00 (K1) + 40.00 (K2) = 140.00 in 2 sales. Treatment: X once; X's sales of a product of
    // either campaign, each once: 100 + 40 + 10 + 200 = 350.00 (≤ 400.00 sold; Y's GOLD is no campaign's).
    const expected = { campaigns: 2, conversions: 2, revenue: '140.00', cost: '0.00', treatmentConverted: 1, treatmentRevenue: '350.00' };
    expect(list.totals).toEqual({ ...expected, byUnit: [{ unitId: 'BR1', ...expected }] });
  });
});
