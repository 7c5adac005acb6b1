import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { EventStore } from '../event-store.port';
import { comparePositions, formatPosition, type Position, type RecordedEvent } from '../events';
import { toTransferRecord, TRANSFER_COLUMNS, type TransferFormat, type TransferRecord } from './format';
import { ExportStalled } from './transfer.errors';

export interface ExportOptions {
  readonly format: TransferFormat;
  /**
   * Business time (`metadata.occurredAt`) bounds, both inclusive, as instants. The store knows no
   * bank calendar and reads no date text: callers turn what people write (a bank day, a time with
   * its offset) into instants (the CLI does, in BANK_TIME_ZONE, with the domain's calendar).
   */
  readonly from?: Date;
  readonly to?: Date;
  /** Only these event types; all when absent. */
  readonly types?: readonly string[];
  /** Events per `readAll` (default 1000): memory stays at one batch whatever the history's size. */
  readonly batchSize?: number;
  /** CSV only: start with a UTF-8 byte order mark, which Excel needs to show non-ASCII text. */
  readonly bom?: boolean;
  /**
   * How long to wait (default 30 s) when events below the head are held back by a transaction
   * still open on the server (the store only reads below the oldest one, server-wide), before
   * failing with `ExportStalled` rather than writing a silently short file.
   */
  readonly heldBackTimeoutMs?: number;
  /** After every batch read from the store. */
  readonly onProgress?: (progress: ExportProgress) => void;
}

export interface ExportProgress {
  /** Events read from the store so far, matching or not. */
  readonly scanned: number;
  /** Events written so far. */
  readonly exported: number;
  /** Where the export has reached in the global order. */
  readonly position: string;
}

export interface ExportSummary {
  readonly events: number;
  readonly scanned: number;
  readonly bytes: number;
}

/**
 * The history as text chunks (a CSV header, then one chunk per batch with matching events), read
 * from the global order in batches up to the store's head when the export starts, so it ends
 * even while writers keep appending. Bad options throw a RangeError at once, not on first read.
 */
export function exportEvents(store: EventStore, options: ExportOptions): AsyncIterable<string> {
  const plan = planExport(options);
  return {
    [Symbol.asyncIterator]: () => chunks(store, options, plan, { scanned: 0, exported: 0 }),
  };
}

/**
 * Writes the export to a file (through `<path>.partial`, renamed when complete, so a failed
 * export leaves no file that looks whole) or to a stream the caller owns, with backpressure.
 */
export async function writeExport(store: EventStore, destination: string | Writable, options: ExportOptions): Promise<ExportSummary> {
  const plan = planExport(options);
  const counts = { scanned: 0, exported: 0 };
  let bytes = 0;
  const source = Readable.from(
    (async function* () {
      for await (const chunk of chunks(store, options, plan, counts)) {
        bytes += Buffer.byteLength(chunk);
        yield chunk;
      }
    })(),
  );
  if (typeof destination === 'string') {
    const partial = `${destination}.partial`;
    try {
      await pipeline(source, createWriteStream(partial));
      await rename(partial, destination);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  } else {
    await pipeline(source, destination);
  }
  return { events: counts.exported, scanned: counts.scanned, bytes };
}

interface ExportPlan {
  readonly batchSize: number;
  readonly keep: (e: RecordedEvent) => boolean;
}

function planExport(options: ExportOptions): ExportPlan {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (options.format !== 'ndjson' && options.format !== 'csv') throw new RangeError(`unknown format ${JSON.stringify(options.format)}`);
  const from = options.from === undefined ? null : instant(options.from, 'from');
  const to = options.to === undefined ? null : instant(options.to, 'to');
  if (from !== null && to !== null && from > to) throw new RangeError(`from (${options.from!.toISOString()}) is after to (${options.to!.toISOString()})`);
  const types = options.types && options.types.length > 0 ? new Set(options.types) : null;
  return {
    batchSize,
    keep: (e) => {
      if (types && !types.has(e.type)) return false;
      if (from === null && to === null) return true;
      const at = Date.parse(e.metadata.occurredAt);
      return !Number.isNaN(at) && (from === null || at >= from) && (to === null || at <= to);
    },
  };
}

/** Milliseconds since the epoch; an Invalid Date is refused. */
function instant(value: Date, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name}: not a valid instant (${String(value)})`);
  return ms;
}

async function* chunks(
  store: EventStore,
  options: ExportOptions,
  plan: ExportPlan,
  counts: { scanned: number; exported: number },
): AsyncGenerator<string> {
  const csv = options.format === 'csv';
  if (csv) yield stringify([[...TRANSFER_COLUMNS]], { bom: options.bom === true });
  const head = await store.headPosition();
  if (!head) return;
  let after: Position | undefined;
  for (;;) {
    const batch = await readBelowHead(store, after, plan.batchSize, options.heldBackTimeoutMs ?? 30_000);
    const kept: TransferRecord[] = [];
    for (const e of batch) {
      if (comparePositions(e.position, head) > 0) break;
      counts.scanned += 1;
      if (plan.keep(e)) kept.push(toTransferRecord(e));
    }
    after = batch[batch.length - 1]!.position;
    counts.exported += kept.length;
    if (kept.length > 0) yield csv ? toCsv(kept) : toNdjson(kept);
    options.onProgress?.({ scanned: counts.scanned, exported: counts.exported, position: formatPosition(after) });
    if (comparePositions(after, head) >= 0) return;
  }
}

/** The next batch, which exists because the head is further on: wait while it is held back. */
async function readBelowHead(store: EventStore, after: Position | undefined, maxCount: number, timeoutMs: number): Promise<RecordedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 500)) {
    const batch = await store.readAll({ after, maxCount });
    if (batch.length > 0) return batch;
    if (Date.now() >= deadline) throw new ExportStalled(after ? formatPosition(after) : 'the start', timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

function toNdjson(records: readonly TransferRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

function toCsv(records: readonly TransferRecord[]): string {
  const rows = records.map((r) => TRANSFER_COLUMNS.map((c) => (c === 'data' ? JSON.stringify(r.data) : r[c])));
  // RFC 4180 quoting, plus: embedded CR or LF always quoted, and "" for an empty string so an
  // unquoted empty cell can mean null.
  return stringify(rows, { record_delimiter: 'unix', quoted_match: [/^$/, /[\r\n]/] });
}
