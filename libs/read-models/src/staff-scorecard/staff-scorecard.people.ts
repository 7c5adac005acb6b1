import { businessMonth } from '@app/domain';
import { upsert, type Effect } from '../runner/effects';
import { nextMonth } from './staff-scorecard.adherence';
import { endOf, type StaffInterval } from './staff-scorecard.intervals';

/**
 * The people of a unit's month as counters (staff-scorecard v12). A registered person is of a
 * unit's month when they have counters there (a row of sc_person_month: a credit or activity placed
 * there, even one their intervals no longer reach: a backdated move recorded after it, a shadow
 * credit in a centre, a credit before they were registered, in unit '') or when one of their unit
 * intervals overlaps the month (it starts before the month ends and ends after it starts, and is
 * not empty). That set is a person's coverage: per unit, ranges of months, some unbounded.
 *
 * A unit's people in a month are the number of people whose coverage holds the month: kept as
 * deltas (`sc_unit_people`: +1 where a range of a person starts, −1 the month after it ends; a
 * range since the beginning starts at `SINCE_EVER`), read as their sum up to the month. Whoever
 * is of two units or more in a month has a row per unit of it in `sc_month_movers` (a unit's
 * people count them in each; up the tree once). A change to a person's coverage (a registration,
 * a move, counters in a new unit and month) writes the difference of the two, so the tables are
 * the sums over every person's coverage now, whatever order the facts came in.
 */

/** Where a range of months since the beginning starts (before every month). */
export const SINCE_EVER = '0000-00';

/** Months `from` to `to`, both included (null: unbounded). */
export interface MonthRange {
  readonly from: string | null;
  readonly to: string | null;
}

/** A person's coverage: per unit, its ranges of months, sorted, apart (not touching). */
export type Coverage = ReadonlyMap<string, readonly MonthRange[]>;

/** The key of a person's counters in a unit and month (sc_person_month). */
export const counterKey = (unitId: string, period: string) => `${unitId}\u0000${period}`;

const before = (a: string | null, b: string | null) => (a === null ? b !== null : b !== null && a < b);

/** Ranges merged where they overlap or touch (one unit's). */
export function mergeRanges(ranges: readonly MonthRange[]): MonthRange[] {
  const sorted = [...ranges].sort((x, y) => (before(x.from, y.from) ? -1 : before(y.from, x.from) ? 1 : 0));
  const out: { from: string | null; to: string | null }[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    // touching: r starts at most the month after the last ends
    if (last && (last.to === null || (r.from !== null && r.from <= nextMonth(last.to)))) {
      if (last.to !== null && (r.to === null || r.to > last.to)) last.to = r.to;
    } else out.push({ from: r.from, to: r.to });
  }
  return out;
}

/**
 * The months an interval overlaps (null when it covers nothing: superseded from its start), by the
 * query's rule: from the month it starts in to the month of its last instant (it ends at `to`, excluded).
 */
export function intervalMonths(from: number | null, to: number | null): MonthRange | null {
  if (to !== null && to <= (from ?? -Infinity)) return null;
  return { from: from === null ? null : businessMonth(new Date(from)), to: to === null ? null : businessMonth(new Date(to - 1)) };
}

/** Whether someone with these intervals is registered (sc_staff): registration opens the one interval since the beginning, and only when none is there. */
export const registered = (intervals: readonly StaffInterval[] | undefined): intervals is readonly StaffInterval[] => intervals?.some((i) => i.validFrom === null) ?? false;

/**
 * A person's coverage from all their unit intervals and the units and months of their counters
 * (`counterKey`); empty when they are not registered (registration opens the one interval since
 * the beginning; a person moved before being registered never is).
 */
export function personCoverage(intervals: readonly StaffInterval[] | undefined, counters: Iterable<string>): Coverage {
  if (!registered(intervals)) return new Map();
  const ranges = new Map<string, MonthRange[]>();
  const add = (unitId: string, r: MonthRange) => (ranges.get(unitId) ?? ranges.set(unitId, []).get(unitId)!).push(r);
  for (const i of intervals) {
    const r = intervalMonths(i.validFrom, endOf(intervals, (x) => x.validFrom, i));
    if (r) add(i.unitId, r);
  }
  for (const key of counters) {
    const [unitId, period] = key.split('\u0000') as [string, string];
    add(unitId, { from: period, to: period });
  }
  return new Map([...ranges].map(([u, rs]) => [u, mergeRanges(rs)]));
}

/** Whether a coverage holds a unit's month. */
export function covers(c: Coverage, unitId: string, period: string): boolean {
  return (c.get(unitId) ?? []).some((r) => (r.from === null || r.from <= period) && (r.to === null || period <= r.to));
}

/** The deltas of a coverage: per unit and month (`counterKey`), +1 where a range starts, −1 the month after it ends. */
export function peopleDeltas(c: Coverage): Map<string, number> {
  const deltas = new Map<string, number>();
  const add = (key: string, n: number) => deltas.set(key, (deltas.get(key) ?? 0) + n);
  for (const [unitId, ranges] of c)
    for (const r of ranges) {
      add(counterKey(unitId, r.from ?? SINCE_EVER), 1);
      if (r.to !== null) add(counterKey(unitId, nextMonth(r.to)), -1);
    }
  return deltas;
}

/**
 * The units and months (`counterKey`) of a coverage in months it holds two units or more. Only
 * between its first and last bounded month: before and after them only ranges unbounded on that
 * side hold, and a person has at most one of each (the interval since registration, the one that
 * holds now), in one unit or the same.
 */
export function moverMonths(c: Coverage): Set<string> {
  const bounds = [...c.values()].flatMap((rs) => rs.flatMap((r) => [r.from, r.to])).filter((m): m is string => m !== null).sort();
  const out = new Set<string>();
  if (bounds.length === 0) return out;
  for (let m = bounds[0]!; m <= bounds.at(-1)!; m = nextMonth(m)) {
    const units = [...c.keys()].filter((u) => covers(c, u, m));
    if (units.length > 1) for (const u of units) out.add(counterKey(u, m));
  }
  return out;
}

/** What a change of a person's coverage writes: the deltas' differences, and their mover rows gained (+1) and lost (−1). */
export function coverageEffects(staffId: string, was: Coverage, now: Coverage): Effect[] {
  const effects: Effect[] = [];
  const deltas = peopleDeltas(now);
  for (const [key, n] of peopleDeltas(was)) deltas.set(key, (deltas.get(key) ?? 0) - n);
  for (const [key, n] of deltas) {
    if (n === 0) continue;
    const [unitId, period] = key.split('\u0000') as [string, string];
    effects.push(upsert('sc_unit_people', { unit_id: unitId, period, people: n }));
  }
  const [wasMoving, nowMoving] = [moverMonths(was), moverMonths(now)];
  const mover = (key: string, n: number) => {
    const [unitId, period] = key.split('\u0000') as [string, string];
    return upsert('sc_month_movers', { period, staff_id: staffId, unit_id: unitId, counted: n });
  };
  for (const key of nowMoving) if (!wasMoving.has(key)) effects.push(mover(key, 1));
  for (const key of wasMoving) if (!nowMoving.has(key)) effects.push(mover(key, -1));
  return effects;
}
