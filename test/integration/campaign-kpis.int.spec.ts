import { CommandBus } from '@nestjs/cqrs';
import { attributionRule } from '@app/domain';
import { seedDemo } from '@app/demo';
import { api } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { campaignKpis } from '@app/read-models';

/**
 * Figures as of a date: snapshot a campaign at D, append more history after D, and the as-of
 * answer for D is exactly the snapshot; the live read models are left as they were.
 */
describe('campaign KPIs as of a date and under attribution models', () => {
  let t: TestApp;
  // As of 31 May: the end of that bank day, 23:59:59.999 Beijing time.
  const D = new Date('2026-05-31T15:59:59.999Z');

  beforeAll(async () => {
    t = await startTestApp();
    await seedDemo(t.runtime, t.app.get(CommandBus), { customers: 400, months: 4, seed: 3, end: '2026-06' });
    await t.runtime.projector!.catchUp(60_000);
  }, 120_000);
  afterAll(() => t?.close());

  it('answers for D exactly what the live figures were at D, after more history is appended', async () => {
    const snapshot = await campaignKpis(t.db.pool, t.runtime.store, { campaignIds: ['K-EBANK', 'K-DEPOSIT'] });
    const ebank = snapshot.campaigns.find((c) => c.campaignId === 'K-EBANK')!;
    expect(ebank.status).toBe('launched');

    // After D: more contacts and sales for the running campaign, from the customers' managers.
    const { rows } = await t.db.pool.query(`SELECT data->>'customerId' AS id FROM es_events WHERE type = 'CustomerEnrolledInCampaign' AND data->>'campaignId' = 'K-EBANK' AND data->>'group' = 'treatment' ORDER BY 1 LIMIT 15`);
    const c = api(t);
    let appended = 0;
    for (const { id } of rows) {
      const r = await c.as('admin').post('/api/interactions', { kind: 'conversion', customerId: id, staffId: 'rm-sh1-1', productCode: 'EBANK', amount: '1', revenue: '30.00', campaignId: 'K-EBANK', occurredAt: '2026-06-10T10:00:00Z' });
      if (r.status === 201) appended++;
    }
    expect(appended).toBeGreaterThan(0);
    await t.runtime.projector!.catchUp(30_000);
    const live = await campaignKpis(t.db.pool, t.runtime.store, { campaignIds: ['K-EBANK'] });
    expect(live.campaigns[0]!.conversions).toBe(ebank.conversions + appended);

    const asOf = await campaignKpis(t.db.pool, t.runtime.store, { asOf: D, campaignIds: ['K-EBANK', 'K-DEPOSIT'] });
    expect(asOf.campaigns).toEqual(snapshot.campaigns);
    // the live read model did not move back
    expect((await campaignKpis(t.db.pool, t.runtime.store, { campaignIds: ['K-EBANK'] })).campaigns[0]!.conversions).toBe(ebank.conversions + appended);
    const { rows: scratch } = await t.db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm\\_scratch\\_%'`);
    expect(scratch).toEqual([]); // scratch tables dropped
  }, 60_000);

  it('as of a date before a campaign launched, does not know it yet', async () => {
    const early = await campaignKpis(t.db.pool, t.runtime.store, { asOf: new Date('2026-02-15T00:00:00Z') });
    expect(early.campaigns.map((k) => k.campaignId)).not.toContain('K-EBANK');
  });

  it('credits every sale once under every model: campaigns plus unattributed add up to all revenue', async () => {
    const { rows } = await t.db.pool.query(`
      SELECT COALESCE(sum((data->>'revenue')::numeric), 0)::text AS total FROM es_events v WHERE type = 'ConversionRecorded'
         AND NOT EXISTS (SELECT 1 FROM es_events r WHERE r.type = 'ConversionReversed' AND r.stream_id = v.stream_id AND r.data->>'conversionId' = v.data->>'conversionId')`);
    const total = Number(rows[0].total);
    for (const model of ['last-touch', 'first-touch', 'linear', 'time-decay']) {
      const answer = await campaignKpis(t.db.pool, t.runtime.store, { attribution: attributionRule(model) });
      const credited = answer.campaigns.reduce((s, c) => s + Number(c.attributed.revenue), 0) + Number(answer.unattributed!.revenue);
      expect({ model, credited: credited.toFixed(2) }).toEqual({ model, credited: total.toFixed(2) });
      // untagged sales after campaign contacts move to the campaigns: at least what direct credits
      for (const c of answer.campaigns) expect(Number(c.attributed.revenue)).toBeGreaterThanOrEqual(Number(c.revenue));
    }
  }, 60_000);

  it('answers the same on the API: GET /api/campaigns/:id/effectiveness?asOf=&attribution=, in scope only', async () => {
    const c = api(t);
    const expected = (await campaignKpis(t.db.pool, t.runtime.store, { asOf: D, attribution: attributionRule('linear') })).campaigns.find((k) => k.campaignId === 'K-DEPOSIT')!;
    const res = await c.as('analyst-ho').get('/api/campaigns/K-DEPOSIT/effectiveness?asOf=2026-05-31&attribution=linear');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ campaignId: 'K-DEPOSIT', asOf: D.toISOString(), attribution: { model: 'linear', windowDays: 30 }, attributed: expected.attributed, funnel: expected.funnel });
    expect((await c.as('analyst-ho').get('/api/campaigns/K-DEPOSIT/effectiveness?asOf=2026-02-30')).body.error.code).toBe('INVALID_AS_OF');
    expect((await c.as('analyst-ho').get('/api/campaigns/K-DEPOSIT/effectiveness?attribution=newest')).body.error.code).toBe('INVALID_ATTRIBUTION');
    expect((await c.as('mkt-bj').get('/api/campaigns/K-DEPOSIT/effectiveness?asOf=2026-05-31')).status).toBe(404); // Beijing's marketer, Shanghai's campaign: answered as an unknown one, before any replay
  }, 60_000);
});
