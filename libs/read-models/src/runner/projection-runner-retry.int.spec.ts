import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { formatPosition, PostgresEventStore, type NewEvent, type RecordedEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { withReadModels } from './read-model-position';

const tick = (n: number): NewEvent => ({
  type: 'Tick',
  data: { n },
  metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'test', orgUnit: null, occurredAt: '2026-03-01T09:00:00Z', schemaVersion: 1 },
});

/** The ticks read model: each batch's ticks inserted (`seen` counts a tick applied again), then `then` (a failure, a wait) in the same transaction. */
function ticksProjection(then: (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<void>): Projection {
  return {
    name: 'ticks',
    version: 1,
    eventTypes: ['Tick'],
    tables: ['CREATE TABLE ticks (n integer PRIMARY KEY, seen integer NOT NULL DEFAULT 1)'],
    async apply(tx, events) {
      await tx.query(`INSERT INTO ticks (n) SELECT unnest($1::int[]) ON CONFLICT (n) DO UPDATE SET seen = ticks.seen + 1`, [events.map((e) => (e.data as { n: number }).n)]);
      await then(tx, events);
    },
  };
}

/** A projection whose first `failures` batches meet the given error (as the server would raise it), then apply. */
function flaky(failures: number, error: () => Error): Projection & { attempts: number } {
  const p = Object.assign(
    ticksProjection(async () => {
      if (++p.attempts <= failures) throw error();
    }),
    { attempts: 0 },
  );
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
  /**
   * The first `count` ticks (the 3 of every test unless it appends more) once the log shows them: it shows a
   * transaction only once every older one on the server has ended, another test database's too, so under load the
   * runner may not see them for a while (and neither may a test).
   */
  const ticksInTheLog = async (count = 3) => {
    let events = await store.readAll({ after: { commit: 0n, prepare: 0n }, maxCount: count });
    for (let i = 0; i < 1000 && events.length < count; i++) {
      await new Promise((r) => setTimeout(r, 10));
      events = await store.readAll({ after: { commit: 0n, prepare: 0n }, maxCount: count });
    }
    expect(events).toHaveLength(count);
    return events;
  };
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

  /**
   * Ticks whose first batch the server cancels (SQLSTATE 57014, query_canceled): a statement_timeout
   * for that one batch, or a DBA cancelling the projector's backend while it runs. A cancel says
   * nothing about the events: the batch is tried again and applied once.
   */
  it.each([['a statement_timeout'], ['pg_cancel_backend from another session']])('retries a batch the server cancelled (%s) and applies it once', async (how) => {
    let calls = 0;
    const p = ticksProjection(async (tx) => {
      if (++calls > 1) return;
      if (how === 'a statement_timeout') await tx.query(`SET LOCAL statement_timeout = '50ms'`);
      await tx.query(`SELECT pg_sleep(30) /* ticks-cancel-me */`);
    });
    const errors: { err?: string; retryInMs?: number }[] = [];
    const runner = new ProjectionRunner(store, db.pool, [p], { info: () => undefined, error: (o) => void errors.push(o) }, { batchSize: 10, maxBatchWaitMs: 5, retry: { initialMs: 10, maxMs: 100, attempts: 5 } });
    await runner.start();
    if (how !== 'a statement_timeout') {
      await ticksInTheLog();
      // The projector's backend, found by what it runs (never this session's own query), cancelled as a DBA would.
      let cancelled = false;
      for (let i = 0; i < 500 && !cancelled; i++) {
        const { rows } = await db.pool.query<{ ok: boolean }>(
          `SELECT pg_cancel_backend(pid) AS ok FROM pg_stat_activity WHERE query LIKE '%/* ticks-cancel-me */' AND pid <> pg_backend_pid() AND state = 'active'`,
        );
        cancelled = rows.some((r) => r.ok);
        if (!cancelled) await new Promise((r) => setTimeout(r, 10));
      }
      expect(cancelled).toBe(true);
    }
    expect(await runner.catchUp(10_000)).toBe(true);
    await runner.stop();
    expect(runner.status()[0]).toMatchObject({ state: 'running', error: null });
    // The cancelled attempt rolled back, the second committed: each tick once.
    expect(calls).toBe(2);
    expect(await withReadModels(db.pool, ['ticks'], async (q) => (await q.query('SELECT n, seen FROM ticks ORDER BY n')).rows)).toEqual([
      { n: 1, seen: 1 },
      { n: 2, seen: 1 },
      { n: 3, seen: 1 },
    ]);
    expect(errors).toEqual([expect.objectContaining({ err: expect.stringMatching(/cancel/), retryInMs: 10 })]);
  });

  it('splits a catch-up batch a statement_timeout cancels into batches of the normal size instead of retrying it whole', async () => {
    // 3 + 57 = 60 ticks. The first batch holds the normal 10; the next, a catch-up batch of the other 50, runs past
    // the 100 ms statement_timeout (as a role-level one would cancel any batch of more than 10 events) and is cancelled.
    await store.appendToStream('clock-2', Array.from({ length: 57 }, (_, i) => tick(4 + i)), 'no_stream');
    // All 60 in the log before the runner starts: one that saw only the first append under load read a first batch of
    // 3 and a catch-up batch of 47 (the fresh-clone CI of b7bd195 failed so: [3, 10, 47, 10, 10, 10, 10, 7]).
    await ticksInTheLog(60);
    const sizes: number[] = [];
    const p = ticksProjection(async (tx, events) => {
      sizes.push(events.length);
      // Only a batch of more than 10 runs into the timeout (set for its own transaction): a busy machine cannot cancel the others.
      if (events.length > 10) {
        await tx.query(`SET LOCAL statement_timeout = '100ms'`);
        await tx.query(`SELECT pg_sleep(2)`);
      }
    });
    const runner = new ProjectionRunner(store, db.pool, [p], { info: () => undefined, error: () => undefined }, { batchSize: 10, catchUpBatchSize: 60, maxBatchWaitMs: 5, retry: { initialMs: 10, maxMs: 100, attempts: 5 } });
    await runner.start();
    expect(await runner.catchUp(20_000)).toBe(true);
    await runner.stop();
    expect(runner.status()[0]).toMatchObject({ state: 'running', error: null });
    // The 50 tried once whole, then in five parts of 10: never retried whole (that would cancel again, five times).
    expect(sizes).toEqual([10, 50, 10, 10, 10, 10, 10]);
    const { rows } = await withReadModels(db.pool, ['ticks'], (q) => q.query<{ n: number; seen: number }>('SELECT n, seen FROM ticks ORDER BY n'));
    expect([rows.length, rows.every((r) => r.seen === 1), rows[0]!.n, rows.at(-1)!.n]).toEqual([60, true, 1, 60]);
  });

  /**
   * A statement_timeout too small for a batch of the normal size (a role-level one, say) cancels it on every
   * attempt: the batch was tried again, subscribed again from the checkpoint and tried again, for ever, and
   * nothing went through. Now, after its attempts, it is applied one event at a time, so what goes through
   * commits. An event cancelled on every one of its own attempts is not blamed on the event (a lock wait under a
   * timeout clears by itself): the loop subscribes again from the checkpoint just before it, the interruption
   * naming it, and applies it once the cause has gone.
   * Ticks 1, 2, 3 in one batch of 3; any batch of more than one event runs past a 50 ms statement_timeout.
   */
  const cancelling = (alsoAlone: number | null) => {
    const sizes: number[] = [];
    /** Tick `alsoAlone` is cancelled alone too while this holds (the cause, say a lock held elsewhere, then goes). */
    const cause = { holds: true };
    const p = ticksProjection(async (tx, events) => {
      const ns = events.map((e) => (e.data as { n: number }).n);
      sizes.push(ns.length);
      if (ns.length > 1 || (cause.holds && ns.includes(alsoAlone ?? -1))) {
        await tx.query(`SET LOCAL statement_timeout = '50ms'`);
        await tx.query(`SELECT pg_sleep(2)`);
      }
    });
    const waits: number[] = [];
    const log = { info: () => undefined, error: (o: { retryInMs?: number }) => void (o.retryInMs !== undefined && waits.push(o.retryInMs)) };
    const runner = new ProjectionRunner(store, db.pool, [p], log, { batchSize: 10, maxBatchWaitMs: 5, retry: { initialMs: 5, maxMs: 10, attempts: 3 }, resubscribe: { initialMs: 10, maxMs: 20, settleMs: 50 } });
    return { sizes, waits, runner, cause };
  };
  const ticksSeen = () => withReadModels(db.pool, ['ticks'], async (q) => (await q.query('SELECT n, seen FROM ticks ORDER BY n')).rows);

  it('applies one event at a time a batch the server cancels on every attempt, instead of retrying it for ever', async () => {
    const { sizes, waits, runner } = cancelling(null);
    await runner.start();
    const caughtUp = await runner.catchUp(15_000);
    await runner.stop();
    expect(caughtUp).toBe(true);
    expect(runner.status()[0]).toMatchObject({ state: 'running', error: null });
    // The batch of 3 three times (waits of 5 then 10 ms between), then 1, 2 and 3 alone, each committed once.
    expect(sizes).toEqual([3, 3, 3, 1, 1, 1]);
    expect(waits).toEqual([5, 10]);
    expect(await ticksSeen()).toEqual([
      { n: 1, seen: 1 },
      { n: 2, seen: 1 },
      { n: 3, seen: 1 },
    ]);
  }, 30_000);

  it('never stops on an event the server cancels on every attempt even alone: the event before it committed, subscribed again from it, naming it, and applied once the cause goes', async () => {
    const { sizes, runner, cause } = cancelling(2);
    await runner.start();
    try {
      await cancelledAlone(runner, sizes, cause);
    } finally {
      await runner.stop();
    }
  }, 40_000);

  const cancelledAlone = async (runner: ProjectionRunner, sizes: number[], cause: { holds: boolean }) => {
    const events = await ticksInTheLog();
    // Tick 1 alone commits; tick 2 alone is cancelled on each of its 3 attempts: the loop subscribes again (resubscribing).
    for (let i = 0; i < 1500 && runner.status()[0]!.state !== 'resubscribing'; i++) await new Promise((r) => setTimeout(r, 10));
    const [interrupted] = runner.status();
    const named = `the server cancelled applying the Tick event at ${formatPosition(events[1]!.position)} on every one of 3 attempts`;
    expect(interrupted).toMatchObject({ state: 'resubscribing', error: null, interruption: { message: expect.stringContaining(named) } });
    expect(interrupted!.interruption!.message).toMatch(/canceling statement due to statement timeout$/);
    expect(interrupted!.position).toEqual(events[0]!.position);
    expect(await ticksSeen()).toEqual([{ n: 1, seen: 1 }]);
    // The batch of 3 three times, tick 1 alone, tick 2 alone three times.
    expect(sizes.slice(0, 7)).toEqual([3, 3, 3, 1, 1, 1, 1]);
    // The cause goes (the lock released, the timeout raised): the projection goes on by itself, no restart, each tick once.
    cause.holds = false;
    expect(await runner.catchUp(20_000)).toBe(true);
    expect(runner.status()[0]).toMatchObject({ state: 'running', error: null, position: events[2]!.position });
    expect(await ticksSeen()).toEqual([
      { n: 1, seen: 1 },
      { n: 2, seen: 1 },
      { n: 3, seen: 1 },
    ]);
  };

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

/**
 * A statement_timeout that cancels every batch of more than 6 events (a role-level one, say): the runner used to
 * apply a cancelled batch one event at a time and then try the next batch at full size again, paying the timeout
 * (and every retry of it) on each batch. Now it remembers a smaller size after a cancel (half of what was cancelled)
 * and the size cancelled as a ceiling; it grows by a quarter, at least one, after every 4 parts that large commit,
 * never to the ceiling (`batchLimitAfter`). 20 ticks there at the start, batches of 10 (no catch-up size), 3 attempts.
 */
describe('projection runner: a smaller batch remembered after a statement timeout', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('clock-1', Array.from({ length: 20 }, (_, i) => tick(i + 1)), 'no_stream');
  });
  afterEach(() => db.drop());

  it('does not try the batch after a cancelled one at full size, grows back gradually, and never again tries a size that timed out', async () => {
    const sizes: number[] = [];
    const p = ticksProjection(async (tx, events) => {
      sizes.push(events.length);
      if (events.length > 6) {
        await tx.query(`SET LOCAL statement_timeout = '50ms'`);
        await tx.query(`SELECT pg_sleep(2)`);
      }
    });
    const runner = new ProjectionRunner(store, db.pool, [p], { info: () => undefined, error: () => undefined }, { batchSize: 10, maxBatchWaitMs: 5, retry: { initialMs: 5, maxMs: 10, attempts: 3 } });
    await runner.start();
    try {
      await check(runner, sizes);
    } finally {
      await runner.stop();
    }
    const { rows } = await withReadModels(db.pool, ['ticks'], (q) => q.query<{ n: number; seen: number }>('SELECT n, seen FROM ticks ORDER BY n'));
    expect(rows).toEqual(Array.from({ length: 200 }, (_, i) => ({ n: i + 1, seen: 1 })));
  }, 90_000);

  /** Ticks `from`..`from + count - 1` appended at once (batches of 10), caught up, and the sizes tried meanwhile. */
  const phase = async (runner: ProjectionRunner, sizes: number[], stream: string, from: number, count: number) => {
    sizes.length = 0;
    await store.appendToStream(stream, Array.from({ length: count }, (_, i) => tick(from + i)), 'no_stream');
    expect(await runner.catchUp(30_000)).toBe(true);
    return [...sizes];
  };
  const ones = (n: number) => Array(n).fill(1);

  const check = async (runner: ProjectionRunner, sizes: number[]) => {
    expect(await runner.catchUp(20_000)).toBe(true);
    // Ticks 1-10: 10 cancelled on each of 3 attempts, then one at a time (10 × 1): size 10 / 2 = 5, ceiling 10.
    // Ticks 11-20: 5 (11-15) and 5 (16-20) commit: 2 commits at 5. Never tried at 10 (before: 10, 10, 10, then 10 × 1 again).
    expect(sizes).toEqual([10, 10, 10, ...ones(10), 5, 5]);
    // Ticks 21-40: 21-25 and 26-30 commit: the 4th commit at 5 grows it, 5 + max(1, floor(5 / 4)) = 6 (under 10).
    // 31-36 (6) commits: 1 at 6; 37-40 (4) is smaller than the limit: proves nothing.
    expect(await phase(runner, sizes, 'clock-2', 21, 20)).toEqual([5, 5, 6, 4]);
    // Ticks 41-100: 41-46, 51-56, 61-66 are the 2nd, 3rd and 4th commits at 6: 6 + 1 = 7 (under 10). 71-77 (7) is cancelled
    // 3 times, then one at a time (7 × 1): size 7 / 2 = 3, ceiling 7. 78-80 (3) commits (1); 81-83, 84-86, 87-89 (2, 3, 4):
    // 3 + 1 = 4; 90 alone (smaller). 91-94, 95-98 (4): 2 commits at 4; 99-100 (smaller).
    expect(await phase(runner, sizes, 'clock-3', 41, 60)).toEqual([6, 4, 6, 4, 6, 4, 7, 7, 7, ...ones(7), 3, 3, 3, 3, 1, 4, 4, 2]);
    // Ticks 101-200: 101-104, 105-108 (3rd, 4th at 4): 5; 109-110. 111-115, 116-120, 121-125, 126-130: 4 at 5: 6.
    // Then 6 + 1 = 7 reaches the ceiling 7: it stays 6 (for 10 minutes after the cancel), so 7 is not tried again: 6 and 4 to the end.
    expect(await phase(runner, sizes, 'clock-4', 101, 100)).toEqual([4, 4, 2, 5, 5, 5, 5, ...Array(7).fill([6, 4]).flat()]);
    expect(runner.status()[0]).toMatchObject({ state: 'running', error: null });
  };
});

/**
 * A catch-up batch (up to `catchUpBatchSize` events) that fails with an error no retry mends is
 * applied again at the normal size before anything is blamed: an error that came only from the
 * batch's size does not stop the projection, and an event it cannot apply stops it on that event,
 * with the parts before it committed.
 */
describe('projection runner: a failed catch-up batch', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    // 30 ticks, all there before the runner starts: a first batch of 5, then a catch-up batch of the other 25.
    await store.appendToStream('clock-1', Array.from({ length: 30 }, (_, i) => tick(i + 1)), 'no_stream');
  });
  afterEach(() => db.drop());

  /** Ticks, refusing any batch of more than `most` events, and any batch holding tick `poison`. */
  const picky = (most: number, poison?: number): Projection & { sizes: number[] } => {
    const p = Object.assign(
      ticksProjection(async (_tx, events) => {
        const ns = events.map((e) => (e.data as { n: number }).n);
        p.sizes.push(ns.length);
        if (ns.length > most) throw pgError('54000', 'statement too complex');
        if (poison !== undefined && ns.includes(poison)) throw pgError('22003', `numeric field overflow at ${poison}`);
      }),
      { sizes: [] as number[] },
    );
    return p;
  };
  const ticks = () => withReadModels(db.pool, ['ticks'], async (q) => (await q.query<{ n: number; seen: number }>('SELECT n, seen FROM ticks ORDER BY n')).rows);
  const options = { batchSize: 5, catchUpBatchSize: 50, maxBatchWaitMs: 5, retry: { initialMs: 5, maxMs: 10, attempts: 3 } };

  it('does not stop a projection whose catch-up batch failed only for its size: it applies it in batches of the normal size', async () => {
    const p = picky(10);
    const runner = new ProjectionRunner(store, db.pool, [p], { info: () => undefined, error: () => undefined }, options);
    await runner.start();
    expect(await runner.catchUp(10_000)).toBe(true);
    await runner.stop();
    expect(runner.status()[0]).toMatchObject({ state: 'running', error: null });
    // 5, then the catch-up batch of 25 (refused, rolled back), then 25 again as 5 + 5 + 5 + 5 + 5.
    expect(p.sizes).toEqual([5, 25, 5, 5, 5, 5, 5]);
    expect(await ticks()).toEqual(Array.from({ length: 30 }, (_, i) => ({ n: i + 1, seen: 1 })));
  });

  it('stops on the event it cannot apply, with the batches of the normal size before it committed', async () => {
    const p = picky(Infinity, 17);
    const runner = new ProjectionRunner(store, db.pool, [p], { info: () => undefined, error: () => undefined }, options);
    await runner.start();
    for (let i = 0; i < 500 && runner.status()[0]!.state !== 'failed'; i++) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    const [status] = runner.status();
    expect(status).toMatchObject({ state: 'failed', error: { eventType: 'Tick', message: 'numeric field overflow at 17' } });
    // Tick 17 is the 17th event of the stream (positions as the store formats them, the 17th in the log).
    const events = await store.readAll({ after: { commit: 0n, prepare: 0n }, maxCount: 30 });
    expect(status!.error!.position).toBe(formatPosition(events[16]!.position));
    // Ticks 1–5 (the first batch), 6–10 and 11–15 (the catch-up batch's parts before the poison) committed once; 16–20 not.
    expect(await ticks()).toEqual(Array.from({ length: 15 }, (_, i) => ({ n: i + 1, seen: 1 })));
    expect(status!.position).toEqual(events[14]!.position);
  });
});

/**
 * `stop()` while a batch waits to be tried again after a transient error: the wait (here 30 s) is
 * cut short and the batch given up, its checkpoint holding, whether the stop came as the wait began
 * (from the log line that announces it) or during it. The 5 s bound is a margin, not a speed: without
 * the wake, stop() is held for the whole 30 s.
 */
describe('projection runner: stop during a retry wait', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('clock-1', [tick(1), tick(2), tick(3)], 'no_stream');
  });
  afterEach(() => db.drop());

  it.each([['as the wait begins'], ['during the wait']])('returns at once when stopped %s, leaving the batch unapplied and the projection running', async (when) => {
    const p = flaky(Infinity, () => pgError('40001', 'could not serialize access'));
    let announced!: () => void;
    const retrying = new Promise<void>((resolve) => (announced = resolve));
    let stopping: Promise<void> | undefined;
    const log = {
      info: () => undefined,
      error: (o: { retryInMs?: number }) => {
        if (o.retryInMs === undefined) return;
        // Called before the runner starts its wait: a stop from here is one the wait must not miss.
        if (when === 'as the wait begins') stopping ??= runner.stop();
        announced();
      },
    };
    const runner: ProjectionRunner = new ProjectionRunner(store, db.pool, [p], log, { batchSize: 10, maxBatchWaitMs: 5, retry: { initialMs: 30_000, maxMs: 30_000, attempts: 5 } });
    await runner.start();
    await retrying;
    if (when === 'during the wait') {
      await new Promise((r) => setTimeout(r, 100));
      stopping = runner.stop();
    }
    const outcome = await Promise.race([stopping!.then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting'), 5_000).unref())]);
    expect(outcome).toBe('stopped');
    // One attempt, rolled back; not tried again after the stop, and nothing blamed on the events.
    expect(p.attempts).toBe(1);
    expect(runner.status()[0]).toMatchObject({ state: 'running', error: null, position: { commit: 0n, prepare: 0n } });
    expect(await withReadModels(db.pool, ['ticks'], async (q) => (await q.query('SELECT n FROM ticks')).rows)).toEqual([]);
    await stopping;
  });
});
