import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels, type Queryable } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard, type PeoplePage } from './staff-scorecard.query';

/**
 * The people counters (v12: sc_unit_people, sc_month_movers) against the pairs they replace: random
 * histories, each projected in batches of a random size, and every month's scorecard of the bank,
 * two branches, a sub-branch and a wealth centre (first page, a later page, every row) asked both
 * ways: from the counters, and with the two tables dropped (the v11 live schema's path, reading the
 * month's person-unit pairs as before). The answers must be equal in full.
 *
 * The histories are awkward on purpose: moves recorded out of business order (backdated), several
 * in one month, back to the unit left, at 23:30 on a month's last day and 00:30 on the next's first
 * (Beijing), into a unit never opened; someone credited before being registered, someone moved
 * before being registered (their registration is ignored), someone never registered; sales with
 * referrers, reversals, contacts, complaints, customers moved up to a wealth centre and back
 * (shadow credits in the centre, the sale kept in the sub-branch the customer left).
 */
const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const BEGIN = '2026-01-01T00:00:00+08:00';
const UNITS: [string, string | null, boolean][] = [
  ['HO', null, false],
  ['BR1', 'HO', false],
  ['BR2', 'HO', false],
  ['SB1', 'BR1', false],
  ['SB2', 'BR1', false],
  ['SB3', 'BR2', false],
  ['WC', 'BR1', true],
];
const MOVE_TO = ['SB1', 'SB2', 'SB3', 'WC', 'BR2', 'GHOST'];
const STAFF = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10'];
const CUSTOMERS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8'];
const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05'];
const LAST_DAY: Record<string, number> = { '2026-01': 31, '2026-02': 28, '2026-03': 31, '2026-04': 30, '2026-05': 31 };

/** A small seeded generator (mulberry32): the same history for the same seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick };
}

/** A business time: often 23:30 on a month's last day or 00:30 on its first (Beijing), else a day and hour inside it. */
function timeIn(r: ReturnType<typeof random>): string {
  const month = r.pick(MONTHS);
  const x = r.next();
  if (x < 0.15) return `${month}-${LAST_DAY[month]}T23:30:00+08:00`;
  if (x < 0.3) return `${month}-01T00:30:00+08:00`;
  // the month's very bounds in Beijing: its first and its last millisecond (review r1: an end off by one passed without them)
  if (x < 0.35) return `${month}-01T00:00:00.000+08:00`;
  if (x < 0.4) return `${month}-${LAST_DAY[month]}T23:59:59.999+08:00`;
  const day = String(1 + Math.floor(r.next() * LAST_DAY[month]!)).padStart(2, '0');
  return `${month}-${day}T${String(Math.floor(r.next() * 24)).padStart(2, '0')}:15:00+08:00`;
}

function history(seed: number): { stream: string; event: NewEvent }[] {
  const r = random(seed);
  const org = (type: string, data: object, at = BEGIN) => ({ stream: 'organisation', event: ev(type, data, at) });
  const customer = (id: string, type: string, data: object, at: string) => ({ stream: `customer-${id}`, event: ev(type, { customerId: id, ...data }, at) });
  const out = [
    org('ProductDefined', { productCode: 'DEP', weight: '1' }),
    ...UNITS.map(([unitId, parentId, wealthCentre]) => org('OrgUnitOpened', { unitId, parentId, name: unitId, level: 'branch', wealthCentre })),
    // s1–s6 registered at the start; s7 moved before being registered (so never registered); s8 registered later; s9, s10 never
    ...STAFF.slice(0, 6).map((staffId) => org('StaffMemberRegistered', { staffId, displayName: staffId, role: 'relationship_manager', unitId: r.pick(['SB1', 'SB2', 'SB3']) })),
    org('StaffMemberMoved', { staffId: 's7', fromUnitId: 'SB1', toUnitId: 'SB2' }, '2026-02-10T10:00:00+08:00'),
    ...CUSTOMERS.flatMap((id) => [customer(id, 'CustomerOnboarded', { homeUnitId: r.pick(['SB1', 'SB2', 'SB3']) }, BEGIN), customer(id, 'CustomerAssignedToManager', { staffId: r.pick(STAFF) }, BEGIN)]),
  ];
  let n = 0;
  const registerAt = 10 + Math.floor(r.next() * 60);
  for (let i = 0; i < 90; i++) {
    if (i === registerAt) out.push(org('StaffMemberRegistered', { staffId: 's8', displayName: 's8', role: 'relationship_manager', unitId: r.pick(['SB1', 'SB3']) }));
    if (i === 40) out.push(org('StaffMemberRegistered', { staffId: 's7', displayName: 's7', role: 'relationship_manager', unitId: 'SB3' }));
    // a customer moved up to the centre, given to another manager there, then sold to: the sale kept by the referrer in
    // the sub-branch left, the shadow to the centre's manager in the centre (counters where neither may have an interval)
    if (i % 30 === 20) {
      const [k, month] = [r.pick(CUSTOMERS), r.pick(MONTHS.slice(0, 4))];
      out.push(
        customer(k, 'CustomerTransferred', { fromUnitId: 'x', toUnitId: 'WC', fromStaffId: null, toStaffId: null, crossBranch: false }, `${month}-01T00:30:00+08:00`),
        customer(k, 'CustomerAssignedToManager', { staffId: r.pick(STAFF) }, `${month}-02T10:00:00+08:00`),
        customer(k, 'ConversionRecorded', { conversionId: `W${i}`, staffId: 's1', productCode: 'DEP', amount: '100.00', revenue: '50.00', campaignId: null, referrerStaffId: null, referralId: null }, `${month}-${LAST_DAY[month]}T23:30:00+08:00`),
      );
    }
    const x = r.next();
    const k = r.pick(CUSTOMERS);
    const at = timeIn(r);
    if (x < 0.22) {
      // a move: any staff, often back where they were, sometimes into a unit never opened
      out.push(org('StaffMemberMoved', { staffId: r.pick(STAFF), fromUnitId: 'x', toUnitId: r.pick(MOVE_TO) }, at));
    } else if (x < 0.5) {
      const id = `S${++n}`;
      out.push(customer(k, 'ConversionRecorded', { conversionId: id, staffId: r.pick(STAFF), productCode: 'DEP', amount: '100.00', revenue: `${10 + Math.floor(r.next() * 90)}.00`, campaignId: null, referrerStaffId: r.next() < 0.3 ? r.pick(STAFF) : null, referralId: null }, at));
      if (r.next() < 0.15) out.push(customer(k, 'ConversionReversed', { conversionId: id }, at));
    } else if (x < 0.62) {
      out.push(customer(k, 'CustomerAssignedToManager', { staffId: r.pick(STAFF) }, at));
    } else if (x < 0.72) {
      const to = r.pick(['WC', 'WC', 'SB1', 'SB3']);
      out.push(customer(k, 'CustomerTransferred', { fromUnitId: 'x', toUnitId: to, fromStaffId: null, toStaffId: null, crossBranch: false }, at));
    } else if (x < 0.9) {
      out.push(customer(k, 'CustomerContacted', { contactId: `T${i}`, staffId: r.pick(STAFF), channel: 'phone', campaignId: null }, at));
    } else {
      out.push(customer(k, 'ComplaintRecorded', { complaintId: `Q${i}`, category: 'other', descriptionNote: null, contactId: null, staffId: r.pick(STAFF), campaignId: null }, at));
    }
  }
  return out;
}

/** The answer from the v11 live schema's path: the same snapshot with the people counters dropped (rolled back). */
async function withoutCounters<T>(pool: Pool, body: (db: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [staffScorecardProjection.name]);
    await client.query(`SELECT set_config('search_path', $1, true)`, [`"${rows[0].schema_name}", public`]);
    await client.query(`DROP TABLE sc_unit_people, sc_month_movers`);
    return await body(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

const QUESTIONS: [string | undefined, PeoplePage][] = [
  [undefined, { limit: 100 }],
  [undefined, { limit: 3, offset: 4 }],
  [undefined, {}],
  ['BR1', { limit: 100 }],
  ['BR1', {}],
  ['BR2', { limit: 2, offset: 1 }],
  ['SB1', { limit: 100 }],
  ['WC', {}],
];

describe('staff scorecard v12: people counters equal to the month pairs they replace', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('answers every month of random history %i as the pairs do', async (seed) => {
    // Each history in a database of its own (one log each).
    const own = await createTestDatabase();
    try {
      const store = new PostgresEventStore(own.pool, { connectionString: own.url, maxPollIntervalMs: 20 });
      for (const { stream, event } of history(seed)) await store.appendToStream(stream, [event], 'any');
      await projectToEnd(store, own.pool, [staffScorecardProjection], { batchSize: [1, 3, 7, 500][seed % 4]! });
      let compared = 0;
      let movers = 0;
      for (const period of ['2025-12', ...MONTHS, '2026-06']) {
        for (const [orgUnit, page] of QUESTIONS) {
          const now = await withReadModels(own.pool, [staffScorecardProjection.name], (rm) => scorecard(rm, period, orgUnit, page));
          const before = await withoutCounters(own.pool, (rm) => scorecard(rm, period, orgUnit, page));
          expect({ period, orgUnit, page, answer: now }).toEqual({ period, orgUnit, page, answer: before });
          compared++;
        }
        const m = await withReadModels(own.pool, [staffScorecardProjection.name], async (rm) => (await rm.query(`SELECT count(*)::int AS n FROM sc_month_movers WHERE period = $1 AND counted > 0`, [period])).rows[0].n);
        movers += m;
      }
      // Counters of registered people in a unit and month none of their intervals overlaps (the case the pairs' union is for).
      const outside = await withReadModels(own.pool, [staffScorecardProjection.name], async (rm) => (await rm.query(`
        SELECT m.staff_id, m.unit_id, m.period FROM sc_person_month m WHERE EXISTS (SELECT 1 FROM sc_staff s WHERE s.staff_id = m.staff_id) AND NOT EXISTS (
          SELECT 1 FROM sc_staff_units i WHERE i.staff_id = m.staff_id AND i.unit_id = m.unit_id
            AND (i.valid_from IS NULL OR i.valid_from < ((m.period || '-01')::timestamp AT TIME ZONE 'Asia/Shanghai') + interval '1 month')
            AND (i.valid_to IS NULL OR (i.valid_to > ((m.period || '-01')::timestamp AT TIME ZONE 'Asia/Shanghai') AND i.valid_to > COALESCE(i.valid_from, '-infinity'))))`)).rows);
      expect(outside.length).toBeGreaterThan(0);
      expect(compared).toBe(7 * QUESTIONS.length);
      // Not a history without people in two units in a month (what the movers' rows are for).
      expect(movers).toBeGreaterThan(0);
    } finally {
      await own.drop();
    }
  }, 120_000);
});
