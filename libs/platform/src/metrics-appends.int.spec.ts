import { randomUUID } from 'node:crypto';
import { EventStoreDbEventStore, eventsWrittenBefore, PostgresEventStore, type EventStore, type NewEvent } from '@app/event-store';
import { UnavailableError } from '@eventstore/db-client';
import { FakeEventStoreDb } from '../../event-store/src/eventstoredb/fake-eventstoredb';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { Metrics } from './metrics';

const event = (n: number): NewEvent => ({
  type: 'Counted',
  data: { n },
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'system', orgUnit: null, occurredAt: '2026-03-31T15:59:59.000Z', schemaVersion: 1 },
});

async function appendedTotal(metrics: Metrics, store: string): Promise<number> {
  const line = (await metrics.text()).split('\n').find((l) => l.startsWith(`campaign_events_appended_total{`) && l.includes(`store="${store}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('the appended-events metric counts only events actually written', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const adapters: [string, () => EventStore][] = [
    ['postgres', () => new PostgresEventStore(db.pool, { connectionString: db.url })],
    ['eventstoredb', () => new EventStoreDbEventStore(new FakeEventStoreDb().client)],
  ];

  it.each(adapters)('%s: a repeated single-stream append (a retry after a lost reply) is not counted again', async (kind, make) => {
    const metrics = new Metrics(`test-${kind}-1`);
    const store = metrics.instrumentStore(make());
    const stream = `counted-${randomUUID()}`;
    const three = [event(1), event(2), event(3)];
    await store.appendToStream(stream, three, 'no_stream');
    await store.appendToStream(stream, three, 'no_stream'); // the same ids again: stored once
    await store.appendToStream(stream, three, 'any');
    // 3 written, then 2 repeats of the same 3 that write nothing: 3, not 9.
    expect(await appendedTotal(metrics, kind)).toBe(3);
    expect((await store.readStream(stream)).length).toBe(3);
  });

  it.each(adapters)('%s: a repeated multi-stream append (a launch batch sent again) is not counted again', async (kind, make) => {
    const metrics = new Metrics(`test-${kind}-2`);
    const store = metrics.instrumentStore(make());
    const batch = [
      { streamId: `counted-a-${randomUUID()}`, events: [event(1), event(2)], expectedRevision: 'any' as const },
      { streamId: `counted-b-${randomUUID()}`, events: [event(3)], expectedRevision: 'any' as const },
    ];
    await store.appendToStreams(batch);
    await store.appendToStreams(batch);
    // 2 + 1 written the first time, nothing the second: 3, not 6.
    expect(await appendedTotal(metrics, kind)).toBe(3);
  });

  it('eventstoredb: a split append completed on retry counts only the parts that retry wrote', async () => {
    const server = new FakeEventStoreDb();
    const metrics = new Metrics('test-eventstoredb-3');
    const store = metrics.instrumentStore(new EventStoreDbEventStore(server.client));
    const big = (n: number): NewEvent => ({ ...event(n), data: { n, blob: 'x'.repeat(300_000) } });
    // Seven events of ~300 kB go in parts of 3, 3 and 1 under the 1 MiB append limit.
    const appends = [
      { streamId: `counted-split-${randomUUID()}`, events: Array.from({ length: 7 }, (_, i) => big(i)), expectedRevision: 'no_stream' as const },
      { streamId: `counted-small-${randomUUID()}`, events: [event(8), event(9)], expectedRevision: 'no_stream' as const },
    ];
    server.failNext('append', new UnavailableError(), { after: 1 }); // the first part is stored, then the call fails
    await expect(store.appendToStreams(appends)).rejects.toThrow();
    // The failed call stored part 1 (3 events): counted now, since the retry finds it stored.
    expect(await appendedTotal(metrics, 'eventstoredb')).toBe(3);
    await store.appendToStreams(appends);
    // The retry wrote parts 2 and 3 (3 + 1) and the small stream (2): 3 + 6 = 9, each of the 7 + 2 events once.
    expect(await appendedTotal(metrics, 'eventstoredb')).toBe(9);
    expect((await store.readStream(appends[0]!.streamId)).length).toBe(7);
  });

  it('eventstoredb: an ordered append that fails midway counts the runs it stored once, the retry the rest', async () => {
    const server = new FakeEventStoreDb();
    const metrics = new Metrics('test-eventstoredb-4');
    const store = metrics.instrumentStore(new EventStoreDbEventStore(server.client));
    const a = `counted-run-a-${randomUUID()}`;
    const b = `counted-run-b-${randomUUID()}`;
    const appends = [
      { streamId: a, events: [event(1), event(2), event(3)], expectedRevision: 'no_stream' as const },
      { streamId: b, events: [event(4), event(5)], expectedRevision: 'no_stream' as const },
    ];
    const order = [0, 0, 1, 0, 1]; // runs: a1 a2 | b4 | a3 | b5
    server.failNext('append', new UnavailableError(), { after: 2 }); // runs a1 a2 and b4 are stored, a3 fails
    await expect(store.appendToStreams(appends, { order })).rejects.toThrow();
    // Stored before the failure: 2 + 1 events.
    expect(await appendedTotal(metrics, 'eventstoredb')).toBe(3);
    await store.appendToStreams(appends, { order });
    // The retry stores a3 and b5: 3 + 2 = 5, every event once (it was 2 before: the failed call's runs were never counted).
    expect(await appendedTotal(metrics, 'eventstoredb')).toBe(5);
    expect((await store.readStream(a)).length).toBe(3);
    expect((await store.readStream(b)).length).toBe(2);
  });

  it('eventstoredb: a multi-stream append that fails at its second stream counts the first once', async () => {
    const server = new FakeEventStoreDb();
    const metrics = new Metrics('test-eventstoredb-5');
    const store = metrics.instrumentStore(new EventStoreDbEventStore(server.client));
    const appends = [
      { streamId: `counted-first-${randomUUID()}`, events: [event(1), event(2)], expectedRevision: 'no_stream' as const },
      { streamId: `counted-second-${randomUUID()}`, events: [event(3)], expectedRevision: 'no_stream' as const },
    ];
    server.failNext('append', new UnavailableError(), { after: 1 }); // the first stream is stored, the second fails
    await expect(store.appendToStreams(appends)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', eventsWrittenBefore: 2 });
    expect(await appendedTotal(metrics, 'eventstoredb')).toBe(2);
    await store.appendToStreams(appends);
    expect(await appendedTotal(metrics, 'eventstoredb')).toBe(3);
  });
  it('eventstoredb: an ordered append whose expectation-only stream fails after every run was stored counts those runs', async () => {
    const server = new FakeEventStoreDb();
    const metrics = new Metrics('empty-expectation');
    const store = metrics.instrumentStore(new EventStoreDbEventStore(server.client));
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    const appends = [
      { streamId: a, events: [event(1), event(2)], expectedRevision: 'no_stream' as const },
      { streamId: b, events: [], expectedRevision: 5 }, // b does not exist: the check fails after a's two events are stored
    ];
    const err = await store.appendToStreams(appends, { order: [0, 0] }).catch((e: unknown) => e);
    expect((err as { name?: string }).name).toBe('WrongExpectedVersion');
    expect((await store.readStream(a)).length).toBe(2);
    expect(eventsWrittenBefore(err)).toBe(2);
    expect(await appendedTotal(metrics, 'eventstoredb')).toBe(2);
  });
});
