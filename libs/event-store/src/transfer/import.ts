import { createReadStream, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { EventStore } from '../event-store.port';
import type { NewEvent } from '../events';
import { RecordRejected, type ImportedEvent } from './format';
import type { ImportOptions, ImportSummary } from './import-types';
import { readRecords } from './read-records';
import { checkAgainstStore, StoreLookahead, verifyStoredOverlap, type StreamPlan } from './import-check';
import { importInOneTransaction } from './import-one-pass';
import { AppendBatches, inFileOrder } from './append-batches';

export type { ImportOptions, ImportProgress, ImportSummary } from './import-types';

/**
 * A file path, a function that opens the file, or a one-shot stream such as stdin. The import
 * reads it once, whatever its size: what it appends is what it validated, even if the file is
 * rewritten meanwhile.
 */
export type ImportSource = string | (() => Readable) | Readable;

/** See `ImportOptions.keepChars`. */
const KEEP_CHARS = 64 * 1024 * 1024;

/** What validation read: the file's streams, and the events it kept for the append. */
interface Validated {
  readonly streams: Map<string, StreamPlan>;
  readonly total: number;
  readonly held: ReadonlySet<string>;
  /** The file's first events, in file order, parsed and checked already. */
  readonly kept: ImportedEvent[];
  /** The private file of the validated events after `kept` (one JSON array a line), or null: none. */
  readonly restPath: string | null;
}

/**
 * Imports an export file, keeping every event's id, revision and metadata. On a store with append
 * transactions (Postgres, `beginAppends`) the file is appended as it is read and checked, in one
 * transaction that a refusal rolls back (`import-one-pass.ts`): nothing is kept in memory or spilled,
 * and the refusals below are the same. Elsewhere (EventStoreDB, which cannot take appends back)
 * the file is validated whole first, as follows. Refuses the whole file
 * before appending anything when a line is malformed or its data does not fit its event type's
 * schema (`InvalidImportFile`, naming the first bad line, and the field and what it expects) or when a stream does not continue the store's (`ImportConflict`). Events the store
 * holds already, with the same ids at the same revisions, are skipped, so a repeated or an
 * interrupted import can simply be run again. Memory: one entry per stream, and the events of the
 * file's first `keepChars` characters. The input is read once: a larger file's validated rest is
 * kept in a private temporary file, removed at the end.
 */
export async function importEvents(store: EventStore, source: ImportSource, options: ImportOptions): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 5_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (options.format !== 'ndjson' && options.format !== 'csv') throw new RangeError(`unknown format ${JSON.stringify(options.format)}`);
  const input = typeof source === 'string' ? createReadStream(source) : typeof source === 'function' ? source() : source;
  if (store.beginAppends && !options.validateFirst) {
    try {
      return await importInOneTransaction(store, () => store.beginAppends!(), input, batchSize, options);
    } finally {
      input.destroy();
    }
  }
  const spill = new Spill();
  try {
    const validated = await validate(store, input, spill, options);
    const { streams, held } = validated;
    // New streams the store does not hold were looked up during validation; the rest are checked now.
    const toCheck = new Map([...streams].filter(([id, s]) => s.first > 0 || held.has(id)));
    const conflicts = [await checkAgainstStore(store, toCheck, (done) => options.onProgress?.({ phase: 'checking', done, total: toCheck.size }))];
    if ([...streams.values()].some((s) => s.storedDigest !== null)) conflicts.push(await verifyStoredOverlap(validatedEvents(validated), streams));
    const first = conflicts.filter((c) => c !== null).sort((a, b) => a.line - b.line)[0];
    if (first) throw first;
    return await append(store, validated, batchSize, options);
  } finally {
    input.destroy();
    await spill.remove();
  }
}

/**
 * The one read of the file: every line well formed, every stream's revisions contiguous and in
 * order; meanwhile the streams the file starts at revision 0 are looked up in the store (`held`:
 * those it holds). The file's first `keepChars` characters' events are kept for the append, the
 * rest go to the spill file as they are validated.
 */
async function validate(store: EventStore, input: Readable, spill: Spill, options: ImportOptions): Promise<Validated> {
  const streams = new Map<string, StreamPlan>();
  const lookahead = new StoreLookahead(store);
  const kept: ImportedEvent[] = [];
  let room = options.keepChars ?? KEEP_CHARS;
  let keeping = true;
  let total = 0;
  const visit = (imported: ImportedEvent, line: number, chars: number) => {
    const { streamId, streamRevision, event } = imported;
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
    if (keeping && chars <= room) {
      kept.push(imported);
      room -= chars;
    } else {
      keeping = false;
      spill.add(imported);
    }
    return (total += 1);
  };
  try {
    // A group of up to a thousand events at a time: progress, room for the lookups, the spill written.
    for await (const done of readRecords(input, options.format, visit)) {
      options.onProgress?.({ phase: 'validating', done: done[done.length - 1]!, total: null });
      await spill.flush();
      await lookahead.room();
    }
    await spill.close();
  } catch (err) {
    lookahead.abandon();
    throw err;
  }
  options.onProgress?.({ phase: 'validating', done: total, total });
  return { streams, total, held: await lookahead.held(), kept, restPath: spill.path };
}

/**
 * The validated events in file order, in groups: the kept ones, then the spill file's. `release`:
 * the kept ones are let go once taken (the last pass over them).
 */
async function* validatedEvents({ kept, restPath }: Validated, release = false): AsyncGenerator<readonly ImportedEvent[]> {
  yield kept;
  if (release) kept.length = 0;
  if (restPath === null) return;
  const input = createReadStream(restPath, { encoding: 'utf8', highWaterMark: 1024 * 1024 });
  let rest = '';
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      yield lines.map(fromSpillLine);
    }
  } finally {
    input.destroy();
  }
  if (rest !== '') yield [fromSpillLine(rest)];
}

const fromSpillLine = (line: string): ImportedEvent => {
  const [streamId, streamRevision, event] = JSON.parse(line) as [string, number, NewEvent];
  return { streamId, streamRevision, event };
};

/**
 * The validated events past the kept budget, written to a file of a private temporary directory
 * (created on the first one) as validation goes: one JSON array a line, read back by the append.
 */
class Spill {
  path: string | null = null;
  private dir: string | null = null;
  private out: WriteStream | null = null;
  private pending: string[] = [];
  /** While the file exists: SIGINT/SIGTERM remove it first (see `removeOnSignals`). */
  private onSignal: ((signal: NodeJS.Signals) => void) | null = null;

  add({ streamId, streamRevision, event }: ImportedEvent): void {
    this.pending.push(JSON.stringify([streamId, streamRevision, event]));
  }

  /** Writes what was added, waiting while the file is behind. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    if (!this.out) {
      this.dir = await mkdtemp(join(tmpdir(), 'campaign-import-'));
      this.removeOnSignals();
      this.path = join(this.dir, 'validated.ndjson');
      this.out = createWriteStream(this.path, { mode: 0o600 });
      this.out.on('error', () => undefined); // surfaced by `finished` below
    }
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    if (!this.out.write(text)) await new Promise<void>((resolve, reject) => {
      this.out!.once('drain', resolve);
      this.out!.once('error', reject);
    });
  }

  async close(): Promise<void> {
    await this.flush();
    if (!this.out) return;
    this.out.end();
    await finished(this.out);
  }

  async remove(): Promise<void> {
    this.out?.destroy();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.stopListening();
  }

  /**
   * `finally` does not run when the process is killed by a signal: on SIGINT (Ctrl-C), SIGTERM or
   * SIGHUP (the terminal or SSH session closed)
   * the validated events' file (a copy of the input, possibly personal data) is removed at once,
   * then the signal goes on as if this listener were not there. With no other listener the process
   * ends by that signal (exit status 130, 143 or 129, as before); a program that handles the signal
   * itself (it has a listener too) decides what follows.
   */
  private removeOnSignals(): void {
    const dir = this.dir!;
    this.onSignal = (signal) => {
      this.out?.destroy();
      rmSync(dir, { recursive: true, force: true });
      this.stopListening();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    process.on('SIGHUP', this.onSignal);
  }

  private stopListening(): void {
    if (!this.onSignal) return;
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    process.off('SIGHUP', this.onSignal);
    this.onSignal = null;
  }
}

/** Append in global file order (append-batches.ts): the events validation kept, then those of the spill file. */
async function append(store: EventStore, validated: Validated, batchSize: number, options: ImportOptions): Promise<ImportSummary> {
  const { streams, total } = validated;
  const toAppend = [...streams.values()].reduce((n, s) => n + s.last + 1 - s.appendFrom, 0);
  let appended = 0;
  // One append in flight while the next batch is made: the file's work overlaps the server's.
  const batches = new AppendBatches(batchSize, options.transformEvent, (appends, order) =>
    store.appendToStreams(appends, { order }).then(async () => {
      if (options.afterAppend) await options.afterAppend(inFileOrder(appends, order));
      appended += order.length;
      options.onProgress?.({ phase: 'appending', done: appended, total: toAppend });
    }),
  );
  // The kept events go into batches (then they are let go), then the spill file's.
  for await (const group of validatedEvents(validated, true)) {
    for (const e of group) {
      if (e.streamRevision < streams.get(e.streamId)!.appendFrom) continue;
      if (batches.full) await batches.flush();
      batches.add(e);
    }
  }
  await batches.flush();
  await batches.settled();
  const appendedStreams = [...streams.values()].filter((s) => s.appendFrom <= s.last).length;
  return { events: appended, streams: appendedStreams, alreadyStored: total - toAppend };
}
