import type { RecordedEvent } from '@app/event-store';

/** Small readers the projections share to turn a batch of events into column arrays. */
export const data = (e: RecordedEvent) => e.data as Record<string, any>;
/**
 * The event's business time, to the millisecond: the one place the read models take it from. The
 * platform writes times to the millisecond, but an imported log may carry up to nine fractional digits;
 * the projections compare times in JavaScript (milliseconds, truncated), and the database keeps and
 * compares microseconds (rounded), so a sale 0.3 ms before a launch in the launch's millisecond counted
 * in the one and not in the other (a launch's read missed it; the as-of and totals queries left it out).
 * Such a time is truncated here, as `Date.parse` truncates it; every other is returned as it is.
 */
export const occurredAt = (e: { readonly metadata: { readonly occurredAt: string } }): string => toMillisecond(e.metadata.occurredAt);

/** An ISO 8601 instant with more than three fractional digits, truncated to the millisecond (in UTC); any other as it is. */
export function toMillisecond(t: string): string {
  // YYYY-MM-DDTHH:MM:SS.fff… : a fourth fractional digit sits at index 23 (its '.' at 19); never there otherwise.
  const fourth = t.charCodeAt(23);
  if (t.charCodeAt(19) !== 46 || !(fourth >= 48 && fourth <= 57)) return t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}
export const col = <T>(events: readonly RecordedEvent[], f: (e: RecordedEvent) => T): T[] => events.map(f);
/** The last event per key (later facts replace earlier ones), in first-seen key order. */
export const lastPer = (events: readonly RecordedEvent[], key: (e: RecordedEvent) => string): RecordedEvent[] => [...new Map(events.map((e) => [key(e), e])).values()];
