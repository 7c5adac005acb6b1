import { startProjector } from '@app/platform';
import { customer360Projection } from '@app/read-models';
import { api, seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp, projectToEnd } from '../../../../test/support/project-to-end';

/**
 * Issue 13 item 5, freshness of an answer read from two projections (DESIGN.md: reads report the
 * position they reflect and how far behind the store they are). The customer 360 reads
 * customer-360 and points-ledger: the answer states the one furthest behind, and each of them.
 */
describe('freshness of an answer read from two projections', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const positionOf = async (name: string) =>
    (await t.db.pool.query(`SELECT commit_pos::text || '/' || prepare_pos::text AS p FROM projection_checkpoints WHERE name = $1`, [name])).rows[0].p as string;
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  let before: string;
  let after: string;
  /** The wall clock just before and just after the contact was appended (the store's recorded_at is between). */
  let appending: number;
  let appended: number;

  beforeAll(async () => {
    t = await startTestApp({ RUN_PROJECTOR: 'false' });
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'C1', { tolerance: 'R3' });
    const all = await startProjector(t.runtime);
    await expectCaughtUp(all, 60_000);
    await all.stop();
    before = await positionOf('points-ledger');
    // One more event, a contact at 23:30 Beijing time; only customer-360 is projected past it.
    appending = Date.now();
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: 'ok', occurredAt: '2026-03-31T23:30:00+08:00' }));
    appended = Date.now();
    await projectToEnd(t.runtime.store, t.db.pool, [customer360Projection], { batchSize: 50 });
    after = await positionOf('customer-360');
    // The points ledger's oldest unapplied event (the contact) ages by at least this before it is asked about.
    await new Promise((r) => setTimeout(r, 1_500));
  });
  afterAll(() => t.close());

  it('states the projection furthest behind, one event behind the store, and each projection with its own position', async () => {
    expect(after).not.toBe(before);
    const asking = Date.now();
    const answer = await ok(c.as('admin').get('/api/customers/C1'));
    const answered = Date.now();
    expect(answer.readModel).toEqual({
      projection: 'points-ledger',
      position: before,
      lag: { events: 1, seconds: expect.any(Number) },
      projections: [
        { projection: 'customer-360', position: after, lag: { events: 0, seconds: 0 } },
        { projection: 'points-ledger', position: before, lag: { events: 1, seconds: expect.any(Number) } },
      ],
    });
    // The contact's age when the answer was read: at least from its append's end to the request,
    // at most from its append's start to the answer (10 ms either side for the clocks' rounding).
    const { seconds } = answer.readModel.lag;
    expect(seconds).toBeGreaterThanOrEqual((asking - appended) / 1000 - 0.01);
    expect(seconds).toBeLessThanOrEqual((answered - appending) / 1000 + 0.01);
    expect(answer.readModel.projections[1].lag.seconds).toBe(seconds);
  });

  it('waits for minPosition in every projection it reads, not only the first: the points ledger has not reached it, so 503 READ_MODEL_BEHIND', async () => {
    const r = await c.as('admin').get(`/api/customers/C1?minPosition=${after}`);
    expect([r.status, r.body.error?.code]).toEqual([503, 'READ_MODEL_BEHIND']);
  }, 30_000);

  it('states a single projection\'s freshness as before when the answer reads one', async () => {
    const answer = await ok(c.as('admin').get('/api/budgets?year=2026'));
    expect(Object.keys(answer.readModel).sort()).toEqual(['lag', 'position', 'projection']);
  });
});
