import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectHistory } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard, type PeoplePage } from './staff-scorecard.query';

/**
 * The unit months kept as counters (sc_unit_month) and the page read from the score index, checked
 * on a bank and a branch worked by hand. Beijing times; weight 1 (a point per CNY); a complaint
 * costs 200 points; a referral takes half.
 *
 * HO ─ BR1 ─ SB1, SB2; HO ─ BR2 ─ SB3. a1, a2 in SB1; b1, b2 in SB2, b2 moving to SB1 at 10:00 on
 * 16 March; c1, c2, c3 in SB3, c3 moving to SB2 (the other branch) at 10:00 on 10 March; c2 does
 * nothing in March (a row by their unit interval only).
 */
const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const BEGIN = '2026-01-01T00:00:00+08:00';
const org = (type: string, data: object, at = BEGIN) => ({ stream: 'organisation', event: ev(type, data, at) });
const customer = (id: string, type: string, data: object, at: string) => ({ stream: `customer-${id}`, event: ev(type, { customerId: id, ...data }, at) });
const sale = (conversionId: string, customerId: string, revenue: string, at: string, referrerStaffId: string | null = null) =>
  customer(customerId, 'ConversionRecorded', { conversionId, staffId: 'x', productCode: 'DEP', amount: '1000.00', revenue, campaignId: null, referrerStaffId, referralId: null }, at);

const HISTORY = [
  org('ProductDefined', { productCode: 'DEP', weight: '1' }),
  ...[
    ['HO', null],
    ['BR1', 'HO'],
    ['SB1', 'BR1'],
    ['SB2', 'BR1'],
    ['BR2', 'HO'],
    ['SB3', 'BR2'],
  ].map(([unitId, parentId]) => org('OrgUnitOpened', { unitId, parentId, name: `unit ${unitId}`, level: 'branch', wealthCentre: false })),
  ...[
    ['a1', 'SB1'],
    ['a2', 'SB1'],
    ['b1', 'SB2'],
    ['b2', 'SB2'],
    ['c1', 'SB3'],
    ['c2', 'SB3'],
    ['c3', 'SB3'],
  ].map(([staffId, unitId]) => org('StaffMemberRegistered', { staffId, displayName: staffId, role: 'relationship_manager', unitId })),
  ...[
    ['K1', 'SB1', 'a1'],
    ['K2', 'SB1', 'a2'],
    ['K3', 'SB2', 'b2'],
    ['K4', 'SB3', 'c1'],
    ['K5', 'SB3', 'c3'],
    ['K6', 'SB2', 'b1'],
  ].flatMap(([id, unit, rm]) => [customer(id!, 'CustomerOnboarded', { homeUnitId: unit }, BEGIN), customer(id!, 'CustomerAssignedToManager', { staffId: rm }, '2026-01-02T09:00:00+08:00')]),
  org('StaffMemberMoved', { staffId: 'c3', fromUnitId: 'SB3', toUnitId: 'SB2' }, '2026-03-10T10:00:00+08:00'),
  org('StaffMemberMoved', { staffId: 'b2', fromUnitId: 'SB2', toUnitId: 'SB1' }, '2026-03-16T10:00:00+08:00'),
  sale('S1', 'K1', '40.00', '2026-03-05T10:00:00+08:00'), // a1, SB1: 40
  sale('S9', 'K1', '5.00', '2026-03-06T10:00:00+08:00'), // a1, SB1: 5, reversed below
  sale('S2', 'K2', '25.00', '2026-03-31T23:30:00+08:00'), // a2, SB1: 25 (23:30 on the last of March in Beijing: March)
  sale('S3', 'K2', '99.00', '2026-04-01T00:30:00+08:00'), // a2, SB1: April in Beijing (still 31 March in UTC): not March
  sale('S4', 'K3', '30.00', '2026-03-10T10:00:00+08:00'), // b2 before the move: SB2, 30
  sale('S5', 'K3', '25.00', '2026-03-20T10:00:00+08:00'), // b2 after it: SB1, 25
  sale('S6', 'K4', '30.00', '2026-03-12T10:00:00+08:00'), // c1, SB3: 30
  sale('S7', 'K5', '10.00', '2026-03-05T10:00:00+08:00'), // c3 before the move: SB3, 10
  sale('S8', 'K5', '20.00', '2026-03-20T10:00:00+08:00', 'b1'), // c3 after it: SB2 10, and b1's referral in SB2: 10
  customer('K1', 'ConversionReversed', { conversionId: 'S9' }, '2026-03-07T10:00:00+08:00'),
  customer('K6', 'ComplaintRecorded', { complaintId: 'Q1', category: 'other', descriptionNote: null, contactId: null, staffId: 'b1', campaignId: null }, '2026-03-21T10:00:00+08:00'), // b1, SB2: −200
  customer('K6', 'CustomerContacted', { contactId: 'T1', staffId: 'b1', channel: 'phone', campaignId: null }, '2026-03-21T09:00:00+08:00'), // no unit figure
];

describe('staff scorecard v11: unit months as counters, a page from the score index', () => {
  let db: TestDatabase;
  const q = (sql: string) => withReadModels(db.pool, [staffScorecardProjection.name], async (rm) => (await rm.query(sql)).rows);
  const ask = (orgUnit?: string, page?: PeoplePage) => withReadModels(db.pool, [staffScorecardProjection.name], (rm) => scorecard(rm, '2026-03', orgUnit, page));
  const rows = (people: { staffId: string; unitId: string; score: number; rankInUnit: number }[]) => people.map((p) => [p.staffId, p.unitId, p.score, p.rankInUnit]);

  beforeAll(async () => {
    db = await createTestDatabase();
    await projectHistory(db, HISTORY, [staffScorecardProjection], { batchSize: 4 });
  });
  afterAll(() => db.drop());

  it('keeps each unit month by hand, and equal to a recount from the person rows', async () => {
    const units = await q(`SELECT period, unit_id, conversions, revenue_fen::int, points_hundredths::int, shadow_hundredths::int, penalty_hundredths::int FROM sc_unit_month ORDER BY period, unit_id`);
    expect(units.map((r) => [r.period, r.unit_id, r.conversions, r.revenue_fen, r.points_hundredths, r.shadow_hundredths, r.penalty_hundredths])).toEqual([
      // SB1: a1 S1 (S9 added and taken off), a2 S2, b2 S5: 3 sales, 40 + 25 + 25 = 90.00 CNY, 9,000 hundredths.
      ['2026-03', 'SB1', 3, 9000, 9000, 0, 0],
      // SB2: b2 S4 30, c3 half of S8 10 (a sale), b1 the other half 10 (a referral: no conversion); b1's complaint 200 points.
      ['2026-03', 'SB2', 2, 5000, 5000, 0, 20000],
      // SB3: c1 S6 30, c3 S7 10.
      ['2026-03', 'SB3', 2, 4000, 4000, 0, 0],
      // April: a2's S3, 99.00.
      ['2026-04', 'SB1', 1, 9900, 9900, 0, 0],
    ]);
    const differ = await q(`
      SELECT * FROM (SELECT period, unit_id, sum(conversions) AS c, sum(revenue_fen) AS r, sum(points_hundredths) AS p, sum(shadow_hundredths) AS s, sum(penalty_hundredths) AS n
                     FROM sc_person_month GROUP BY period, unit_id) m
      FULL JOIN (SELECT period, unit_id, conversions AS c, revenue_fen AS r, points_hundredths AS p, shadow_hundredths AS s, penalty_hundredths AS n FROM sc_unit_month) u USING (period, unit_id)
      WHERE (m.c, m.r, m.p, m.s, m.n) IS DISTINCT FROM (u.c, u.r, u.p, u.s, u.n)`);
    expect(differ).toEqual([]);
  });

  // March's rows, best first, ties by staff id then unit: a1 SB1 40; b2 SB2 30, c1 SB3 30; a2 SB1 25, b2 SB1 25;
  // c3 SB2 10, c3 SB3 10; c2 SB3 0 (no counters); b1 SB2 10 − 200 = −190. Ranks in each whole unit: SB1 a1 1, a2 and b2 2
  // (tied); SB2 b2 1, c3 2, b1 3; SB3 c1 1, c3 2, c2 3.
  it('pages the bank from the score index, merging the row without counters in once the page reaches 0', async () => {
    const pages = await Promise.all([0, 4, 8, 12].map((offset) => ask(undefined, { limit: 4, offset })));
    expect(pages.map((p) => rows(p.people))).toEqual([
      [
        ['a1', 'SB1', 40, 1],
        ['b2', 'SB2', 30, 1],
        ['c1', 'SB3', 30, 1],
        ['a2', 'SB1', 25, 2],
      ],
      [
        ['b2', 'SB1', 25, 2],
        ['c3', 'SB2', 10, 2],
        ['c3', 'SB3', 10, 2],
        ['c2', 'SB3', 0, 3],
      ],
      [['b1', 'SB2', -190, 3]],
      [],
    ]);
    // 9 person-unit rows: b2 and c3 in two units each.
    expect(pages.map((p) => p.peopleTotal)).toEqual([9, 9, 9, 9]);
    // Every row without a limit: the pages end to end.
    expect(rows((await ask()).people)).toEqual(pages.flatMap((p) => rows(p.people)));
  });

  it('sums the units up the tree, each person once wherever their rows fall', async () => {
    const { units } = await ask(undefined, { limit: 1 });
    expect(units.map((u) => [u.unitId, u.people, u.conversions, u.revenue, u.points, u.score])).toEqual([
      // a1, a2, b1, b2, c1, c2, c3: 7 (b2 and c3 once); 3 + 2 + 2 sales; 90 + 50 + 40 = 180; less 200.
      ['HO', 7, 7, '180.00', 180, -20],
      // BR1: a1, a2, b2 (SB1 and SB2: once), b1, c3 (SB2): 5; 3 + 2 sales; 90 + 50; less 200.
      ['BR1', 5, 5, '140.00', 140, -60],
      // BR2: c1, c2, c3: 3; 2 sales, 40.
      ['BR2', 3, 2, '40.00', 40, 40],
      ['SB1', 3, 3, '90.00', 90, 90],
      ['SB2', 3, 2, '50.00', 50, -150],
      ['SB3', 3, 2, '40.00', 40, 40],
    ]);
  });

  it('pages a branch from its own units, ranked in each whole unit', async () => {
    // BR1's rows: a1 SB1 40, b2 SB2 30, a2 SB1 25, b2 SB1 25, c3 SB2 10, b1 SB2 −190: 6.
    const br1 = await Promise.all([ask('BR1', { limit: 2 }), ask('BR1', { limit: 2, offset: 2 }), ask('BR1', { limit: 2, offset: 4 })]);
    expect(br1.map((p) => [p.peopleTotal, rows(p.people)])).toEqual([
      [6, [['a1', 'SB1', 40, 1], ['b2', 'SB2', 30, 1]]],
      [6, [['a2', 'SB1', 25, 2], ['b2', 'SB1', 25, 2]]],
      [6, [['c3', 'SB2', 10, 2], ['b1', 'SB2', -190, 3]]],
    ]);
    expect(br1[0]!.units.map((u) => [u.unitId, u.people, u.score])).toEqual([
      ['BR1', 5, -60],
      ['SB1', 3, 90],
      ['SB2', 3, -150],
    ]);
    // BR2: c3 ranked second in SB3 behind c1, ahead of c2 (no counters).
    const br2 = await ask('BR2', { limit: 10 });
    expect([br2.peopleTotal, rows(br2.people)]).toEqual([3, [['c1', 'SB3', 30, 1], ['c3', 'SB3', 10, 2], ['c2', 'SB3', 0, 3]]]);
  });
  it('answers from a live schema of a version before the unit months (blue/green: v10 serves while v11 builds), as worked out by hand', async () => {
    const before = await Promise.all([ask(undefined, { limit: 4 }), ask('BR1', { limit: 2 }), ask()]);
    const { rows: [{ schema_name: schema }] } = await db.pool.query(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [staffScorecardProjection.name]);
    // The table only v11 has goes (nothing is written after this); its score indexes on sc_person_month go too.
    await db.pool.query(`DROP TABLE "${schema}".sc_unit_month; DROP INDEX "${schema}".sc_person_month_score_idx, "${schema}".sc_person_month_unit_score_idx`);
    const after = await Promise.all([ask(undefined, { limit: 4 }), ask('BR1', { limit: 2 }), ask()]);
    // The same hand-worked sums as above: HO 7 people, 180 points, score -20; BR1 5, 140, -60; SB2 3, 50, -150.
    expect(after[0].units.filter((u) => ['HO', 'BR1', 'SB2'].includes(u.unitId)).map((u) => [u.unitId, u.people, u.points, u.score])).toEqual([
      ['HO', 7, 180, -20],
      ['BR1', 5, 140, -60],
      ['SB2', 3, 50, -150],
    ]);
    expect(rows(after[0].people)).toEqual([
      ['a1', 'SB1', 40, 1],
      ['b2', 'SB2', 30, 1],
      ['c1', 'SB3', 30, 1],
      ['a2', 'SB1', 25, 2],
    ]);
    expect(after).toEqual(before);
  });
});
