import { comparePositions, parsePosition } from '@app/event-store';
import { api, seedOrganisation } from '../../../../test/support/api';
import { launchBondCampaign } from '../../../../test/support/read-limits';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { CampaignReportsController } from './campaign-reports.controller';

/**
 * The effectiveness answers the API keeps (under another attribution model: now, from the read model; as of a date,
 * replayed up to the store head) are keyed by the position they reflect, the same one their `through` states: an
 * answer cached at P is never served to a request that needs a later position (`minPosition`), and once the read
 * model (or the head) moves, the question is answered again and kept under the new position.
 * K1 (BR1's bonds, no cost yet) launched over 3 customers; costs of 40.00 and 2.50 recorded along the way.
 */
describe('the effectiveness answers kept by position', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const replays = () => t.app.get(CampaignReportsController).replays.started;
  const K1 = '/api/campaigns/K1/effectiveness';
  const after = (through: string, written: string) => comparePositions(parsePosition(through), parsePosition(written));

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await c.as('admin').post('/api/org/staff', { staffId: 'analyst1', displayName: 'analyst1', role: 'analyst', unitId: 'HO' });
    await launchBondCampaign(t, 3);
  }, 120_000);
  afterAll(() => t.close());

  it('now under last-touch: kept at the read models position, never served for a later minPosition, kept again at the new one', async () => {
    const started = replays();
    const first = await c.as('analyst1').get(`${K1}?attribution=last-touch`);
    const again = await c.as('analyst1').get(`${K1}?attribution=last-touch`);
    // No cost yet; asked twice at one position: computed once, the second from the cache (same through).
    expect([first.status, first.body.cost, again.body.cost, again.body.through]).toEqual([200, '0.00', '0.00', first.body.through]);
    expect(replays()).toBe(started + 1);

    const cost = await c.as('mkt-br1').post('/api/campaigns/K1/costs', { amount: '40.00', description: 'call centre' });
    expect(cost.status).toBe(201);
    // Needs the cost's position: the answer kept at the earlier one (cost 0.00) is not it.
    const fresh = await c.as('analyst1').get(`${K1}?attribution=last-touch&minPosition=${cost.body.position}`);
    expect([fresh.status, fresh.body.cost]).toEqual([200, '40.00']);
    expect(after(fresh.body.through, cost.body.position)).toBeGreaterThanOrEqual(0);
    expect(after(fresh.body.through, first.body.through)).toBeGreaterThan(0);
    expect(replays()).toBe(started + 2);
    // The read model has moved: asked without minPosition, the answer of its position now (kept), not the first one.
    const later = await c.as('analyst1').get(`${K1}?attribution=last-touch`);
    expect([later.body.cost, later.body.through]).toEqual(['40.00', fresh.body.through]);
    expect(replays()).toBe(started + 2);
  }, 60_000);

  it('replayed as of a date under linear: kept at the store head, answered again once the head moves', async () => {
    const started = replays();
    const first = await c.as('analyst1').get(`${K1}?asOf=2029-05-01&attribution=linear`);
    expect([first.status, first.body.cost]).toEqual([200, '40.00']);
    expect((await c.as('analyst1').get(`${K1}?asOf=2029-05-01&attribution=linear`)).body.through).toBe(first.body.through);
    expect(replays()).toBe(started + 1);
    const cost = await c.as('mkt-br1').post('/api/campaigns/K1/costs', { amount: '2.50', description: 'letters' });
    expect(cost.status).toBe(201);
    // 40.00 + 2.50 = 42.50: replayed again up to the new head, not the answer kept at the old one.
    const fresh = await c.as('analyst1').get(`${K1}?asOf=2029-05-01&attribution=linear&minPosition=${cost.body.position}`);
    expect([fresh.status, fresh.body.cost]).toEqual([200, '42.50']);
    expect(after(fresh.body.through, cost.body.position)).toBeGreaterThanOrEqual(0);
    expect(replays()).toBe(started + 2);
  }, 60_000);
});
