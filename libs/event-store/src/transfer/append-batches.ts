import type { StreamAppend } from '../event-store.port';
import type { NewEvent } from '../events';
import type { ImportedEvent } from './format';
import type { ImportOptions } from './import-types';

/** A batch's appends and, per event in file order, the index of its stream's append. */
export type SendBatch = (appends: StreamAppend[], order: number[]) => Promise<void>;

/**
 * The import's batches, for both paths (import.ts, import-one-pass.ts): up to `batchSize` events
 * of any number of streams, interleaved as in the file, each stream with its exact expected
 * revision; the order goes with the append (`AppendOptions.order`), so the target's global order
 * is the file's. Free text becomes a vault note (`transformEvent`) before its batch is sent, while
 * the batch before it is still being stored: one append in flight, batches one after the other.
 */
export class AppendBatches {
  private batch = new Map<string, { index: number; events: NewEvent[]; expectedRevision: StreamAppend['expectedRevision'] }>();
  private order: number[] = [];
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly batchSize: number,
    private readonly transformEvent: ImportOptions['transformEvent'],
    private readonly send: SendBatch,
  ) {}

  /** Whether the batch is full: the caller flushes it before the next `add`. */
  get full(): boolean {
    return this.order.length >= this.batchSize;
  }

  /** Into the batch (synchronous: no promise per event). */
  add({ streamId, streamRevision, event }: ImportedEvent): void {
    let group = this.batch.get(streamId);
    if (group) group.events.push(event);
    else this.batch.set(streamId, (group = { index: this.batch.size, events: [event], expectedRevision: streamRevision === 0 ? 'no_stream' : streamRevision - 1 }));
    this.order.push(group.index);
  }

  /** Sends the batch once the one before it is stored. */
  async flush(): Promise<void> {
    if (this.order.length === 0) return;
    const appends = [...this.batch].map(([streamId, a]) => ({ streamId, events: a.events, expectedRevision: a.expectedRevision }));
    const order = this.order;
    this.batch = new Map();
    this.order = [];
    if (this.transformEvent) {
      for (const a of appends) for (let i = 0; i < a.events.length; i++) a.events[i] = await this.transformEvent(a.events[i]!);
    }
    if (this.inFlight) await this.inFlight;
    this.inFlight = this.send(appends, order);
    // Awaited before the next batch or at the end; this only keeps a rejection from being "unhandled" meanwhile.
    this.inFlight.catch(() => undefined);
  }

  /** The last batch sent, stored (or its failure). */
  async settled(): Promise<void> {
    if (this.inFlight) await this.inFlight;
  }

  /** Nothing more is sent: the batch is dropped and the one in flight waited for, whatever its outcome. */
  async drop(): Promise<void> {
    this.batch = new Map();
    this.order = [];
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    this.inFlight = null;
  }
}

/** A sent batch's events in file order. */
export function inFileOrder(appends: readonly StreamAppend[], order: readonly number[]): NewEvent[] {
  const taken = appends.map(() => 0);
  return order.map((k) => appends[k]!.events[taken[k]!++]!);
}
