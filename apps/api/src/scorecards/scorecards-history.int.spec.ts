import { api, seedCustomer, seedOrganisation } from '../../../../test/support/api';
import { startTestApp, type TestApp } from '../../../../test/support/test-app';
import { expectCaughtUp } from '../../../../test/support/project-to-end';
import { startProjector } from '@app/platform';
import { businessMonth } from '@app/domain';

/**
 * DOMAIN Staff scorecards ("Period total is the main basis for performance pay") and issue 13
 * item 2: a month's scorecard credits the unit a person was in and the manager a customer had when
 * each fact happened, so a move or a transfer after the month has closed leaves it as it was.
 *
 * The history is written with the projector stopped and projected in one batch; then rm1 moves to
 * another branch and customer C1 is transferred twice (rm1 → rm2 → rm4), written again with the
 * projector stopped so that the move and both transfers are applied in one batch.
 * Weights: DEP-1Y 0.50, FUND-BOND 1.50, GOLD 1.00 points per CNY of revenue.
 */
describe('scorecards keep the past as it was', () => {
  let t: TestApp;
  let c: ReturnType<typeof api>;
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const sale = (customerId: string, productCode: string, revenue: string, occurredAt?: string, by = 'head-br1', staffId = 'rm2') =>
    ok(c.as(by).post('/api/interactions', { kind: 'conversion', customerId, staffId, productCode, amount: '10000', revenue, ...(occurredAt ? { occurredAt } : {}) }));
  const project = async () => {
    const runner = await startProjector(t.runtime);
    await expectCaughtUp(runner, 60_000);
    await runner.stop();
  };
  const card = async (period: string) => (await ok(c.as('admin').get(`/api/scorecards?period=${period}&orgUnit=HO`))) as { people: any[]; units: any[] };
  const rows = (answer: { people: any[] }, staffId: string) => answer.people.filter((p) => p.staffId === staffId);
  const unit = (answer: { units: any[] }, unitId: string) => answer.units.find((u) => u.unitId === unitId);

  let marchBefore: { people: any[]; units: any[] };

  beforeAll(async () => {
    t = await startTestApp({ RUN_PROJECTOR: 'false' });
    c = api(t);
    await seedOrganisation(t);
    await ok(c.as('admin').post('/api/org/staff', { staffId: 'rm4', displayName: 'rm4', role: 'relationship_manager', unitId: 'SB1' }));
    await seedCustomer(t, 'C1', { tolerance: 'R3' });
    await seedCustomer(t, 'C2', { tolerance: 'R3' });
    // Assigned in February (business time), before every sale below.
    await ok(c.as('head-br1').post('/api/customers/C1/manager', { staffId: 'rm1', occurredAt: '2026-02-20T10:00:00+08:00' }));
    await ok(c.as('head-br1').post('/api/customers/C2/manager', { staffId: 'rm2', occurredAt: '2026-02-20T10:00:00+08:00' }));

    // C1's sales, all credited to C1's manager rm1 whoever books them, near midnight Beijing time:
    await sale('C1', 'GOLD', '10.00', '2026-02-28T23:30:00+08:00'); // February (15:30 UTC on the 28th)
    await sale('C1', 'GOLD', '50.00', '2026-03-01T00:30:00+08:00'); // March, though 16:30 UTC on 28 February: 50.00 points
    await sale('C1', 'FUND-BOND', '100.35', '2026-03-31T23:30:00+08:00'); // March: 100.35 × 1.5 = 150.525 → 150.53 points (half up)
    await sale('C1', 'DEP-1Y', '200.00', '2026-04-01T00:30:00+08:00'); // April, though 16:30 UTC on 31 March: 100 points
    // Contacts: rm1 reaches C1 in March; rm2 reaches C2 only at 00:30 on 1 April (Beijing), which is April.
    await ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId: 'C1', staffId: 'rm1', channel: 'phone', outcome: 'ok', occurredAt: '2026-03-15T10:00:00+08:00' }));
    await ok(c.as('rm2').post('/api/interactions', { kind: 'contact', customerId: 'C2', staffId: 'rm2', channel: 'phone', outcome: 'ok', occurredAt: '2026-04-01T00:30:00+08:00' }));
    await ok(c.as('head-br1').post('/api/org/targets', { subjectId: 'SB1', period: '2026-03', points: '400' }));
    await project();
    marchBefore = await card('2026-03');

    // After March has closed (all now, in this order): rm1 contacts C1, moves to SB2 (another
    // branch), and C1 is transferred twice; then rm1 manages C3 of SB2, contacts and sells to them.
    const contact = (customerId: string) => ok(c.as('rm1').post('/api/interactions', { kind: 'contact', customerId, staffId: 'rm1', channel: 'phone', outcome: 'ok' }));
    await contact('C1');
    await ok(c.as('admin').post('/api/org/staff/rm1/move', { toUnitId: 'SB2' }));
    await ok(c.as('head-br1').post('/api/customers/C1/transfer', { toStaffId: 'rm2' }));
    await ok(c.as('head-br1').post('/api/customers/C1/transfer', { toStaffId: 'rm4' }));
    // A sale to C1 now counts for its manager now, rm4.
    await sale('C1', 'DEP-1Y', '20.00');
    await ok(c.as('rm3').post('/api/customers', { customerId: 'C3', segment: 'retail', gender: 'F', assetsByUnit: { SB2: '300000' } }));
    await ok(c.as('admin').post('/api/customers/C3/manager', { staffId: 'rm1' }));
    await contact('C3');
    await ok(c.as('rm1').post('/api/interactions', { kind: 'conversion', customerId: 'C3', staffId: 'rm1', productCode: 'DEP-1Y', amount: '1000', revenue: '30.00' }));
    await project();
  });
  afterAll(() => t.close());

  it('scores March by the bank calendar, to the exact hundredth of a point', () => {
    // rm1, in SB1: C1's sales of 1 March 00:30 (GOLD 50.00 → 50 points) and 31 March 23:30 (FUND-BOND 100.35 → 150.53).
    expect(rows(marchBefore, 'rm1')).toEqual([
      expect.objectContaining({ unitId: 'SB1', conversions: 2, revenue: '150.35', points: 200.53, score: 200.53, contacts: 1, assignedCustomers: 1, maintenanceAdherence: 1 }),
    ]);
    // rm2 managed C2 through March, and contacted C2 only in April: 0 of 1.
    expect(rows(marchBefore, 'rm2')).toEqual([expect.objectContaining({ unitId: 'OUT1', conversions: 0, points: 0, assignedCustomers: 1, maintenanceAdherence: 0 })]);
    // SB1 holds rm1 and OUT1's rm2 below it: 200.53 points of a 400 target → 200.53 / 400 = 0.501325.
    expect(unit(marchBefore, 'SB1')).toMatchObject({ conversions: 2, revenue: '150.35', points: 200.53, score: 200.53, target: 400, attainment: 0.501325 });
    expect(unit(marchBefore, 'BR1')).toMatchObject({ conversions: 2, points: 200.53 });
    expect(unit(marchBefore, 'SB2')).toMatchObject({ conversions: 0, points: 0 });
  });

  it('leaves March as it was after the person moved and the customer was transferred twice', async () => {
    const march = await card('2026-03');
    expect(march.people).toEqual(marchBefore.people);
    expect(march.units).toEqual(marchBefore.units);
    // Spelled out: rm1's March stays under SB1 (and BR1), none of it under SB2 (or BR2).
    expect(rows(march, 'rm1').map((r) => [r.unitId, r.points, r.assignedCustomers])).toEqual([['SB1', 200.53, 1]]);
    expect(unit(march, 'BR2')).toMatchObject({ points: 0, conversions: 0 });
    // April too: C1's DEP-1Y 200.00 at 00:30 on 1 April → 100 points for rm1 under SB1.
    const april = await card('2026-04');
    expect(rows(april, 'rm1').map((r) => [r.unitId, r.points])).toEqual([['SB1', 100]]);
  });

  it('puts the facts after the move under the new unit, and C1 with the managers it had', async () => {
    const now = await card(businessMonth(new Date()));
    // This month rm1 was in SB1 until the move (the contact with C1), then in SB2 (C3: contact, DEP-1Y 30.00 × 0.5 = 15 points).
    // Assigned this month: C1 (until its first transfer) and C3, both contacted: adherence 2 / 2 on each row.
    expect(rows(now, 'rm1').map((r) => [r.unitId, r.contacts, r.conversions, r.points, r.assignedCustomers, r.maintenanceAdherence])).toEqual([
      // best first: the SB2 row's 15 points before SB1's none
      ['SB2', 1, 1, 15, 2, 1],
      ['SB1', 1, 0, 0, 2, 1],
    ]);
    // C1 was rm2's between the transfers, rm4's since: rm4 has the sale (20.00 × 0.5 = 10 points).
    expect(rows(now, 'rm4')).toEqual([expect.objectContaining({ unitId: 'SB1', conversions: 1, revenue: '20.00', points: 10, assignedCustomers: 1 })]);
    expect(rows(now, 'rm2')).toEqual([expect.objectContaining({ assignedCustomers: 2 })]); // C2, and C1 between the transfers
    expect(unit(now, 'SB2')).toMatchObject({ people: 2, conversions: 1, points: 15 }); // rm3 and rm1 (from the move)
    expect(unit(now, 'HO')).toMatchObject({ conversions: 2, revenue: '50.00', points: 25 }); // rm1 counted once: 15 + 10
  });

  it("gives one person's month across the units they were in, with each unit's row", async () => {
    const rm1 = await ok(c.as('admin').get(`/api/scorecards/rm1?period=${businessMonth(new Date())}`));
    // The sum of both rows, under SB2 (where rm1 is at the end of the month).
    expect(rm1).toMatchObject({ unitId: 'SB2', contacts: 2, customersContacted: 2, conversions: 1, revenue: '30.00', points: 15, score: 15, assignedCustomers: 2 });
    expect(rm1.byUnit.map((r: { unitId: string; points: number }) => [r.unitId, r.points])).toEqual([
      ['SB1', 0],
      ['SB2', 15],
    ]);
    // March: one unit, no byUnit.
    const march = await ok(c.as('admin').get('/api/scorecards/rm1?period=2026-03'));
    expect(march).toMatchObject({ unitId: 'SB1', points: 200.53 });
    expect(march.byUnit).toBeUndefined();
  });
});
