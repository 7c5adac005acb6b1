import type { Client } from 'pg';
import { eventsOf, type AllSubscription, type SubscribeOptions } from '../event-store.port';
import { START, type Position, type RecordedEvent } from '../events';

type ReadBatch = (after: Position, maxCount: number) => Promise<RecordedEvent[]>;

/**
 * Catch-up subscription over the Postgres log: reads batches until it is level with the store,
 * then waits for a NOTIFY (sent by every append on commit) or a poll timer, whichever is first.
 * The timer matters: events held back behind a transaction that does not append (and so sends no
 * notification) still arrive. Pull-based: it holds one batch, and reads the next while that one is
 * consumed when it was full (never more than two). It hands out what each read brought as one page
 * (`pages()`), or event by event.
 */
export class PostgresAllSubscription implements AllSubscription {
  private closed = false;
  private wake: (() => void) | undefined;
  /** A notification came while we were reading: read again before sleeping. */
  private notified = false;
  private listener: Client | undefined;

  constructor(
    private readonly readBatch: ReadBatch,
    private readonly connect: () => Client,
    private readonly channel: string,
    private readonly options: SubscribeOptions & { maxPollIntervalMs?: number },
  ) {}

  private pageIterator: AsyncGenerator<readonly RecordedEvent[]> | undefined;
  private eventIterator: AsyncGenerator<RecordedEvent> | undefined;

  /** One iteration per subscription: every `for await` over it continues where the last left off. */
  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return (this.eventIterator ??= eventsOf(this.pages(), () => this.closed));
  }

  /** The log's pages as read (filtered by `eventTypes`, empty ones left out); the same one iteration. */
  pages(): AsyncGenerator<readonly RecordedEvent[]> {
    return (this.pageIterator ??= this.run());
  }

  private async *run(): AsyncGenerator<readonly RecordedEvent[]> {
    const batchSize = this.options.batchSize ?? 500;
    const maxInterval = this.options.maxPollIntervalMs ?? 500;
    const types = this.options.eventTypes ? new Set(this.options.eventTypes) : undefined;
    let after = this.options.after ?? START;
    let interval = 5;
    await this.listen();
    // A notification that comes after a read began may be about events that read did not see.
    const read = (from: Position) => {
      this.notified = false;
      return this.readBatch(from, batchSize);
    };
    let ahead: Promise<RecordedEvent[]> | undefined;
    try {
      while (!this.closed) {
        const batch = await (ahead ?? read(after));
        ahead = undefined;
        // A full page: the next one is read while the consumer works through this one (a catch-up
        // or a rebuild reads the log beside the writes instead of between them).
        if (batch.length === batchSize) {
          ahead = read(batch[batch.length - 1]!.position);
          ahead.catch(() => undefined); // awaited (and thrown) on the next turn, if there is one
        }
        if (batch.length > 0) {
          after = batch[batch.length - 1]!.position;
          const page = types ? batch.filter((e) => types.has(e.type)) : batch;
          if (page.length > 0) yield page;
          if (this.closed) return;
        }
        if (batch.length === batchSize) continue;
        if (this.notified) {
          interval = 5;
          continue;
        }
        interval = batch.length > 0 ? 5 : Math.min(interval * 2, maxInterval);
        await this.sleep(interval);
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = this.connect();
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    // A lost LISTEN connection only costs latency: the poll timer keeps the subscription going.
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.listener = client;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
