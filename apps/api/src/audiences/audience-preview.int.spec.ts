import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { twoProportionSampleSize } from '@app/domain';

/**
 * 004 篇九 第三十条 and issue 15: "输入目标客户筛选条件，系统可从所有签约客户中筛选出目标客户" — the
 * preview shows who a rule selects and why the others are left out, and the launch enrols exactly them.
 */
describe('POST /api/audiences/preview', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const DAY = 86_400_000;
  // Now in business time; contacts are dated back from it.
  const now = Date.now();
  const ago = (days: number) => new Date(now - days * DAY).toISOString();

  const onboard = async (customerId: string, o: { birthYear?: number | null; segment?: string; tolerance?: string; optOut?: string; erase?: boolean } = {}) => {
    const rm = 'rm1';
    const r = await c.as(rm).post('/api/customers', { customerId, segment: o.segment ?? 'retail', gender: 'F', birthYear: o.birthYear === undefined ? 1980 : o.birthYear, assetsByUnit: { SB1: '300000' } });
    if (r.status !== 201) throw new Error(`${customerId}: ${JSON.stringify(r.body)}`);
    if (o.tolerance) expect((await c.as('head-br1').post(`/api/customers/${customerId}/risk-assessment`, { tolerance: o.tolerance })).status).toBeLessThan(300);
    if (o.optOut) expect((await c.as(rm).post(`/api/customers/${customerId}/consents`, { channel: o.optOut, granted: false })).status).toBeLessThan(300);
    if (o.erase) expect((await c.as('admin').post(`/api/customers/${customerId}/erasure`, { reason: 'customer_request' })).status).toBeLessThan(300);
  };
  const groups = async (campaignId: string) => {
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE type = 'CustomerEnrolledInCampaign' AND data->>'campaignId' = $1`, [campaignId]);
    const of = (g: string) => rows.filter((r) => r.data.group === g).map((r) => r.data.customerId as string).sort();
    return { treatment: of('treatment'), control: of('control') };
  };
  const plan = {
    ownerUnitId: 'BR1',
    productCodes: ['FUND-BOND'],
    channels: ['phone'],
    budget: '1000',
    period: { start: '2026-01-01', end: '2030-01-01' },
    controlGroupPercent: 20,
    audience: { ageBand: { min: 30, max: 60 }, suitableOnly: true, excludeContactCapReached: true, excludeOverlappingCampaigns: true },
  };
  const launched = async (campaignId: string, p: Record<string, unknown>) => {
    const mkt = c.as('mkt-br1');
    expect((await mkt.post('/api/campaigns', { campaignId, name: campaignId, ...p })).status).toBe(201);
    expect((await submitWithPlan(mkt, campaignId)).status).toBe(200);
    expect((await c.as('appr-ho').post(`/api/campaigns/${campaignId}/approve`)).status).toBe(200);
    const r = await mkt.post(`/api/campaigns/${campaignId}/launch`);
    expect(r.status).toBe(200);
    return r.body;
  };
  let prior: { treatment: string[]; control: string[] };
  let capped: string;
  let lastWrite: string;

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    // Eight who fit (46 in 2026, R2 tolerates FUND-BOND's R2), and one older with a higher tolerance (56, R4).
    for (let i = 1; i <= 8; i++) await onboard(`A${i}`, { tolerance: 'R2' });
    await onboard('O1', { birthYear: 1970, tolerance: 'R4' });
    // Matched by the rule, then left out: opted out of the only channel, erased, R1 below R2, never assessed.
    await onboard('B1', { tolerance: 'R2', optOut: 'phone' });
    await onboard('B2', { tolerance: 'R2', erase: true });
    await onboard('B3', { tolerance: 'R1' });
    await onboard('B4');
    // Not matched at all: 21 years old, no birth year, outside BR1's subtree.
    await onboard('Y1', { birthYear: 2005, tolerance: 'R2' });
    await onboard('N1', { birthYear: null, tolerance: 'R2' });
    const sb2 = await c.as('rm3').post('/api/customers', { customerId: 'X1', segment: 'retail', gender: 'F', birthYear: 1980, assetsByUnit: { SB2: '300000' } });
    expect(sb2.status).toBe(201);
    // A running campaign on six others, half held out.
    for (let i = 1; i <= 6; i++) await onboard(`P${i}`, { tolerance: 'R2', segment: 'prior' });
    await launched('KPRIOR', { ...plan, controlGroupPercent: 50, audience: { segments: ['prior'] } });
    prior = await groups('KPRIOR');
    expect(prior.treatment.length).toBeGreaterThan(1);
    expect(prior.control.length).toBeGreaterThan(0);
    // One treatment customer reached the cap: 3 campaign contacts in 30 days, a week or more apart (1 per campaign per 7 days).
    capped = prior.treatment[0]!;
    for (const days of [20, 10, 1]) {
      const r = await c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: capped, staffId: 'rm1', channel: 'phone', outcome: 'reached', campaignId: 'KPRIOR', occurredAt: ago(days) });
      expect(r.status).toBe(201);
    }
    // One control customer of KPRIOR bought the product anyway (untagged): the past control rate is 1 / controls.
    const sale = await c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId: prior.control[0], staffId: 'rm1', productCode: 'FUND-BOND', amount: '1000', revenue: '10' });
    expect(sale.status).toBe(201);
    // Read your own writes: every preview waits for the read models to include the last one.
    lastWrite = sale.body.position;
  });
  afterAll(() => t.close());

  const preview = (body: Record<string, unknown>, who = 'mkt-br1') => c.as(who).post(`/api/audiences/preview?minPosition=${lastWrite}`, body);

  it('counts who the rule selects and who it leaves out, each once under the first reason', async () => {
    const r = await preview({ campaignId: 'KNEW', ...plan });
    expect(r.status).toBe(200);
    // Matched: A1–A8, O1, B1–B4, P1–P6 = 19. Out: B1 opted out, B2 erased, B3 and B4 unsuitable, the capped one,
    // KPRIOR's controls, and its other treatment customers (overlapping). In: A1–A8 and O1 = 9.
    expect(r.body.audienceSize).toBe(9);
    expect(r.body.excluded).toEqual({
      DATA_ERASED: 1,
      OPTED_OUT: 1,
      NOT_SUITABLE: 2,
      CONTACT_LIMIT_REACHED: 1,
      IN_ANOTHER_CONTROL_GROUP: prior.control.length,
      IN_OVERLAPPING_CAMPAIGN: prior.treatment.length - 1,
    });
    // All in SB1 (X1 of SB2 is outside BR1's subtree). Nobody has had a balance posted: all ordinary.
    expect(r.body.byUnit).toEqual([{ unitId: 'SB1', included: 9, excluded: 10 }]);
    expect(r.body.byTier).toEqual([{ tier: 'ordinary', included: 9, excluded: 10 }]);
    expect(r.body.split.treatment + r.body.split.control).toBe(9);
  });

  it('weighs the expected cost against the owner\'s remaining budget: BR1 got 100,000 and KPRIOR committed 1,000', async () => {
    const within = await preview({ ...plan, budget: '99000' });
    expect(within.body.cost).toMatchObject({ year: 2026, ownerUnitId: 'BR1', expected: '99000.00', basis: 'budget', remainingBudget: '99000.00', withinBudget: true });
    const over = await preview({ ...plan, budget: '99000.01' });
    expect(over.body.cost).toMatchObject({ expected: '99000.01', withinBudget: false });
    const perHead = await preview({ ...plan, costPerCustomer: '10.50' });
    // 10.50 per treatment customer.
    expect(perHead.body.cost).toMatchObject({ expected: (10.5 * perHead.body.split.treatment).toFixed(2), basis: 'per_treatment_customer' });
  });

  it('takes no baseline from KPRIOR, still running (its control window is not over), but the one given', async () => {
    const past = await preview(plan);
    expect(past.body.baseline).toEqual({ rate: 0.05, source: 'platform_default', pastCampaigns: [], pastControlCustomers: 0, pastControlConverted: 0 });
    const given = await preview({ ...plan, baselineRate: 0.3, controlGroupPercent: 50 });
    expect(given.body.baseline).toMatchObject({ rate: 0.3, source: 'request' });
    const { treatment, control } = given.body.split;
    const lift = given.body.minimumDetectableLift;
    // z(0.975) + z(0.8) = 1.959964 + 0.841621 = 2.801585.
    if (lift === null) {
      // Nine customers: even a rise from 30% to 100% is within what groups this small show by chance:
      // 0.7 < 2.801585 · √(0.3 · 0.7 / control + 0).
      expect(0.7).toBeLessThan(2.801585 * Math.sqrt(0.21 / control));
    } else {
      // At the answer, Chow, Shao & Wang's sample-size formula (control = ratio · treatment) gives back the treatment size.
      expect(twoProportionSampleSize(0.3, lift.treatmentRate, 0.05, 0.8, control / treatment)).toBeCloseTo(treatment, 3);
      expect(lift.absolute).toBeCloseTo(lift.treatmentRate - 0.3, 5);
    }
  });

  it('is launched as previewed: the launch enrols exactly the previewed customers, with the same split and exclusions', async () => {
    const shown = (await preview({ campaignId: 'KNEW', ...plan })).body;
    const launch = await launched('KNEW', plan);
    expect(launch.audienceSize).toBe(shown.audienceSize);
    expect(launch.controlCount).toBe(shown.split.control);
    expect(launch.excluded).toEqual(Object.fromEntries(Object.entries(shown.excluded).filter(([, n]) => n !== 0)));
    const enrolled = await groups('KNEW');
    expect([...enrolled.treatment, ...enrolled.control].sort()).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'O1']);
  });

  it('refuses outside the marketer\'s scope (403 OUTSIDE_SCOPE), other roles (403), and a bad rule (400), writing nothing', async () => {
    const before = (await t.db.pool.query(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n;
    expect((await preview(plan, 'mkt-sb1')).body.error.code).toBe('OUTSIDE_SCOPE');
    expect((await preview(plan, 'rm1')).status).toBe(403);
    const upsideDown = await preview({ ...plan, audience: { ageBand: { min: 60, max: 30 } } });
    expect({ status: upsideDown.status, code: upsideDown.body.error.code }).toEqual({ status: 400, code: 'INVALID_AGE_BAND' });
    const unknownField = await preview({ ...plan, audience: { shoeSize: 42 } });
    expect(unknownField.status).toBe(400);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n).toBe(before);
  });
});

describe('the preview\'s baseline: past control groups of completed campaigns only', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
    for (let i = 1; i <= 6; i++) await seedCustomer(t, `D${i}`, { gender: 'F', tolerance: 'R2' });
    for (let i = 1; i <= 4; i++) await seedCustomer(t, `R${i}`, { gender: 'M', tolerance: 'R2' });
  });
  afterAll(() => t.close());

  it('counts the completed campaign\'s controls and leaves out the running one\'s', async () => {
    const c = api(t);
    const mkt = c.as('mkt-br1');
    const launch = async (campaignId: string, gender: string) => {
      expect((await mkt.post('/api/campaigns', { campaignId, name: campaignId, ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '100', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 50, audience: { genders: [gender] } })).status).toBe(201);
      expect((await submitWithPlan(mkt, campaignId)).status).toBe(200);
      await c.as('appr-ho').post(`/api/campaigns/${campaignId}/approve`);
      expect((await mkt.post(`/api/campaigns/${campaignId}/launch`)).body).toMatchObject({ audienceSize: gender === 'F' ? 6 : 4 });
    };
    const buys = async (customerId: string) => {
      const r = await c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId, staffId: 'rm1', productCode: 'FUND-BOND', amount: '1000', revenue: '10' });
      expect(r.status).toBe(201);
      return r.body.position as string;
    };
    // The seeded split (FNV-1a of seed:customer, 50%): KDONE holds out D3 and D6, KRUN holds out R1 and R3.
    await launch('KDONE', 'F');
    await buys('D3');
    expect((await mkt.post('/api/campaigns/KDONE/complete')).status).toBe(200);
    await launch('KRUN', 'M');
    await buys('R1');
    const last = await buys('R3');
    const r = await mkt.post(`/api/audiences/preview?minPosition=${last}`, { ownerUnitId: 'BR1', productCodes: ['FUND-BOND'], channels: ['phone'], budget: '100', period: { start: '2026-01-01', end: '2030-01-01' } });
    expect(r.status).toBe(200);
    // KDONE: 1 of its 2 controls bought = 0.5. (With the running KRUN, 2 of 2 more: (1 + 2) / (2 + 2) = 0.75.)
    expect(r.body.baseline).toEqual({ rate: 0.5, source: 'past_control_groups', pastCampaigns: ['KDONE'], pastControlCustomers: 2, pastControlConverted: 1 });
  });
});
