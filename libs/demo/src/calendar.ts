/**
 * Dates of the demo history. Every timestamp is built from the month and a day, never from the
 * clock, so the same options give the same history.
 */

/** YYYY-MM plus `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** An ISO instant in `month` (YYYY-MM), in UTC. */
export const at = (month: string, day: number, hour = 10, minute = 0): string =>
  `${month}-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;

/** The `count` months before `end` (exclusive), oldest first. */
export function monthsBefore(end: string, count: number): string[] {
  const first = addMonths(end, -count);
  return Array.from({ length: count }, (_, i) => addMonths(first, i));
}
