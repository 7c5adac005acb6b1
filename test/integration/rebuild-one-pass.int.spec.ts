import { PostgresEventStore, formatPosition, type AllSubscription, type EventStore } from '@app/event-store';
import { syntheticHistory } from '@app/demo';
import { PROJECTIONS, ProjectionRunner } from '@app/read-models';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { expectCaughtUp } from '../support/project-to-end';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The real Postgres store, with every event it hands out through `readAll` and `subscribeToAll`
 * counted (a spy around it, not a stand-in: the events come from the database).
 */
function counting(store: EventStore): { store: EventStore; read: () => number; reset: () => void } {
  let read = 0;
  const spied = new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'readAll')
        return async (...args: Parameters<EventStore['readAll']>) => {
          const events = await target.readAll(...args);
          read += events.length;
          return events;
        };
      if (key === 'subscribeToAll')
        return (...args: Parameters<EventStore['subscribeToAll']>): AllSubscription => {
          const inner = target.subscribeToAll(...args);
          return {
            close: () => inner.close(),
            async *pages() {
              for await (const page of inner.pages()) {
                read += page.length;
                yield page;
              }
            },
            async *[Symbol.asyncIterator]() {
              for await (const e of inner) {
                read++;
                yield e;
              }
            },
          };
        };
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { store: spied, read: () => read, reset: () => (read = 0) };
}

describe('rebuilding every projection reads the log once', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it(`rebuilds all ${PROJECTIONS.length} projections from one pass: as many events handed out as the log holds, not one pass each`, async () => {
    const store = new PostgresEventStore(db.pool, { connectionString: db.url });
    for (const batch of syntheticHistory(150, 23)) await store.appendToStreams(batch);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`);
    const logSize = rows[0]!.n;
    expect(logSize).toBeGreaterThan(1_000);
    const spy = counting(store);
    const runner = new ProjectionRunner(spy.store, db.pool, PROJECTIONS, silent, { batchSize: 200, maxBatchWaitMs: 5 });
    await runner.start();
    try {
      await expectCaughtUp(runner, 60_000);
      spy.reset();
      const statuses = await runner.rebuildAll(PROJECTIONS.map((p) => p.name));
      // Eleven builds from one reader: the log once (eleven passes would hand out 11 × logSize).
      expect(spy.read()).toBe(logSize);
      const head = formatPosition((await store.headPosition())!);
      expect(statuses.map((s) => [s.name, formatPosition(s.position)])).toEqual(PROJECTIONS.map((p) => [p.name, head]));
    } finally {
      await runner.stop();
    }
  }, 120_000);
});
