import { startProjector } from '@app/platform';
import { api, seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { whileLocked } from '../../../../test/support/read-limits';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp } from '../../../../test/support/project-to-end';

/**
 * Issue 13 item 5: a scorecard answer is read from counters in one read-only snapshot, says which
 * projector commit it reflects, and gives up with a clear 503 (READ_TIMEOUT) when a statement runs
 * past READ_STATEMENT_TIMEOUT_MS (300 ms here) instead of holding a connection for minutes.
 */
describe('scorecard reads', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const project = async () => {
    const runner = await startProjector(t.runtime);
    await expectCaughtUp(runner, 60_000);
    await runner.stop();
  };
  const checkpoint = async () =>
    (await t.db.pool.query(`SELECT commit_pos::text || '/' || prepare_pos::text AS position, schema_name FROM projection_checkpoints WHERE name = 'staff-scorecard'`)).rows[0] as { position: string; schema_name: string };

  beforeAll(async () => {
    t = await startTestApp({ RUN_PROJECTOR: 'false', READ_STATEMENT_TIMEOUT_MS: '300' });
    c = api(t);
    await seedOrganisation(t);
    await seedCustomer(t, 'C1', { tolerance: 'R3' });
    await seedCustomer(t, 'C2', { tolerance: 'R3' });
    await ok(c.as('head-br1').post('/api/customers/C1/manager', { staffId: 'rm1', occurredAt: '2026-02-20T10:00:00+08:00' }));
    await ok(c.as('head-br1').post('/api/customers/C2/manager', { staffId: 'rm1', occurredAt: '2026-02-20T10:00:00+08:00' }));
    // 23:30 on 31 March, Beijing: March. C2 is reached only at 00:30 on 1 April: April.
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: 'ok', occurredAt: '2026-03-31T23:30:00+08:00' }));
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'C2', staffId: 'rm1', channel: 'phone', outcome: 'ok', occurredAt: '2026-04-01T00:30:00+08:00' }));
    await project();
  });
  afterAll(() => t.close());

  it('answers from the counters and states the projector commit the figures reflect', async () => {
    const answer = await ok(c.as('admin').get('/api/scorecards?period=2026-03&orgUnit=BR1'));
    // rm1 had C1 and C2 all March and reached C1 only: 1 of 2.
    expect(answer.people.find((p: any) => p.staffId === 'rm1')).toEqual(expect.objectContaining({ unitId: 'SB1', contacts: 1, customersContacted: 1, assignedCustomers: 2, maintenanceAdherence: 0.5 }));
    expect(answer.readModel).toEqual({ projection: 'staff-scorecard', position: (await checkpoint()).position, lag: { events: 0, seconds: 0 } });
  });

  it('answers a month after the last fact with the customers assigned now, none contacted', async () => {
    const answer = await ok(c.as('admin').get('/api/scorecards?period=2026-09&orgUnit=SB1'));
    expect(answer.people.find((p: any) => p.staffId === 'rm1')).toEqual(expect.objectContaining({ customersContacted: 0, assignedCustomers: 2, maintenanceAdherence: 0 }));
  });

  it('gives up with 503 READ_TIMEOUT when a statement waits past the limit, and answers again once it can', async () => {
    // Another session holds the counters (as a long maintenance statement would): every read of them waits.
    await whileLocked(t, `"${(await checkpoint()).schema_name}".sc_person_month`, async () => {
      const started = Date.now();
      const list = await c.as('admin').get('/api/scorecards?period=2026-03&orgUnit=BR1');
      const person = await c.as('admin').get('/api/scorecards/rm1?period=2026-03');
      expect([list.status, list.body.error.code, person.status, person.body.error.code]).toEqual([503, 'READ_TIMEOUT', 503, 'READ_TIMEOUT']);
      // Two requests, each cancelled after 300 ms of waiting: well under the 15 s default.
      expect(Date.now() - started).toBeLessThan(10_000);
    });
    expect((await c.as('admin').get('/api/scorecards?period=2026-03&orgUnit=BR1')).status).toBe(200);
  });
});
