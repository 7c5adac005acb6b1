import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { withReadModels } from './read-model-position';

const tick = (n: number): NewEvent => ({
  type: 'Tick',
  data: { n },
  metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'test', orgUnit: null, occurredAt: '2026-03-01T09:00:00Z', schemaVersion: 1 },
});

/** A projection whose first `failures` batches meet the given error (as the server would raise it), then apply. */
function flaky(failures: number, error: () => Error): Projection & { attempts: number } {
  const p = {
    name: 'ticks',
    version: 1,
    eventTypes: ['Tick'],
    tables: ['CREATE TABLE ticks (n integer PRIMARY KEY, seen integer NOT NULL DEFAULT 1)'],
    attempts: 0,
    async apply(tx: import('pg').PoolClient, events: readonly import('@app/event-store').RecordedEvent[]) {
      await tx.query(`INSERT INTO ticks (n) SELECT unnest($1::int[]) ON CONFLICT (n) DO UPDATE SET seen = ticks.seen + 1`, [events.map((e) => (e.data as { n: number }).n)]);
      if (++p.attempts <= failures) throw error();
    },
  };
  return p;
}
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

/**
 * A batch that meets a transient database error (a serialization failure, a deadlock, the
 * server shutting a connection) is tried again after a wait, not a reason to stop the
 * projection; an error no retry can mend still stops it at once, naming the event.
 */
describe('projection runner: transient errors', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('clock-1', [tick(1), tick(2), tick(3)], 'no_stream');
  });
  afterEach(() => db.drop());

  it('retries a batch after a serialization failure and a deadlock, with backoff, and applies it once', async () => {
    let n = 0;
    const p = flaky(2, () => (++n === 1 ? pgError('40001', 'could not serialize access') : pgError('40P01', 'deadlock detected')));
    const waits: number[] = [];
    const log = { info: () => undefined, error: (o: { retryInMs?: number }) => void (o.retryInMs !== undefined && waits.push(o.retryInMs)) };
    const runner = new ProjectionRunner(store, db.pool, [p], log, { batchSize: 10, maxBatchWaitMs: 5, retry: { initialMs: 10, maxMs: 100, attempts: 5 } });
    await runner.start();
    expect(await runner.catchUp(10_000)).toBe(true);
    await runner.stop();
    expect(runner.status().find((s) => s.name === 'ticks')!.state).toBe('running');
    // Two failed attempts rolled back, the third committed: every tick seen once.
    expect(p.attempts).toBe(3);
    expect(await withReadModels(db.pool, ['ticks'], async (q) => (await q.query('SELECT n, seen FROM ticks ORDER BY n')).rows)).toEqual([
      { n: 1, seen: 1 },
      { n: 2, seen: 1 },
      { n: 3, seen: 1 },
    ]);
    expect(waits).toEqual([10, 20]); // 10 ms, then doubled
  });

  it('never fails a projection on transient errors alone: after the last attempt it subscribes again from the checkpoint', async () => {
    // 7 deadlocks in a row, 3 attempts per subscription: attempts 1-3 and 4-6 give up and resubscribe, the 8th commits.
    const p = flaky(7, () => pgError('40P01', 'deadlock detected'));
    const runner = new ProjectionRunner(store, db.pool, [p], { info: () => undefined, error: () => undefined }, { batchSize: 10, maxBatchWaitMs: 5, retry: { initialMs: 5, maxMs: 10, attempts: 3 }, resubscribe: { initialMs: 10, maxMs: 20, settleMs: 50 } });
    await runner.start();
    expect(await runner.catchUp(15_000)).toBe(true);
    await runner.stop();
    expect(runner.status()[0]!.state).not.toBe('failed');
    expect(p.attempts).toBe(8);
    expect(await withReadModels(db.pool, ['ticks'], async (q) => (await q.query('SELECT n, seen FROM ticks ORDER BY n')).rows)).toEqual([
      { n: 1, seen: 1 },
      { n: 2, seen: 1 },
      { n: 3, seen: 1 },
    ]);
  });

  it('stops on an error that is not transient without retrying the batch', async () => {
    const p = flaky(Infinity, () => pgError('22003', 'numeric field overflow'));
    const runner = new ProjectionRunner(store, db.pool, [p], { info: () => undefined, error: () => undefined }, { batchSize: 10, maxBatchWaitMs: 5, retry: { initialMs: 10, maxMs: 100, attempts: 5 } });
    await runner.start();
    for (let i = 0; i < 500 && runner.status()[0]!.state !== 'failed'; i++) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    expect(runner.status()[0]).toMatchObject({ state: 'failed', error: { eventType: 'Tick', message: 'numeric field overflow' } });
    // Once for the batch, once more for the first event when naming the culprit: no retries.
    expect(p.attempts).toBe(2);
  });
});
