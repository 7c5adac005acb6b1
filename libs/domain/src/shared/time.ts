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

/** "2026-03" for a time. */
export const monthOf = (iso: string): string => iso.slice(0, 7);

/**
 * An "as of" moment as analysts write it: a day (YYYY-MM-DD) means the end of that day, UTC; an
 * ISO time is taken as given. Undefined for anything else (including days that do not exist).
 */
export function asOfInstant(value: string): Date | undefined {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (!day && !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(value)) return undefined;
  const d = new Date(day ? `${value}T23:59:59.999Z` : value);
  if (Number.isNaN(d.getTime()) || (day && d.toISOString().slice(0, 10) !== value)) return undefined;
  return d;
}
