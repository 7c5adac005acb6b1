import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { PostgresEventStore, type NewEvent, type RecordedEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { withReadModels } from './read-model-position';

const tick = (n: number): NewEvent => ({
  type: 'Tick',
  data: { n },
  metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'test', orgUnit: null, occurredAt: '2026-03-01T09:00:00Z', schemaVersion: 1 },
});

/** A projection that records the ticks of each batch it is handed, in order; its first batch waits for `hold` when given. */
function recorder(name: string, hold?: Promise<void>): Projection & { batches: number[][] } {
  const p = {
    name,
    version: 1,
    eventTypes: ['Tick'],
    tables: [`CREATE TABLE ${name} (n integer PRIMARY KEY, seen integer NOT NULL DEFAULT 1)`],
    batches: [] as number[][],
    async apply(tx: PoolClient, events: readonly RecordedEvent[]) {
      const ns = events.map((e) => (e.data as { n: number }).n);
      p.batches.push(ns);
      if (p.batches.length === 1 && hold) await hold;
      await tx.query(`INSERT INTO ${name} (n) SELECT unnest($1::int[]) ON CONFLICT (n) DO UPDATE SET seen = ${name}.seen + 1`, [ns]);
    },
  };
  return p;
}

const until = async (condition: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The members of one loop apply each batch in a transaction of their own; with two batches in
 * flight, a member done with a batch goes on to the next while a slower member still works on it,
 * never further: the loop reads no third batch until the slowest has finished the first. With one
 * (the default), every member finishes a batch before any starts the next. Each member applies its
 * batches in log order, each once; a batch one member fails is over only when the others have
 * ended their transactions for it.
 */
describe('projection runner: batches in flight', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('clock-1', [1, 2, 3, 4, 5, 6, 7, 8, 9].map(tick), 'no_stream');
  });
  afterEach(() => db.drop());

  const run = async (batchesInFlight: number | undefined) => {
    let release!: () => void;
    const slow = recorder('slow', new Promise<void>((r) => (release = r)));
    const fast = recorder('fast');
    const runner = new ProjectionRunner(store, db.pool, [slow, fast], { info: () => undefined, error: () => undefined }, { batchSize: 3, maxBatchWaitMs: 50, batchesInFlight });
    await runner.start();
    try {
      // What the fast member gets while the slow one holds its first batch: as many as may be in flight
      // (waited for, however loaded the machine), then a while to show it gets no more.
      await until(() => slow.batches.length === 1 && fast.batches.length >= (batchesInFlight ?? 1));
      await pause(400);
      const whileHeld = fast.batches.map((b) => [...b]);
      release();
      expect(await runner.catchUp(10_000)).toBe(true);
      const seen = async (name: string) => withReadModels(db.pool, [name], async (q) => (await q.query(`SELECT n, seen FROM ${name} ORDER BY n`)).rows);
      const once = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ n, seen: 1 }));
      expect(await seen('slow')).toEqual(once);
      expect(await seen('fast')).toEqual(once);
      return { whileHeld, slow: slow.batches, fast: fast.batches };
    } finally {
      release();
      await runner.stop();
    }
  };

  it('with two in flight, a member goes on to the next batch while another holds the last, and no further', async () => {
    const r = await run(2);
    expect(r.whileHeld).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // In log order, each batch once, for both.
    expect(r.slow).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(r.fast).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });

  it.each([[1], [2]])('with %i in flight, a member failing a batch at once leaves another to end its transaction before the loop subscribes again: nothing applied twice', async (batchesInFlight) => {
    // A's first batch fails for good (retries spent) at once; B still holds that batch open. The loop must not hand
    // B the batch again beside its open transaction (the plain upsert would count each tick twice).
    let release!: () => void;
    const b = recorder('b', new Promise<void>((r) => (release = r)));
    const a = recorder('a');
    const applyA = a.apply.bind(a);
    let failures = 0;
    a.apply = async (tx, events) => {
      if (failures++ === 0) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return applyA(tx, events);
    };
    const runner = new ProjectionRunner(store, db.pool, [a, b], { info: () => undefined, error: () => undefined }, {
      batchSize: 9,
      maxBatchWaitMs: 50,
      retry: { initialMs: 5, maxMs: 5, attempts: 1 },
      resubscribe: { initialMs: 10, maxMs: 20, settleMs: 50 },
      batchesInFlight,
    });
    await runner.start();
    try {
      await until(() => failures >= 1 && b.batches.length === 1);
      // Long past the 10 ms backoff: a loop that did not wait for B would have subscribed again and re-applied by now.
      await pause(500);
      expect(b.batches).toHaveLength(1);
      release();
      expect(await runner.catchUp(10_000)).toBe(true);
    } finally {
      release();
      await runner.stop();
    }
    const once = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ n, seen: 1 }));
    for (const name of ['a', 'b']) expect(await withReadModels(db.pool, [name], async (q) => (await q.query(`SELECT n, seen FROM ${name} ORDER BY n`)).rows)).toEqual(once);
  });

  it('with one in flight (the default), every member finishes a batch before any starts the next', async () => {
    const r = await run(undefined);
    expect(r.whileHeld).toEqual([[1, 2, 3]]);
    expect(r.fast).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });
});
