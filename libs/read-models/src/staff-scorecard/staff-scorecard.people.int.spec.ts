import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectHistory } from '../../../../test/support/project-to-end';
import { withReadModels, type Queryable } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard } from './staff-scorecard.query';

/**
 * The people of each unit's month from the people counters (v12), by hand, and the same figures
 * from a live schema without them (v11's, while v12 builds blue/green). Beijing times.
 *
 * HO ─ BR1 ─ SB1, SB2; HO ─ BR2 ─ SB3.
 * - a1: registered in SB1, does nothing (of every month by the interval only).
 * - b1: registered in SB2; a sale on 15 March is credited there; then a move to SB3 dated 00:30 on 1 February is
 *   recorded (backdated): SB2's interval now ends at 00:30 on 1 February (January and February), SB3 from then, and
 *   March's counters in SB2 are where no interval of theirs reaches: b1 is of SB2's March by them alone.
 * - c1: assigned a customer and credited for a sale at 23:30 on 31 March (March in Beijing) before being registered
 *   (the credit is in unit '', no unit), then registered in SB1: of SB1 every month, and of '' in March.
 * - d1: registered in SB1, moved to SB2 at 23:30 on 31 March and back to SB1 at 00:30 on 1 April: SB2 in March and
 *   April (its interval's last instant is in April), SB1 throughout.
 * - e1: credited, never registered: nowhere.
 */
const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const BEGIN = '2026-01-01T00:00:00+08:00';
const org = (type: string, data: object, at = BEGIN) => ({ stream: 'organisation', event: ev(type, data, at) });
const customer = (id: string, type: string, data: object, at: string) => ({ stream: `customer-${id}`, event: ev(type, { customerId: id, ...data }, at) });
const sale = (conversionId: string, customerId: string, at: string) =>
  customer(customerId, 'ConversionRecorded', { conversionId, staffId: 'x', productCode: 'DEP', amount: '100.00', revenue: '10.00', campaignId: null, referrerStaffId: null, referralId: null }, at);
const registered = (staffId: string, unitId: string) => org('StaffMemberRegistered', { staffId, displayName: staffId, role: 'relationship_manager', unitId });
const moved = (staffId: string, toUnitId: string, at: string) => org('StaffMemberMoved', { staffId, fromUnitId: 'x', toUnitId }, at);

const HISTORY = [
  org('ProductDefined', { productCode: 'DEP', weight: '1' }),
  ...[
    ['HO', null],
    ['BR1', 'HO'],
    ['SB1', 'BR1'],
    ['SB2', 'BR1'],
    ['BR2', 'HO'],
    ['SB3', 'BR2'],
  ].map(([unitId, parentId]) => org('OrgUnitOpened', { unitId, parentId, name: unitId, level: 'branch', wealthCentre: false })),
  registered('a1', 'SB1'),
  registered('b1', 'SB2'),
  registered('d1', 'SB1'),
  ...[
    ['K1', 'b1'],
    ['K2', 'c1'],
    ['K3', 'e1'],
  ].flatMap(([id, rm]) => [customer(id!, 'CustomerOnboarded', { homeUnitId: 'SB1' }, BEGIN), customer(id!, 'CustomerAssignedToManager', { staffId: rm }, BEGIN)]),
  sale('S1', 'K1', '2026-03-15T10:00:00+08:00'),
  moved('b1', 'SB3', '2026-02-01T00:30:00+08:00'),
  sale('S2', 'K2', '2026-03-31T23:30:00+08:00'),
  registered('c1', 'SB1'),
  sale('S3', 'K3', '2026-03-10T10:00:00+08:00'),
  moved('d1', 'SB2', '2026-03-31T23:30:00+08:00'),
  moved('d1', 'SB1', '2026-04-01T00:30:00+08:00'),
];

/** The answer as a live schema without the people counters gives it (dropped in a transaction rolled back). */
async function withoutCounters<T>(db: TestDatabase, body: (rm: Queryable) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [staffScorecardProjection.name]);
    await client.query(`SELECT set_config('search_path', $1, true)`, [`"${rows[0].schema_name}", public`]);
    await client.query(`DROP TABLE sc_unit_people, sc_month_movers`);
    expect((await client.query(`SELECT to_regclass('sc_unit_people') AS t`)).rows).toEqual([{ t: null }]);
    return await body(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('staff scorecard v12: people of a unit month as counters', () => {
  let db: TestDatabase;
  const q = (sql: string) => withReadModels(db.pool, [staffScorecardProjection.name], async (rm) => (await rm.query(sql)).rows);
  /** peopleTotal and each unit's people, for a month and unit. */
  const people = async (rm: Queryable, period: string, orgUnit?: string) => {
    const s = await scorecard(rm, period, orgUnit, { limit: 100 });
    return { total: s.peopleTotal, units: Object.fromEntries(s.units.map((u) => [u.unitId, u.people])) };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await projectHistory(db, HISTORY, [staffScorecardProjection], { batchSize: 3 });
  });
  afterAll(() => db.drop());

  it('keeps the deltas and the people of two units by hand', async () => {
    expect(await q(`SELECT unit_id, period, people FROM sc_unit_people WHERE people <> 0 ORDER BY unit_id, period`)).toEqual([
      // c1 of '' in March only: +1 in March, −1 from April
      { unit_id: '', period: '2026-03', people: 1 },
      { unit_id: '', period: '2026-04', people: -1 },
      // a1, c1, d1 since the beginning (d1's two intervals there meet: March, then April on)
      { unit_id: 'SB1', period: '0000-00', people: 3 },
      // b1 since the beginning through March (interval to February, counters in March): −1 from April; d1 March and April
      { unit_id: 'SB2', period: '0000-00', people: 1 },
      { unit_id: 'SB2', period: '2026-03', people: 1 },
      { unit_id: 'SB2', period: '2026-04', people: -1 },
      { unit_id: 'SB2', period: '2026-05', people: -1 },
      // b1 from February
      { unit_id: 'SB3', period: '2026-02', people: 1 },
    ]);
    expect(await q(`SELECT period, staff_id, unit_id FROM sc_month_movers WHERE counted > 0 ORDER BY period, staff_id, unit_id`)).toEqual([
      { period: '2026-02', staff_id: 'b1', unit_id: 'SB2' },
      { period: '2026-02', staff_id: 'b1', unit_id: 'SB3' },
      { period: '2026-03', staff_id: 'b1', unit_id: 'SB2' },
      { period: '2026-03', staff_id: 'b1', unit_id: 'SB3' },
      { period: '2026-03', staff_id: 'c1', unit_id: '' },
      { period: '2026-03', staff_id: 'c1', unit_id: 'SB1' },
      { period: '2026-03', staff_id: 'd1', unit_id: 'SB1' },
      { period: '2026-03', staff_id: 'd1', unit_id: 'SB2' },
      { period: '2026-04', staff_id: 'd1', unit_id: 'SB1' },
      { period: '2026-04', staff_id: 'd1', unit_id: 'SB2' },
    ]);
  });

  // The figures by hand, the same from either path.
  // March: SB1 a1, c1, d1 (3); SB2 b1 (counters), d1 (2); SB3 b1 (1); '' c1 (1, outside the tree: only the bank's total).
  // Bank total 3 + 2 + 1 + 1 = 7 person-unit rows; HO {a1, b1, c1, d1} = 4; BR1 {a1, c1, d1} ∪ {b1, d1} = 4; BR2 {b1} = 1.
  const MARCH = { total: 7, units: { HO: 4, BR1: 4, SB1: 3, SB2: 2, BR2: 1, SB3: 1 } };
  // April: SB1 3; SB2 d1 (1); SB3 b1 (1): 5; HO 4; BR1 {a1, c1, d1} = 3.
  const APRIL = { total: 5, units: { HO: 4, BR1: 3, SB1: 3, SB2: 1, BR2: 1, SB3: 1 } };
  // February: SB1 3; SB2 b1 (interval to 00:30 on 1 February); SB3 b1 (from then): 5; HO 4, BR1 4, BR2 1.
  const FEBRUARY = { total: 5, units: { HO: 4, BR1: 4, SB1: 3, SB2: 1, BR2: 1, SB3: 1 } };
  // January: SB1 3, SB2 b1: 4. May: SB1 3, SB3 b1: 4 (HO counts b1 once in each).
  const JANUARY = { total: 4, units: { HO: 4, BR1: 4, SB1: 3, SB2: 1, BR2: 0, SB3: 0 } };
  const MAY = { total: 4, units: { HO: 4, BR1: 3, SB1: 3, SB2: 0, BR2: 1, SB3: 1 } };
  // BR1's own answer: its pairs only (March: SB1 3 + SB2 2 = 5), the same units' people.
  const BR1_MARCH = { total: 5, units: { BR1: 4, SB1: 3, SB2: 2 } };

  it.each([
    ['from the counters', (body: (rm: Queryable) => Promise<unknown>) => withReadModels(db.pool, [staffScorecardProjection.name], body)],
    ['from a live schema without them (v11)', (body: (rm: Queryable) => Promise<unknown>) => withoutCounters(db, body)],
  ])('answers the people by hand %s', async (_, read) => {
    const answers = await read(async (rm) => ({
      january: await people(rm, '2026-01'),
      february: await people(rm, '2026-02'),
      march: await people(rm, '2026-03'),
      april: await people(rm, '2026-04'),
      may: await people(rm, '2026-05'),
      br1March: await people(rm, '2026-03', 'BR1'),
    }));
    expect(answers).toEqual({ january: JANUARY, february: FEBRUARY, march: MARCH, april: APRIL, may: MAY, br1March: BR1_MARCH });
  });
});
