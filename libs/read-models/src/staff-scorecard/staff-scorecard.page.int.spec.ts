import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectHistory } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard, type PeoplePage } from './staff-scorecard.query';

/**
 * The scorecard answered flat in the org's size: people paged (best score first, ties by staff
 * id), ranked in their whole unit however the page falls, and the units summed in the database,
 * then up the tree. Beijing times; weight 1 (a point per CNY); a complaint costs 200 points.
 *
 * HO ─ BR1 ─ SB1 ─ T1 (three deep below HO), BR1 ─ SB2, HO ─ BR2 (nobody). h1 heads BR1; rm1, rm2
 * in T1; rm3 in SB1; rm4 in SB2; rm5 in SB2 until 10:00 on 15 March, then in T1: a row in each.
 */
const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const BEGIN = '2026-01-01T00:00:00+08:00';
const org = (type: string, data: object, at = BEGIN) => ({ stream: 'organisation', event: ev(type, data, at) });
const sale = (conversionId: string, customerId: string, revenue: string, at: string) => ({
  stream: `customer-${customerId}`,
  event: ev('ConversionRecorded', { conversionId, customerId, staffId: 'h1', productCode: 'DEP', amount: '1000.00', revenue, campaignId: null, referrerStaffId: null, referralId: null }, at),
});

const HISTORY = [
  org('ProductDefined', { productCode: 'DEP', weight: '1' }),
  ...[
    { unitId: 'HO', parentId: null, level: 'head_office' },
    { unitId: 'BR1', parentId: 'HO', level: 'branch' },
    { unitId: 'SB1', parentId: 'BR1', level: 'sub_branch_1' },
    { unitId: 'T1', parentId: 'SB1', level: 'sub_branch_2' },
    { unitId: 'SB2', parentId: 'BR1', level: 'sub_branch_1' },
    { unitId: 'BR2', parentId: 'HO', level: 'branch' },
  ].map((u) => org('OrgUnitOpened', { ...u, name: `unit ${u.unitId}`, wealthCentre: false })),
  org('StaffMemberRegistered', { staffId: 'h1', displayName: 'h1', role: 'branch_head', unitId: 'BR1' }),
  ...[
    ['rm1', 'T1'],
    ['rm2', 'T1'],
    ['rm3', 'SB1'],
    ['rm4', 'SB2'],
    ['rm5', 'SB2'],
  ].map(([staffId, unitId]) => org('StaffMemberRegistered', { staffId, displayName: staffId, role: 'relationship_manager', unitId })),
  org('TargetSet', { subjectId: 'SB1', subject: 'unit', period: '2026-03', points: '181.00' }),
  ...[1, 2, 3, 4, 5].flatMap((i) => [
    { stream: `customer-C${i}`, event: ev('CustomerOnboarded', { customerId: `C${i}`, homeUnitId: 'SB1' }, BEGIN) },
    { stream: `customer-C${i}`, event: ev('CustomerAssignedToManager', { customerId: `C${i}`, staffId: `rm${i}` }, '2026-01-02T09:00:00+08:00') },
  ]),
  org('StaffMemberMoved', { staffId: 'rm5', fromUnitId: 'SB2', toUnitId: 'T1' }, '2026-03-15T10:00:00+08:00'),
  sale('V1', 'C1', '30.00', '2026-03-05T10:00:00+08:00'), // rm1, T1: 30 points
  sale('V2', 'C1', '0.50', '2026-03-31T23:59:00+08:00'), // rm1, T1, still March in Beijing: 0.50 points
  sale('V3', 'C2', '20.00', '2026-03-06T10:00:00+08:00'), // rm2, T1: 20
  sale('V4', 'C2', '99.00', '2026-04-01T00:01:00+08:00'), // rm2, April: not in March
  sale('V5', 'C3', '20.00', '2026-03-07T10:00:00+08:00'), // rm3, SB1: 20
  sale('V6', 'C4', '20.00', '2026-03-08T10:00:00+08:00'), // rm4, SB2: 20
  sale('V7', 'C5', '15.00', '2026-03-15T09:59:00+08:00'), // rm5 a minute before the move: SB2, 15
  sale('V8', 'C5', '20.00', '2026-03-20T10:00:00+08:00'), // rm5 after it: T1, 20
  {
    stream: 'customer-C4',
    event: ev('ComplaintRecorded', { complaintId: 'K1', customerId: 'C4', category: 'other', descriptionNote: null, contactId: null, staffId: 'rm4', campaignId: null }, '2026-03-09T10:00:00+08:00'),
  }, // rm4, SB2: −200
];

describe('the scorecard paged and rolled up in the database', () => {
  let db: TestDatabase;
  const ask = (orgUnit?: string, page?: PeoplePage) => withReadModels(db.pool, [staffScorecardProjection.name], (rm) => scorecard(rm, '2026-03', orgUnit, page));
  const rows = (people: { staffId: string; unitId: string; score: number; rankInUnit: number }[]) => people.map((p) => [p.staffId, p.unitId, p.score, p.rankInUnit]);

  beforeAll(async () => {
    db = await createTestDatabase();
    await projectHistory(db, HISTORY, [staffScorecardProjection], { batchSize: 3 });
  });
  afterAll(() => db.drop());

  // March's rows, best first, ties by staff id: rm1 T1 30.50; rm2 T1, rm3 SB1, rm5 T1 20 each; rm5 SB2 15; h1 BR1 0;
  // rm4 SB2 20 − 200 = −180. Ranks in each whole unit: T1 rm1 1, rm2 and rm5 2 (tied); SB2 rm5 1, rm4 2; SB1 rm3 1; BR1 h1 1.
  it('gives the first page, the second (ties across its edge by staff id), and one past the end, with the total', async () => {
    const first = await ask(undefined, { limit: 3 });
    const second = await ask(undefined, { limit: 3, offset: 3 });
    const third = await ask(undefined, { limit: 3, offset: 6 });
    const past = await ask(undefined, { limit: 3, offset: 9 });
    expect(rows(first.people)).toEqual([
      ['rm1', 'T1', 30.5, 1],
      ['rm2', 'T1', 20, 2],
      ['rm3', 'SB1', 20, 1],
    ]);
    expect(rows(second.people)).toEqual([
      ['rm5', 'T1', 20, 2],
      ['rm5', 'SB2', 15, 1],
      ['h1', 'BR1', 0, 1],
    ]);
    expect(rows(third.people)).toEqual([['rm4', 'SB2', -180, 2]]);
    expect(past.people).toEqual([]);
    expect([first, second, third, past].map((a) => a.peopleTotal)).toEqual([7, 7, 7, 7]);
    // Every page carries the whole roll-up.
    expect(past.units).toEqual(first.units);
  });

  it('answers every row without a limit, and pages below a unit ranked in the whole unit', async () => {
    expect((await ask()).people.map((p) => `${p.staffId}/${p.unitId}`)).toEqual(['rm1/T1', 'rm2/T1', 'rm3/SB1', 'rm5/T1', 'rm5/SB2', 'h1/BR1', 'rm4/SB2']);
    const sb1 = await ask('SB1', { limit: 2, offset: 2 });
    expect([sb1.peopleTotal, rows(sb1.people)]).toEqual([4, [['rm3', 'SB1', 20, 1], ['rm5', 'T1', 20, 2]]]);
    // One person's rows only (a reader who sees themselves): ranked as in their units all the same.
    const rm5 = await ask(undefined, { staffId: 'rm5' });
    expect([rm5.peopleTotal, rows(rm5.people)]).toEqual([2, [['rm5', 'T1', 20, 2], ['rm5', 'SB2', 15, 1]]]);
  });

  it('sums each unit and everything below it, counting rm5 once wherever both rows fall', async () => {
    const { units } = await ask();
    const figures = units.map((u) => [u.unitId, u.parentId, u.people, u.conversions, u.revenue, u.points, u.score, u.target, u.attainment]);
    expect(figures).toEqual([
      // h1, rm1, rm2, rm3, rm4, rm5 (two rows, one person); 8 sales less V4 (April): 7; 30.50 + 20 + 20 + 20 + 15 + 20; score less 200.
      ['HO', null, 6, 7, '125.50', 125.5, -74.5, null, null],
      ['BR1', 'HO', 6, 7, '125.50', 125.5, -74.5, null, null],
      ['BR2', 'HO', 0, 0, '0.00', 0, 0, null, null],
      // SB1: rm3 and T1's three; 20 + 70.50 of a target of 181: a half.
      ['SB1', 'BR1', 4, 5, '90.50', 90.5, 90.5, 181, 0.5],
      // SB2: rm4 20 and rm5 15; 35 − 200.
      ['SB2', 'BR1', 2, 2, '35.00', 35, -165, null, null],
      // T1: rm1 30.50 (two sales), rm2 20, rm5 20.
      ['T1', 'SB1', 3, 4, '70.50', 70.5, 70.5, null, null],
    ]);
    // Below SB1: the same figures for SB1 and T1, nothing above.
    expect((await ask('SB1')).units.map((u) => [u.unitId, u.people, u.score])).toEqual([
      ['SB1', 4, 90.5],
      ['T1', 3, 70.5],
    ]);
  });
});
