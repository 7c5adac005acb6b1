import { comparePositions, parsePosition } from '@app/event-store';
import { startProjector } from '@app/platform';
import { api, seedOrganisation } from '../../../../test/support/api';
import { launchBondCampaign } from '../../../../test/support/read-limits';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

/**
 * `?minPosition=` (read your own writes) with `?asOf=` or `?attribution=` on a campaign's effectiveness
 * (issue 13 audit): it was ignored there. Now honoured as on every other read: refused when malformed or
 * ahead of the store, waited for when the answer reads the live read model (direct as of a date, or now
 * under another model), and met by construction when the answer is replayed up to the store's head
 * (as of a date under another model), whose `through` is then at or past it.
 * K1 (BR1's bonds, budget 100, no cost yet) is launched; the projector is stopped, then a cost of 40.00 recorded.
 */
describe('minPosition with asOf or attribution on a campaign effectiveness', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  let written: string;
  const K1 = '/api/campaigns/K1/effectiveness';

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    await c.as('admin').post('/api/org/staff', { staffId: 'analyst1', displayName: 'analyst1', role: 'analyst', unitId: 'HO' });
    await launchBondCampaign(t, 3);
    await t.runtime.projector!.stop();
    const cost = await c.as('mkt-br1').post('/api/campaigns/K1/costs', { amount: '40.00', description: 'call centre' });
    expect(cost.status).toBe(201);
    written = cost.body.position;
  }, 120_000);
  afterAll(() => t.close());

  it('refuses a malformed minPosition beside asOf (400 INVALID_POSITION), and one ahead of the store beside a replay (400 POSITION_AHEAD)', async () => {
    const malformed = await c.as('analyst1').get(`${K1}?asOf=2029-05-01&minPosition=yesterday`);
    const ahead = await c.as('analyst1').get(`${K1}?asOf=2029-05-01&attribution=linear&minPosition=999999999/999999999`);
    expect([malformed.status, malformed.body.error?.code, ahead.status, ahead.body.error?.code]).toEqual([400, 'INVALID_POSITION', 400, 'POSITION_AHEAD']);
  });

  it('waits for the live read model under direct as of a date and under another model now: the stopped projector has not applied the cost, so 503 READ_MODEL_BEHIND, never the figures without it', async () => {
    const direct = await c.as('analyst1').get(`${K1}?asOf=2029-05-01&minPosition=${written}`);
    const now = await c.as('analyst1').get(`${K1}?attribution=last-touch&minPosition=${written}`);
    expect([direct.status, direct.body.error?.code, now.status, now.body.error?.code]).toEqual([503, 'READ_MODEL_BEHIND', 503, 'READ_MODEL_BEHIND']);
  }, 30_000);

  it('replays as of a date under another model up to the head: the cost is in, and through is at or past the position asked for', async () => {
    const r = await c.as('analyst1').get(`${K1}?asOf=2029-05-01&attribution=linear&minPosition=${written}`);
    expect([r.status, r.body.cost]).toEqual([200, '40.00']);
    expect(comparePositions(parsePosition(r.body.through), parsePosition(written))).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('once the projector has applied the cost, answers from the read model with it, through at or past the position', async () => {
    const projector = await startProjector(t.runtime);
    let direct, now;
    try {
      expect(await projector.catchUp(60_000)).toBe(true);
      direct = await c.as('analyst1').get(`${K1}?asOf=2029-05-01&minPosition=${written}`);
      now = await c.as('analyst1').get(`${K1}?attribution=last-touch&minPosition=${written}`);
    } finally {
      await projector.stop();
    }
    expect([direct.status, direct.body.cost, now.status, now.body.cost]).toEqual([200, '40.00', 200, '40.00']);
    for (const r of [direct, now]) expect(comparePositions(parsePosition(r.body.through), parsePosition(written))).toBeGreaterThanOrEqual(0);
  }, 90_000);
});
