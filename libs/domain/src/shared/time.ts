/** Business time helpers. All times are ISO 8601 strings in UTC; nothing here reads the clock. */
const DAY = 86_400_000;

export const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY).toISOString();

export function addYears(iso: string, years: number): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString();
}

/** `a` is within the `days` before `now` (inclusive of now, exclusive of the far end). */
export const withinDays = (a: string, now: string, days: number): boolean => {
  const t = Date.parse(a);
  const n = Date.parse(now);
  return t <= n && t > n - days * DAY;
};

export const isBefore = (a: string, b: string): boolean => Date.parse(a) < Date.parse(b);

/** "2026-03" for a time. */
export const monthOf = (iso: string): string => iso.slice(0, 7);
