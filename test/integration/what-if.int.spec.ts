import { CommandBus } from '@nestjs/cqrs';
import { seedDemo } from '@app/demo';
import { startTestApp, type TestApp } from '../support/test-app';
import { parseRuleSet, whatIf, withReadModels } from '@app/read-models';

/** What-if: the history under another rule set, beside the live figures, with nothing live touched. */
describe('what-if', () => {
  let t: TestApp;
  let period = '';
  let product = '';

  beforeAll(async () => {
    t = await startTestApp();
    await seedDemo(t.runtime, t.app.get(CommandBus), { customers: 400, months: 4, seed: 11, end: '2026-06' });
    await t.runtime.projector!.catchUp(60_000);
    // The month and product with the most sales credited: the weight change below is about them.
    const top = await withReadModels(t.db.pool, ['staff-scorecard'], async (db) =>
      (await db.query(`SELECT product_code, period FROM sc_credits WHERE kind <> 'shadow' AND product_code <> 'EBANK' GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1`)).rows[0],
    );
    period = top.period;
    product = top.product_code;
  }, 120_000);
  afterAll(() => t?.close());

  it("changes exactly the points of the people who sold that product, by the weight's difference", async () => {
    // From the live credits: who earned points on the product in the month, and on what revenue.
    const credits = await withReadModels(t.db.pool, ['staff-scorecard'], async (db) =>
      (await db.query(`SELECT staff_id, revenue_fen::bigint AS fen, (points_hundredths / 100.0)::float8 AS points FROM sc_credits WHERE product_code = $2 AND period = $1 AND kind <> 'shadow'`, [period, product])).rows,
    );
    expect(credits.length).toBeGreaterThan(0);
    const expected = new Map<string, number>();
    for (const c of credits) expected.set(c.staff_id, (expected.get(c.staff_id) ?? 0) + Math.round((Number(c.fen) / 100) * 4 * 100) / 100 - c.points);

    const answer = await whatIf(t.db.pool, t.runtime.store, parseRuleSet(JSON.stringify({ scoring: { productWeights: { [product]: 4 } } }), 'rules.json'), period);
    const changed = new Map(answer.people.filter((p) => p.change.points !== 0).map((p) => [p.staffId, p.change.points]));
    expect([...changed.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [staffId, delta] of expected) expect({ staffId, delta: changed.get(staffId) }).toEqual({ staffId, delta: Math.round(delta * 100) / 100 });
    // campaigns are untouched by a weight change
    for (const c of answer.campaigns) expect(c.change).toEqual({ conversions: 0, revenue: '0.00' });
  }, 60_000);

  it('a stricter contact policy removes contacts beyond it and the campaign sales they led to', async () => {
    const answer = await whatIf(t.db.pool, t.runtime.store, parseRuleSet('contactPolicy:\n  maxCampaignContactsPer30Days: 0\n', 'rules.yaml'), period);
    expect(answer.filteredOut).toBeGreaterThan(0);
    // no campaign contact survives a limit of zero, so no campaign-tagged sale does either
    for (const c of answer.campaigns) expect(c.whatIf.conversions).toBe(0);
    expect(answer.campaigns.some((c) => c.live.conversions > 0)).toBe(true);
  }, 60_000);

  it('leaves the live read models as they were', async () => {
    const before = await withReadModels(t.db.pool, ['staff-scorecard'], async (db) => (await db.query(`SELECT count(*)::int AS n, sum(points_hundredths)::float8 AS p FROM sc_credits`)).rows[0]);
    await whatIf(t.db.pool, t.runtime.store, parseRuleSet('{"scoring": {"referralShare": 1}}', 'r.json'), period);
    const after = await withReadModels(t.db.pool, ['staff-scorecard'], async (db) => (await db.query(`SELECT count(*)::int AS n, sum(points_hundredths)::float8 AS p FROM sc_credits`)).rows[0]);
    expect(after).toEqual(before);
  }, 60_000);
});
