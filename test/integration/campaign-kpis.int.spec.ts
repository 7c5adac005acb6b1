import { attributionRule } from '@app/domain';
import { api, seedCustomer, seedOrganisation, submitWithPlan } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { campaignKpis, scorecardAsOf } from '@app/read-models';
import { formatPosition, parsePosition } from '@app/event-store';
import { startProjector } from '@app/platform';
import { expectCaughtUp } from '../support/project-to-end';

/**
 * Figures as of a date and under each attribution model, over a small history written through the
 * API, every figure worked out here by hand.
 *
 * K1 (DEP-1Y) and K2 (DEP-1Y), BR1's, no control group, launched 00:00 on 1 March (Beijing).
 *   B: K1 contact 2 Mar; sales tagged K1: 100.00 on 10 Mar, 30.00 at 23:30 on 31 May, 20.00 at 00:30 on 1 June.
 *   A: K1 contact 10 May, K2 contact 20 May; an untagged sale of 90.00 on 25 May (both contacts within 30 days).
 *   K1 cost 65.00 (1 Apr).
 * As of 31 May (the end of that bank day, 23:59:59.999 Beijing = 15:59:59.999 UTC): B's 00:30 June sale
 * (16:30 UTC on 31 May) is after it.
 */
describe('campaign KPIs as of a date and under attribution models', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const D = new Date('2026-05-31T15:59:59.999Z');
  /** The position of K1's cost (the fifth thing written after the launches). */
  let costed: string;
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const kpis = async (question: Parameters<typeof campaignKpis>[2]) => {
    const answer = await campaignKpis(t.db.pool, t.runtime.store, question);
    const of = (id: string) => answer.campaigns.find((k) => k.campaignId === id)!;
    return { answer, K1: of('K1'), K2: of('K2') };
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = api(t);
    await seedOrganisation(t);
    for (const id of ['A', 'B']) await seedCustomer(t, id);
    const mkt = c.as('mkt-br1');
    for (const campaignId of ['K1', 'K2']) {
      // Drafted, submitted and approved on 20 February (business time).
      const feb20 = '2026-02-20T10:00:00+08:00';
      await ok(mkt.post('/api/campaigns', { campaignId, name: campaignId, ownerUnitId: 'BR1', productCodes: ['DEP-1Y'], channels: ['phone'], budget: '1000', period: { start: '2026-01-01', end: '2030-01-01' }, controlGroupPercent: 0, occurredAt: feb20 }));
      await ok(submitWithPlan(mkt, campaignId, { occurredAt: feb20 }));
      await ok(c.as('appr-ho').post(`/api/campaigns/${campaignId}/approve`, { occurredAt: feb20 }));
      await ok(mkt.post(`/api/campaigns/${campaignId}/launch`, { occurredAt: '2026-03-01T00:00:00+08:00' }));
    }
    const rec = (body: Record<string, unknown>) => ok(c.as('rm1').post('/api/interactions', { staffId: 'rm1', ...body }));
    const contact = (customerId: string, campaignId: string, occurredAt: string) => rec({ kind: 'contact', customerId, channel: 'phone', outcome: 'reached', campaignId, occurredAt });
    const sale = (customerId: string, revenue: string, campaignId: string | null, occurredAt: string) => rec({ kind: 'conversion', customerId, productCode: 'DEP-1Y', amount: '1000', revenue, campaignId, occurredAt });
    await contact('B', 'K1', '2026-03-02T10:00:00+08:00');
    await sale('B', '100.00', 'K1', '2026-03-10T10:00:00+08:00');
    costed = (await ok(mkt.post('/api/campaigns/K1/costs', { amount: '65.00', description: 'calls', occurredAt: '2026-04-01T10:00:00+08:00' }))).position;
    await contact('A', 'K1', '2026-05-10T10:00:00+08:00');
    await contact('A', 'K2', '2026-05-20T10:00:00+08:00');
    await sale('A', '90.00', null, '2026-05-25T10:00:00+08:00');
    await sale('B', '30.00', 'K1', '2026-05-31T23:30:00+08:00');
    await sale('B', '20.00', 'K1', '2026-06-01T00:30:00+08:00');
    await expectCaughtUp(t.runtime.projector!, 60_000);
  }, 120_000);
  afterAll(() => t?.close());

  it('answers now and as of 31 May by the bank calendar, the live read model untouched', async () => {
    const live = await kpis({});
    // Tagged K1: 100 + 30 + 20 = 150.00 in 3 sales; K2 none. ROI (150 − 65) / 65 = 1.3077 (rounded).
    expect(live.K1).toMatchObject({ conversions: 3, revenue: '150.00', cost: '65.00' });
    expect(live.K1.roi).toBeCloseTo(85 / 65, 12);
    expect(live.K2).toMatchObject({ conversions: 0, revenue: '0.00' });
    const asOf = await kpis({ asOf: D });
    // As of 31 May: 100 + 30 = 130.00 in 2 sales (the 00:30 June sale is after); ROI (130 − 65) / 65 = 1.
    expect(asOf.K1).toMatchObject({ conversions: 2, revenue: '130.00', cost: '65.00', roi: 1, attributed: { model: 'direct', conversions: 2, revenue: '130.00', roi: 1 } });
    expect(asOf.answer.asOf).toBe('2026-05-31T15:59:59.999Z');
    // Before the cost and B's first sale (end of 5 March): nothing yet.
    expect((await kpis({ asOf: new Date('2026-03-05T15:59:59.999Z') })).K1).toMatchObject({ conversions: 0, revenue: '0.00', cost: '0.00' });
    expect((await kpis({})).K1).toMatchObject({ conversions: 3, revenue: '150.00' });
    const { rows: scratch } = await t.db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm\\_scratch\\_%'`);
    expect(scratch).toEqual([]); // scratch tables dropped
  }, 60_000);

  it('does not know a campaign as of a date before it was drafted (20 February)', async () => {
    const early = await campaignKpis(t.db.pool, t.runtime.store, { asOf: new Date('2026-02-15T00:00:00Z') });
    expect(early.campaigns.map((k) => k.campaignId)).toEqual([]);
  });

  it("credits A's untagged 90.00 by each model, and every sale once: campaigns plus unattributed are all sold", async () => {
    // Sold by 31 May: 100 + 90 + 30 = 220.00. B's sales are tagged K1 (K1's under every model).
    const expected: Record<string, { K1: [number, string]; K2: [number, string] }> = {
      'last-touch': { K1: [2, '130.00'], K2: [1, '90.00'] }, // A's last contact: K2 (20 May)
      'first-touch': { K1: [3, '220.00'], K2: [0, '0.00'] }, // A's first contact in the window: K1 (10 May)
      linear: { K1: [2.5, '175.00'], K2: [0.5, '45.00'] }, // half each: 130 + 45, 45
    };
    for (const [model, want] of Object.entries(expected)) {
      const { answer, K1, K2 } = await kpis({ asOf: D, attribution: attributionRule(model) });
      expect({ model, K1: [K1.attributed.conversions, K1.attributed.revenue], K2: [K2.attributed.conversions, K2.attributed.revenue], unattributed: answer.unattributed }).toEqual({
        model,
        ...want,
        unattributed: { conversions: 0, revenue: '0.00' },
      });
    }
    // Time-decay, half-life 7 days: K1's contact is 15 days before the sale, K2's 5: weights 2^(−15/7) and 2^(−5/7),
    // K2's share 1 / (1 + 2^(−10/7)) = 1 / 1.3715 = 0.72913; 9,000 fen × 0.72913 = 6,562.2 → 65.62, K1 the rest 24.38 → 130 + 24.38 = 154.38.
    const decay = await kpis({ asOf: D, attribution: attributionRule('time-decay') });
    expect([decay.K1.attributed.revenue, decay.K2.attributed.revenue]).toEqual(['154.38', '65.62']);
  }, 60_000);

  it('replays as of 31 May up to a position given (the one a cache keyed the answer by): the figures and through of that position, not of the head', async () => {
    // Up to the cost: B's contact (2 Mar), B's 100.00 sale (10 Mar) and the cost 65.00; nothing of A yet, nor B's May sale.
    // Last-touch: K1 100.00 in 1 (tagged), K2 nothing; ROI (100 − 65) / 65. Read to the head it would be K1 130.00 in 2 and K2 90.00.
    const { answer, K1, K2 } = await kpis({ asOf: D, attribution: attributionRule('last-touch'), through: parsePosition(costed) });
    expect({ through: answer.through, K1: [K1.conversions, K1.revenue, K1.cost, K1.attributed.conversions, K1.attributed.revenue], K2: K2 && [K2.attributed.conversions, K2.attributed.revenue], unattributed: answer.unattributed }).toEqual({
      through: costed,
      K1: [1, '100.00', '65.00', 1, '100.00'],
      K2: [0, '0.00'],
      unattributed: { conversions: 0, revenue: '0.00' },
    });
    expect(K1.attributed.roi).toBeCloseTo(35 / 65, 4);
  }, 60_000);

  it('answers the same on the API: GET /api/campaigns/:id/effectiveness?asOf=&attribution=, in scope only', async () => {
    const res = await c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?asOf=2026-05-31&attribution=linear');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ campaignId: 'K1', asOf: D.toISOString(), attribution: { model: 'linear', windowDays: 30 }, conversions: 2, revenue: '130.00', attributed: { conversions: 2.5, revenue: '175.00' } });
    expect((await c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?asOf=2026-02-30')).body.error.code).toBe('INVALID_AS_OF');
    // A time without its offset is refused (400), not read in the server's zone; with it, and in the direct model too.
    for (const asOf of ['2026-05-31T10:00:00', '2026-05-31T23:59:59.999']) {
      for (const attribution of ['&attribution=linear', '']) {
        const refused = await c.as('mkt-br1').get(`/api/campaigns/K1/effectiveness?asOf=${asOf}${attribution}`);
        expect({ asOf, attribution, status: refused.status, code: refused.body.error?.code }).toEqual({ asOf, attribution, status: 400, code: 'INVALID_AS_OF' });
      }
    }
    expect((await c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?asOf=2026-05-31T23:59:59.999%2B08:00&attribution=linear')).body.asOf).toBe(D.toISOString());
    expect((await c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?attribution=newest')).body.error.code).toBe('INVALID_ATTRIBUTION');
    // BR2 is outside BR1's marketer's scope the other way round: BR2's people do not see BR1's campaign.
    await ok(c.as('admin').post('/api/org/staff', { staffId: 'mkt-br2', displayName: 'mkt-br2', role: 'marketer', unitId: 'BR2' }));
    expect((await c.as('mkt-br2').get('/api/campaigns/K1/effectiveness?asOf=2026-05-31')).status).toBe(404); // answered as an unknown campaign, before any replay
  }, 60_000);

  // Last in this block: it stops the projector, then starts another.
  it('states the position the live read model reflects, not the head, and credits the history up to it only, while the projector is behind', async () => {
    await expectCaughtUp(t.runtime.projector!, 60_000);
    const caughtUp = formatPosition((await t.runtime.store.headPosition())!);
    await t.runtime.projector!.stop();
    // Written after: B 40.00 tagged K1 on 2 June; A an untagged 10.00 on 5 June (contacts K1 10 May and K2 20 May, both
    // within 30 days: last touch K2). The stopped projector applies neither.
    const rec = (body: Record<string, unknown>) => ok(c.as('rm1').post('/api/interactions', { staffId: 'rm1', kind: 'conversion', productCode: 'DEP-1Y', amount: '1000', ...body }));
    await rec({ customerId: 'B', revenue: '40.00', campaignId: 'K1', occurredAt: '2026-06-02T10:00:00+08:00' });
    await rec({ customerId: 'A', revenue: '10.00', campaignId: null, occurredAt: '2026-06-05T10:00:00+08:00' });
    const head = formatPosition((await t.runtime.store.headPosition())!);
    expect(head).not.toBe(caughtUp);

    // Direct, now: the read model's figures (K1 100 + 30 + 20 = 150.00 in 3), at the position it reached.
    const direct = await kpis({ attribution: attributionRule('direct') });
    expect({ through: direct.answer.through, K1: [direct.K1.conversions, direct.K1.revenue] }).toEqual({ through: caughtUp, K1: [3, '150.00'] });
    // Last-touch, now: the ledger stops there too. K1 its tagged 150.00 in 3; K2 A's 90.00 (last touch 20 May).
    // Read to the head it would have counted K1 190.00 in 4 and K2 100.00 in 2 beside figures without them.
    const last = await kpis({ attribution: attributionRule('last-touch') });
    expect({ through: last.answer.through, K1: [last.K1.attributed.conversions, last.K1.attributed.revenue], K2: [last.K2.attributed.conversions, last.K2.attributed.revenue], unattributed: last.answer.unattributed }).toEqual({
      through: caughtUp,
      K1: [3, '150.00'],
      K2: [1, '90.00'],
      unattributed: { conversions: 0, revenue: '0.00' },
    });
    // The API says the same.
    for (const model of ['direct', 'last-touch']) {
      const res = await c.as('mkt-br1').get(`/api/campaigns/K1/effectiveness?attribution=${model}`);
      expect({ model, status: res.status, through: res.body.through, revenue: res.body.attributed?.revenue }).toEqual({ model, status: 200, through: caughtUp, revenue: '150.00' });
    }
    // The live scorecard too: its read model is where the projector stopped.
    expect((await scorecardAsOf(t.db.pool, t.runtime.store, { period: '2026-06' })).through).toBe(caughtUp);

    // Caught up again: both sales counted, at the head. K1 190.00 in 4; K2 90.00 + 10.00 = 100.00 in 2.
    const projector = await startProjector(t.runtime);
    expect(await projector.catchUp(60_000)).toBe(true);
    const after = await kpis({ attribution: attributionRule('last-touch') });
    expect({ through: after.answer.through, K1: [after.K1.attributed.conversions, after.K1.attributed.revenue], K2: [after.K2.attributed.conversions, after.K2.attributed.revenue] }).toEqual({
      through: head,
      K1: [4, '190.00'],
      K2: [2, '100.00'],
    });
    const res = await c.as('mkt-br1').get('/api/campaigns/K1/effectiveness?attribution=last-touch');
    expect({ through: res.body.through, revenue: res.body.attributed.revenue }).toEqual({ through: head, revenue: '190.00' });
  }, 120_000);
});
