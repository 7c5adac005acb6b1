import type { NewEvent, Position, RecordedEvent } from './events';
import type { LogRedaction } from './redaction';

/**
 * What the writer expects the stream to be at: `no_stream` (must not exist), `stream_exists`,
 * `any`, or the exact 0-based revision of its last event.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the stream's last event after the append: pass it as the next expected revision. */
  readonly nextExpectedRevision: number;
  /** Global position of the last event written (or already stored, for a repeated append). */
  readonly position: Position;
  /** Set when nothing was written: every event was stored already (a repeat). Metrics count only what was written. */
  readonly repeated?: true;
  /**
   * Set when some but not all of the events were written: a stream's split append on EventStoreDB
   * whose first parts an earlier attempt (same ids) stored. Metrics count this many, not all.
   */
  readonly written?: number;
}

export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/**
 * How many events a failed append stored before it failed (EventStoreDB's `appendToStreams`, which
 * is not atomic); 0 for an error that does not say (an atomic store stores nothing on failure).
 */
export function eventsWrittenBefore(err: unknown): number {
  const n = typeof err === 'object' && err !== null ? (err as { eventsWrittenBefore?: unknown }).eventsWrittenBefore : undefined;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** Adds `n` events stored before the failure to what `err` already says (see `eventsWrittenBefore`). */
export function withEventsWrittenBefore(err: unknown, n: number): unknown {
  if (n > 0 && typeof err === 'object' && err !== null && Object.isExtensible(err)) {
    Object.defineProperty(err, 'eventsWrittenBefore', { value: eventsWrittenBefore(err) + n, configurable: true, writable: true, enumerable: false });
  }
  return err;
}

/** See `EventStore.appendToStreams`. */
export interface AppendOptions {
  /**
   * The global order of the batch's events: one entry per event, the index in `appends` of its
   * stream; each stream's own events keep their order. An import keeps a history's order with
   * it while its streams interleave. Default: stream after stream, in the order given.
   */
  readonly order?: readonly number[];
}

/**
 * Checks an `AppendOptions.order` against its appends (an entry per event, each an index of an
 * append, each append named as often as it has events). Throws `RangeError` otherwise.
 */
export function checkAppendOrder(appends: readonly StreamAppend[], order: readonly number[]): void {
  const left = appends.map((a) => a.events.length);
  for (const k of order) {
    if (!Number.isInteger(k) || k < 0 || k >= appends.length || left[k]! === 0) throw new RangeError(`appendToStreams: order names append ${String(k)} more often than it has events, or no such append`);
    left[k] = left[k]! - 1;
  }
  if (left.some((n) => n !== 0)) throw new RangeError('appendToStreams: order leaves events out');
}

/**
 * See `EventStore.beginAppends`: appends that become visible together at `commit`, or never.
 * Only exact expectations (`no_stream` or a revision): the caller knows where its streams are.
 */
export interface AppendTransaction {
  /** As `EventStore.appendToStreams` (same checks, same `order`), inside the transaction: nobody sees these events before `commit`. */
  appendToStreams(appends: readonly StreamAppend[], options?: AppendOptions): Promise<void>;
  /** Makes every append of the transaction visible at once (and wakes subscriptions). */
  commit(): Promise<void>;
  /** Drops every append of the transaction. Safe after a failed append, after a lost connection, and twice. */
  rollback(): Promise<void>;
}

export interface StreamRead {
  readonly streamId: string;
  /** Inclusive; default 0. */
  readonly fromRevision?: number;
}

/** See `EventStore.streamHeadsSince`. */
export interface StreamHeads {
  readonly revisions: ReadonlyMap<string, number>;
  readonly changedAfter: ReadonlySet<string>;
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. Default: from the start. */
  readonly after?: Position;
  readonly maxCount: number;
}

export interface SubscribeOptions {
  /** Exclusive: resume after this checkpoint. Default: from the start. */
  readonly after?: Position;
  /** Events per read from the store while catching up. */
  readonly batchSize?: number;
  /** Only these event types are delivered (the position still advances past the others). */
  readonly eventTypes?: readonly string[];
}

/**
 * History first, then live events, pulled with `for await` one at a time, or with `pages()` a page
 * at a time; `close()` ends the iteration. Both walk the same one iteration: take one or the other.
 */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  /**
   * The same events in pages, in order, none empty: what one read of the store brought (Postgres:
   * up to `batchSize`), so a consumer of a rebuild's million events awaits a promise per page, not
   * per event. EventStoreDB's subscription streams events one by one: there a page holds one.
   */
  pages(): AsyncIterable<readonly RecordedEvent[]>;
  close(): Promise<void>;
}

/** A subscription's pages one event at a time (its `for await`); none after `closed()` says it was closed, mid-page too. */
export async function* eventsOf(pages: AsyncIterable<readonly RecordedEvent[]>, closed: () => boolean = () => false): AsyncGenerator<RecordedEvent> {
  for await (const page of pages) {
    for (const event of page) {
      if (closed()) return;
      yield event;
    }
  }
}

export interface EventStore {
  readonly kind: 'postgres' | 'eventstoredb';
  /**
   * Erasure's one rewrite of stored events (`redaction.ts`), or `null` where the store cannot.
   * - Postgres: rewrites in the erasure's transaction, each rewrite recorded in `es_rewrites`.
   * - EventStoreDB: `null`. Its events are immutable: the server can only delete or truncate a
   *   whole stream (and scavenge it away later), never change one event, and a customer's legacy
   *   text sits in streams (a campaign's, the points stream) that must keep every other event.
   *   There, erasure destroys the vault keys and notes, and the text of events written in the
   *   legacy versions stays readable to anyone reading the raw log (never through the product,
   *   which drops it on read).
   */
  readonly redaction: LogRedaction | null;
  /**
   * Appends all of `events` or none, if the stream is at `expectedRevision`.
   *
   * A repeat of an append already stored (the same event ids, in the same stream) succeeds,
   * stores nothing and answers the stream's current revision and last position, so a retry after
   * a lost reply is safe. How far that reaches differs:
   * - Postgres: event ids are unique in the whole store; every repeat is recognised, whatever
   *   the expectation it is sent with.
   * - EventStoreDB: a repeat is recognised while its events are among the stream's last 256. The
   *   server itself checks ids only at the expected revision, and for `any`/`stream_exists` only in
   *   an in-memory cache (lost on restart); so the adapter reads the stream's tail on a conflict,
   *   and before every `any`/`stream_exists` append (one read more), which it then sends with the
   *   exact revision found. Events stored further back, or in another stream, are stored again.
   * Events only partly stored already are a conflict (`WrongExpectedVersion`).
   *
   * Never split. Besides `WrongExpectedVersion` it fails with the store's errors (`errors.ts`):
   * `StreamDeleted`; `AppendTooLarge` (EventStoreDB takes 1 MiB per append by default, data,
   * metadata and type counted); `StoreTimeout` (the outcome is unknown: send the same append
   * again); `StoreUnavailable` (no connection, or a cluster changing leader: try again).
   */
  appendToStream(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams, each with its own expected revision (a launch's enrolments, a
   * budget split's parent and child, a VIP card's customer and unit registry).
   * - Postgres: atomic, one transaction: all streams or none.
   * - EventStoreDB: not atomic. The v6 client has no multi-stream transaction, so the streams are
   *   appended one after the other, in the order given; when one fails (a conflict, a timeout),
   *   the streams before it keep their events. A caller that retries on a conflict then decides
   *   again on state that already holds its first part: deciders must tolerate that (deterministic
   *   event ids make the same call again a repeat). A stream's events over the append limit are
   *   written as consecutive appends under it, in order, each expecting the revision the previous
   *   one left: readers may see the first part before the rest, and the same call again completes
   *   it. One event over the limit fails with `AppendTooLarge`. A call that fails after storing
   *   some events says how many on its error (`eventsWrittenBefore`), so whoever counts appends
   *   counts them now and the retry, which finds them stored, does not count them again (a part
   *   whose reply was lost is not known to be stored: it is counted by neither).
   *
   * `options.order` interleaves the streams' events in the global order:
   * - Postgres: the events' positions follow it, in the one transaction.
   * - EventStoreDB: each run of one stream's events is appended in turn, in that order (not atomic, as above).
   */
  appendToStreams(appends: readonly StreamAppend[], options?: AppendOptions): Promise<AppendResult[]>;
  /**
   * A transaction of many `appendToStreams` calls, all stored at its commit or none (an import
   * appends a file while it reads it, and a bad line further on rolls everything back).
   * - Postgres: one database transaction on a connection of its own. Costs while it is open: the
   *   visibility guard (`readAll`) holds back every transaction that began after it, from every
   *   subscription and the projector, until it ends; its streams' heads stay locked, so another
   *   writer to them waits; an export waiting for the head stalls. A lost connection (a crash, a
   *   kill) rolls it back.
   * - EventStoreDB: undefined (no multi-append transaction; appends are visible as they are made).
   */
  beginAppends?(): Promise<AppendTransaction>;
  /** The stream's events from `fromRevision` (inclusive, default 0); empty when it does not exist. */
  readStream(streamId: string, fromRevision?: number): Promise<RecordedEvent[]>;
  /**
   * Several streams at once, each from its own revision (inclusive), in stream order: for decisions
   * over many aggregates (a launch enrols thousands of customers). Unknown streams map to `[]`.
   * One query on Postgres; on EventStoreDB a bounded number of stream reads in parallel.
   */
  readStreams(requests: readonly StreamRead[]): Promise<Map<string, RecordedEvent[]>>;
  /**
   * For decisions taken on a read model at `after` instead of on the streams themselves (a launch
   * enrolling a million customers): each stream's current revision (absent: no such stream), and
   * those of them holding an event after `after` in the global order, committed since or not yet
   * visible to `readAll`, which the read model cannot show. Both are read in one snapshot, so an
   * append expecting a revision answered here conflicts if anything was appended since.
   * Postgres only; undefined on EventStoreDB, where such callers read the streams instead.
   */
  streamHeadsSince?(streamIds: readonly string[], after: Position): Promise<StreamHeads>;
  /** A batch of the global order, excluding the store's own system events. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): AllSubscription;
  /** Position of the newest event, or `null` for an empty store. */
  headPosition(): Promise<Position | null>;
  close(): Promise<void>;
}

