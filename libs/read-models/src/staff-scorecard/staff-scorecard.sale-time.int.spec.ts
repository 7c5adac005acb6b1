import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectHistory } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard } from './staff-scorecard.query';

/**
 * Issue 13 build item 2: a sale credits the customer's manager at the sale's business time, under
 * the unit that manager was in then, in the sale's business month (Asia/Shanghai), whatever order
 * the sale, the assignments and the moves were recorded in. Projected one event per batch, so every
 * sale finds its customer's assignments, and its manager's units, in the tables (not in memory).
 * Times are Beijing time; weight 1.5 points per CNY of revenue; every sale is made by rm3.
 */
const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const BEGIN = '2026-01-01T00:00:00+08:00';
const assign = (customerId: string, staffId: string, at: string) => ({ stream: `customer-${customerId}`, event: ev('CustomerAssignedToManager', { customerId, staffId }, at) });
const sale = (conversionId: string, customerId: string, revenue: string, at: string) => ({
  stream: `customer-${customerId}`,
  event: ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm3', productCode: 'DEP', amount: '1000.00', revenue, campaignId: null, referrerStaffId: null, referralId: null }, at),
});

/** In the order recorded. */
const HISTORY = [
  { stream: 'organisation', event: ev('ProductDefined', { productCode: 'DEP', weight: '1.5' }, BEGIN) },
  ...[
    { unitId: 'HO', parentId: null, level: 'head_office' },
    { unitId: 'BR1', parentId: 'HO', level: 'branch' },
    { unitId: 'SB1', parentId: 'BR1', level: 'sub_branch_1' },
    { unitId: 'SB2', parentId: 'BR1', level: 'sub_branch_1' },
    { unitId: 'SB3', parentId: 'BR1', level: 'sub_branch_1' },
  ].map((u) => ({ stream: 'organisation', event: ev('OrgUnitOpened', { ...u, name: u.unitId, wealthCentre: false }, BEGIN) })),
  ...[1, 2, 3].map((i) => ({ stream: 'organisation', event: ev('StaffMemberRegistered', { staffId: `rm${i}`, displayName: `rm${i}`, role: 'relationship_manager', unitId: `SB${i}` }, BEGIN) })),
  ...['C1', 'C2', 'C3'].map((c) => ({ stream: `customer-${c}`, event: ev('CustomerOnboarded', { customerId: c, homeUnitId: 'SB1' }, BEGIN) })),
  // C1: rm1 from 1 March, rm2 from 10 April (recorded in that order).
  assign('C1', 'rm1', '2026-03-01T09:00:00+08:00'),
  assign('C1', 'rm2', '2026-04-10T09:00:00+08:00'),
  // C2: rm2 from 2 January, rm3 from 00:30 on 1 April.
  assign('C2', 'rm2', '2026-01-02T09:00:00+08:00'),
  assign('C2', 'rm3', '2026-04-01T00:30:00+08:00'),
  // C3: rm2 from 10 April recorded first, then rm1 from 1 April (backdated, recorded after it). By the write side's rule
  // (the customer aggregate: the last recorded assignment is the manager; access and the call list follow it) rm1 holds
  // C3 from 1 April on, now included, and rm2's assignment is superseded from its start: it covers nothing.
  assign('C3', 'rm2', '2026-04-10T09:00:00+08:00'),
  assign('C3', 'rm1', '2026-04-01T09:00:00+08:00'),
  // rm1 moves to SB3 from 20 April, recorded before the sales below.
  { stream: 'organisation', event: ev('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB3' }, '2026-04-20T09:00:00+08:00') },
  // The sales, recorded after all of that (back-dated):
  sale('V1', 'C1', '10.00', '2026-04-05T10:00:00+08:00'), // C1 rm1's on 5 April, rm1 in SB1 then: rm1, SB1, April
  sale('V2', 'C2', '5.00', '2026-03-31T23:30:00+08:00'), // C2 rm2's at 23:30 on 31 March: rm2, SB2, March
  sale('V3', 'C2', '80.00', '2026-04-01T00:45:00+08:00'), // C2 rm3's from 00:30 on 1 April: rm3, SB3, April
  sale('V4', 'C3', '20.00', '2026-04-05T10:00:00+08:00'), // C3 rm1's from 1 April: rm1, SB1, April
  sale('V5', 'C3', '40.00', '2026-04-25T10:00:00+08:00'), // C3 still rm1's (rm2's superseded), rm1 in SB3 from 20 April: rm1, SB3, April
  sale('V6', 'C3', '10.00', '2026-04-12T10:00:00+08:00'), // C3 rm1's on 12 April (not rm2, who cannot see C3): rm1, SB1, April
];

describe('a sale credits the manager and unit of its business time', () => {
  let db: TestDatabase;
  const q = <T>(f: (rm: any) => Promise<T>) => withReadModels(db.pool, [staffScorecardProjection.name], f);
  // By person and unit (the answer lists the best first): what is compared is who got which figures.
  const figures = async (period: string) =>
    (await q((rm) => scorecard(rm, period))).people
      .sort((a, b) => a.staffId.localeCompare(b.staffId) || a.unitId.localeCompare(b.unitId))
      .map(({ staffId, unitId, conversions, revenue, points }) => ({ staffId, unitId, conversions, revenue, points }));

  beforeAll(async () => {
    db = await createTestDatabase();
    await projectHistory(db, HISTORY, [staffScorecardProjection], { batchSize: 1, timeoutMs: 120_000 });
  }, 180_000);
  afterAll(() => db.drop());

  it('scores March: the sale at 23:30 on 31 March for the manager before the reassignment at 00:30', async () => {
    // V2: 500 fen × 1.5 = 750 hundredths = 7.50 points, rm2 in SB2. rm1 and rm3 were in their units, with nothing.
    expect(await figures('2026-03')).toEqual([
      { staffId: 'rm1', unitId: 'SB1', conversions: 0, revenue: '0.00', points: 0 },
      { staffId: 'rm2', unitId: 'SB2', conversions: 1, revenue: '5.00', points: 7.5 },
      { staffId: 'rm3', unitId: 'SB3', conversions: 0, revenue: '0.00', points: 0 },
    ]);
  });

  it('scores April: each back-dated sale for the manager of its time, in the unit they were in then', async () => {
    // rm1 in SB1: V1 1,000 + V4 2,000 + V6 1,000 = 4,000 fen → 6,000 hundredths (60 points); in SB3 from 20 April:
    // V5 4,000 fen → 6,000 (60 points). rm2: nothing (C3 never theirs). rm3 in SB3: V3 8,000 fen → 12,000 (120 points).
    expect(await figures('2026-04')).toEqual([
      { staffId: 'rm1', unitId: 'SB1', conversions: 3, revenue: '40.00', points: 60 },
      { staffId: 'rm1', unitId: 'SB3', conversions: 1, revenue: '40.00', points: 60 },
      { staffId: 'rm2', unitId: 'SB2', conversions: 0, revenue: '0.00', points: 0 },
      { staffId: 'rm3', unitId: 'SB3', conversions: 1, revenue: '80.00', points: 120 },
    ]);
  });

  it('keeps C3 with the write side: the backdated assignment, recorded last, holds from its start and now', async () => {
    const rows = await q(async (rm) => (await rm.query(`SELECT manager_id, valid_from, valid_to FROM sc_assignments WHERE customer_id = 'C3' ORDER BY valid_from`)).rows);
    expect(rows).toEqual([
      { manager_id: 'rm1', valid_from: new Date('2026-04-01T09:00:00+08:00'), valid_to: null },
      { manager_id: 'rm2', valid_from: new Date('2026-04-10T09:00:00+08:00'), valid_to: new Date('2026-04-10T09:00:00+08:00') },
    ]);
    // Assigned now (the last recorded of each): C1 rm2, C2 rm3, C3 rm1.
    expect(await q(async (rm) => (await rm.query(`SELECT staff_id, customers FROM sc_open_assignments WHERE customers <> 0 ORDER BY staff_id`)).rows)).toEqual([
      { staff_id: 'rm1', customers: 1 },
      { staff_id: 'rm2', customers: 1 },
      { staff_id: 'rm3', customers: 1 },
    ]);
    // Adherence (the horizon is April): rm1 had C1 [1 March, 10 April) and C3 from 1 April: March 1, April 2. rm2 had C2
    // [2 January, 00:30 on 1 April) and C1 from 10 April: March 1, April 2 (C3 not: superseded). rm3 had C2 from 1 April.
    expect(await q(async (rm) => (await rm.query(`SELECT period, staff_id, assigned FROM sc_staff_month WHERE period IN ('2026-03', '2026-04') AND assigned <> 0 ORDER BY period, staff_id`)).rows)).toEqual([
      { period: '2026-03', staff_id: 'rm1', assigned: 1 },
      { period: '2026-03', staff_id: 'rm2', assigned: 1 },
      { period: '2026-04', staff_id: 'rm1', assigned: 2 },
      { period: '2026-04', staff_id: 'rm2', assigned: 2 },
      { period: '2026-04', staff_id: 'rm3', assigned: 1 },
    ]);
  });
});

/**
 * Shadow scoring (影子考核) by the stays' business time, each event its own batch (every stay read back
 * from sc_customer_stays): C4, rm1's customer in SB1, moves up to the wealth centre WC1 (rmW) at 00:30
 * on 1 March, back to SB2 (rm2) at 00:30 on 1 April, up to WC2 (rmV) at 00:30 on 1 May.
 */
const transfer = (fromUnitId: string, toUnitId: string, fromStaffId: string, toStaffId: string, at: string) => [
  { stream: 'customer-C4', event: ev('CustomerTransferred', { customerId: 'C4', fromUnitId, toUnitId, fromStaffId, toStaffId, crossBranch: false }, at) },
  assign('C4', toStaffId, at),
];
const STAYS = [
  { stream: 'organisation', event: ev('ProductDefined', { productCode: 'DEP', weight: '1.5' }, BEGIN) },
  ...[
    { unitId: 'HO', parentId: null, level: 'head_office', wealthCentre: false },
    { unitId: 'BR1', parentId: 'HO', level: 'branch', wealthCentre: false },
    { unitId: 'SB1', parentId: 'BR1', level: 'sub_branch_1', wealthCentre: false },
    { unitId: 'SB2', parentId: 'BR1', level: 'sub_branch_1', wealthCentre: false },
    { unitId: 'WC1', parentId: 'BR1', level: 'sub_branch_1', wealthCentre: true },
    { unitId: 'WC2', parentId: 'BR1', level: 'sub_branch_1', wealthCentre: true },
  ].map((u) => ({ stream: 'organisation', event: ev('OrgUnitOpened', { ...u, name: u.unitId }, BEGIN) })),
  ...[
    ['rm1', 'SB1'],
    ['rm2', 'SB2'],
    ['rm3', 'SB2'],
    ['rmW', 'WC1'],
    ['rmV', 'WC2'],
  ].map(([staffId, unitId]) => ({ stream: 'organisation', event: ev('StaffMemberRegistered', { staffId, displayName: staffId, role: 'relationship_manager', unitId }, BEGIN) })),
  { stream: 'customer-C4', event: ev('CustomerOnboarded', { customerId: 'C4', homeUnitId: 'SB1' }, BEGIN) },
  assign('C4', 'rm1', '2026-01-02T09:00:00+08:00'),
  ...transfer('SB1', 'WC1', 'rm1', 'rmW', '2026-03-01T00:30:00+08:00'),
  // Recorded while the log knew C4 in WC1 (the move out below is recorded after it, dated before it).
  sale('X1', 'C4', '1.00', '2026-04-05T10:00:00+08:00'),
  ...transfer('WC1', 'SB2', 'rmW', 'rm2', '2026-04-01T00:30:00+08:00'),
  ...transfer('SB2', 'WC2', 'rm2', 'rmV', '2026-05-01T00:30:00+08:00'),
  // Recorded after every move:
  sale('S2', 'C4', '20.00', '2026-03-31T23:30:00+08:00'), // in the earlier stay (WC1, rmW)
  sale('S3', 'C4', '40.00', '2026-04-30T23:30:00+08:00'), // between the stays (SB2, rm2)
  sale('S4', 'C4', '80.00', '2026-05-01T00:45:00+08:00'), // in the later stay (WC2, rmV)
  { stream: 'customer-C4', event: ev('ConversionReversed', { customerId: 'C4', conversionId: 'S2' }, '2026-05-06T10:00:00+08:00') },
];

describe('shadow scoring by the stay in a centre at the sale (business time)', () => {
  let db: TestDatabase;
  const q = <T>(sql: string) => withReadModels(db.pool, [staffScorecardProjection.name], async (rm: any) => (await rm.query(sql)).rows as T[]);

  beforeAll(async () => {
    db = await createTestDatabase();
    await projectHistory(db, STAYS, [staffScorecardProjection], { batchSize: 1, timeoutMs: 120_000 });
  }, 180_000);
  afterAll(() => db.drop());

  it('credits each sale by the stay and the manager at its business time, a sale in the earlier stay to that stay', async () => {
    // X1 (5 April), recorded while the log knew C4 in WC1 under rmW: placed as the log knew it (rm1's sale in SB1, rmW's
    // shadow in WC1); the move out recorded after it does not move it. S2 (23:30 on 31 March, the WC1 stay): rm1 in SB1,
    // rmW in WC1. S3 (23:30 on 30 April, in SB2): rm2's. S4 (00:45 on 1 May, the WC2 stay): rm2, who moved C4 up from
    // SB2, keeps it there; rmV its shadow in WC2.
    expect(await q(`SELECT conversion_id, kind, staff_id, unit_id, period, reversed FROM sc_credits ORDER BY conversion_id, kind`)).toEqual([
      { conversion_id: 'S2', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-03', reversed: true },
      { conversion_id: 'S2', kind: 'shadow', staff_id: 'rmW', unit_id: 'WC1', period: '2026-03', reversed: true },
      { conversion_id: 'S3', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-04', reversed: false },
      { conversion_id: 'S4', kind: 'sale', staff_id: 'rm2', unit_id: 'SB2', period: '2026-05', reversed: false },
      { conversion_id: 'S4', kind: 'shadow', staff_id: 'rmV', unit_id: 'WC2', period: '2026-05', reversed: false },
      { conversion_id: 'X1', kind: 'sale', staff_id: 'rm1', unit_id: 'SB1', period: '2026-04', reversed: false },
      { conversion_id: 'X1', kind: 'shadow', staff_id: 'rmW', unit_id: 'WC1', period: '2026-04', reversed: false },
    ]);
  });

  it('adds up the months, the reversed sale in the earlier stay taken off its sale and its shadow', async () => {
    // Fen × 1.5 in hundredths: X1 100 → 150; S2 2,000 → 3,000, reversed: 0; S3 4,000 → 6,000; S4 8,000 → 12,000.
    expect(await q(`SELECT period, unit_id, staff_id, conversions, revenue_fen::int, points_hundredths::int, shadow_hundredths::int FROM sc_person_month ORDER BY period, unit_id, staff_id`)).toEqual([
      { period: '2026-03', unit_id: 'SB1', staff_id: 'rm1', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 0 },
      { period: '2026-03', unit_id: 'WC1', staff_id: 'rmW', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 0 },
      { period: '2026-04', unit_id: 'SB1', staff_id: 'rm1', conversions: 1, revenue_fen: 100, points_hundredths: 150, shadow_hundredths: 0 },
      { period: '2026-04', unit_id: 'SB2', staff_id: 'rm2', conversions: 1, revenue_fen: 4000, points_hundredths: 6000, shadow_hundredths: 0 },
      { period: '2026-04', unit_id: 'WC1', staff_id: 'rmW', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 150 },
      { period: '2026-05', unit_id: 'SB2', staff_id: 'rm2', conversions: 1, revenue_fen: 8000, points_hundredths: 12000, shadow_hundredths: 0 },
      { period: '2026-05', unit_id: 'WC2', staff_id: 'rmV', conversions: 0, revenue_fen: 0, points_hundredths: 0, shadow_hundredths: 12000 },
    ]);
  });
});
