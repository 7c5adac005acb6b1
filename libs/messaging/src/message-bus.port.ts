/**
 * The message-bus port: channel interactions come in through it, integration events go out.
 * Messages with the same key keep their order; delivery is at least once, so consumers
 * deduplicate by message id.
 */
export interface BusMessage {
  /** Unique id, for deduplication by consumers. */
  readonly id: string;
  /** Ordering key (e.g. customer id): messages with one key are delivered in order. */
  readonly key: string;
  readonly value: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface DeliveredMessage extends BusMessage {
  readonly topic: string;
  /** Position in the topic (Kafka offset, or the outbox sequence): increasing per key. */
  readonly offset: string;
  /**
   * When the bus took the message (ISO 8601): the Kafka record's timestamp (the broker's append
   * time on the topics the bus creates, which set `message.timestamp.type=LogAppendTime`; the
   * producer's create time on a topic configured otherwise), or the Postgres bus's enqueue time.
   * A message delivered late (the broker or the consumer away for a day) keeps it: consumers that
   * hold a fact to a time window count from here, not from when they happen to process it.
   */
  readonly publishedAt: string;
}

/** What a dead-letter topic holds: the message as far as it could be read, and why it was not processed. */
export interface DeadLetter {
  readonly message: { id: string; key: string; value: unknown; topic: string; offset: string };
  readonly reason: { code: string; message: string; details: Record<string, unknown> };
  readonly failedAt: string;
}

export interface ConsumeOptions {
  /**
   * Where a message that cannot be read (its value is not JSON, it has no message id) goes, with
   * the reason, instead of stopping the consumer. Default: `<topic>.dlq`.
   */
  readonly deadLetterTopic?: string;
  /**
   * Postgres bus: attempts at a failing batch (then at each of its messages alone) and the first
   * wait between them, doubling up to `maxMs`; a message still failing goes to the dead-letter
   * topic with the error. Defaults: 4 attempts, 200 ms, 5 s. (Kafka leaves this to the handler.)
   */
  readonly retry?: { readonly attempts?: number; readonly initialMs?: number; readonly maxMs?: number };
  /** An error that is nobody's fault (the store is away): tried again until it clears, never dead-lettered. */
  readonly isTransient?: (err: unknown) => boolean;
}

export interface BusConsumer {
  /** Stops consuming; offsets of handled messages are already committed. */
  stop(): Promise<void>;
  /**
   * Resolves with the error when the consumer has stopped on its own and will not resume (Kafka:
   * a crash the client does not restart from). The process should then exit non-zero, so that
   * its orchestrator starts it again.
   */
  readonly failed: Promise<Error>;
}

export interface MessageBus {
  readonly kind: 'kafka' | 'postgres';
  /**
   * Prepares the bus before traffic: Kafka connects its producer (retrying while the brokers are
   * away) and creates the topics missing, with the configured partitions and replication.
   */
  ready(topics: readonly string[]): Promise<void>;
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  /**
   * Delivers messages to `handle`, in order per key; a message's offset is committed for
   * `groupId` only after `handle` has resolved for it, so a crash redelivers it (at least once).
   * A failing `handle` gets the message again later; it never stops the consumer. The Postgres bus
   * gives up on a message after `options.retry` and dead-letters it with the reason.
   */
  consume(topic: string, groupId: string, handle: (batch: readonly DeliveredMessage[]) => Promise<void>, options?: ConsumeOptions): Promise<BusConsumer>;
  close(): Promise<void>;
}
