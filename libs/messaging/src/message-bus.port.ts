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
}

export interface BusConsumer {
  /** Stops consuming; offsets of fully handled batches are already committed. */
  stop(): Promise<void>;
}

export interface MessageBus {
  readonly kind: 'kafka' | 'postgres';
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  /**
   * Delivers batches to `handle`; a batch's offsets are committed for `groupId` only after
   * `handle` resolves, so a crash redelivers it (at least once).
   */
  consume(topic: string, groupId: string, handle: (batch: readonly DeliveredMessage[]) => Promise<void>): Promise<BusConsumer>;
  close(): Promise<void>;
}
