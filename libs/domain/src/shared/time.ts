import { endOfBusinessDay, startOfBusinessDay } from './calendar';

/** Business time helpers. All times are ISO 8601 strings in UTC; nothing here reads the clock. */
const DAY = 86_400_000;

export const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY).toISOString();

export function addYears(iso: string, years: number): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString();
}

/**
 * `a` is after the start of the `days` before `now`, later times included: a contact recorded by a
 * command that was decided first but carries a later time still counts against the limit.
 */
export const sinceDaysBefore = (a: string, now: string, days: number): boolean => Date.parse(a) > Date.parse(now) - days * DAY;

export const isBefore = (a: string, b: string): boolean => Date.parse(a) < Date.parse(b);

/** A month as YYYY-MM: the period of scorecards, snapshots and targets. */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A calendar day that exists: "2026-02-30" does not. */
export function isCalendarDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** A date-time that carries its offset (Z or ±hh:mm) on a calendar day that exists, and parses. */
export function isTimeWithOffset(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(value) && isCalendarDay(value.substring(0, 10)) && !Number.isNaN(Date.parse(value));
}

/**
 * An "as of" moment as analysts write it: a day (YYYY-MM-DD) means the end of that business day
 * in the bank's time zone; an ISO time must carry its offset (Z or ±hh:mm). Undefined for
 * anything else (days that do not exist, times without an offset).
 */
export function asOfInstant(value: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return isCalendarDay(value) ? new Date(endOfBusinessDay(value)) : undefined;
  return isTimeWithOffset(value) ? new Date(value) : undefined;
}

/**
 * The start of a range as analysts write it: a day (YYYY-MM-DD) means the start of that business
 * day in the bank's time zone (its own midnight, however long the day); an ISO time must carry its
 * offset. Undefined for anything else. `asOfInstant` gives the range's end.
 */
export function fromInstant(value: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return isCalendarDay(value) ? new Date(startOfBusinessDay(value)) : undefined;
  return isTimeWithOffset(value) ? new Date(value) : undefined;
}
