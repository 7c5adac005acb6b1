import { randomUUID } from 'node:crypto';
import { EventStoreDbEventStore, PostgresEventStore, START, type Position } from '@app/event-store';
import { FakeEventStoreDb } from '../../../event-store/src/eventstoredb/fake-eventstoredb';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { freshnessOfMany } from './lag';

const event = (n: number) => ({
  type: 'Noted',
  data: { n },
  metadata: { eventId: randomUUID(), correlationId: 'lag-test', causationId: null, actor: 'system', orgUnit: null, occurredAt: '2026-03-01T00:30:00+08:00', schemaVersion: 1 },
});

/** Readiness, metrics and the projections list ask how far behind several projections are, in one go. */
describe('how far behind several projections are', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let positions: Position[];
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url });
    // Five events, one per append: positions[k] is the position of the (k+1)th.
    positions = [];
    for (let n = 1; n <= 5; n++) positions.push((await store.appendToStream(`s-${n}`, [event(n)], 'no_stream')).position);
    // The 3rd event was recorded 90 s ago, the 4th and 5th 30 s ago.
    await db.pool.query(`UPDATE es_events SET recorded_at = now() - interval '90 seconds' WHERE stream_id = 's-3'`);
    await db.pool.query(`UPDATE es_events SET recorded_at = now() - interval '30 seconds' WHERE stream_id IN ('s-4', 's-5')`);
  });
  afterAll(() => db.drop());

  it('counts the events each has not applied and ages the oldest of them, projections at one position sharing one answer', async () => {
    const [a, b, c, d] = await freshnessOfMany(db.pool, store, [
      { projection: 'a', position: START }, // behind by all 5
      { projection: 'b', position: positions[1]! }, // applied 2, behind by 3 (the 90 s old one first)
      { projection: 'c', position: positions[1]! },
      { projection: 'd', position: positions[4]! }, // at the head
    ]);
    expect(a!.lag.events).toBe(5);
    expect(b!.lag.events).toBe(3);
    expect(c!.lag).toEqual(b!.lag);
    expect(d!.lag).toEqual({ events: 0, seconds: 0 });
    // b's oldest unapplied event is the 3rd: 90 s old (give or take the test's own run time).
    expect(b!.lag.seconds).toBeGreaterThanOrEqual(90);
    expect(b!.lag.seconds).toBeLessThan(120);
    expect(c!.projection).toBe('c');
  });

  it('says nothing of events on EventStoreDB (no cheap count) but still ages the oldest unapplied event', async () => {
    const esdb = new EventStoreDbEventStore(new FakeEventStoreDb().client);
    const first = await esdb.appendToStream('s-1', [event(1)], 'no_stream');
    const appending = Date.now();
    await esdb.appendToStream('s-2', [event(2)], 'no_stream');
    const appended = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    const asking = Date.now();
    const [behind, atHead] = await freshnessOfMany(db.pool, esdb, [
      { projection: 'behind', position: first.position },
      { projection: 'at-head', position: (await esdb.headPosition())! },
    ]);
    const answered = Date.now();
    expect(behind!.lag.events).toBeNull();
    // The age of s-2's event (the oldest unapplied) when asked: 10 ms either side for rounding.
    expect(behind!.lag.seconds).toBeGreaterThanOrEqual((asking - appended) / 1000 - 0.01);
    expect(behind!.lag.seconds).toBeLessThanOrEqual((answered - appending) / 1000 + 0.01);
    expect(atHead!.lag).toEqual({ events: 0, seconds: 0 });
  });

  it('counts row by row only up to the limit, and beyond it takes the difference of event numbers (a number a rolled-back append used counts too)', async () => {
    // Limit 2: b is 3 behind (positions 3, 4, 5): more than 2, so 5 − 2 = 3 from the numbers, the same.
    const [a, b, d] = await freshnessOfMany(db.pool, store, [{ projection: 'a', position: START }, { projection: 'b', position: positions[1]! }, { projection: 'd', position: positions[4]! }], 2);
    expect([a!.lag.events, b!.lag.events, d!.lag.events]).toEqual([5, 3, 0]);
    expect(b!.lag.seconds).toBeGreaterThanOrEqual(90); // still the oldest of the next events: the 3rd
    // A number taken and not used (as by a rolled-back append), then a 6th event numbered 7.
    await db.pool.query(`SELECT nextval(pg_get_serial_sequence('es_events', 'global_position'))`);
    await store.appendToStream('s-6', [event(6)], 'no_stream');
    const [a2, b2] = await freshnessOfMany(db.pool, store, [{ projection: 'a', position: START }, { projection: 'b', position: positions[1]! }], 2);
    expect([a2!.lag.events, b2!.lag.events]).toEqual([7, 5]); // 6 and 4 events: one more each, past the limit
    const [a3, b3] = await freshnessOfMany(db.pool, store, [{ projection: 'a', position: START }, { projection: 'b', position: positions[1]! }]);
    expect([a3!.lag.events, b3!.lag.events]).toEqual([6, 4]); // within the default limit: exact
  });
});
