import {
  ANY,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  STREAM_EXISTS,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { AppendTooLarge, StoreTimeout, StoreUnavailable, StreamDeleted } from '../errors';
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

/**
 * The server's measure of an append (KurrentDB's `Event.SizeOnDisk`): each event's data,
 * metadata and type bytes, plus a few bytes of framing. It is checked against MaxAppendSize.
 */
export function appendSize(events: readonly NewEvent[]): number {
  return events.reduce((n, e) => n + eventSize(e), 0);
}

function eventSize(e: NewEvent): number {
  return Buffer.byteLength(JSON.stringify(e.data ?? {})) + Buffer.byteLength(JSON.stringify(e.metadata)) + Buffer.byteLength(e.type) + 4;
}

/** Consecutive runs of `events`, each within `limit` bytes; one event over the limit cannot be written. */
export function splitUnder(streamId: string, events: readonly NewEvent[], limit: number): NewEvent[][] {
  const parts: NewEvent[][] = [[]];
  let size = 0;
  for (const e of events) {
    const n = eventSize(e);
    if (n > limit) throw new AppendTooLarge(streamId, n, limit);
    if (size + n > limit) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1]!.push(e);
    size += n;
  }
  return parts;
}

/**
 * What a split append wrote, from what each of its parts did: a part the server took before (an
 * earlier attempt with the same ids) wrote nothing, so only the others count. `repeat` when every
 * part was stored before.
 */
export function splitOutcome(parts: readonly { readonly events: number; readonly repeat: boolean }[]): { readonly written: number; readonly repeat: boolean } {
  const written = parts.reduce((n, p) => n + (p.repeat ? 0 : p.events), 0);
  return { written, repeat: parts.every((p) => p.repeat) };
}

/**
 * The client's errors in the store's words. A deadline leaves an append's outcome unknown; an
 * unavailable server, a node that is no longer the leader and a server-side cancel are worth
 * another try. Anything else (access denied, a bug) passes through as it is.
 */
export function storeError(err: unknown, operation: string, streamId?: string): unknown {
  if (err instanceof StreamDeletedError) return new StreamDeleted(streamId ?? err.streamName);
  if (err instanceof MaxAppendSizeExceededError) return new AppendTooLarge(streamId ?? '(unknown)', null, err.maxAppendSize);
  if (err instanceof DeadlineExceededError || err instanceof TimeoutError) return new StoreTimeout(operation, err);
  if (err instanceof UnavailableError || err instanceof NotLeaderError || err instanceof CancelledError) return new StoreUnavailable(operation, err);
  return err;
}
