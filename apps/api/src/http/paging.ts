import { invalid } from '@app/domain';

/**
 * A list's `limit=`: absent or empty gives the default; anything but a whole number from 1 to
 * `max` is refused (400 INVALID_LIMIT), never read as "all" or as a partial number ("10abc").
 */
export function pageLimit(value: string | undefined, { fallback, max }: { fallback: number; max: number }): number {
  if (value === undefined || value === '') return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw invalid('INVALID_LIMIT', `limit is a whole number from 1 to ${max}`, { limit: value });
  return n;
}
