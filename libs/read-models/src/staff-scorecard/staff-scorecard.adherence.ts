import { businessMonth } from '@app/domain';

/**
 * Maintenance-plan adherence (客户维护计划) as counters: per person and business month, the
 * customers assigned to them at any time in the month, and of those the ones anyone contacted in
 * it. A customer's assignment is an interval of business time; the months it covers are counted
 * explicitly up to the horizon (the latest month any assignment or contact happened in), so an
 * answer reads one row per person, never the customers. Past the horizon nothing has happened yet:
 * a person's customers are those assigned now (`sc_open_assignments`).
 */

/**
 * One of a customer's assignments: [from, to) in business time (epoch ms), to the start of the first
 * assignment recorded after it (staff-scorecard.intervals.ts); `to` null while it holds. `seq`: the
 * log position of the event that made it.
 */
export interface Assignment {
  readonly eventId: string;
  readonly seq: bigint;
  readonly managerId: string;
  readonly from: number;
  to: number | null;
}

/** The month after "2026-12": "2027-01". */
export function nextMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
}

/** The months after `after` up to and including `upTo` (empty when `upTo` is not later). */
export function monthsAfter(after: string, upTo: string): string[] {
  const months: string[] = [];
  for (let m = nextMonth(after); m <= upTo; m = nextMonth(m)) months.push(m);
  return months;
}

/**
 * The months up to `horizon` in which each manager had the customer at some time: an interval
 * covers a month when it starts before the month ends and ends after it starts. An interval closed
 * at its own start (another assignment starting at the same instant, recorded later) covers nothing.
 */
export function coverage(assignments: readonly Assignment[], horizon: string | null): Map<string, Set<string>> {
  const months = new Map<string, Set<string>>();
  if (horizon === null) return months;
  for (const a of assignments) {
    if (a.to !== null && a.to <= a.from) continue;
    const last = a.to === null ? horizon : businessMonth(new Date(a.to - 1));
    const set = months.get(a.managerId) ?? new Set<string>();
    for (let m = businessMonth(new Date(a.from)); m <= last && m <= horizon; m = nextMonth(m)) set.add(m);
    months.set(a.managerId, set);
  }
  return months;
}

/** A change to a person's month: +1 / −1 assigned, and as many assigned-and-contacted. */
export interface AdherenceDelta {
  readonly period: string;
  readonly staffId: string;
  readonly assigned: number;
  readonly assignedContacted: number;
}

/** What a change of one customer's assignments does to the counters: the months gained and lost per manager. */
export function coverageDeltas(before: Map<string, Set<string>>, after: Map<string, Set<string>>, contacted: ReadonlySet<string>): AdherenceDelta[] {
  const deltas: AdherenceDelta[] = [];
  const diff = (from: Map<string, Set<string>>, to: Map<string, Set<string>>, sign: 1 | -1) => {
    for (const [staffId, months] of from)
      for (const period of months) if (!to.get(staffId)?.has(period)) deltas.push({ period, staffId, assigned: sign, assignedContacted: contacted.has(period) ? sign : 0 });
  };
  diff(after, before, 1);
  diff(before, after, -1);
  return deltas;
}
