import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';

const plan = (campaignId: string) => ({
  campaignId,
  name: `${campaignId} drive`,
  ownerUnitId: 'BR1',
  productCodes: ['DEP-1Y'],
  channels: ['phone'],
  audience: { genders: ['F'] },
  budget: '5000',
  period: { start: '2026-01-01', end: '2030-01-01' },
  controlGroupPercent: 25,
});
/** The same instant written in Beijing's offset. */
const beijing = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');

/**
 * A close of a launched campaign is never dated before its launch (CLOSE_BEFORE_LAUNCH), but a close the caller does
 * not date, sent right after a launch dated a few minutes ahead of the server's clock (the skew a request may state),
 * is dated at the launch rather than refused (review r4).
 */
describe('a campaign closed around its launch', () => {
  let t: TestApp;
  const launchedAt = async (campaignId: string) => {
    const { rows } = await t.db.pool.query(`SELECT metadata->>'occurredAt' AS at FROM es_events WHERE stream_id = $1 AND type = 'CampaignLaunched'`, [`campaign-${campaignId}`]);
    return rows.map((r) => r.at as string);
  };
  const lengths = async (campaignId: string) => {
    const { rows } = await t.db.pool.query(`SELECT stream_id, count(*)::int AS n FROM es_events WHERE stream_id = ANY($1) GROUP BY 1 ORDER BY 1`, [[`campaign-${campaignId}`, 'org-BR1']]);
    return rows;
  };
  const launched = async (campaignId: string, occurredAt: string) => {
    const mkt = api(t).as('mkt-br1');
    expect((await mkt.post('/api/campaigns', plan(campaignId))).status).toBe(201);
    expect((await submitWithPlan(mkt, campaignId)).status).toBe(200);
    expect((await api(t).as('appr-ho').post(`/api/campaigns/${campaignId}/approve`)).status).toBe(200);
    expect((await mkt.post(`/api/campaigns/${campaignId}/launch`, { occurredAt })).status).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
    for (let i = 0; i < 4; i++) await seedCustomer(t, `W${i}`, { gender: 'F' });
  }, 60_000);
  afterAll(async () => t?.close());

  it('dates an undated cancel sent right after a launch dated 4 minutes ahead at the launch, not refused', async () => {
    const ahead = new Date(Date.now() + 4 * 60_000).toISOString();
    await launched('K-AHEAD', ahead);
    const cancel = await api(t).as('mkt-br1').post('/api/campaigns/K-AHEAD/cancel', { reason: 'launched by mistake' });
    expect(cancel.status).toBe(200);
    const { rows } = await t.db.pool.query(`SELECT metadata->>'occurredAt' AS at FROM es_events WHERE stream_id = 'campaign-K-AHEAD' AND type = 'CampaignCancelled'`);
    expect(rows.map((r) => Date.parse(r.at))).toEqual([Date.parse(ahead)]);
  }, 60_000);

  it('refuses a cancel its caller dated 1 ms before the launch (written +08:00 against the stored Z), appending nothing; accepts one at the launch instant', async () => {
    const at = Date.now() - 3_600_000;
    await launched('K-DATED', new Date(at).toISOString());
    expect((await launchedAt('K-DATED')).map(Date.parse)).toEqual([at]);
    const before = await lengths('K-DATED');
    const early = await api(t).as('admin').post('/api/campaigns/K-DATED/cancel', { reason: 'x', occurredAt: beijing(at - 1) });
    expect({ status: early.status, code: early.body.error?.code }).toEqual({ status: 422, code: 'CLOSE_BEFORE_LAUNCH' });
    expect(await lengths('K-DATED')).toEqual(before);
    const atLaunch = await api(t).as('mkt-br1').post('/api/campaigns/K-DATED/cancel', { reason: 'x', occurredAt: beijing(at) });
    expect(atLaunch.status).toBe(200);
  }, 60_000);
});
