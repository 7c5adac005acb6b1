import { randomUUID } from 'node:crypto';
import { EventStoreDbEventStore, PostgresEventStore, type EventStore, type NewEvent } from '@app/event-store';
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
});
