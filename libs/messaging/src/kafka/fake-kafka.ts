import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNumberOfRetriesExceeded,
  type Admin,
  type Batch,
  type Consumer,
  type ConsumerConfig,
  type ConsumerCrashEvent,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopic,
  type ConsumerSubscribeTopics,
  type EachBatchPayload,
  type IHeaders,
  type ITopicConfig,
  type KafkaMessage,
  type Message,
  type OffsetsByTopicPartition,
  type Producer,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type TopicOffsets,
} from 'kafkajs';
import type { KafkaClient } from './kafka-message-bus';

/**
 * A stand-in for a Kafka cluster behind kafkajs 2.2.4, for the bus's specs: no broker can run on
 * the development machines. It reproduces what the bus must cope with, as kafkajs shows it:
 *
 * - Offsets are committed only when asked: with `autoCommit: false`, `commitOffsetsIfNecessary()`
 *   without offsets commits nothing (kafkajs #1729); a group's next consumer starts at its commits.
 * - A batch whose handler throws is retried a few times, then the consumer crashes and restarts
 *   from the committed offsets; SyntaxError, TypeError, RangeError and ReferenceError (and errors
 *   marked not retriable) crash it for good (`restart: false`), as kafkajs's retrier decides.
 * - A producer whose `connect()` failed, or that was disconnected, refuses to send ("The producer
 *   is disconnected"); `connect()` takes a moment, and fails while `failConnects` says so.
 * - Topics have the partitions they were created with (one when a client auto-creates them);
 *   a key always goes to the same partition.
 */
export class FakeKafka {
  readonly client: KafkaClient;
  readonly createTopicCalls: ITopicConfig[] = [];
  /** Connection attempts of every client (producers, consumers, admins), failed ones too. */
  connectAttempts = 0;
  /** What happened, in order, for specs that check sequence: `handle:<offset>`, `heartbeat`, `commit:<offset>`. */
  readonly trace: string[] = [];

  private readonly topics = new Map<string, { partitions: KafkaMessage[][]; replicationFactor: number; configs: Record<string, string> }>();
  private readonly commits = new Map<string, Map<string, string>>();
  private readonly producers = new Set<{ connected: boolean }>();
  private readonly consumers = new Set<FakeConsumer>();
  private readonly stale = new Set<string>();
  private failingConnects = 0;

  constructor(readonly options: { connectDelayMs?: number; batchRetries?: number; maxBatchSize?: number } = {}) {
    this.client = {
      producer: (config?: ProducerConfig) => this.producer(config ?? {}),
      consumer: (config: ConsumerConfig) => {
        const c = new FakeConsumer(this, config);
        this.consumers.add(c);
        return c.api;
      },
      admin: () => this.admin(),
    };
  }

  /** The next `n` connection attempts (any client) are refused, as by brokers still starting. */
  failConnects(n: number): void {
    this.failingConnects = n;
  }

  /** Every producer loses its connection for good: it must be connected again before it sends. */
  disconnectProducers(): void {
    for (const p of this.producers) p.connected = false;
  }

  /** A message as another system wrote it, bytes and headers as they are. */
  produceRaw(topic: string, message: { key?: string | null; value: string | Buffer | null; headers?: IHeaders }): void {
    this.append(topic, { key: message.key ?? null, value: message.value, headers: message.headers ?? {} }, true);
  }

  /**
   * The partition's fetch position moves back to the group's commits (its assignment was lost and
   * regained): the batch being handled is stale, and the next fetch starts at the commits.
   */
  markStale(topic: string, partition = 0): void {
    this.stale.add(`${topic}/${partition}`);
  }

  /** Every running consumer fails inside kafkajs itself with `error`, as the runner does. */
  crashConsumers(error: Error): void {
    for (const c of this.consumers) c.crash(error);
  }

  partitionsOf(topic: string): number {
    return this.topics.get(topic)?.partitions.length ?? 0;
  }

  /** Every message of a topic, decoded as UTF-8 JSON where it is, with its partition. */
  read(topic: string): { partition: number; key: string | null; value: unknown; headers: Record<string, string>; offset: string }[] {
    return (this.topics.get(topic)?.partitions ?? []).flatMap((p, partition) =>
      p.map((m) => ({
        partition,
        key: m.key?.toString() ?? null,
        value: tryJson(m.value?.toString()),
        headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])),
        offset: m.offset,
      })),
    );
  }

  committed(groupId: string, topic: string, partition = 0): string | undefined {
    return this.commits.get(groupId)?.get(`${topic}/${partition}`);
  }

  // ---- what the clients do

  async connect(): Promise<void> {
    await new Promise((r) => setTimeout(r, this.options.connectDelayMs ?? 1));
    this.connectAttempts++;
    if (this.failingConnects > 0) {
      this.failingConnects--;
      throw new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    }
  }

  /**
   * A topic as the broker makes it; `configs` as given at creation, else the broker's defaults
   * (`message.timestamp.type=CreateTime`: the producer's clock), as for a topic an operator or
   * auto-creation made.
   */
  createTopic(topic: string, partitions: number, replicationFactor: number, configs: Record<string, string> = {}): boolean {
    if (this.topics.has(topic)) return false;
    this.topics.set(topic, { partitions: Array.from({ length: Math.max(1, partitions) }, () => []), replicationFactor, configs: { 'message.timestamp.type': 'CreateTime', ...configs } });
    return true;
  }

  /** A topic's configuration, as `describeConfigs` answers it. */
  topicConfigs(name: string): Record<string, string> | undefined {
    return this.topics.get(name)?.configs;
  }

  topic(name: string): KafkaMessage[][] | undefined {
    return this.topics.get(name)?.partitions;
  }

  append(topic: string, m: { key: string | Buffer | null; value: string | Buffer | null; headers: IHeaders }, autoCreate: boolean): RecordMetadata {
    if (!this.topics.has(topic)) {
      if (!autoCreate) throw new KafkaJSError('This server does not host this topic-partition', { retriable: true });
      this.createTopic(topic, 1, 1); // the broker's num.partitions default
    }
    const partitions = this.topics.get(topic)!.partitions;
    const key = m.key === null ? null : Buffer.from(m.key);
    const partition = key ? hash(key) % partitions.length : 0;
    const offset = String(partitions[partition]!.length);
    const headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v) : v]));
    partitions[partition]!.push({ key, value: m.value === null ? null : Buffer.from(m.value), headers, offset, timestamp: String(Date.now()), attributes: 0 } as KafkaMessage);
    return { topicName: topic, partition, errorCode: 0, baseOffset: offset };
  }

  commit(groupId: string, topics: readonly TopicOffsets[]): void {
    const group = this.commits.get(groupId) ?? new Map<string, string>();
    this.commits.set(groupId, group);
    for (const t of topics) for (const p of t.partitions) {
      group.set(`${t.topic}/${p.partition}`, p.offset);
      this.trace.push(`commit:${p.offset}`);
    }
  }

  isStale(key: string): boolean {
    return this.stale.has(key);
  }

  takeStale(key: string): boolean {
    return this.stale.delete(key);
  }

  private producer(config: ProducerConfig): Producer {
    const state = { connected: false };
    this.producers.add(state);
    const api: Partial<Producer> = {
      connect: async () => {
        await this.connect();
        state.connected = true;
      },
      disconnect: async () => {
        state.connected = false;
      },
      send: async (record: ProducerRecord) => {
        await Promise.resolve();
        if (!state.connected) throw new KafkaJSError('The producer is disconnected');
        return record.messages.map((m: Message) => this.append(record.topic, { key: m.key ?? null, value: m.value, headers: m.headers ?? {} }, config.allowAutoTopicCreation ?? true));
      },
    };
    return api as Producer;
  }

  private admin(): Admin {
    const api: Partial<Admin> = {
      connect: () => this.connect(),
      disconnect: async () => undefined,
      createTopics: async ({ topics }) => {
        this.createTopicCalls.push(...topics);
        const created = topics.map((t) => this.createTopic(t.topic, t.numPartitions ?? 1, t.replicationFactor ?? 1, Object.fromEntries((t.configEntries ?? []).map((e) => [e.name, e.value]))));
        return created.some(Boolean);
      },
      describeConfigs: async ({ resources }) => ({
        throttleTime: 0,
        resources: resources.map((r) => {
          const configs = this.topicConfigs(r.name);
          const entries = Object.entries(configs ?? {}).filter(([name]) => !r.configNames || r.configNames.includes(name));
          return {
            resourceType: r.type,
            resourceName: r.name,
            errorCode: configs ? 0 : 3,
            errorMessage: configs ? '' : 'This server does not host this topic-partition',
            configEntries: entries.map(([configName, configValue]) => ({ configName, configValue, isDefault: false, configSource: 1, isSensitive: false, readOnly: false, configSynonyms: [] })),
          };
        }),
      }),
    };
    return api as Admin;
  }
}

/** One consumer of a group: fetches from its position, runs eachBatch, crashes as kafkajs does. */
class FakeConsumer {
  readonly api: Consumer;
  private readonly crashListeners = new Set<(e: ConsumerCrashEvent) => void>();
  private topics: { topic: string; fromBeginning: boolean }[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private injected: Error | undefined;

  constructor(
    private readonly kafka: FakeKafka,
    private readonly config: ConsumerConfig,
  ) {
    const api: Partial<Consumer> = {
      connect: () => kafka.connect(),
      subscribe: async (s: ConsumerSubscribeTopic | ConsumerSubscribeTopics) => {
        for (const topic of 'topics' in s ? s.topics : [s.topic]) {
          if (!kafka.topic(String(topic))) {
            if (config.allowAutoTopicCreation === false) throw new KafkaJSError('This server does not host this topic-partition');
            kafka.createTopic(String(topic), 1, 1);
          }
          this.topics.push({ topic: String(topic), fromBeginning: s.fromBeginning ?? false });
        }
      },
      run: async (run?: ConsumerRunConfig) => {
        this.running = true;
        this.loop = this.consume(run ?? {});
      },
      stop: () => this.stop(),
      disconnect: () => this.stop(),
      on: ((event: string, listener: (e: ConsumerCrashEvent) => void) => {
        if (event === 'consumer.crash') this.crashListeners.add(listener);
        return () => this.crashListeners.delete(listener);
      }) as unknown as Consumer['on'],
      events: { CRASH: 'consumer.crash' } as Consumer['events'],
      commitOffsets: async (offsets) => kafka.commit(config.groupId, offsets.map((o) => ({ topic: o.topic, partitions: [{ partition: o.partition, offset: o.offset }] }))),
    };
    this.api = api as Consumer;
  }

  crash(error: Error): void {
    this.injected = error;
  }

  private async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private emitCrash(error: Error, restart: boolean): void {
    const event: ConsumerCrashEvent = { id: '0', type: 'consumer.crash', timestamp: Date.now(), payload: { error, groupId: this.config.groupId, restart } };
    for (const l of this.crashListeners) l(event);
  }

  private async consume(run: ConsumerRunConfig): Promise<void> {
    // The fetch position of each partition: resolved offsets in memory, else the group's commits.
    const position = new Map<string, number>();
    let failures = 0;
    while (this.running) {
      if (this.injected) {
        this.emitCrash(this.injected, false);
        this.running = false;
        return;
      }
      let delivered = false;
      try {
        for (const { topic, fromBeginning } of this.topics) {
          for (const [partition, messages] of (this.kafka.topic(topic) ?? []).entries()) {
            const key = `${topic}/${partition}`;
            if (this.kafka.takeStale(key)) position.delete(key);
            const committed = this.kafka.committed(this.config.groupId, topic, partition);
            const from = position.get(key) ?? (committed !== undefined ? Number(committed) : fromBeginning ? 0 : messages.length);
            const batch = messages.slice(from, from + (this.kafka.options.maxBatchSize ?? 100));
            if (batch.length === 0 || !this.running) continue;
            delivered = true;
            // Offsets resolved before a failure stay resolved: a retry fetches after them.
            await this.runBatch(run, topic, partition, batch, (next) => position.set(key, next));
            if (!position.has(key)) position.set(key, from);
          }
        }
        failures = 0;
      } catch (err) {
        const error = err as Error & { retriable?: boolean };
        if (['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError'].includes(error.name) || error.retriable === false) {
          this.emitCrash(error, false);
          this.running = false;
          return;
        }
        // kafkajs's retrier waits before each retry, and before restarting a crashed consumer.
        await new Promise((r) => setTimeout(r, 5));
        if (++failures <= (this.kafka.options.batchRetries ?? 2)) continue;
        // Retries exhausted: the consumer crashes, restarts, and fetches from the commits again.
        this.emitCrash(new KafkaJSNumberOfRetriesExceeded(error, { retryCount: failures, retryTime: 1 }), true);
        position.clear();
        failures = 0;
        continue;
      }
      if (!delivered) await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Runs eachBatch; `advance` gets the next offset to fetch each time one is resolved. */
  private async runBatch(run: ConsumerRunConfig, topic: string, partition: number, messages: KafkaMessage[], advance: (next: number) => void): Promise<void> {
    let resolved: number | undefined;
    const uncommitted = (): OffsetsByTopicPartition => {
      const done = resolved === undefined ? undefined : String(resolved + 1);
      return { topics: done && done !== this.kafka.committed(this.config.groupId, topic, partition) ? [{ topic, partitions: [{ partition, offset: done }] }] : [] };
    };
    const autoCommit = run.autoCommit ?? true;
    const batch: Partial<Batch> = {
      topic,
      partition,
      highWatermark: String(this.kafka.topic(topic)![partition]!.length),
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages[messages.length - 1]!.offset,
    };
    const payload: EachBatchPayload = {
      batch: batch as Batch,
      resolveOffset: (offset) => {
        resolved = Number(offset);
        advance(resolved + 1);
      },
      heartbeat: async () => void this.kafka.trace.push('heartbeat'),
      pause: () => () => undefined,
      // With autoCommit off and no offsets given, kafkajs commits nothing here (#1729).
      commitOffsetsIfNecessary: async (offsets) => {
        if (offsets) this.kafka.commit(this.config.groupId, offsets.topics);
        else if (autoCommit) this.kafka.commit(this.config.groupId, uncommitted().topics);
      },
      uncommittedOffsets: uncommitted,
      isRunning: () => this.running,
      isStale: () => this.kafka.isStale(`${topic}/${partition}`),
    };
    await run.eachBatch!(payload);
    if (run.eachBatchAutoResolve ?? true) payload.resolveOffset(messages[messages.length - 1]!.offset);
    if (autoCommit) this.kafka.commit(this.config.groupId, uncommitted().topics);
  }
}

function hash(key: Buffer): number {
  let h = 0;
  for (const b of key) h = (h * 31 + b) >>> 0;
  return h;
}

function tryJson(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
