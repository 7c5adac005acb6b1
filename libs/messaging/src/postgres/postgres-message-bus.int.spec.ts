import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { describeMessageBusContract } from '../contract/message-bus.contract';
import type { DeadLetter, DeliveredMessage } from '../message-bus.port';
import { PostgresMessageBus } from './postgres-message-bus';

describeMessageBusContract('postgres', async () => {
  const db = await createTestDatabase();
  const bus = new PostgresMessageBus(db.pool, { pollIntervalMs: 20 });
  return {
    bus,
    dropsRepeatedIds: true,
    latePublisher: async (topic, messages) => {
      const client = await db.pool.connect();
      await client.query('BEGIN');
      await bus.publishWith(client, topic, messages);
      return {
        commit: async () => {
          await client.query('COMMIT');
          client.release();
        },
      };
    },
    cleanup: async () => {
      await bus.close();
      await db.drop();
    },
  };
});

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('PostgresMessageBus: a handler that keeps failing', () => {
  let db: TestDatabase;
  let bus: PostgresMessageBus;
  beforeAll(async () => {
    db = await createTestDatabase();
    bus = new PostgresMessageBus(db.pool, { pollIntervalMs: 20 });
  });
  afterAll(async () => {
    await bus.close();
    await db.drop();
  });

  it('tries the message a bounded number of times with growing waits, then dead-letters it with the reason, and the next message gets through', async () => {
    const topic = `t-${randomUUID().slice(0, 8)}`;
    const bad = { id: randomUUID(), key: 'k', value: { n: 1, poison: true } };
    const good = { id: randomUUID(), key: 'k', value: { n: 2 } };
    await bus.publish(topic, [bad, good]);
    const tries: number[] = [];
    const handled: unknown[] = [];
    const consumer = await bus.consume(
      topic,
      'g',
      async (batch) => {
        for (const m of batch) {
          if ((m.value as { poison?: boolean }).poison) {
            tries.push(Date.now());
            throw new Error('cannot apply n=1');
          }
          handled.push(m.value);
        }
      },
      { retry: { attempts: 3, initialMs: 40, maxMs: 1_000 } },
    );
    const letters: DeliveredMessage[] = [];
    const dlq = await bus.consume(`${topic}.dlq`, 'g', async (batch) => void letters.push(...batch));
    await until(() => letters.length === 1 && handled.length === 1);
    await consumer.stop();
    await dlq.stop();
    // 3 attempts with the whole batch, then 3 with the message alone: 6 tries, no more.
    expect(tries).toHaveLength(6);
    // Waits 40, 80 ms between the batch's attempts: the third try comes at least 40 + 80 = 120 ms after the first.
    expect(tries[2]! - tries[0]!).toBeGreaterThanOrEqual(110);
    const letter = letters[0]!.value as DeadLetter;
    expect(letter.message.id).toBe(bad.id);
    expect(letter.reason.code).toBe('PROCESSING_FAILED');
    expect(letter.reason.message).toContain('cannot apply n=1');
    expect(handled).toEqual([{ n: 2 }]);
  });

  it('never dead-letters a message for an error the consumer calls transient', async () => {
    const topic = `t-${randomUUID().slice(0, 8)}`;
    await bus.publish(topic, [{ id: randomUUID(), key: 'k', value: { n: 1 } }]);
    let calls = 0;
    const consumer = await bus.consume(
      topic,
      'g',
      async () => {
        calls++;
        if (calls < 6) throw new Error('store away');
      },
      { retry: { attempts: 2, initialMs: 5, maxMs: 10 }, isTransient: () => true },
    );
    await until(() => calls >= 6);
    await new Promise((r) => setTimeout(r, 200));
    await consumer.stop();
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM mb_messages WHERE topic = $1`, [`${topic}.dlq`]);
    expect(rows[0].n).toBe(0);
    expect(calls).toBe(6);
  });
});
