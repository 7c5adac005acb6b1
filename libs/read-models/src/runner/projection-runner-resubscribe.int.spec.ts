import { randomUUID } from 'node:crypto';
import { UnavailableError } from '@eventstore/db-client';
import { EventStoreDbEventStore, formatPosition, type NewEvent } from '@app/event-store';
import { FakeEventStoreDb } from '../../../event-store/src/eventstoredb/fake-eventstoredb';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { expectCaughtUp } from '../../../../test/support/project-to-end';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { readCheckpoints, withReadModels } from './read-model-position';

/**
 * The projector on EventStoreDB when the server breaks its subscription (a restart, a network
 * drop, a leader change): the stand-in server ends or fails it mid-stream, and the runner must
 * subscribe again from its checkpoint, with backoff, saying meanwhile that it is not running.
 */
const ticks: Projection = {
  name: 'ticks',
  version: 1,
  eventTypes: ['Tick'],
  tables: ['CREATE TABLE ticks (n integer PRIMARY KEY, seen integer NOT NULL DEFAULT 1)'],
  async apply(tx, events) {
    // Counts every application: an event applied twice shows as seen = 2.
    await tx.query(`INSERT INTO ticks (n) SELECT unnest($1::int[]) ON CONFLICT (n) DO UPDATE SET seen = ticks.seen + 1`, [events.map((e) => (e.data as { n: number }).n)]);
  },
};

const tick = (n: number): NewEvent => ({
  type: 'Tick',
  data: { n },
  metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'test', orgUnit: null, occurredAt: '2026-03-01T09:00:00Z', schemaVersion: 1 },
});


async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('projection runner: a subscription the store breaks', () => {
  let db: TestDatabase;
  let server: FakeEventStoreDb;
  let store: EventStoreDbEventStore;
  let runner: ProjectionRunner;
  let waits: number[];
  const applied = () => withReadModels(db.pool, ['ticks'], async (q) => (await q.query<{ n: number; seen: number }>('SELECT n, seen FROM ticks ORDER BY n')).rows);
  const state = () => runner.status().find((s) => s.name === 'ticks')!.state;
  const storedState = async () => (await readCheckpoints(db.pool)).find((c) => c.name === 'ticks')!;

  beforeEach(async () => {
    db = await createTestDatabase();
    server = new FakeEventStoreDb();
    store = new EventStoreDbEventStore(server.client);
    await store.appendToStream('clock-1', [tick(1), tick(2), tick(3)], 'no_stream');
    waits = [];
    const log = { info: () => undefined, error: (o: { retryInMs?: number }) => void (o.retryInMs && waits.push(o.retryInMs)) };
    runner = new ProjectionRunner(store, db.pool, [ticks], log, { batchSize: 10, maxBatchWaitMs: 5, resubscribe: { initialMs: 20, maxMs: 200, settleMs: 100 } });
    await runner.start();
    await expectCaughtUp(runner, 10_000);
  });
  afterEach(async () => {
    await runner.stop();
    await db.drop();
  });

  it.each([
    ['fails', () => new UnavailableError()],
    ['ends', () => undefined],
  ])('subscribes again from its checkpoint when the server’s subscription %s mid-stream, applying each event once', async (_, error) => {
    const checkpoint = (await storedState()).position;
    server.dropSubscriptions(error());
    await store.appendToStream('clock-1', [tick(4), tick(5)], 2);
    await until(async () => (await applied()).length === 5, 'the events after the break');
    expect(await applied()).toEqual([1, 2, 3, 4, 5].map((n) => ({ n, seen: 1 })));
    expect(server.subscribeCalls).toHaveLength(2);
    expect(formatPosition(server.subscribeCalls[1]!.fromPosition as never)).toBe(formatPosition(checkpoint));
    await until(() => state() === 'running', 'the status to say running again');
  });

  it('says it is resubscribing, here and in its stored state, and backs off while the server stays down', async () => {
    server.failSubscriptions(new UnavailableError(), 4);
    server.dropSubscriptions(new UnavailableError());
    await until(() => state() === 'resubscribing', 'the status to say resubscribing');
    expect((await storedState()).state).toBe('resubscribing');
    expect((await storedState()).error).toMatchObject({ message: expect.stringMatching(/unavailable/) });
    // At least the attempt that failed has been counted (how many more by now depends on timing).
    expect(runner.status()[0]!.interruption!.attempts).toBeGreaterThanOrEqual(1);
    // A caller waiting for the read models keeps waiting: the projection is coming back.
    await store.appendToStream('clock-1', [tick(4)], 2);
    expect(await runner.catchUp(10_000)).toBe(true);
    expect((await applied()).map((r) => r.n)).toEqual([1, 2, 3, 4]);
    expect(server.subscribeCalls).toHaveLength(6);
    expect(waits).toEqual([20, 40, 80, 160, 200]);
    await until(() => state() === 'running', 'the status to say running again');
    expect((await storedState()).state).toBe('running');
    expect((await storedState()).error).toBeNull();
  });
});

/**
 * `stop()` while the runner backs off before subscribing again (here 30 s): it returns at once,
 * whether it came during the interruption's bookkeeping (from the log line that announces the
 * break, before the wait begins) or during the wait. The 5 s bound is a margin, not a speed:
 * without the fix, stop() is held for the whole backoff.
 */
describe('projection runner: stop while backing off', () => {
  let db: TestDatabase;
  let server: FakeEventStoreDb;
  let store: EventStoreDbEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    server = new FakeEventStoreDb();
    store = new EventStoreDbEventStore(server.client);
    await store.appendToStream('clock-1', [tick(1), tick(2), tick(3)], 'no_stream');
  });
  afterEach(() => db.drop());

  it.each([['during the bookkeeping'], ['during the wait']])('returns at once when stopped %s, and subscribes no more', async (when) => {
    let stopping: Promise<void> | undefined;
    const log = {
      info: () => undefined,
      error: (o: { retryInMs?: number }) => {
        if (o.retryInMs && when === 'during the bookkeeping') stopping ??= runner.stop();
      },
    };
    const runner: ProjectionRunner = new ProjectionRunner(store, db.pool, [ticks], log, { batchSize: 10, maxBatchWaitMs: 5, resubscribe: { initialMs: 30_000, maxMs: 30_000, settleMs: 100 } });
    await runner.start();
    await expectCaughtUp(runner, 10_000);
    server.dropSubscriptions(new UnavailableError());
    if (when === 'during the wait') {
      await until(async () => (await readCheckpoints(db.pool)).find((c) => c.name === 'ticks')!.state === 'resubscribing', 'the stored state to say resubscribing');
      await new Promise((r) => setTimeout(r, 100));
      stopping = runner.stop();
    }
    await until(() => stopping !== undefined, 'the stop');
    const outcome = await Promise.race([stopping!.then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting'), 5_000).unref())]);
    expect(outcome).toBe('stopped');
    expect(server.subscribeCalls).toHaveLength(1);
    expect((await applied()).map((r) => r.n)).toEqual([1, 2, 3]);
    await stopping;
  });
  const applied = () => withReadModels(db.pool, ['ticks'], async (q) => (await q.query<{ n: number }>('SELECT n FROM ticks ORDER BY n')).rows);
});
