/**
 * Facts that hold for a time (a person's unit, a customer's manager) are kept as intervals of
 * business time, each opened by an event at a position (`seq`) in the log. These rules place a
 * fact by its business time, whatever order the intervals were recorded in: an interval runs from
 * its start to the next one's start in business time, not to the next one recorded.
 */
import type { Assignment } from './staff-scorecard.adherence';

/** A person's unit from a time (null: since the beginning) to the next interval's start, opened by the event at `seq` in the log. */
export interface StaffInterval {
  readonly eventId: string;
  readonly seq: bigint;
  readonly unitId: string;
  readonly validFrom: number | null;
}

/** An interval opened by the event at `seq` in the log. */
export interface Opened {
  readonly seq: bigint;
}

/** When an interval starts, in epoch ms (null: since the beginning). */
export type StartOf<T> = (x: T) => number | null;

/** Whether `a` comes after `b` in business time (start, null first), the later recorded of two starting together. */
function startsAfter<T extends Opened>(a: T, b: T, startOf: StartOf<T>): boolean {
  const fa = startOf(a);
  const fb = startOf(b);
  if (fa === fb) return a.seq > b.seq;
  return fa !== null && (fb === null || fa > fb);
}

/**
 * The interval in force at `t` (business time) as the log knew it at `seq` (where the fact being
 * placed was recorded): of the intervals opened by then, the last to start at or before `t`, the
 * later recorded of two starting together. So a backdated interval recorded before the fact counts,
 * one recorded after it (even backdated) does not move it, and where batches end does not matter
 * (`seq` null: every interval known).
 */
export function inForceAt<T extends Opened>(intervals: readonly T[] | undefined, startOf: StartOf<T>, t: number, seq: bigint | null): T | undefined {
  let best: T | undefined;
  for (const i of intervals ?? []) {
    const from = startOf(i);
    if ((seq !== null && i.seq > seq) || (from !== null && from > t)) continue;
    if (!best || startsAfter(i, best, startOf)) best = i;
  }
  return best;
}

/**
 * Where a new interval starting at `t` (recorded after all of `intervals`) goes: it cuts the one in
 * force at `t` (which now ends at `t`), and ends where the next one starts in business time (null:
 * it still holds). A backdated interval recorded after a later one so fills the gap before it.
 */
export function placeInterval<T extends Opened>(intervals: readonly T[], startOf: StartOf<T>, t: number): { cut: T | undefined; to: number | null } {
  let to: number | null = null;
  for (const i of intervals) {
    const from = startOf(i);
    if (from !== null && from > t && (to === null || from < to)) to = from;
  }
  return { cut: inForceAt(intervals, startOf, t, null), to };
}

/** The unit a person was in at `t` as the log knew it at `seq` ('' when the log never registered them). */
export const unitAt = (intervals: readonly StaffInterval[] | undefined, t: number, seq: bigint): string => inForceAt(intervals, (i) => i.validFrom, t, seq)?.unitId ?? '';

/** The manager a customer was assigned to at `t` as the log knew it at `seq` (null: nobody yet). */
export const managerAt = (assignments: readonly Assignment[] | undefined, t: number, seq: bigint): string | null => inForceAt(assignments, (a) => a.from, t, seq)?.managerId ?? null;
