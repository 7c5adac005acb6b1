import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { AppendTooLarge, StoreUnavailable, WrongExpectedVersion } from '../errors';
import { checkAppendOrder, eventsOf, withEventsWrittenBefore } from '../event-store.port';
import type {
  AllSubscription,
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  StreamAppend,
  StreamRead,
  SubscribeOptions,
} from '../event-store.port';
import { comparePositions, type NewEvent, type Position, type RecordedEvent } from '../events';
import { appendSize, fromEsdbCurrentRevision, fromResolvedEvent, rawPosition, splitOutcome, splitUnder, storeError, toEsdbExpectedRevision, toEventData } from './eventstoredb-mapping';

/**
 * What the adapter uses of `@eventstore/db-client`: the real client, or a stand-in for the specs
 * (`fake-eventstoredb.ts`), since no server runs on the development machines.
 */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export interface EventStoreDbOptions {
  /** Bytes the server takes in one append (its MaxAppendSize): 1 MiB unless the server is set otherwise. */
  readonly maxAppendSize?: number;
}

/** Stream reads in flight at once for `readStreams`. */
const READ_STREAMS_IN_FLIGHT = 32;
/** Largest page of raw `$all` records (ours and the server's own) read at once. */
const MAX_PAGE = 4_096;
/** How far behind a stream's end a repeated append's events are looked for. */
const REPEAT_WINDOW = 256;
/** Attempts of an `any`/`stream_exists` append when other writers keep moving the stream on. */
const LOOSE_ATTEMPTS = 5;

/** An append as the server took it: the revision of its last event, and where, when the server said. */
interface Written {
  readonly revision: bigint;
  readonly position?: Position;
  /** The events were stored before: the result reports the stream as it is now. */
  readonly repeat?: boolean;
}

/**
 * The production store: EventStoreDB (KurrentDB) through `@eventstore/db-client` 6.2.1. Positions
 * are the server's own (commit, prepare) pair; revisions are 0-based as in the port. `$all` holds
 * the server's records too (stats, metadata, the system projections' links): reads page over them.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  /** Events here cannot be rewritten (see the port): erasure cannot scrub legacy free text. */
  readonly redaction = null;
  private readonly maxAppendSize: number;

  constructor(
    private readonly client: EsdbClient,
    /** Lifts events stored in an old shape to the current one, on every read. */
    private readonly upcast: (event: RecordedEvent) => RecordedEvent = (e) => e,
    options: EventStoreDbOptions = {},
  ) {
    this.maxAppendSize = options.maxAppendSize ?? 1024 * 1024;
  }

  static connect(connectionString: string, upcast?: (event: RecordedEvent) => RecordedEvent, options?: EventStoreDbOptions): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString`${connectionString}`, upcast, options);
  }

  private ours(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
    const e = fromResolvedEvent(resolved);
    return e && this.upcast(e);
  }

  /** One atomic append, never split: over the size limit it fails with `AppendTooLarge`. */
  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const size = appendSize(events);
    if (size > this.maxAppendSize) throw new AppendTooLarge(streamId, size, this.maxAppendSize);
    return this.result(streamId, await this.appendOnce(streamId, events, expected));
  }

  /**
   * One append per stream, in order (the v6 client has no multi-stream transaction). A stream's
   * events over the size limit go in consecutive appends, each expecting the revision the one
   * before left, so order holds; a failure midway leaves the first parts stored, and the same call
   * again completes it (the stored parts are recognised by their ids). With `options.order`, each
   * run of one stream's events is appended in turn, expecting the revision its stream's previous
   * run left, so the log's order is the one given.
   */
  async appendToStreams(appends: readonly StreamAppend[], options: AppendOptions = {}): Promise<AppendResult[]> {
    if (options.order) return this.appendInOrder(appends, options.order);
    const results: AppendResult[] = [];
    // Events this call stored, carried on its error if it fails midway (the retry sees them as repeats).
    let stored = 0;
    try {
      for (const { streamId, events, expectedRevision } of appends) {
        let expected: ExpectedRevision = expectedRevision;
        let written: Written | undefined;
        const parts: { events: number; repeat: boolean }[] = [];
        for (const part of splitUnder(streamId, events, this.maxAppendSize)) {
          written = await this.appendOnce(streamId, part, expected);
          parts.push({ events: part.length, repeat: written.repeat === true });
          if (!written.repeat) stored += part.length;
          expected = Number(written.revision);
        }
        const outcome = splitOutcome(parts);
        const result = await this.result(streamId, { ...written!, repeat: outcome.repeat });
        results.push(outcome.repeat || outcome.written === events.length ? result : { ...result, written: outcome.written });
      }
    } catch (err) {
      throw withEventsWrittenBefore(err, stored);
    }
    return results;
  }

  private async appendInOrder(appends: readonly StreamAppend[], order: readonly number[]): Promise<AppendResult[]> {
    checkAppendOrder(appends, order);
    const taken = appends.map(() => 0);
    const results: (AppendResult | undefined)[] = appends.map(() => undefined);
    const wrote = appends.map(() => false);
    const count = appends.map(() => 0);
    for (let i = 0; i < order.length; ) {
      const k = order[i]!;
      let n = 0;
      for (; order[i] === k; i++) n += 1;
      const a = appends[k]!;
      // A later run expects where the earlier ones of its stream ended (exact when the batch's expectation is).
      const exact = a.expectedRevision === 'no_stream' ? -1 : a.expectedRevision;
      const expectedRevision = taken[k] === 0 ? a.expectedRevision : typeof exact === 'number' ? exact + taken[k]! : results[k]!.nextExpectedRevision;
      let r: AppendResult | undefined;
      try {
        [r] = await this.appendToStreams([{ streamId: a.streamId, events: a.events.slice(taken[k], taken[k]! + n), expectedRevision }]);
      } catch (err) {
        // The failed run says what of it was stored; the runs before it were stored by this call too.
        throw withEventsWrittenBefore(err, count.reduce((sum, c) => sum + c, 0));
      }
      taken[k] = taken[k]! + n;
      wrote[k] ||= !r!.repeated;
      count[k] = count[k]! + (r!.repeated ? 0 : (r!.written ?? n));
      results[k] = r!;
    }
    // Appends without events only check their expectation.
    let empty: AppendResult[];
    try {
      empty = await this.appendToStreams(appends.filter((a) => a.events.length === 0));
    } catch (err) {
      // Every run was stored before this check failed: the error says so, or the metric would never count them.
      throw withEventsWrittenBefore(err, count.reduce((sum, c) => sum + c, 0));
    }
    let e = 0;
    return appends.map((a, k) => {
      if (a.events.length === 0) return empty[e++]!;
      const { repeated: _, written: __, ...r } = results[k]!;
      if (!wrote[k]) return { ...r, repeated: true as const };
      // Runs an earlier attempt had stored are not counted again (the metric counts what was written).
      return count[k] === a.events.length ? r : { ...r, written: count[k]! };
    });
  }

  private async appendOnce(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<Written> {
    if (events.length > 0 && (expected === 'any' || expected === 'stream_exists')) return this.appendLoosely(streamId, events, expected);
    try {
      const r = await this.client.appendToStream(streamId, toEventData(events), { expectedRevision: toEsdbExpectedRevision(expected) });
      // A repeat the server recognised comes back without a position.
      return { revision: r.nextExpectedRevision, position: r.position, repeat: r.position === undefined };
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError)) throw storeError(err, `append to ${streamId}`, streamId);
      // A conflict may be a repeat the server did not recognise (sent with another expectation).
      const repeat = await this.storedAlready(streamId, events);
      if (repeat) return repeat;
      throw new WrongExpectedVersion(streamId, expected, fromEsdbCurrentRevision(err.actualVersion));
    }
  }

  /**
   * With `any` or `stream_exists` the server recognises a repeat only while its ids are in an
   * in-memory cache: a retry after a restart would store the events twice. So the stream's tail is
   * read first, and the append goes out with the exact revision found.
   */
  private async appendLoosely(streamId: string, events: readonly NewEvent[], expected: 'any' | 'stream_exists'): Promise<Written> {
    for (let attempt = 1; ; attempt++) {
      const tail = await this.tail(streamId, events.length + REPEAT_WINDOW);
      const repeat = matchStored(tail, events);
      if (repeat) return repeat;
      const current = tail[0]?.revision;
      if (current === undefined && expected === 'stream_exists') throw new WrongExpectedVersion(streamId, expected, null);
      try {
        return await this.appendOnce(streamId, events, current === undefined ? 'no_stream' : Number(current));
      } catch (err) {
        // Another writer got in between the read and the append: look again.
        if (!(err instanceof WrongExpectedVersion)) throw err;
        if (attempt >= LOOSE_ATTEMPTS) throw new WrongExpectedVersion(streamId, expected, err.actual);
      }
    }
  }

  private async storedAlready(streamId: string, events: readonly NewEvent[]): Promise<Written | undefined> {
    return matchStored(await this.tail(streamId, events.length + REPEAT_WINDOW), events);
  }

  /** The stream's last `count` records, newest first (none when it does not exist). */
  private async tail(streamId: string, count: number): Promise<{ id: string; revision: bigint; position?: Position }[]> {
    const out: { id: string; revision: bigint; position?: Position }[] = [];
    try {
      for await (const r of this.client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: count })) {
        if (r.event) out.push({ id: r.event.id, revision: r.event.revision, position: r.event.position });
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw storeError(err, `read of ${streamId}`, streamId);
    }
    return out;
  }

  /** The port's answer: for a repeat, the stream's own last revision and position (not the head of `$all`). */
  private async result(streamId: string, written: Written): Promise<AppendResult> {
    if (!written.repeat && written.position) return { nextExpectedRevision: Number(written.revision), position: written.position };
    const [last] = await this.tail(streamId, 1);
    const position = last?.position ?? written.position ?? (await this.headPosition()) ?? { commit: 0n, prepare: 0n };
    return { nextExpectedRevision: Number(last?.revision ?? written.revision), position, ...(written.repeat ? { repeated: true as const } : {}) };
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
      throw storeError(err, `read of ${streamId}`, streamId);
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
    try {
      for await (const r of this.client.readAll({ fromPosition: from, direction: direction === 'forwards' ? FORWARDS : BACKWARDS, maxCount })) page.push(r);
    } catch (err) {
      throw storeError(err, 'read of $all');
    }
    return page;
  }

  /**
   * Server-side filtered (system events excluded). The iteration ends only through `close()`: a
   * subscription the server ends or breaks (restart, network, leader change) fails with
   * `StoreUnavailable`, and whoever consumes it subscribes again from its checkpoint.
   */
  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const subscription = this.client.subscribeToAll({ fromPosition: options.after ?? ESDB_START, filter: excludeSystemEvents() });
    const types = options.eventTypes ? new Set(options.eventTypes) : undefined;
    const after = options.after;
    const toEvent = (r: AllStreamResolvedEvent) => this.ours(r);
    let closed = false;
    // The client's subscription is a stream of single events: each is a page of its own.
    async function* ours(): AsyncGenerator<readonly RecordedEvent[]> {
      try {
        for await (const resolved of subscription) {
          const e = toEvent(resolved);
          if (!e || (after && comparePositions(e.position, after) <= 0)) continue;
          if (!types || types.has(e.type)) yield [e];
        }
      } catch (err) {
        if (closed) return;
        throw storeError(err, 'subscription to $all');
      }
      if (!closed) throw new StoreUnavailable('subscription to $all', new Error('the server ended the subscription'));
    }
    const pages = ours();
    const events = eventsOf(pages, () => closed);
    return {
      [Symbol.asyncIterator]: () => events,
      pages: () => pages,
      close: async () => {
        closed = true;
        await subscription.unsubscribe();
      },
    };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

/** The stored records of a repeated append, when every one of its ids is in `tail` (newest first). */
function matchStored(tail: readonly { id: string; revision: bigint; position?: Position }[], events: readonly NewEvent[]): Written | undefined {
  const byId = new Map(tail.map((r) => [r.id.toLowerCase(), r]));
  const found = events.map((e) => byId.get(e.metadata.eventId.toLowerCase()));
  if (found.length === 0 || found.some((r) => !r)) return undefined;
  const last = found[found.length - 1]!;
  return { revision: last.revision, position: last.position, repeat: true };
}

export { fromEsdbCurrentRevision, fromResolvedEvent, toEsdbExpectedRevision } from './eventstoredb-mapping';
