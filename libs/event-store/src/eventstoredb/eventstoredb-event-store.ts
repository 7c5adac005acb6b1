import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  STREAM_EXISTS,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { WrongExpectedVersion } from '../errors';
import type {
  AllSubscription,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  StreamRead,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port';
import { comparePositions, type EventMetadata, type NewEvent, type Position, type RecordedEvent } from '../events';

/** Stream reads in flight at once for `readStreams`. */
const READ_STREAMS_IN_FLIGHT = 32;

/**
 * The production store: EventStoreDB (KurrentDB) through `@eventstore/db-client`. Positions are
 * the server's own (commit, prepare) pair; revisions are 0-based as in the port.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;

  constructor(
    private readonly client: EventStoreDBClient,
    /** Lifts events stored in an old shape to the current one, on every read. */
    private readonly upcast: (event: RecordedEvent) => RecordedEvent = (e) => e,
  ) {}

  static connect(connectionString: string, upcast?: (event: RecordedEvent) => RecordedEvent): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString`${connectionString}`, upcast);
  }

  private ours(resolved: ResolvedEvent): RecordedEvent | undefined {
    const e = fromResolvedEvent(resolved);
    return e && this.upcast(e);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) => jsonEvent({ id: e.metadata.eventId, type: e.type, data: e.data as never, metadata: e.metadata as never })),
        { expectedRevision: toEsdbExpectedRevision(expected) },
      );
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: result.position ?? (await this.headPosition()) ?? { commit: 0n, prepare: 0n },
      };
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) {
        throw new WrongExpectedVersion(streamId, expected, fromEsdbCurrentRevision(err.actualVersion));
      }
      throw err;
    }
  }

  /** EventStoreDB's v6 client has no multi-stream transaction: each stream is its own atomic append. */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const a of appends) results.push(await this.appendToStream(a.streamId, a.events, a.expectedRevision));
    return results;
  }

  async readStream(streamId: string, fromRevision = 0): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: BigInt(fromRevision), direction: FORWARDS })) {
        const e = this.ours(resolved);
        if (e) out.push(e);
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw err;
    }
    return out;
  }

  async readStreams(requests: readonly StreamRead[]): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>();
    // gRPC multiplexes on one connection: a few reads in flight at a time, not thousands.
    for (let i = 0; i < requests.length; i += READ_STREAMS_IN_FLIGHT) {
      const chunk = requests.slice(i, i + READ_STREAMS_IN_FLIGHT);
      const read = await Promise.all(chunk.map((r) => this.readStream(r.streamId, r.fromRevision ?? 0)));
      chunk.forEach((r, k) => out.set(r.streamId, read[k]!));
    }
    return out;
  }

  async readAll({ after, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    // fromPosition is inclusive here; ask for one more and drop the checkpoint itself.
    const events = this.client.readAll({ fromPosition: after ?? ESDB_START, maxCount: maxCount + 1, direction: FORWARDS });
    for await (const resolved of events) {
      const e = this.ours(resolved);
      if (!e || (after && comparePositions(e.position, after) <= 0)) continue;
      out.push(e);
      if (out.length === maxCount) break;
    }
    return out;
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const subscription = this.client.subscribeToAll({
      fromPosition: options.after ?? ESDB_START,
      filter: excludeSystemEvents(),
    });
    const types = options.eventTypes ? new Set(options.eventTypes) : undefined;
    const after = options.after;
    const toEvent = (r: ResolvedEvent) => this.ours(r);
    async function* ours(): AsyncGenerator<RecordedEvent> {
      for await (const resolved of subscription) {
        const e = toEvent(resolved);
        if (!e || (after && comparePositions(e.position, after) <= 0)) continue;
        if (!types || types.has(e.type)) yield e;
      }
    }
    const iterator = ours();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: () => subscription.unsubscribe(),
    };
  }

  async headPosition(): Promise<Position | null> {
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 50 })) {
      const e = fromResolvedEvent(resolved);
      if (e) return e.position;
    }
    return null;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

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

/** Our events only: system events (`$`-types, `$`-streams) and link events are dropped. */
export function fromResolvedEvent(resolved: ResolvedEvent): RecordedEvent | undefined {
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
