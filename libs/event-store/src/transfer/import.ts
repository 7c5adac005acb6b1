import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EventStore, StreamAppend } from '../event-store.port';
import type { NewEvent } from '../events';
import { RecordRejected, type TransferFormat } from './format';
import { readRecords } from './read-records';
import { checkAgainstStore, StoreLookahead, verifyStoredOverlap, type StreamPlan } from './import-check';

/**
 * A file path, a function that opens the file afresh (the import reads it more than once), or
 * a one-shot stream such as stdin, which is first copied to a temporary file.
 */
export type ImportSource = string | (() => Readable) | Readable;

export interface ImportOptions {
  readonly format: TransferFormat;
  /** Events per `appendToStreams` call, of any number of streams (default 5,000: fewer commits; one transaction holds readers back a fraction of a second at most). */
  readonly batchSize?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
  /**
   * The event's data checked against its type's schema at its version (the store knows no
   * schemas: the caller passes the catalogue's check). A problem refuses the file at that line.
   */
  readonly checkEvent?: (event: NewEvent) => { readonly field: string; readonly expected: string } | null;
  /**
   * Each event about to be appended, in file order, before its batch goes to the store: what is
   * appended instead (same id; e.g. a legacy version whose free text goes to the vault).
   */
  readonly transformEvent?: (event: NewEvent) => Promise<NewEvent>;
  /** After each batch is appended, with its events as appended (e.g. to erase a customer the file erases). */
  readonly afterAppend?: (events: readonly NewEvent[]) => Promise<void>;
}

export interface ImportProgress {
  readonly phase: 'validating' | 'checking' | 'appending';
  /** Events validated, streams checked against the store, or events appended. */
  readonly done: number;
  /** Known once validation is over. */
  readonly total: number | null;
}

export interface ImportSummary {
  /** Events appended. */
  readonly events: number;
  /** Streams appended to. */
  readonly streams: number;
  /** Events of the file the store held already (same ids, same revisions): a re-import. */
  readonly alreadyStored: number;
}

/**
 * Imports an export file, keeping every event's id, revision and metadata. Refuses the whole file
 * before appending anything when a line is malformed or its data does not fit its event type's
 * schema (`InvalidImportFile`, naming the first bad line, and the field and what it expects) or when a stream does not continue the store's (`ImportConflict`). Events the store
 * holds already, with the same ids at the same revisions, are skipped, so a repeated or an
 * interrupted import can simply be run again. Memory: one entry per stream, never the events.
 */
export async function importEvents(store: EventStore, source: ImportSource, options: ImportOptions): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 5_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (options.format !== 'ndjson' && options.format !== 'csv') throw new RangeError(`unknown format ${JSON.stringify(options.format)}`);
  return withReopenable(source, async (open) => {
    const { streams, total, held } = await validate(store, open, options);
    // New streams the store does not hold were looked up during validation; the rest are checked now.
    const toCheck = new Map([...streams].filter(([id, s]) => s.first > 0 || held.has(id)));
    const conflicts = [await checkAgainstStore(store, toCheck, (done) => options.onProgress?.({ phase: 'checking', done, total: toCheck.size }))];
    if ([...streams.values()].some((s) => s.storedDigest !== null)) conflicts.push(await verifyStoredOverlap(open, streams, options.format));
    const first = conflicts.filter((c) => c !== null).sort((a, b) => a.line - b.line)[0];
    if (first) throw first;
    return append(store, open, streams, total, batchSize, options);
  });
}

/**
 * Pass 1: every line well formed, every stream's revisions contiguous and in order; meanwhile the
 * streams the file starts at revision 0 are looked up in the store (`held`: those it holds).
 */
async function validate(store: EventStore, open: () => Readable, options: ImportOptions): Promise<{ streams: Map<string, StreamPlan>; total: number; held: ReadonlySet<string> }> {
  const streams = new Map<string, StreamPlan>();
  const lookahead = new StoreLookahead(store);
  let total = 0;
  const visit = ({ streamId, streamRevision, event }: { streamId: string; streamRevision: number; event: NewEvent }, line: number) => {
    const problem = options.checkEvent?.(event);
    if (problem) {
      throw new RecordRejected(`${event.type} (schema version ${event.metadata.schemaVersion}): ${problem.field}: expected ${problem.expected}`, { field: problem.field, expected: problem.expected });
    }
    const seen = streams.get(streamId);
    if (!seen) {
      streams.set(streamId, { line, first: streamRevision, last: streamRevision, appendFrom: streamRevision, storedDigest: null });
      if (streamRevision === 0) lookahead.add(streamId);
    } else if (streamRevision !== seen.last + 1) {
      throw new RecordRejected(`stream ${streamId}: revision ${streamRevision} follows revision ${seen.last}; a stream's revisions must be contiguous and in order`);
    } else {
      seen.last = streamRevision;
    }
    total += 1;
    return total % 1000 === 0 ? total : undefined;
  };
  try {
    for await (const done of readRecords(open(), options.format, visit)) {
      options.onProgress?.({ phase: 'validating', done, total: null });
      await lookahead.room();
    }
  } catch (err) {
    lookahead.abandon();
    throw err;
  }
  options.onProgress?.({ phase: 'validating', done: total, total });
  return { streams, total, held: await lookahead.held() };
}

/**
 * Pass 2: append in global file order. A batch holds up to `batchSize` events of any number of
 * streams, interleaved as in the file: it goes with that order (`AppendOptions.order`), so the
 * target's global order is the file's, and each stream with its exact expected revision.
 */
async function append(
  store: EventStore,
  open: () => Readable,
  streams: Map<string, StreamPlan>,
  total: number,
  batchSize: number,
  options: ImportOptions,
): Promise<ImportSummary> {
  const toAppend = [...streams.values()].reduce((n, s) => n + s.last + 1 - s.appendFrom, 0);
  let batch = new Map<string, { index: number; events: NewEvent[]; expectedRevision: StreamAppend['expectedRevision'] }>();
  /** Per event of the batch, in file order, the index of its stream's append. */
  let order: number[] = [];
  let appended = 0;
  // One append in flight while the next batch is read and parsed: the file's work overlaps the
  // server's. Batches still go one after the other, so the target's order is the file's.
  let inFlight: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    if (order.length === 0) return;
    const appends = [...batch].map(([streamId, a]) => ({ streamId, events: a.events, expectedRevision: a.expectedRevision }));
    const inOrder = order;
    batch = new Map();
    order = [];
    // Free text becomes a vault note before its event is appended (the note's write overlaps the append in flight).
    if (options.transformEvent) {
      for (const a of appends) for (let i = 0; i < a.events.length; i++) a.events[i] = await options.transformEvent(a.events[i]!);
    }
    await inFlight;
    inFlight = store.appendToStreams(appends, { order: inOrder }).then(async () => {
      if (options.afterAppend) {
        const taken = appends.map(() => 0);
        await options.afterAppend(inOrder.map((k) => appends[k]!.events[taken[k]!++]!));
      }
      appended += inOrder.length;
      options.onProgress?.({ phase: 'appending', done: appended, total: toAppend });
    });
    // Rejections are awaited at the next flush or at the end; this only keeps one from being "unhandled" meanwhile.
    inFlight.catch(() => undefined);
  };
  const visit = (e: { streamId: string; streamRevision: number; event: NewEvent }) => {
    const plan = streams.get(e.streamId);
    if (!plan || e.streamRevision > plan.last) throw new RecordRejected('the file changed while it was being imported');
    return e.streamRevision >= plan.appendFrom ? e : undefined;
  };
  for await (const { streamId, streamRevision, event } of readRecords(open(), options.format, visit)) {
    if (order.length >= batchSize) await flush();
    let group = batch.get(streamId);
    if (group) group.events.push(event);
    else batch.set(streamId, (group = { index: batch.size, events: [event], expectedRevision: streamRevision === 0 ? 'no_stream' : streamRevision - 1 }));
    order.push(group.index);
  }
  await flush();
  await inFlight;
  const appendedStreams = [...streams.values()].filter((s) => s.appendFrom <= s.last).length;
  return { events: appended, streams: appendedStreams, alreadyStored: total - toAppend };
}

async function withReopenable<T>(source: ImportSource, run: (open: () => Readable) => Promise<T>): Promise<T> {
  if (typeof source === 'string') return run(() => createReadStream(source));
  if (typeof source === 'function') return run(source);
  const dir = await mkdtemp(join(tmpdir(), 'campaign-import-'));
  try {
    const copy = join(dir, 'import');
    await pipeline(source, createWriteStream(copy));
    return await run(() => createReadStream(copy));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
