import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import type { BusConsumer, BusMessage, ConsumeOptions, DeadLetter, DeliveredMessage, MessageBus } from '../message-bus.port';

/**
 * What the bus uses of kafkajs: a `Kafka` client, or a stand-in for the specs (`fake-kafka.ts`),
 * since no broker runs on the development machines.
 */
export type KafkaClient = Pick<Kafka, 'producer' | 'consumer' | 'admin'>;

export interface KafkaBusOptions {
  readonly clientId?: string;
  /**
   * Partitions of each topic the bus creates (default 6). A key always maps to one partition, so
   * one customer's messages stay in order; more partitions let more consumers share the work.
   * Existing topics are left as they are: adding partitions later moves keys (see the README).
   */
  readonly partitions?: number;
  /** Copies of each partition (default 1, a single broker; 3 on a production cluster). */
  readonly replicationFactor?: number;
  /** Connecting (producer, consumers, admin): attempts, and the first wait between them, doubling (ms). */
  readonly connectAttempts?: number;
  readonly retryInitialMs?: number;
  readonly log?: { warn(o: object, m: string): void };
}

/**
 * Kafka through kafkajs: messages keyed for per-key order, an idempotent producer connected at
 * start (and again whenever it has lost its connection), topics created with the configured
 * partitions and replication before first use, and consumers that commit each handled message.
 */
export class KafkaMessageBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private producer: Promise<Producer> | undefined;
  private admin: Promise<Admin> | undefined;
  private readonly topics = new Map<string, Promise<void>>();
  private readonly consumers = new Set<Consumer>();

  constructor(
    private readonly kafka: KafkaClient,
    private readonly options: KafkaBusOptions = {},
  ) {}

  static connect(brokers: readonly string[], options: KafkaBusOptions = {}): KafkaMessageBus {
    return new KafkaMessageBus(new Kafka({ clientId: options.clientId ?? 'campaign-platform', brokers: [...brokers], logLevel: logLevel.WARN }), options);
  }

  async ready(topics: readonly string[]): Promise<void> {
    await Promise.all(topics.map((t) => this.topic(t)));
    await this.connectedProducer();
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.topic(topic);
    for (let attempt = 1; ; attempt++) {
      const producer = await this.connectedProducer();
      try {
        await producer.send({ topic, acks: -1, messages: messages.map(toKafkaMessage) });
        return;
      } catch (err) {
        if (attempt > 1 || !lostConnection(err)) throw err;
        // kafkajs never reconnects a producer that is disconnected: start a fresh one, once.
        if (this.producer) this.producer = undefined;
        await producer.disconnect().catch(() => undefined);
      }
    }
  }

  /**
   * Each message is handled on its own, then its offset resolved and a heartbeat sent; the
   * batch stops early when the consumer stops or the partition's position moved (rebalance,
   * seek), and what was handled is committed explicitly (with autoCommit off kafkajs commits
   * nothing by itself), also when a later message failed. A message that cannot be read goes to
   * the dead-letter topic. A failing handler's error is passed to kafkajs as retriable, so the
   * message comes again and the consumer restarts rather than stopping; a crash kafkajs does not
   * restart from resolves `failed`.
   */
  async consume(topic: string, groupId: string, handle: (batch: readonly DeliveredMessage[]) => Promise<void>, options: ConsumeOptions = {}): Promise<BusConsumer> {
    const deadLetterTopic = options.deadLetterTopic ?? `${topic}.dlq`;
    await Promise.all([this.topic(topic), this.topic(deadLetterTopic)]);
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    this.consumers.add(consumer);
    let crashed!: (err: Error) => void;
    const failed = new Promise<Error>((resolve) => (crashed = resolve));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) crashed(payload.error);
      else this.options.log?.warn({ groupId, topic, err: String(payload.error) }, 'consumer crashed; kafkajs restarts it from the committed offsets');
    });
    await this.retrying(`connect consumer ${groupId}`, () => consumer.connect());
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale }) => {
        let failure: unknown;
        try {
          for (const m of batch.messages) {
            if (!isRunning() || isStale()) break;
            const read = readKafkaMessage(batch.topic, batch.partition, m);
            if ('letter' in read) await this.publish(deadLetterTopic, [read.letter]);
            else await handle([read.message]).catch((err: unknown) => Promise.reject(new MessageHandlerFailed(read.message, err)));
            resolveOffset(m.offset);
            await heartbeat();
          }
        } catch (err) {
          failure = err;
        }
        try {
          await commitOffsetsIfNecessary(uncommittedOffsets());
        } catch (err) {
          failure ??= err;
        }
        if (failure) throw failure;
      },
    });
    return {
      failed,
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    await (await this.producer?.catch(() => undefined))?.disconnect();
    await (await this.admin?.catch(() => undefined))?.disconnect();
  }

  /** The producer, connected: one connection for every concurrent caller, made again after a failure. */
  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const connecting = this.retrying('connect producer', () => producer.connect()).then(() => producer);
      this.producer = connecting;
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = undefined;
      });
    }
    return this.producer;
  }

  /** Creates the topic when missing (once per process), keyed partitions and replication as configured. */
  private topic(topic: string): Promise<void> {
    let created = this.topics.get(topic);
    if (!created) {
      created = (async () => {
        this.admin ??= (async () => {
          const admin = this.kafka.admin();
          await this.retrying('connect admin', () => admin.connect());
          return admin;
        })().catch((err) => {
          this.admin = undefined;
          throw err;
        });
        const admin = await this.admin;
        const { partitions = 6, replicationFactor = 1 } = this.options;
        // The broker stamps each record when it appends it (not the producer's clock): consumers
        // count time windows from it (DeliveredMessage.publishedAt).
        await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }], waitForLeaders: true });
      })();
      this.topics.set(topic, created);
      created.catch(() => this.topics.delete(topic));
    }
    return created;
  }

  private async retrying<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    const attempts = this.options.connectAttempts ?? 8;
    let wait = this.options.retryInitialMs ?? 250;
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (i >= attempts) throw err;
        this.options.log?.warn({ err: String(err), attempt: i, retryInMs: wait }, `${what} failed; retrying`);
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 10_000);
      }
    }
  }
}

/**
 * A handler's failure, as kafkajs sees it: retriable whatever the cause (kafkajs would stop the
 * consumer for good on a SyntaxError or TypeError from user code).
 */
export class MessageHandlerFailed extends Error {
  override readonly name = 'MessageHandlerFailed';
  readonly retriable = true;
  constructor(message: DeliveredMessage, cause: unknown) {
    super(`handling message ${message.id} (${message.topic}@${message.offset}) failed: ${String((cause as Error)?.message ?? cause)}`, { cause });
  }
}

function lostConnection(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'KafkaJSConnectionError' || e?.name === 'KafkaJSConnectionClosedError' || /disconnected/i.test(e?.message ?? '');
}

export function toKafkaMessage(m: BusMessage) {
  return { key: m.key, value: JSON.stringify(m.value), headers: { ...(m.headers ?? {}), 'message-id': m.id } };
}

/**
 * The delivered message, or the dead letter for one that cannot be read: a value that is not
 * JSON, or no `message-id` header (consumers deduplicate by it).
 */
export function readKafkaMessage(
  topic: string,
  partition: number,
  m: Pick<KafkaMessage, 'key' | 'value' | 'offset' | 'headers' | 'timestamp'>,
  now: () => Date = () => new Date(),
): { message: DeliveredMessage } | { letter: BusMessage } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  const { 'message-id': id = '', ...rest } = headers;
  const key = m.key?.toString() ?? '';
  const text = m.value?.toString('utf8');
  const refuse = (code: string, message: string): { letter: BusMessage } => {
    const letter: DeadLetter = {
      message: { id, key, value: text ?? null, topic, offset: m.offset },
      reason: { code, message, details: { partition, headers: rest } },
      failedAt: new Date().toISOString(),
    };
    return { letter: { id: id || `${topic}/${partition}/${m.offset}`, key, value: letter } };
  };
  if (!id) return refuse('MISSING_MESSAGE_ID', 'the message has no message-id header');
  let value: unknown = null;
  try {
    if (text !== undefined) value = JSON.parse(text);
  } catch (err) {
    return refuse('UNREADABLE_MESSAGE', `the value is not JSON: ${(err as Error).message}`);
  }
  return { message: { topic, id, key, value, headers: rest, offset: m.offset, publishedAt: publishedAt(m.timestamp, now) } };
}

/**
 * The record's timestamp (milliseconds since the epoch, as kafkajs gives it) as an ISO time; a
 * record without one (-1: written in a message format before Kafka 0.10) counts from now.
 */
function publishedAt(timestamp: string | undefined, now: () => Date): string {
  const ms = Number(timestamp);
  return Number.isSafeInteger(ms) && ms >= 0 && timestamp !== '' ? new Date(ms).toISOString() : now().toISOString();
}
