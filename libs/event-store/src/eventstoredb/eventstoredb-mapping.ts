import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { ExpectedRevision } from '../event-store.port';
import type { EventMetadata, NewEvent, Position, RecordedEvent } from '../events';

/** Translations between the port's shapes and `@eventstore/db-client`'s. */

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

export function fromEsdbCurrentRevision(actual: CurrentRevision): number | null {
  return typeof actual === 'bigint' ? Number(actual) : null;
}

export function toEventData(events: readonly NewEvent[]) {
  return events.map((e) => jsonEvent({ id: e.metadata.eventId, type: e.type, data: e.data as never, metadata: e.metadata as never }));
}

/** Our events only: system events (`$`-types, `$`-streams) and link events are dropped. */
export function fromResolvedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const e = resolved.event;
  if (!e || !e.isJson || e.type.startsWith('$') || e.streamId.startsWith('$') || !e.position) return undefined;
  return {
    type: e.type,
    data: e.data,
    metadata: e.metadata as unknown as EventMetadata,
    streamId: e.streamId,
    streamPosition: Number(e.revision),
    position: { commit: e.position.commit, prepare: e.position.prepare },
    recordedAt: e.created.toISOString(),
  };
}

/** Where a record of `$all` sits, system records included (they are what paging steps over). */
export function rawPosition(resolved: AllStreamResolvedEvent): Position | undefined {
  return resolved.event?.position ?? resolved.link?.position;
}
