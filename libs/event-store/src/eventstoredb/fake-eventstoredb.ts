import { Readable } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type EventType,
  type Filter,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
  type StreamingRead,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { EsdbClient } from './eventstoredb-event-store';

/**
 * A stand-in for an EventStoreDB (KurrentDB) server behind `@eventstore/db-client` 6.2.1, for the
 * adapter's specs: no server can run on the development machines. It reproduces the behaviours
 * the adapter must cope with, as the server and this client version show them:
 *
 * - `$all` holds system records (`$`-types in `$`-streams; with projections on, a `$>` link per
 *   event) and `readAll` returns them: the 6.2.1 client sends "no filter". Forward reads include
 *   the record at `fromPosition`, backward reads start below it.
 * - Idempotent appends: with an exact revision or `no_stream`, a repeat of events stored at that
 *   revision succeeds (the server reads them back); with `any`/`stream_exists` only ids still in
 *   its in-memory cache are recognised (`forgetRecentEventIds` is a restart). A repeat's result
 *   carries no position.
 * - Appends over the size limit (1 MiB by default: data, metadata and type, per append), on a
 *   tombstoned stream, timing out or meeting an unavailable server fail with the client's errors.
 * - Subscriptions end or fail mid-stream (`dropSubscriptions`) and are never resumed by the client.
 */
export class FakeEventStoreDb {
  readonly client: EsdbClient;
  /** Every `subscribeToAll` call's options, in order. */
  readonly subscribeCalls: SubscribeToAllOptions[] = [];
  /** Every append that reached the server (failed ones too): stream and event count. */
  readonly appendCalls: { streamId: string; events: number }[] = [];
  readonly maxAppendSize: number;

  private readonly log: AllStreamRecordedEvent[] = [];
  private readonly streams = new Map<string, AllStreamRecordedEvent[]>();
  private readonly tombstoned = new Set<string>();
  /** The server's cache of recently written event ids (lost on restart). */
  private recentIds = new Map<string, { streamId: string; revision: bigint }>();
  private readonly live = new Set<LiveSubscription>();
  private readonly faults: { op: 'append' | 'read'; error: Error; afterCommit: boolean; after: number }[] = [];
  private nextPosition = 1_000n;
  private failingSubscriptions: { error: Error; times: number } = { error: new Error(), times: 0 };

  private readonly systemProjections: boolean;

  /**
   * `systemProjections`: as a server with `RUN_PROJECTIONS=All` and the standard projections, a
   * `$>` link in `$ce-<category>` and `$et-<type>` follows every event written.
   */
  constructor(options: { maxAppendSize?: number; systemProjections?: boolean } = {}) {
    this.maxAppendSize = options.maxAppendSize ?? 1024 * 1024;
    this.systemProjections = options.systemProjections ?? false;
    this.client = {
      appendToStream: (streamName, events, options) => this.append(streamName, Array.isArray(events) ? events : [events], options),
      readStream: (streamName, options) => this.readStream(streamName, options) as never,
      readAll: (options) => this.readAll(options),
      subscribeToAll: (options) => this.subscribe(options),
      dispose: async () => this.dropSubscriptions(),
    };
  }

  /** Records the server writes itself: stats, metadata, the system projections' links. */
  writeSystemEvents(count: number, type = '$statsCollected', streamId = '$stats-127.0.0.1:2113'): void {
    for (let i = 0; i < count; i++) this.write(streamId, { id: crypto.randomUUID(), type, data: {}, metadata: undefined });
  }

  /** The server restarted (its cache of recent event ids is empty), or evicted just these ids. */
  forgetRecentEventIds(ids?: readonly string[]): void {
    if (!ids) this.recentIds = new Map();
    else for (const id of ids) this.recentIds.delete(id);
  }

  tombstone(streamId: string): void {
    this.tombstoned.add(streamId);
  }

  /**
   * The next call of `op` (or the one after `after` more calls) fails with `error`; with
   * `afterCommit` an append is stored first (its reply is lost).
   */
  failNext(op: 'append' | 'read', error: Error, options: { afterCommit?: boolean; after?: number } = {}): void {
    this.faults.push({ op, error, afterCommit: options.afterCommit ?? false, after: options.after ?? 0 });
  }

  /** The next `times` subscriptions fail as soon as they are made (a server still down). */
  failSubscriptions(error: Error, times: number): void {
    this.failingSubscriptions = { error, times };
  }

  /** Every open subscription fails with `error`, or ends without one (as on a server shutdown). */
  dropSubscriptions(error?: Error): void {
    for (const s of this.live) s.stop(error);
    this.live.clear();
  }

  /** A stream's stored records (for assertions). */
  stored(streamId: string): readonly AllStreamRecordedEvent[] {
    return this.streams.get(streamId) ?? [];
  }

  private fault(op: 'append' | 'read'): { error: Error; afterCommit: boolean } | undefined {
    const i = this.faults.findIndex((f) => f.op === op && f.after === 0);
    for (const f of this.faults) if (f.op === op && f.after > 0) f.after--;
    return i < 0 ? undefined : this.faults.splice(i, 1)[0];
  }

  private async append<E extends EventType>(streamId: string, events: EventData<E>[], options: AppendToStreamOptions = {}): Promise<AppendResult> {
    await Promise.resolve();
    this.appendCalls.push({ streamId, events: events.length });
    const fault = this.fault('append');
    if (fault && !fault.afterCommit) throw fault.error;
    if (this.tombstoned.has(streamId)) throw StreamDeletedError.fromStreamName(streamId);
    const size = events.reduce((n, e) => n + sizeOnDisk(e), 0);
    if (size > this.maxAppendSize) throw MaxAppendSizeExceededError.fromMaxAppendSize(this.maxAppendSize);
    const result = this.decide(streamId, events, options.expectedRevision ?? ANY);
    if (fault) throw fault.error;
    return result;
  }

  private decide<E extends EventType>(streamId: string, events: EventData<E>[], expected: NonNullable<AppendToStreamOptions['expectedRevision']>): AppendResult {
    const stream = this.streams.get(streamId) ?? [];
    const current = BigInt(stream.length - 1);
    const conflict = () =>
      new WrongExpectedVersionError(undefined, { streamName: streamId, expected, current: stream.length ? current : NO_STREAM });
    if (expected === NO_STREAM || typeof expected === 'bigint') {
      const from = expected === NO_STREAM ? -1n : expected;
      if (from === current) return this.writeAll(streamId, events);
      // The server reads what is stored after the expected revision: the same ids are a repeat.
      const already = stream.slice(Number(from) + 1, Number(from) + 1 + events.length);
      if (from < current && already.length === events.length && already.every((r, i) => r.id === events[i]!.id)) {
        return { success: true, nextExpectedRevision: from + BigInt(events.length), position: undefined };
      }
      throw conflict();
    }
    if (expected === STREAM_EXISTS && stream.length === 0) throw conflict();
    // `any` / `stream_exists`: only the in-memory cache of recent ids is consulted. A batch whose
    // first id is cached but a later one is not is "corrupted idempotency", answered as a conflict.
    let end: bigint | undefined;
    for (const e of events) {
      const cached = this.recentIds.get(e.id);
      if (!cached || cached.streamId !== streamId) {
        if (end === undefined) return this.writeAll(streamId, events);
        throw conflict();
      }
      end = cached.revision;
    }
    if (end === undefined) return this.writeAll(streamId, events);
    return { success: true, nextExpectedRevision: end, position: undefined };
  }

  private writeAll<E extends EventType>(streamId: string, events: EventData<E>[]): AppendResult {
    let last: AllStreamRecordedEvent | undefined;
    for (const e of events) last = this.write(streamId, e);
    if (this.systemProjections && !streamId.startsWith('$')) {
      for (const e of this.streams.get(streamId)!.slice(-events.length)) {
        const link = { type: '$>', data: `${e.revision}@${streamId}`, metadata: undefined };
        this.write(`$ce-${streamId.split('-')[0]}`, { ...link, id: crypto.randomUUID() });
        this.write(`$et-${e.type}`, { ...link, id: crypto.randomUUID() });
      }
    }
    const stream = this.streams.get(streamId) ?? [];
    return { success: true, nextExpectedRevision: BigInt(stream.length - 1), position: last?.position };
  }

  private write(streamId: string, e: { id: string; type: string; data: unknown; metadata: unknown }): AllStreamRecordedEvent {
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    const position = { commit: this.nextPosition, prepare: this.nextPosition };
    this.nextPosition += 137n;
    const record = {
      streamId,
      id: e.id,
      revision: BigInt(stream.length),
      type: e.type,
      isJson: !e.type.startsWith('$>'),
      created: new Date(),
      // What the server returns is what the client serialised: a JSON round trip.
      data: JSON.parse(JSON.stringify(e.data ?? {})),
      metadata: e.metadata === undefined ? undefined : JSON.parse(JSON.stringify(e.metadata)),
      position,
    } as AllStreamRecordedEvent;
    stream.push(record);
    this.log.push(record);
    this.recentIds.set(e.id, { streamId, revision: record.revision });
    for (const s of this.live) s.offer(record);
    return record;
  }

  private readStream(streamId: string, options: ReadStreamOptions = {}): StreamingRead<ResolvedEvent> {
    const fault = this.fault('read');
    if (fault) return reading([], fault.error);
    if (this.tombstoned.has(streamId)) return reading([], StreamDeletedError.fromStreamName(streamId));
    const stream = this.streams.get(streamId);
    if (!stream) return reading([], new StreamNotFoundError(undefined, streamId));
    const backwards = options.direction === BACKWARDS;
    const from = options.fromRevision ?? (backwards ? END : START);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const start = from === START ? 0 : from === END ? stream.length - 1 : Number(from);
    const records = backwards ? stream.slice(0, start + 1).reverse() : stream.slice(start);
    return reading(records.slice(0, max).map((event) => ({ event })));
  }

  private readAll(options: ReadAllOptions = {}): StreamingRead<AllStreamResolvedEvent> {
    const fault = this.fault('read');
    if (fault) return reading([], fault.error);
    const backwards = options.direction === BACKWARDS;
    const from = options.fromPosition ?? (backwards ? END : START);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const records = backwards
      ? this.log.filter((r) => from === END || (from !== START && before(r.position, from))).reverse()
      : this.log.filter((r) => from === START || (from !== END && !before(r.position, from)));
    return reading(records.slice(0, max).map((event) => ({ event, commitPosition: event.position.commit })));
  }

  private subscribe(options: SubscribeToAllOptions = {}): AllStreamSubscription {
    this.subscribeCalls.push(options);
    const from = options.fromPosition ?? START;
    const subscription = new LiveSubscription(options.filter, () => this.live.delete(subscription));
    if (this.failingSubscriptions.times > 0) {
      this.failingSubscriptions.times--;
      const { error } = this.failingSubscriptions;
      setImmediate(() => subscription.stop(error));
      return subscription as unknown as AllStreamSubscription;
    }
    // Catch-up: everything after the position (exclusive), then live records as they are written.
    for (const r of this.log) if (from === START || (from !== END && before(from, r.position))) subscription.offer(r);
    this.live.add(subscription);
    return subscription as unknown as AllStreamSubscription;
  }
}

/** The server's measure of an append (KurrentDB's `Event.SizeOnDisk`): data, metadata and type bytes. */
function sizeOnDisk(e: { type: string; data: unknown; metadata?: unknown }): number {
  const bytes = (v: unknown) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));
  return bytes(e.data) + bytes(e.metadata) + Buffer.byteLength(e.type) + 4;
}

function before(a: Position, b: Position): boolean {
  return a.commit < b.commit || (a.commit === b.commit && a.prepare < b.prepare);
}

/** A finished read as the client returns it: its records, then the end (or the error). */
function reading<E>(items: E[], error?: Error): StreamingRead<E> {
  let i = 0;
  const stream = new Readable({
    objectMode: true,
    read() {
      if (i < items.length) this.push(items[i++]);
      else if (error) this.destroy(error);
      else this.push(null);
    },
  });
  return Object.assign(stream, { cancel: async () => void stream.destroy() }) as unknown as StreamingRead<E>;
}

/** A catch-up subscription: pushes matching records until unsubscribed or dropped. */
class LiveSubscription extends Readable {
  id = crypto.randomUUID();
  private ended = false;

  constructor(
    private readonly wanted: Filter | undefined,
    private readonly onEnd: () => void,
  ) {
    super({ objectMode: true, read: () => undefined });
  }

  offer(record: AllStreamRecordedEvent): void {
    if (this.ended || !passes(this.wanted, record)) return;
    this.push({ event: record, commitPosition: record.position.commit } satisfies AllStreamResolvedEvent);
  }

  stop(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    if (error) this.destroy(error);
    else this.push(null);
  }

  /** As the client's: the call is cancelled and the stream ends. */
  async unsubscribe(): Promise<void> {
    this.onEnd();
    this.stop();
  }
}

function passes(filter: Filter | undefined, r: AllStreamRecordedEvent): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === 'streamName' ? r.streamId : r.type;
  return 'regex' in filter ? new RegExp(filter.regex).test(subject) : filter.prefixes.some((p) => subject.startsWith(p));
}
