import { api, seedOrganisation } from '../../../../test/support/api';
import { launchBondCampaign } from '../../../../test/support/read-limits';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { CampaignReportsController } from './campaign-reports.controller';

/**
 * Replays as a denial of service (issue 16, item 9): `?asOf=` / `?attribution=` replay the whole
 * history. An unknown or out-of-scope campaign is refused before any replay, and one person holds
 * at most two of the three replay slots. K1 is BR1's campaign; mkt-br2 works in BR2.
 */
describe('as-of and attribution replays: scope first, and a share per person', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const started = () => t.app.get(CampaignReportsController).replays.started;

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await c.as('admin').post('/api/org/staff', { staffId: 'mkt-br2', displayName: 'mkt-br2', role: 'marketer', unitId: 'BR2' });
    await c.as('admin').post('/api/org/staff', { staffId: 'analyst1', displayName: 'analyst1', role: 'analyst', unitId: 'HO' });
    await launchBondCampaign(t, 6);
  });
  afterAll(() => t.close());

  it('answers 404 for a campaign that does not exist, or is outside the reader\'s scope, without replaying anything', async () => {
    const before = started();
    const missing = await c.as('analyst1').get('/api/campaigns/K-NONE/effectiveness?asOf=2026-06-01&attribution=linear');
    const outside = await c.as('mkt-br2').get('/api/campaigns/K1/effectiveness?attribution=linear');
    expect([missing.status, outside.status]).toEqual([404, 404]);
    expect(outside.body.error.code).toBe(missing.body.error.code);
    expect(started()).toBe(before);
  });

  it('replays once for a campaign in scope, and answers the same question again from the cache', async () => {
    const before = started();
    const first = await c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?attribution=last-touch');
    expect(first.status).toBe(200);
    expect(first.body.campaignId).toBe('K1');
    expect((await c.as('analyst1').get('/api/campaigns/K1/effectiveness?attribution=last-touch')).status).toBe(200);
    expect(started()).toBe(before + 1);
  });

  it('lets one person hold two of the three replay slots at most, so that another reader is still served', async () => {
    // Four questions not asked before (as-of days after the launch, under linear attribution: direct
    // as-of answers are a query of the read model, no replay), at once: three from mkt-br1, one from
    // analyst1. Three slots in all, two per person: mkt-br1's third is refused, analyst1 is served.
    const [a, b, d, analyst] = await Promise.all([
      c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?asOf=2029-05-01&attribution=linear'),
      c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?asOf=2029-05-02&attribution=linear'),
      c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?asOf=2029-05-04&attribution=linear'),
      c.as('analyst1').get('/api/campaigns/K1/effectiveness?asOf=2029-05-03&attribution=linear'),
    ]);
    expect([a.status, b.status, d.status].sort()).toEqual([200, 200, 503]);
    expect([a, b, d].find((r) => r.status === 503)!.body.error).toMatchObject({ code: 'REPLAYS_BUSY', details: { limit: 'per-user' } });
    expect(analyst.status).toBe(200);
  });
});
