import type { RecordedEvent } from '@app/event-store';

/** Small readers the projections share to turn a batch of events into column arrays. */
export const data = (e: RecordedEvent) => e.data as Record<string, any>;
export const occurredAt = (e: RecordedEvent) => e.metadata.occurredAt;
export const col = <T>(events: readonly RecordedEvent[], f: (e: RecordedEvent) => T): T[] => events.map(f);
/** The last event per key (later facts replace earlier ones), in first-seen key order. */
export const lastPer = (events: readonly RecordedEvent[], key: (e: RecordedEvent) => string): RecordedEvent[] => [...new Map(events.map((e) => [key(e), e])).values()];
