import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard } from './staff-scorecard.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const B = '2026-01-01T00:00:00+08:00';
const o = (event: NewEvent) => ({ stream: 'organisation', event });
const c = (id: string, event: NewEvent) => ({ stream: `customer-${id}`, event });
const sale = (cv: string, id: string, staffId: string, revenue: string, at: string) =>
  c(id, ev('ConversionRecorded', { conversionId: cv, customerId: id, staffId, productCode: 'DEP', amount: revenue, revenue, campaignId: null, referrerStaffId: null, referralId: null }, at));

/**
 * Shadow scoring (影子考核, DOMAIN.md; seed 004: "对营销业绩同时计算为推荐网点/支行和理财中心/私人银行分部业绩", centres "含网点理财室")
 * for a customer moved up into a team inside a wealth centre: WT1 is a team of the centre WC1 (WT1's own flag false).
 * DEP weighs 1.50. C1 (SB1, rm1's since 2 January) moves up to WT1, to rmT, at 00:30 Beijing on 1 March.
 *   S0 200.00 at 23:30 Beijing on 28 February (before the move): rm1's, February.
 *   S1 100.00 at 00:45 Beijing on 1 March, S2 40.03 at 23:30 Beijing on 31 March (in the WT1 stay, rmT the manager):
 *   the sales to rm1 in SB1, who moved C1 up; the same points to rmT in WT1 in shadow.
 * C2 (SB2, rm2's): 10.00 on 10 March, rm2's plainly.
 */
const HISTORY = [
  o(ev('ProductDefined', { productCode: 'DEP', weight: '1.5' }, B)),
  ...(
    [
      ['HO', null, false],
      ['BR1', 'HO', false],
      ['SB1', 'BR1', false],
      ['SB2', 'BR1', false],
      ['WC1', 'BR1', true],
      ['WT1', 'WC1', false],
    ] as const
  ).map(([u, p, w]) => o(ev('OrgUnitOpened', { unitId: u, parentId: p, name: u, level: 'sub_branch_1', wealthCentre: w }, B))),
  ...[
    ['rm1', 'SB1'],
    ['rm2', 'SB2'],
    ['rmT', 'WT1'],
  ].map(([s, u]) => o(ev('StaffMemberRegistered', { staffId: s, displayName: s, role: 'relationship_manager', unitId: u }, B))),
  c('C1', ev('CustomerOnboarded', { customerId: 'C1', homeUnitId: 'SB1' }, B)),
  c('C1', ev('CustomerAssignedToManager', { customerId: 'C1', staffId: 'rm1' }, '2026-01-02T09:00:00+08:00')),
  c('C2', ev('CustomerOnboarded', { customerId: 'C2', homeUnitId: 'SB2' }, B)),
  c('C2', ev('CustomerAssignedToManager', { customerId: 'C2', staffId: 'rm2' }, '2026-01-02T09:00:00+08:00')),
  sale('S0', 'C1', 'rm1', '200.00', '2026-02-28T23:30:00+08:00'),
  c('C1', ev('CustomerTransferred', { customerId: 'C1', fromUnitId: 'SB1', toUnitId: 'WT1', fromStaffId: 'rm1', toStaffId: 'rmT', crossBranch: false }, '2026-03-01T00:30:00+08:00')),
  c('C1', ev('CustomerAssignedToManager', { customerId: 'C1', staffId: 'rmT' }, '2026-03-01T00:30:00+08:00')),
  sale('S1', 'C1', 'rmT', '100.00', '2026-03-01T00:45:00+08:00'),
  sale('S2', 'C1', 'rmT', '40.03', '2026-03-31T23:30:00+08:00'),
  sale('S3', 'C2', 'rm2', '10.00', '2026-03-10T10:00:00+08:00'),
];

describe('staff scorecard v11: a customer moved up into a team inside a wealth centre, in the database', () => {
  const dbs: TestDatabase[] = [];
  afterAll(() => Promise.all(dbs.map((d) => d.drop())));

  // One event per batch: every unit read back from sc_units (the team's centre found above it); all in one: opened in the batch.
  it.each([[1], [1000]])('scores March by hand, batches of %i', async (batchSize) => {
    const db = await createTestDatabase();
    dbs.push(db);
    const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const { stream, event } of HISTORY) await store.appendToStream(stream, [event], 'any');
    await projectToEnd(store, db.pool, [staffScorecardProjection], { batchSize, timeoutMs: 120_000 });
    const [march, february] = await withReadModels(db.pool, [staffScorecardProjection.name], async (rm) => [await scorecard(rm, '2026-03'), await scorecard(rm, '2026-02')]);
    const who = (s: Awaited<ReturnType<typeof scorecard>>) =>
      s.people.filter((p) => p.points || p.shadowPoints).map((p) => ({ staffId: p.staffId, unitId: p.unitId, conversions: p.conversions, revenue: p.revenue, points: p.points, shadowPoints: p.shadowPoints }));
    // March. rm1 in SB1: S1 10,000 fen × 1.5 = 15,000 hundredths; S2 4,003 × 1.5 = 6,004.5 → 6,005 (half up): 21,005 = 210.05
    // points, 2 sales, 140.03. rmT in WT1: the same 210.05 in shadow, no points of its own. rm2: 1,000 × 1.5 = 15.00.
    expect(who(march)).toEqual([
      { staffId: 'rm1', unitId: 'SB1', conversions: 2, revenue: '140.03', points: 210.05, shadowPoints: 0 },
      { staffId: 'rm2', unitId: 'SB2', conversions: 1, revenue: '10.00', points: 15, shadowPoints: 0 },
      { staffId: 'rmT', unitId: 'WT1', conversions: 0, revenue: '0.00', points: 0, shadowPoints: 210.05 },
    ]);
    // The centre WC1 rolls its team up: 210.05 in shadow, no points; BR1 holds SB1, SB2 and WC1: 210.05 + 15 = 225.05 points, counted once.
    const unit = (id: string) => march.units.find((u) => u.unitId === id)!;
    expect([unit('WC1').points, unit('WC1').shadowPoints, unit('BR1').points, unit('BR1').shadowPoints]).toEqual([0, 210.05, 225.05, 210.05]);
    // February: S0 before the move, rm1's plainly: 20,000 fen × 1.5 = 300 points.
    expect(who(february)).toEqual([{ staffId: 'rm1', unitId: 'SB1', conversions: 1, revenue: '200.00', points: 300, shadowPoints: 0 }]);
  }, 120_000);
});
