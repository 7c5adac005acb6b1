/**
 * Facts that hold for a time (a person's unit, a customer's manager, a customer's unit and so their
 * stays in a wealth centre) are kept as intervals of business time, each opened by an event at a
 * position (`seq`) in the log. One rule places them, the write side's (the customer aggregate's
 * manager and home unit, the organisation's unit of a person: the last recorded assignment,
 * transfer or move holds now): at a business time `t`, of the intervals starting at or
 * before `t`, the LAST RECORDED one holds. So a later-recorded interval supersedes every one recorded
 * before it from its start on, even one starting later in business time (a backdated assignment
 * recorded after a later-dated one does not fill the gap before it: it holds from its start, now
 * included, and the later-dated one covers nothing).
 */
import type { Assignment } from './staff-scorecard.adherence';

/** A person's unit from a time (null: since the beginning), opened by the event at `seq` in the log. */
export interface StaffInterval {
  readonly eventId: string;
  readonly seq: bigint;
  readonly unitId: string;
  readonly validFrom: number | null;
}

/**
 * A customer's stay in a unit from a time (null: since the beginning, the unit onboarded into),
 * opened by the event at `seq` in the log. A stay in a wealth centre keeps who moved the customer up
 * and their sub-branch then (影子考核: the referrer and the referring sub-branch keep the points of
 * every sale in the stay; null outside a centre, or when nobody managed the customer at the move).
 */
export interface CustomerStay {
  readonly eventId: string;
  readonly seq: bigint;
  readonly unitId: string;
  readonly from: number | null;
  readonly referrer: { readonly staffId: string; readonly unitId: string } | null;
}

/** An interval opened by the event at `seq` in the log. */
export interface Opened {
  readonly seq: bigint;
}

/** When an interval starts, in epoch ms (null: since the beginning). */
export type StartOf<T> = (x: T) => number | null;

/**
 * The interval in force at `t` (business time) as the log knew it at `seq` (where the fact being
 * placed was recorded): of the intervals recorded by then and starting at or before `t`, the last
 * recorded (greatest `seq`). So one recorded after the fact (even backdated) does not move it, and
 * where batches end does not matter (`seq` null: every interval known; `t` Infinity: now).
 */
export function inForceAt<T extends Opened>(intervals: readonly T[] | undefined, startOf: StartOf<T>, t: number, seq: bigint | null): T | undefined {
  let best: T | undefined;
  for (const i of intervals ?? []) {
    const from = startOf(i);
    if ((seq !== null && i.seq > seq) || (from !== null && from > t)) continue;
    if (!best || i.seq > best.seq) best = i;
  }
  return best;
}

/** Where an interval ends by the rule (null: it still holds): where the first of those recorded after it starts, never before its own start (the `valid_to` its cuts leave in the tables). */
export function endOf<T extends Opened>(intervals: readonly T[], startOf: StartOf<T>, x: T): number | null {
  let to: number | null = null;
  for (const i of intervals) if (i.seq > x.seq) to = Math.min(to ?? Infinity, startOf(i) ?? -Infinity);
  const own = startOf(x) ?? -Infinity;
  return to === null ? null : Math.max(own, to);
}

/**
 * What a new interval starting at `t` (recorded after all of `intervals`) cuts: each one still
 * running at `t` ends at `t` (or at its own start, when that is after `t`: it then covers nothing).
 * The new interval is open (it is the last recorded: it holds now); `holder` is the one that held
 * now before it (the last recorded).
 */
export function placeInterval<T extends Opened>(intervals: readonly T[], startOf: StartOf<T>, t: number): { cuts: { interval: T; to: number }[]; holder: T | undefined } {
  const cuts: { interval: T; to: number }[] = [];
  for (const i of intervals) {
    const to = endOf(intervals, startOf, i);
    const from = startOf(i) ?? -Infinity;
    // Already ended by t, or covering nothing (superseded from its start): nothing to cut.
    if (to !== null && (to <= t || to <= from)) continue;
    cuts.push({ interval: i, to: Math.max(from, t) });
  }
  return { cuts, holder: inForceAt(intervals, startOf, Infinity, null) };
}

/** The unit a person was in at `t` as the log knew it at `seq` ('' when the log never registered them). */
export const unitAt = (intervals: readonly StaffInterval[] | undefined, t: number, seq: bigint): string => inForceAt(intervals, (i) => i.validFrom, t, seq)?.unitId ?? '';

/** The manager a customer was assigned to at `t` as the log knew it at `seq` (null: nobody yet). */
export const managerAt = (assignments: readonly Assignment[] | undefined, t: number, seq: bigint): string | null => inForceAt(assignments, (a) => a.from, t, seq)?.managerId ?? null;

/** The stay a customer was in at `t` as the log knew it at `seq` (undefined: not onboarded as far as the log knew). */
export const stayAt = (stays: readonly CustomerStay[] | undefined, t: number, seq: bigint): CustomerStay | undefined => inForceAt(stays, (x) => x.from, t, seq);
