import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ReadPosition,
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
import { comparePositions, type NewEvent, type Position, type RecordedEvent } from '../events';
import { fromEsdbCurrentRevision, fromResolvedEvent, rawPosition, toEsdbExpectedRevision } from './eventstoredb-mapping';

/**
 * What the adapter uses of `@eventstore/db-client`: the real client, or a stand-in for the specs
 * (`fake-eventstoredb.ts`), since no server runs on the development machines.
 */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

/** Stream reads in flight at once for `readStreams`. */
const READ_STREAMS_IN_FLIGHT = 32;
/** Largest page of raw `$all` records (ours and the server's own) read at once. */
const MAX_PAGE = 4_096;

/**
 * The production store: EventStoreDB (KurrentDB) through `@eventstore/db-client` 6.2.1. Positions
 * are the server's own (commit, prepare) pair; revisions are 0-based as in the port. `$all` holds
 * the server's records too (stats, metadata, the system projections' links): reads page over them.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;

  constructor(
    private readonly client: EsdbClient,
    /** Lifts events stored in an old shape to the current one, on every read. */
    private readonly upcast: (event: RecordedEvent) => RecordedEvent = (e) => e,
  ) {}

  static connect(connectionString: string, upcast?: (event: RecordedEvent) => RecordedEvent): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString`${connectionString}`, upcast);
  }

  private ours(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
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

  /**
   * Pages over raw `$all` records (the 6.2.1 client cannot ask the server to filter a read) until
   * `maxCount` events of ours are collected or the log ends: a run of system records is never
   * mistaken for the end. Pages grow while they hold only system records.
   */
  async readAll({ after, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    let floor = after;
    let size = Math.min(maxCount + 1, MAX_PAGE);
    for (;;) {
      // A forward read includes the record at its start: it is skipped below.
      const page = await this.rawAll(floor ?? ESDB_START, 'forwards', size);
      let last: Position | undefined;
      for (const r of page) {
        const p = rawPosition(r);
        if (!p || (floor && comparePositions(p, floor) <= 0)) continue;
        last = p;
        const e = this.ours(r);
        if (!e) continue;
        out.push(e);
        if (out.length === maxCount) return out;
      }
      if (page.length < size || !last) return out;
      floor = last;
      size = Math.min(size * 2, MAX_PAGE);
    }
  }

  /** Newest event of ours, read backwards past any run of system records; `null` when there is none. */
  async headPosition(): Promise<Position | null> {
    let below: Position | undefined;
    let size = 64;
    for (;;) {
      const page = await this.rawAll(below ?? END, 'backwards', size);
      let last: Position | undefined;
      for (const r of page) {
        const p = rawPosition(r);
        if (!p || (below && comparePositions(p, below) >= 0)) continue;
        last = p;
        const e = fromResolvedEvent(r);
        if (e) return e.position;
      }
      if (page.length < size || !last) return null;
      below = last;
      size = Math.min(size * 4, MAX_PAGE);
    }
  }

  private async rawAll(from: ReadPosition, direction: 'forwards' | 'backwards', maxCount: number): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    for await (const r of this.client.readAll({ fromPosition: from, direction: direction === 'forwards' ? FORWARDS : BACKWARDS, maxCount })) page.push(r);
    return page;
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

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

export { fromEsdbCurrentRevision, fromResolvedEvent, toEsdbExpectedRevision } from './eventstoredb-mapping';
