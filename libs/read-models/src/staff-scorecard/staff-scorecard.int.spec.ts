import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { staffScorecardProjection } from './staff-scorecard.projection';
import { scorecard } from './staff-scorecard.query';
import { scorecardRecounted } from './staff-scorecard.recount';

/**
 * Issue 13 item 5: the scorecard read from counters answers as the per-request recount over the
 * fact rows did, month by month and unit by unit, over an awkward history: people moving unit
 * mid-month, customers transferred back and forth (twice in one batch), assignments recorded days
 * after they took effect (one before a later one), contacts and sales at 23:30 and 00:30 Beijing
 * time on a month's last and first day, several sales and contacts per customer, and months after
 * the last fact (answered from the customers assigned now). Projected in batches of 7, so the
 * counters are carried across batches as the horizon moves.
 */
const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt, schemaVersion: 1 },
});

/** A small seeded generator (mulberry32), so the history is the same at every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNITS = [
  { unitId: 'HO', parentId: null, level: 'head_office' },
  { unitId: 'BR1', parentId: 'HO', level: 'branch' },
  { unitId: 'BR2', parentId: 'HO', level: 'branch' },
  { unitId: 'SB1', parentId: 'BR1', level: 'sub_branch_1' },
  { unitId: 'SB2', parentId: 'BR1', level: 'sub_branch_1' },
  { unitId: 'SB3', parentId: 'BR2', level: 'sub_branch_1' },
];
const STAFF = ['rm1', 'rm2', 'rm3', 'rm4', 'rm5'];
const CUSTOMERS = Array.from({ length: 24 }, (_, i) => `C${i + 1}`);
const MONTHS = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07'];

/** Around 900 events from 3 January to the end of May (Beijing time), in streams as the write side keeps them. */
function history(seed: number): { stream: string; event: NewEvent }[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const out: { stream: string; event: NewEvent }[] = [];
  const at = (t: number) => new Date(t).toISOString();
  const start = Date.parse('2026-01-01T00:00:00+08:00');
  out.push({ stream: 'organisation', event: ev('ProductDefined', { productCode: 'DEP', weight: '1.5' }, at(start)) });
  for (const u of UNITS) out.push({ stream: 'organisation', event: ev('OrgUnitOpened', { ...u, name: u.unitId, wealthCentre: false }, at(start)) });
  const unitOf = new Map<string, string>();
  for (const s of STAFF) {
    unitOf.set(s, pick(['SB1', 'SB2', 'SB3']));
    out.push({ stream: 'organisation', event: ev('StaffMemberRegistered', { staffId: s, displayName: s, role: 'relationship_manager', unitId: unitOf.get(s) }, at(start)) });
  }
  for (const c of CUSTOMERS) out.push({ stream: `customer-${c}`, event: ev('CustomerOnboarded', { customerId: c, homeUnitId: 'SB1' }, at(start + 3600_000)) });
  // A clock that moves on through five months; facts are dated at it, near a midnight, or days before it (backdated).
  let clock = Date.parse('2026-01-03T09:00:00+08:00');
  const end = Date.parse('2026-05-31T23:59:00+08:00');
  let n = 0;
  while (clock < end) {
    clock += next() * 4 * 3600_000;
    const r = next();
    // 23:30 on the last day of the month or 00:30 on the first, Beijing time; or up to 20 days back; or now.
    const monthEnd = Date.parse(`${new Date(clock + 8 * 3600_000).toISOString().slice(0, 7)}-01T00:00:00+08:00`);
    const when = r < 0.15 ? monthEnd - 30 * 60_000 : r < 0.3 ? monthEnd + 30 * 60_000 : r < 0.4 ? clock - next() * 20 * 86_400_000 : clock;
    const c = pick(CUSTOMERS);
    const s = pick(STAFF);
    const kind = next();
    n++;
    if (kind < 0.22) out.push({ stream: `customer-${c}`, event: ev('CustomerAssignedToManager', { customerId: c, staffId: s }, at(when)) });
    else if (kind < 0.62) out.push({ stream: `customer-${c}`, event: ev('CustomerContacted', { contactId: `T${n}`, customerId: c, staffId: s, channel: 'phone', campaignId: null }, at(when)) });
    else if (kind < 0.85)
      out.push({ stream: `customer-${c}`, event: ev('ConversionRecorded', { conversionId: `V${n}`, customerId: c, staffId: s, productCode: 'DEP', amount: '100.00', revenue: `${1 + Math.floor(next() * 500)}.${n % 10}5`, campaignId: null, referrerStaffId: null, referralId: null }, at(when)) });
    else if (kind < 0.92) {
      const to = pick(['SB1', 'SB2', 'SB3'].filter((u) => u !== unitOf.get(s)));
      out.push({ stream: 'organisation', event: ev('StaffMemberMoved', { staffId: s, fromUnitId: unitOf.get(s), toUnitId: to }, at(when)) });
      unitOf.set(s, to);
    } else {
      // Transferred twice in a row (one batch, most often): to one manager, then another.
      out.push({ stream: `customer-${c}`, event: ev('CustomerAssignedToManager', { customerId: c, staffId: s }, at(when)) });
      out.push({ stream: `customer-${c}`, event: ev('CustomerAssignedToManager', { customerId: c, staffId: pick(STAFF) }, at(when + 60_000)) });
    }
  }
  return out;
}

describe('the scorecard from counters', () => {
  let db: TestDatabase;
  const q = <T>(f: (rm: any) => Promise<T>) => withReadModels(db.pool, [staffScorecardProjection.name], f);

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const { stream, event } of history(13)) await store.appendToStream(stream, [event], 'any');
    await projectToEnd(store, db.pool, [staffScorecardProjection], { batchSize: 7, timeoutMs: 120_000 });
  }, 180_000);
  afterAll(() => db.drop());

  it.each(MONTHS)('answers %s as the recount over the fact rows does, for the bank and for each unit', async (month) => {
    for (const unit of [undefined, 'BR1', 'BR2', 'SB1', 'SB2', 'SB3']) {
      const [flat, recounted] = await q(async (rm) => [await scorecard(rm, month, unit), await scorecardRecounted(rm, month, unit)]);
      expect({ month, unit, ...flat }).toEqual({ month, unit, ...recounted });
    }
  });

  it.each(MONTHS)('rolls %s up as the sums of the people rows at or below each unit, and pages it as the whole list cut', async (month) => {
    const [all, pages] = await q(async (rm) => {
      const whole = await scorecard(rm, month);
      const cut = [];
      for (let offset = 0; offset < whole.peopleTotal + 3; offset += 3) cut.push(await scorecard(rm, month, undefined, { limit: 3, offset }));
      return [whole, cut] as const;
    });
    // Summed here over the answer's own rows, unit by unit down the tree: not by the SQL the answer used.
    const below = (unitId: string): string[] => [unitId, ...all.units.filter((u) => u.parentId === unitId).flatMap((u) => below(u.unitId))];
    const hundredths = (x: number | string) => Math.round(Number(x) * 100);
    for (const unit of all.units) {
      const rows = all.people.filter((p) => below(unit.unitId).includes(p.unitId));
      expect({ unit: unit.unitId, people: unit.people, conversions: unit.conversions, revenue: hundredths(unit.revenue), points: hundredths(unit.points), score: hundredths(unit.score) }).toEqual({
        unit: unit.unitId,
        people: new Set(rows.map((p) => p.staffId)).size,
        conversions: rows.reduce((s, p) => s + p.conversions, 0),
        revenue: rows.reduce((s, p) => s + hundredths(p.revenue), 0),
        points: rows.reduce((s, p) => s + hundredths(p.points), 0),
        score: rows.reduce((s, p) => s + hundredths(p.score), 0),
      });
    }
    expect(all.peopleTotal).toBe(all.people.length);
    expect(pages.flatMap((p) => p.people)).toEqual(all.people);
    expect(pages.every((p) => p.peopleTotal === all.peopleTotal && JSON.stringify(p.units) === JSON.stringify(all.units))).toBe(true);
  });

  it('compares figures that are there: people with customers, partly kept, in several units, after the last fact too', async () => {
    const months = await q(async (rm) => {
      const answers = [];
      for (const m of MONTHS) answers.push(await scorecard(rm, m));
      return answers;
    });
    const people = months.flatMap((m) => m.people);
    // Adherence strictly between 0 and 1 somewhere, customers contacted, and a person in two units in one month.
    expect(people.some((p) => p.maintenanceAdherence !== null && p.maintenanceAdherence > 0 && p.maintenanceAdherence < 1)).toBe(true);
    expect(people.some((p) => p.customersContacted > 1)).toBe(true);
    expect(months.some((m) => new Set(m.people.map((p) => p.staffId)).size < m.people.length)).toBe(true);
    // July comes after the last fact (the last dated 1 June at the latest): everyone's customers are those assigned
    // now (24 customers, each with at most one manager now, so at most 24 in all), none contacted.
    expect(await q(async (rm) => (await rm.query(`SELECT period FROM sc_horizon`)).rows)).toEqual([{ period: expect.stringMatching(/^2026-0[56]$/) }]);
    const july = months[MONTHS.indexOf('2026-07')]!.people;
    const assignedNow = new Map(july.map((p) => [p.staffId, p.assignedCustomers]));
    const total = [...assignedNow.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(24);
    expect(july.every((p) => p.maintenanceAdherence === null || p.maintenanceAdherence === 0)).toBe(true);
  });
});
