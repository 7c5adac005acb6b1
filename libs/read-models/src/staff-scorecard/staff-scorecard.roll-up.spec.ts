import { rollUp, type UnitRow } from './staff-scorecard.roll-up';

/**
 * The branch BR (its parent HO lies outside the scorecard asked for) with two sub-branches; SB1
 * has two departments, D2 with nobody in it. People sit at every level: g heads BR, f heads SB1,
 * the others work in D1 or SB2; d moved from D1 to SB2 during the month, so has a row in each.
 */
const UNITS: UnitRow[] = [
  { unit_id: 'BR', parent_id: 'HO', name: 'Branch' },
  { unit_id: 'SB1', parent_id: 'BR', name: 'Sub-branch 1' },
  { unit_id: 'D1', parent_id: 'SB1', name: 'Department 1' },
  { unit_id: 'D2', parent_id: 'SB1', name: 'Department 2' },
  { unit_id: 'SB2', parent_id: 'BR', name: 'Sub-branch 2' },
];

const sums = (unitId: string, people: number, conversions: number, revenueFen: number, pointsHundredths: number, shadowHundredths: number, scoreHundredths: number) => ({
  unitId,
  people,
  conversions,
  revenueFen,
  pointsHundredths,
  shadowHundredths,
  scoreHundredths,
});

/*
 * The person-unit rows of the month (staff, unit, conversions, revenue fen, points, shadow, score in hundredths; score =
 * points less penalties: c, b and e were penalised):
 *   a D1 2 100000 50000 0 50000 · b D1 1 30050 12345 0 2345 · c D1 3 20000 60000 500 50000 · d D1 0 0 2345 0 2345
 *   e D1 0 0 0 0 −50000 · d SB2 1 700 7000 0 7000 · h SB2 2 1234 7500 250 7000 · i SB2 1 5000 8000 0 8000
 *   f SB1 1 999 9000 0 9000 · g BR 0 0 0 0 0
 * summed per unit as the database gives them (not in tree order, D2 with nobody absent):
 */
const SUMS = [
  // i, d, h: 1 + 1 + 2; 5000 + 700 + 1234; 8000 + 7000 + 7500; 250; 8000 + 7000 + 7000.
  sums('SB2', 3, 4, 6934, 22500, 250, 22000),
  // a, b, c, d, e: 2 + 1 + 3; 100000 + 30050 + 20000; 50000 + 12345 + 60000 + 2345; 500; 50000 + 2345 + 50000 + 2345 − 50000.
  sums('D1', 5, 6, 150050, 124690, 500, 54690),
  sums('SB1', 1, 1, 999, 9000, 0, 9000),
  sums('BR', 1, 0, 0, 0, 0, 0),
];
/** d has rows in D1 and SB2. */
const MOVERS = [['D1', 'SB2']];

describe('rolling the scorecard up the unit tree', () => {
  // Targets in hundredths, as the database gives them (bigint as text).
  const TARGETS = [
    { subject_id: 'SB1', points_hundredths: '100000' },
    { subject_id: 'D2', points_hundredths: '1000' },
    { subject_id: 'BR', points_hundredths: '200000' },
  ];

  it('sums every row at or below each unit, counts each person once, and leaves an empty unit at zero', () => {
    const units = rollUp(UNITS, SUMS, MOVERS, TARGETS);
    expect(units).toEqual([
      // Everyone: a, b, c, d (two rows, one person), e, f, g, h, i. 11 conversions; revenue 1510.49 + 69.34;
      // points 1336.90 + 225.00; shadow 5.00 + 2.50; score 636.90 + 220.00; 856.90 of a target of 2000.00.
      { unitId: 'BR', name: 'Branch', parentId: 'HO', people: 9, conversions: 11, revenue: '1579.83', points: 1561.9, shadowPoints: 7.5, score: 856.9, target: 2000, attainment: 0.42845 },
      // D1, D2 and f: 6 people, 6 + 1 conversions, 1500.50 + 9.99, 1246.90 + 90.00 points, 546.90 + 90.00 score.
      { unitId: 'SB1', name: 'Sub-branch 1', parentId: 'BR', people: 6, conversions: 7, revenue: '1510.49', points: 1336.9, shadowPoints: 5, score: 636.9, target: 1000, attainment: 0.6369 },
      // a, b, c, d (its D1 row only), e: 1000.00 + 300.50 + 200.00; 500 + 123.45 + 600 + 23.45 points; 500 + 23.45 + 500 + 23.45 − 500 score.
      { unitId: 'D1', name: 'Department 1', parentId: 'SB1', people: 5, conversions: 6, revenue: '1500.50', points: 1246.9, shadowPoints: 5, score: 546.9, target: null, attainment: null },
      // Nobody: zeros, and 0 of its target of 10.00.
      { unitId: 'D2', name: 'Department 2', parentId: 'SB1', people: 0, conversions: 0, revenue: '0.00', points: 0, shadowPoints: 0, score: 0, target: 10, attainment: 0 },
      // i, d (its SB2 row only), h: 50.00 + 7.00 + 12.34; 80 + 70 + 75 points; 80 + 70 + 70 score.
      { unitId: 'SB2', name: 'Sub-branch 2', parentId: 'BR', people: 3, conversions: 4, revenue: '69.34', points: 225, shadowPoints: 2.5, score: 220, target: null, attainment: null },
    ]);
  });

  it('counts a person once at each unit above two or more of their units, and in each of the units', () => {
    // j was in D1, then D2, then SB2 in the month: a row in each. D1, D2, SB2 one each; SB1 (above D1 and D2) one, not
    // two; BR (above all three) one, not three. k, alone in D2 and never moved, is one more in D2, SB1 and BR.
    const people = rollUp(UNITS, [sums('D1', 1, 0, 0, 0, 0, 0), sums('D2', 2, 0, 0, 0, 0, 0), sums('SB2', 1, 0, 0, 0, 0, 0)], [['D1', 'D2', 'SB2']], []).map((u) => [u.unitId, u.people]);
    expect(people).toEqual([
      ['BR', 2],
      ['SB1', 2],
      ['D1', 1],
      ['D2', 2],
      ['SB2', 1],
    ]);
  });

  it('gives every unit zeros when nobody was in any of them', () => {
    expect(rollUp(UNITS.slice(2, 4), [], [], []).map((u) => [u.unitId, u.people, u.revenue, u.score, u.attainment])).toEqual([
      ['D1', 0, '0.00', 0, null],
      ['D2', 0, '0.00', 0, null],
    ]);
  });
});
