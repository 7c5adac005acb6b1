import { randomUUID } from 'node:crypto';
import { KafkaJSNonRetriableError } from 'kafkajs';
import { describeMessageBusContract } from '../contract/message-bus.contract';
import type { BusConsumer, DeadLetter, DeliveredMessage } from '../message-bus.port';
import { FakeKafka } from './fake-kafka';
import { KafkaMessageBus, readKafkaMessage } from './kafka-message-bus';

/**
 * The bus against a stand-in for Kafka and kafkajs (no broker can run here): each behaviour below
 * is one kafkajs 2.2.4 shows. The live contract suite (`*.int.spec.ts`) runs the same port against
 * real brokers when KAFKA_BROKERS is set.
 */
describeMessageBusContract('kafka stand-in', async () => {
  const bus = new KafkaMessageBus(new FakeKafka().client, { retryInitialMs: 1 });
  return { bus, dropsRepeatedIds: false, cleanup: () => bus.close() };
});

const msg = (key: string, n: number) => ({ id: randomUUID(), key, value: { n } });
const n = (m: DeliveredMessage) => (m.value as { n: number }).n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('Kafka bus against broker and kafkajs behaviours (stand-in)', () => {
  let kafka: FakeKafka;
  let bus: KafkaMessageBus;
  const consumers: BusConsumer[] = [];
  const consume = async (topic: string, group: string, handle: (m: DeliveredMessage) => Promise<void> | void) => {
    const c = await bus.consume(topic, group, async (batch) => {
      for (const m of batch) await handle(m);
    });
    consumers.push(c);
    return c;
  };
  beforeEach(() => {
    kafka = new FakeKafka();
    bus = new KafkaMessageBus(kafka.client, { retryInitialMs: 1, connectAttempts: 3, partitions: 6, replicationFactor: 3 });
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await bus.close();
  });

  describe('offsets', () => {
    it("commits what it handled, so the group's next consumer starts after it", async () => {
      await bus.publish('t', [msg('k', 1), msg('k', 2), msg('k', 3)]);
      const first: number[] = [];
      const c1 = await consume('t', 'g', (m) => void first.push(n(m)));
      await until(() => first.length === 3, 'three messages');
      await c1.stop();
      await bus.publish('t', [msg('k', 4)]);
      const second: number[] = [];
      await consume('t', 'g', (m) => void second.push(n(m)));
      await until(() => second.length >= 1, 'the new message');
      await sleep(50);
      expect(second).toEqual([4]);
    });

    it('keeps what was handled before a failure committed: only the failed message comes again', async () => {
      await bus.publish('t', [msg('k', 1), msg('k', 2), msg('k', 3)]);
      const attempts: number[] = [];
      let failed = false;
      await consume('t', 'g', (m) => {
        attempts.push(n(m));
        if (n(m) === 2 && !failed) {
          failed = true;
          throw new Error('the store is busy');
        }
      });
      await until(() => attempts.includes(3), 'the last message');
      expect(attempts).toEqual([1, 2, 2, 3]);
    });
  });

  describe('messages that cannot be read or handled', () => {
    const letters = () => kafka.read('t.dlq').map((m) => m.value as DeadLetter);

    it('sends a value that is not JSON to the dead-letter topic with the reason, and goes on', async () => {
      kafka.produceRaw('t', { key: 'k', value: '{"n": 1', headers: { 'message-id': 'bad-1' } });
      await bus.publish('t', [msg('k', 2)]);
      const got: number[] = [];
      const c = await consume('t', 'g', (m) => void got.push(n(m)));
      await until(() => got.length === 1, 'the message after the bad one');
      expect(letters()).toEqual([
        expect.objectContaining({ message: expect.objectContaining({ id: 'bad-1', key: 'k', value: '{"n": 1', topic: 't' }), reason: expect.objectContaining({ code: 'UNREADABLE_MESSAGE' }) }),
      ]);
      await expect(Promise.race([c.failed, sleep(50).then(() => 'running')])).resolves.toBe('running');
    });

    it('sends a message without a message-id header to the dead-letter topic', async () => {
      kafka.produceRaw('t', { key: 'k', value: JSON.stringify({ n: 1 }) });
      await bus.publish('t', [msg('k', 2)]);
      const got: DeliveredMessage[] = [];
      await consume('t', 'g', (m) => void got.push(m));
      await until(() => got.length === 1, 'the message with an id');
      expect(got.map(n)).toEqual([2]);
      expect(letters().map((l) => l.reason.code)).toEqual(['MISSING_MESSAGE_ID']);
    });

    it('keeps consuming when a handler throws a TypeError: the message comes again', async () => {
      await bus.publish('t', [msg('k', 1), msg('k', 2)]);
      const attempts: number[] = [];
      await consume('t', 'g', (m) => {
        attempts.push(n(m));
        if (attempts.length === 1) throw new TypeError("Cannot read properties of undefined (reading 'customerId')");
      });
      await until(() => attempts.includes(2), 'the second message');
      expect(attempts).toEqual([1, 1, 2]);
    });

    it('reports a crash kafkajs does not restart from, so the process can exit', async () => {
      await bus.publish('t', [msg('k', 1)]);
      const got: number[] = [];
      const c = await consume('t', 'g', (m) => void got.push(n(m)));
      await until(() => got.length === 1, 'the message');
      kafka.crashConsumers(new KafkaJSNonRetriableError('Invalid configuration'));
      await expect(c.failed).resolves.toMatchObject({ message: 'Invalid configuration' });
    });
  });

  describe('heartbeats and stopping', () => {
    it('sends a heartbeat after each message, not once a batch', async () => {
      await bus.publish('t', [msg('k', 1), msg('k', 2), msg('k', 3)]);
      await consume('t', 'g', (m) => void kafka.trace.push(`handle:${n(m)}`));
      await until(() => kafka.trace.includes('handle:3'), 'three messages');
      await sleep(20);
      expect(kafka.trace.filter((t) => !t.startsWith('commit'))).toEqual(['handle:1', 'heartbeat', 'handle:2', 'heartbeat', 'handle:3', 'heartbeat']);
    });

    it('handles no more of a batch once the consumer is stopped, and commits what it handled', async () => {
      await bus.publish('t', [msg('k', 1), msg('k', 2), msg('k', 3)]);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const got: number[] = [];
      const c = await consume('t', 'g', async (m) => {
        got.push(n(m));
        if (n(m) === 1) await held;
      });
      await until(() => got.length >= 1, 'the first message');
      const stopping = c.stop();
      release();
      await stopping;
      expect(got).toEqual([1]);
      const rest: number[] = [];
      await consume('t', 'g', (m) => void rest.push(n(m)));
      await until(() => rest.length >= 2, 'the rest');
      expect(rest).toEqual([2, 3]);
    });

    it('handles no more of a batch whose partition went stale, and each message once', async () => {
      await bus.publish('t', [msg('k', 1), msg('k', 2), msg('k', 3)]);
      const got: number[] = [];
      const partition = kafka.read('t')[0]!.partition;
      let marked = false;
      await consume('t', 'g', (m) => {
        got.push(n(m));
        if (n(m) === 1 && !marked) {
          marked = true;
          kafka.markStale('t', partition);
        }
      });
      await until(() => got.length >= 3, 'three messages');
      await sleep(30);
      expect(got).toEqual([1, 2, 3]);
    });
  });

  describe('the producer', () => {
    it('connects at start, retrying brokers that refuse the first connections', async () => {
      kafka.failConnects(2);
      await bus.ready(['t']);
      const attempts = kafka.connectAttempts;
      await bus.publish('t', [msg('k', 1)]);
      expect(kafka.connectAttempts).toBe(attempts);
    });

    it('connects again on the next publish when connecting failed', async () => {
      kafka.failConnects(3);
      await expect(bus.publish('t', [msg('k', 1)])).rejects.toThrow(/ECONNREFUSED/);
      await bus.publish('t', [msg('k', 2)]);
      expect(kafka.read('t').map((m) => m.value)).toEqual([{ n: 2 }]);
    });

    it('sends a publish made while the first connection is being made once it is made', async () => {
      const slow = new FakeKafka({ connectDelayMs: 20 });
      const bus = new KafkaMessageBus(slow.client, { retryInitialMs: 1 });
      await Promise.all([bus.publish('t', [msg('a', 1)]), bus.publish('t', [msg('b', 2)])]);
      expect(slow.read('t')).toHaveLength(2);
      await bus.close();
    });

    it('connects a fresh producer when its producer has lost its connection', async () => {
      await bus.publish('t', [msg('k', 1)]);
      kafka.disconnectProducers();
      await bus.publish('t', [msg('k', 2)]);
      expect(kafka.read('t').map((m) => m.value)).toEqual([{ n: 1 }, { n: 2 }]);
    });
  });

  describe("the broker's timestamp (issue 16 leftovers: a time window counts from when the bus took the message)", () => {
    it('gives each delivered message its record timestamp, however late it is handled', async () => {
      await bus.publish('t', [msg('C1', 1), msg('C1', 2)]);
      // The broker appended them a day and a half before the consumer came back (2026-12-05 08:00Z
      // is 16:00 in Shanghai); the second a millisecond before midnight UTC.
      const [first, second] = kafka.topic('t')!.flat();
      first!.timestamp = String(Date.parse('2026-12-05T08:00:00.000Z'));
      second!.timestamp = String(Date.parse('2026-12-05T23:59:59.999Z'));
      const got: DeliveredMessage[] = [];
      await consume('t', 'g', (m) => void got.push(m));
      await until(() => got.length === 2, 'both messages');
      expect(got.map((m) => [n(m), m.publishedAt])).toEqual([
        [1, '2026-12-05T08:00:00.000Z'],
        [2, '2026-12-05T23:59:59.999Z'],
      ]);
    });

    it('reads the timestamp kafkajs gives (milliseconds as a string); a record without one (-1) counts from now', () => {
      const record = { key: Buffer.from('C1'), value: Buffer.from('{"n":1}'), offset: '7', headers: { 'message-id': Buffer.from('m-7') } };
      const now = () => new Date('2026-12-06T16:30:00.000Z');
      expect(readKafkaMessage('t', 0, { ...record, timestamp: '1764921600000' }, now)).toMatchObject({ message: { id: 'm-7', publishedAt: '2025-12-05T08:00:00.000Z' } });
      expect(readKafkaMessage('t', 0, { ...record, timestamp: '-1' }, now)).toMatchObject({ message: { publishedAt: '2026-12-06T16:30:00.000Z' } });
    });

    it('creates its topics with the broker stamping each record (LogAppendTime), not the producer', async () => {
      await bus.ready(['channel.interactions']);
      await consume('inbound', 'g', () => undefined);
      for (const topic of ['channel.interactions', 'inbound', 'inbound.dlq']) {
        expect(kafka.createTopicCalls.find((t) => t.topic === topic)?.configEntries).toEqual([{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
      }
    });
  });

  describe('topics', () => {
    it('creates the topics named at start, and any other before its first use, with the configured partitions and replication', async () => {
      await bus.ready(['channel.interactions', 'integration.customers']);
      await bus.publish('other', [msg('k', 1)]);
      await consume('inbound', 'g', () => undefined);
      const created = kafka.createTopicCalls.map((t) => [t.topic, t.numPartitions, t.replicationFactor]);
      for (const topic of ['channel.interactions', 'integration.customers', 'other', 'inbound', 'inbound.dlq']) expect(created).toContainEqual([topic, 6, 3]);
      expect(kafka.partitionsOf('channel.interactions')).toBe(6);
    });

    it("keeps each key's messages on one partition, in order", async () => {
      const keys = ['C1', 'C2', 'C3', 'C4', 'C5'];
      await bus.publish('t', Array.from({ length: 20 }, (_, i) => msg(keys[i % 5]!, i)));
      for (const key of keys) {
        const mine = kafka.read('t').filter((m) => m.key === key);
        expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
        expect(mine.map((m) => (m.value as { n: number }).n)).toEqual([...mine.map((m) => (m.value as { n: number }).n)].sort((a, b) => a - b));
      }
      expect(new Set(kafka.read('t').map((m) => m.partition)).size).toBeGreaterThan(1);
    });
  });
});
