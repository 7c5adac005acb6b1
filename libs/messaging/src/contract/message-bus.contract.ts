import { randomUUID } from 'node:crypto';
import type { BusMessage, DeliveredMessage, MessageBus } from '../message-bus.port';

export interface BusSubject {
  readonly bus: MessageBus;
  /** Stores that drop a repeated message id (Postgres) say so; Kafka leaves it to consumers. */
  readonly dropsRepeatedIds: boolean;
  /**
   * Publishes in a transaction left open until `commit` (a publisher slower to commit than another),
   * where the adapter has transactions (Postgres); the late-commit test is skipped without it.
   */
  readonly latePublisher?: (topic: string, messages: readonly BusMessage[]) => Promise<{ commit(): Promise<void> }>;
  cleanup(): Promise<void>;
}

const until = async (check: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** What every message-bus adapter must do. */
export function describeMessageBusContract(name: string, setup: () => Promise<BusSubject>): void {
  describe(`MessageBus contract: ${name}`, () => {
    let subject: BusSubject;
    let topic: string;
    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(() => subject?.cleanup());
    beforeEach(() => {
      topic = `t-${randomUUID().slice(0, 8)}`;
    });
    const msg = (key: string, n: number) => ({ id: randomUUID(), key, value: { n } });

    it('delivers every message, in order per key', async () => {
      const got: DeliveredMessage[] = [];
      await subject.bus.publish(topic, [msg('a', 1), msg('b', 1), msg('a', 2), msg('a', 3), msg('b', 2)]);
      const consumer = await subject.bus.consume(topic, 'g1', async (batch) => void got.push(...batch));
      await until(() => got.length >= 5);
      await consumer.stop();
      const values = (key: string) => got.filter((m) => m.key === key).map((m) => (m.value as { n: number }).n);
      expect(values('a')).toEqual([1, 2, 3]);
      expect(values('b')).toEqual([1, 2]);
    });

    it('resumes a group after its last committed batch, and gives every group everything', async () => {
      await subject.bus.publish(topic, [msg('k', 1), msg('k', 2)]);
      const first: DeliveredMessage[] = [];
      const c1 = await subject.bus.consume(topic, 'g-resume', async (batch) => void first.push(...batch));
      await until(() => first.length >= 2);
      await c1.stop();
      await subject.bus.publish(topic, [msg('k', 3)]);
      const second: DeliveredMessage[] = [];
      const c2 = await subject.bus.consume(topic, 'g-resume', async (batch) => void second.push(...batch));
      await until(() => second.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      await c2.stop();
      expect(second.map((m) => (m.value as { n: number }).n)).toEqual([3]);
      const other: DeliveredMessage[] = [];
      const c3 = await subject.bus.consume(topic, 'g-other', async (batch) => void other.push(...batch));
      await until(() => other.length >= 3);
      await c3.stop();
    });

    it('delivers a batch again when its handler fails (at least once)', async () => {
      await subject.bus.publish(topic, [msg('k', 1)]);
      let attempts = 0;
      const c = await subject.bus.consume(topic, 'g-retry', async () => {
        attempts++;
        if (attempts === 1) throw new Error('handler failed');
      });
      await until(() => attempts >= 2);
      await c.stop();
      expect(attempts).toBeGreaterThanOrEqual(2);
    });

    it('delivers a message whose publisher commits after a later message was consumed (two publishers, a late commit)', async () => {
      if (!subject.latePublisher) return;
      // Publisher A takes the lower offset and holds its transaction open; B publishes after it and commits first.
      const late = await subject.latePublisher(topic, [msg('a', 1)]);
      await subject.bus.publish(topic, [msg('b', 2)]);
      const got: DeliveredMessage[] = [];
      const c = await subject.bus.consume(topic, 'g-late', async (batch) => void got.push(...batch));
      await new Promise((r) => setTimeout(r, 300));
      await late.commit();
      await until(() => got.length >= 2, 5_000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      await c.stop();
      expect(got.map((m) => (m.value as { n: number }).n).sort()).toEqual([1, 2]);
    });

    it('delivers each message with the time the bus took it, not the time it is handled (issue 16 leftovers)', async () => {
      const before = Date.now();
      await subject.bus.publish(topic, [msg('k', 1), msg('j', 2)]);
      const after = Date.now();
      // The consumer comes a second and a half later: a late delivery, in small.
      await new Promise((r) => setTimeout(r, 1_500));
      const got: DeliveredMessage[] = [];
      const c = await subject.bus.consume(topic, 'g-time', async (batch) => void got.push(...batch));
      await until(() => got.length >= 2);
      await c.stop();
      for (const m of got) {
        expect(m.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(Date.parse(m.publishedAt)).toBeGreaterThanOrEqual(before);
        expect(Date.parse(m.publishedAt)).toBeLessThanOrEqual(after);
      }
    });

    it('stores a repeated message id once (stores that deduplicate)', async () => {
      if (!subject.dropsRepeatedIds) return;
      const m = msg('k', 1);
      await subject.bus.publish(topic, [m]);
      await subject.bus.publish(topic, [m]);
      const got: DeliveredMessage[] = [];
      const c = await subject.bus.consume(topic, 'g-dedup', async (batch) => void got.push(...batch));
      await until(() => got.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      await c.stop();
      expect(got).toHaveLength(1);
    });
  });
}
