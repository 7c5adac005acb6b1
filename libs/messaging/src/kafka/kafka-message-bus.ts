import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { BusConsumer, BusMessage, DeliveredMessage, MessageBus } from '../message-bus.port';

/** Kafka through kafkajs: messages keyed for per-key order, idempotent producer, manual commits. */
export class KafkaMessageBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private producer: Producer | undefined;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly kafka: Kafka) {}

  static connect(brokers: readonly string[], clientId = 'campaign-platform'): KafkaMessageBus {
    return new KafkaMessageBus(new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.WARN }));
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.producer) {
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
      await this.producer.connect();
    }
    await this.producer.send({ topic, acks: -1, messages: messages.map(toKafkaMessage) });
  }

  async consume(topic: string, groupId: string, handle: (batch: readonly DeliveredMessage[]) => Promise<void>): Promise<BusConsumer> {
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: true });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
        const delivered = batch.messages.map((m) => fromKafkaMessage(batch.topic, m));
        await handle(delivered);
        for (const m of batch.messages) resolveOffset(m.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    await this.producer?.disconnect();
  }
}

export function toKafkaMessage(m: BusMessage) {
  return { key: m.key, value: JSON.stringify(m.value), headers: { ...(m.headers ?? {}), 'message-id': m.id } };
}

export function fromKafkaMessage(
  topic: string,
  m: { key: Buffer | null; value: Buffer | null; offset: string; headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined> },
): DeliveredMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  const { 'message-id': id = '', ...rest } = headers;
  return { topic, id, key: m.key?.toString() ?? '', value: m.value ? JSON.parse(m.value.toString()) : null, headers: rest, offset: m.offset };
}
