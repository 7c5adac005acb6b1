import type { Readable } from 'node:stream';
import type { AppendTransaction, EventStore } from '../event-store.port';
import type { NewEvent, RecordedEvent } from '../events';
import { AppendBatches, inFileOrder } from './append-batches';
import { RecordRejected, type ImportedEvent } from './format';
import type { ImportOptions, ImportSummary } from './import-types';
import { readRecords } from './read-records';
import { ImportConflict } from './transfer.errors';

// The import on a store with append transactions (Postgres): the file is read once, each group of
// lines checked, looked up in the store and appended in the one transaction while the next group
// is read; a bad line, or a stream that does not continue the store's, rolls all of it back.

/** New streams per `readStreams` lookup, and lookups at a time. */
const LOOKUP_CHUNK = 500;
const LOOKUP_CONCURRENCY = 4;
/**
 * Events read before their streams' lookups are awaited and they go into batches: a CSV file comes
 * a record at a time, and a round trip per record would be the import's pace.
 */
const TAKE_AT = 1_000;
/** SQLSTATE of the store's claim (`es_claim`): an expected revision no longer held. */
const CLAIM_FAILED = 'ES409';

/** A stream of the file, and what the store holds of it. */
interface StreamState {
  readonly line: number;
  readonly first: number;
  last: number;
  /** Revisions below it are stored already (the file's must be the same events); NaN until looked up. */
  appendFrom: number;
  /** The ids the store holds at revisions first..appendFrom-1 (lower case), let go once the file passed them. */
  stored: string[] | null;
  /** Why the file cannot go on this stream: found at the lookup, or at a stored event the file has another one for. */
  conflict: 'short' | 'other' | null;
}

/**
 * `importEvents` on a store with `beginAppends`: one pass, one transaction. Same refusals as the
 * validate-first path (`InvalidImportFile` at the first bad line; otherwise the `ImportConflict`
 * of the earliest line), same skipping of events the store holds already, and nothing appended
 * unless the whole file is good: the transaction is rolled back at the first problem (or by the
 * server when the process dies), and it is opened only when there is something to append.
 */
export async function importInOneTransaction(
  store: EventStore,
  begin: () => Promise<AppendTransaction>,
  input: Readable,
  batchSize: number,
  options: ImportOptions,
): Promise<ImportSummary> {
  const streams = new Map<string, StreamState>();
  const lookups = new Lookups(store);
  let pending: ImportedEvent[] = [];
  let read = 0;
  const visit = (imported: ImportedEvent, line: number) => {
    const { streamId, streamRevision, event } = imported;
    const problem = options.checkEvent?.(event);
    if (problem) {
      throw new RecordRejected(`${event.type} (schema version ${event.metadata.schemaVersion}): ${problem.field}: expected ${problem.expected}`, { field: problem.field, expected: problem.expected });
    }
    const seen = streams.get(streamId);
    if (!seen) {
      const s: StreamState = { line, first: streamRevision, last: streamRevision, appendFrom: Number.NaN, stored: null, conflict: null };
      streams.set(streamId, s);
      lookups.add(streamId, s);
    } else if (streamRevision !== seen.last + 1) {
      throw new RecordRejected(`stream ${streamId}: revision ${streamRevision} follows revision ${seen.last}; a stream's revisions must be contiguous and in order`);
    } else {
      seen.last = streamRevision;
    }
    pending.push(imported);
    return (read += 1);
  };

  let tx: AppendTransaction | null = null;
  let conflicted = false;
  let appended = 0;
  let alreadyStored = 0;
  const wanted: NewEvent[] = [];
  const wants = options.afterAppendWants ?? (() => true);
  // One append in flight while the next group is read; the transaction opens with the first batch.
  const batches = new AppendBatches(batchSize, options.transformEvent, async (appends, order) => {
    tx ??= await begin();
    await tx.appendToStreams(appends, { order });
    appended += order.length;
    if (options.afterAppend) wanted.push(...inFileOrder(appends, order).filter(wants));
  });
  /** Nothing of this file will be committed: the transaction goes now, not at the end of the file (its locks, and the readers it holds back). */
  const abandon = async () => {
    await batches.drop();
    const open = tx;
    tx = null;
    await open?.rollback();
  };
  /** The events read so far, once their streams are looked up: into batches, or compared with the stored ones. */
  const take = async () => {
    await lookups.settled();
    const events = pending;
    pending = [];
    for (const e of events) {
      const s = streams.get(e.streamId)!;
      if (e.streamRevision < s.appendFrom) {
        alreadyStored += 1;
        if (s.conflict === null && s.stored![e.streamRevision - s.first] !== e.event.metadata.eventId.toLowerCase()) s.conflict = 'other';
        if (e.streamRevision === s.appendFrom - 1) s.stored = null;
      }
      if (s.conflict !== null) {
        if (!conflicted) await abandon();
        conflicted = true;
      }
      if (conflicted || e.streamRevision < s.appendFrom) continue;
      if (batches.full) await batches.flush();
      batches.add(e);
    }
  };

  try {
    for await (const done of readRecords(input, options.format, visit)) {
      options.onProgress?.({ phase: 'importing', done: done[done.length - 1]!, total: null });
      if (pending.length >= TAKE_AT) await take();
    }
    await take();
    await batches.flush();
    await batches.settled();
    options.onProgress?.({ phase: 'importing', done: read, total: read });
    if (conflicted) throw earliestConflict(streams);
    if (tx) {
      options.onProgress?.({ phase: 'committing', done: read, total: read });
      const open: AppendTransaction = tx;
      tx = null;
      await open.commit();
    }
  } catch (err) {
    lookups.abandon();
    await abandon();
    if (isClaimFailure(err)) throw new Error('another writer appended to one of the file\'s streams during the import; nothing was imported (run it again)', { cause: err });
    throw err;
  }
  if (options.afterAppend && wanted.length > 0) await options.afterAppend(wanted);
  const appendedStreams = [...streams.values()].filter((s) => s.appendFrom <= s.last).length;
  return { events: appended, streams: appendedStreams, alreadyStored };
}

function earliestConflict(streams: ReadonlyMap<string, StreamState>): ImportConflict {
  let found: [string, StreamState] | null = null;
  for (const entry of streams) if (entry[1].conflict !== null && (!found || entry[1].line < found[1].line)) found = entry;
  const [streamId, s] = found!;
  return new ImportConflict(
    s.line,
    streamId,
    s.conflict === 'short'
      ? `the file starts at revision ${s.first}, but the target store holds fewer than ${s.first} events of this stream`
      : `the target store holds other events at revisions ${s.first}..${Math.min(s.appendFrom, s.last + 1) - 1}`,
  );
}

/**
 * The file's new streams looked up in the store as lines are read, `LOOKUP_CHUNK` per query, a few
 * queries at a time: each stream from the revision before the file's first (`appendFrom`, and
 * the stored ids the file must repeat).
 */
class Lookups {
  private pending: [string, StreamState][] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { readonly error: unknown } | null = null;

  constructor(private readonly store: EventStore) {}

  add(streamId: string, s: StreamState): void {
    this.pending.push([streamId, s]);
    if (this.pending.length >= LOOKUP_CHUNK && this.inFlight.size < LOOKUP_CONCURRENCY) this.send();
  }

  /** Every stream added so far looked up (it fails if a lookup failed). */
  async settled(): Promise<void> {
    while (this.pending.length > 0) {
      while (this.inFlight.size >= LOOKUP_CONCURRENCY) await Promise.race(this.inFlight);
      this.send();
    }
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.failure) throw this.failure.error;
  }

  /** Lookups still in flight end unobserved (the import failed). */
  abandon(): void {
    this.pending = [];
  }

  private send(): void {
    const chunk = this.pending.splice(0, LOOKUP_CHUNK);
    if (chunk.length === 0) return;
    const lookup = this.store
      .readStreams(chunk.map(([streamId, s]) => ({ streamId, fromRevision: Math.max(s.first - 1, 0) })))
      .then((read) => {
        for (const [streamId, s] of chunk) resolve(s, read.get(streamId) ?? []);
      })
      .catch((error: unknown) => void (this.failure ??= { error }))
      .finally(() => this.inFlight.delete(lookup));
    this.inFlight.add(lookup);
  }
}

function resolve(s: StreamState, stored: readonly RecordedEvent[]): void {
  if (s.first > 0 && stored[0]?.streamPosition !== s.first - 1) {
    s.conflict = 'short';
    s.appendFrom = Number.POSITIVE_INFINITY;
    return;
  }
  const overlap = stored.filter((e) => e.streamPosition >= s.first);
  s.appendFrom = s.first + overlap.length;
  s.stored = overlap.length > 0 ? overlap.map((e) => e.metadata.eventId.toLowerCase()) : null;
}

function isClaimFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === CLAIM_FAILED;
}
