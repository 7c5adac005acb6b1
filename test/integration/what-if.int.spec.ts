import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { campaignEffectivenessProjection, parseRuleSet, scorecard, staffScorecardProjection, whatIf, withReadModels } from '@app/read-models';
import { formatPosition } from '@app/event-store';
import { expectCaughtUp, projectToEnd } from '../support/project-to-end';

/**
 * What-if: the history under another rule set, beside the live figures, with nothing live touched.
 * A small March written through the API, every figure worked out here by hand.
 * Weights: FUND-BOND 1.50, GOLD 1.00. K1 (FUND-BOND, DEP-1Y), BR1's, no control group, from 1 March.
 *   A (rm1's): K1 contact 2 Mar; FUND-BOND 200.00 tagged K1 on 5 Mar → rm1 300 points.
 *   B (rm1's): GOLD 100.00 untagged on 6 Mar → rm1 100 points.
 *   C (nobody's): FUND-BOND 40.03 sold by rm2 on 7 Mar → rm2 40.03 × 1.5 = 60.045 → 60.05 points (half up).
 */
/** A test app with the March above written through the API and projected. */
async function march(): Promise<TestApp> {
  const t = await startTestApp();
  try {
    const c = api(t);
    const ok = async (p: Promise<{ status: number; body: any }>) => {
      const r = await p;
      if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await seedOrganisation(t);
    for (const id of ['A', 'B', 'C']) await seedCustomer(t, id, { tolerance: 'R3' });
    for (const id of ['A', 'B']) await ok(c.as('head-br1').post(`/api/customers/${id}/manager`, { staffId: 'rm1', occurredAt: '2026-02-20T10:00:00+08:00' }));
    const mkt = c.as('mkt-br1');
    const feb20 = '2026-02-20T10:00:00+08:00';
    await ok(mkt.post('/api/campaigns', { campaignId: 'K1', name: 'K1', ownerUnitId: 'BR1', productCodes: ['FUND-BOND', 'DEP-1Y'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0, occurredAt: feb20 }));
    await ok(submitWithPlan(mkt, 'K1', { occurredAt: feb20 }));
    await ok(c.as('appr-ho').post('/api/campaigns/K1/approve', { occurredAt: feb20 }));
    await ok(mkt.post('/api/campaigns/K1/launch', { occurredAt: '2026-03-01T00:00:00+08:00' }));
    const day = (d: number) => `2026-03-0${d}T10:00:00+08:00`;
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'A', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'K1', occurredAt: day(2) }));
    const sale = (customerId: string, staffId: string, productCode: string, revenue: string, campaignId: string | null, d: number) =>
      ok(c.as('head-br1').post('/api/interactions', { kind: 'conversion', customerId, staffId, productCode, amount: '1000', revenue, campaignId, occurredAt: day(d) }));
    await sale('A', 'rm1', 'FUND-BOND', '200.00', 'K1', 5);
    await sale('B', 'rm1', 'GOLD', '100.00', null, 6);
    await sale('C', 'rm2', 'FUND-BOND', '40.03', null, 7);
    await expectCaughtUp(t.runtime.projector!, 60_000);
    return t;
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** A test with an app of its own (March written), closed after it: for the tests that stop the projector. */
async function withOwnMarch(test: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await march();
  try {
    await test(t);
  } finally {
    await t.close();
  }
}

describe('what-if', () => {
  let t: TestApp;
  const period = '2026-03';

  // The tests of this block only read (what-if replays on the side); those that stop the projector have their own app.
  beforeAll(async () => {
    t = await march();
  }, 120_000);
  afterAll(() => t?.close());

  const livePoints = () =>
    withReadModels(t.db.pool, ['staff-scorecard'], async (db) => (await scorecard(db, period)).people.filter((p) => p.points !== 0).map((p) => [p.staffId, p.points]));

  it("changes exactly the points of the people who sold that product, by the weight's difference", async () => {
    const answer = await whatIf(t.db.pool, t.runtime.store, parseRuleSet('{"scoring": {"productWeights": {"FUND-BOND": 4}}}', 'rules.json'), period);
    // FUND-BOND at 4.00: rm1 200.00 × 4 = 800 (was 300): +500, total 400 → 900; rm2 40.03 × 4 = 160.12 (was 60.05): +100.07.
    expect(answer.people.map((p) => [p.staffId, p.live.points, p.whatIf.points, p.change.points])).toEqual([
      ['rm1', 400, 900, 500],
      ['rm2', 60.05, 160.12, 100.07],
    ]);
    // A weight is not a campaign figure: K1 keeps its one tagged sale of 200.00.
    expect(answer.campaigns).toEqual([{ campaignId: 'K1', name: 'K1', live: { conversions: 1, revenue: '200.00', roi: null }, whatIf: { conversions: 1, revenue: '200.00', roi: null }, change: { conversions: 0, revenue: '0.00' } }]);
    expect(answer.filteredOut).toBe(0);
  }, 60_000);

  it('a stricter contact policy removes contacts beyond it and the campaign sales they led to', async () => {
    const answer = await whatIf(t.db.pool, t.runtime.store, parseRuleSet('contactPolicy:\n  maxCampaignContactsPer30Days: 0\n', 'rules.yaml'), period);
    // No campaign contact is allowed: A's K1 contact goes, and with it A's K1 sale (no K1 contact before it): 2 events.
    expect(answer.filteredOut).toBe(2);
    expect(answer.campaigns).toEqual([{ campaignId: 'K1', name: 'K1', live: { conversions: 1, revenue: '200.00', roi: null }, whatIf: { conversions: 0, revenue: '0.00', roi: null }, change: { conversions: -1, revenue: '-200.00' } }]);
    // rm1 loses A's 300 points; B's untagged GOLD sale stays: 400 → 100. rm2's untagged sale stays.
    expect(answer.people.map((p) => [p.staffId, p.live.points, p.whatIf.points, p.change.points])).toEqual([['rm1', 400, 100, -300]]);
  }, 60_000);

  it('leaves the live read models as they were', async () => {
    expect(await livePoints()).toEqual([
      ['rm1', 400],
      ['rm2', 60.05],
    ]);
    await whatIf(t.db.pool, t.runtime.store, parseRuleSet('{"scoring": {"referralShare": 1, "productWeights": {"GOLD": 9}}}', 'r.json'), period);
    expect(await livePoints()).toEqual([
      ['rm1', 400],
      ['rm2', 60.05],
    ]);
    const { rows: scratch } = await t.db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm\\_scratch\\_%'`);
    expect(scratch).toEqual([]);
  }, 60_000);

  it('compares like with like while a live read model is behind: each side replayed up to its own position, and both stated', () =>
    withOwnMarch(async (t) => {
      const before = formatPosition((await t.runtime.store.headPosition())!);
      await t.runtime.projector!.stop();
      // rm2 sells C FUND-BOND for 10.00 (untagged) on 8 March at 23:30 Beijing (15:30 UTC): 15 points at the weight of 1.50.
      // Only the campaigns' read model is taken past it; the scorecard stays where it was.
      const c = api(t);
      const sold = await c.as('head-br1').post('/api/interactions', { kind: 'conversion', customerId: 'C', staffId: 'rm2', productCode: 'FUND-BOND', amount: '1000', revenue: '10.00', campaignId: null, occurredAt: '2026-03-08T23:30:00+08:00' });
      expect(sold.status).toBe(201);
      await projectToEnd(t.runtime.store, t.db.pool, [campaignEffectivenessProjection], { batchSize: 50 });
      // The rule set the platform already has (FUND-BOND at 1.50): nothing may change. Read to the head, the replay
      // would give rm2 60.05 + 15 = 75.05 points against the live 60.05, a change the rules did not make.
      const answer = await whatIf(t.db.pool, t.runtime.store, parseRuleSet('{"scoring": {"productWeights": {"FUND-BOND": 1.5}}}', 'same.json'), period);
      expect(answer.people).toEqual([]);
      expect(answer.campaigns.map((k) => [k.campaignId, k.change])).toEqual([['K1', { conversions: 0, revenue: '0.00' }]]);
      expect(answer.through).toEqual({ campaigns: sold.body.position, people: before });
    }), 120_000);

  it('counts in filteredOut only the events the figures compared would have taken in: none past the position of every side that reads it', () =>
    withOwnMarch(async (t) => {
      // Its own March, caught up; the projector stopped, so each read model moves only when this test projects it.
      await t.runtime.projector!.stop();
      const c = api(t);
      // rm2 sells C FUND-BOND for 10.00 (untagged) on 8 March at 23:30 Beijing; the campaigns' read model is taken past it.
      const sold = await c.as('head-br1').post('/api/interactions', { kind: 'conversion', customerId: 'C', staffId: 'rm2', productCode: 'FUND-BOND', amount: '1000', revenue: '10.00', campaignId: null, occurredAt: '2026-03-08T23:30:00+08:00' });
      expect(sold.status).toBe(201);
      await projectToEnd(t.runtime.store, t.db.pool, [campaignEffectivenessProjection], { batchSize: 50 });
      // On 9 March, 23:30 Beijing: rm1 contacts A for K1 again; rm1 presents B a K1 offer (B never contacted for K1).
      const contact = await c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'A', staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'K1', occurredAt: '2026-03-09T23:30:00+08:00' });
      const offer = await c.as('rm1').post('/api/interactions', { kind: 'offer', customerId: 'B', staffId: 'rm1', productCode: 'FUND-BOND', campaignId: 'K1', occurredAt: '2026-03-09T23:30:00+08:00' });
      expect([contact.status, offer.status]).toEqual([201, 201]);
      // Only the scorecard is taken past both; the campaigns' read model stays at rm2's sale, before them.
      await projectToEnd(t.runtime.store, t.db.pool, [staffScorecardProjection], { batchSize: 50 });
      const answer = await whatIf(t.db.pool, t.runtime.store, parseRuleSet('contactPolicy:\n  maxCampaignContactsPer30Days: 0\n', 'rules.yaml'), period);
      expect(answer.through).toEqual({ campaigns: sold.body.position, people: offer.body.position });
      // Under no campaign contacts at all, the filter leaves out 4 events of the log read: A's contact of 2 March and the
      // K1 sale it led to (before both positions: 2), the contact of 9 March (past the campaigns' position, but the
      // scorecard reads contacts and was replayed up to it: counted, 3), and B's offer (past the campaigns' position,
      // and the scorecard reads no offers: no figure of the answer would have had it, not counted). 3, not 4.
      expect(answer.filteredOut).toBe(3);
    }), 120_000);
});
