import { describeEventStoreContract, event } from '../contract/event-store.contract';
import { WrongExpectedVersion } from '../errors';
import type { EventStore } from '../event-store.port';
import type { RecordedEvent } from '../events';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { FakeEventStoreDb } from './fake-eventstoredb';

/**
 * The adapter against a stand-in for the server (no EventStoreDB can run here): each behaviour
 * below is one a real server shows. The live contract suite (`*.int.spec.ts`) runs the same port
 * against a real server when EVENTSTORE_URL is set.
 */
describeEventStoreContract('eventstoredb stand-in, system projections on', async () => {
  const store = new EventStoreDbEventStore(new FakeEventStoreDb({ systemProjections: true }).client);
  return { store, atomicMultiStreamAppend: false, cleanup: () => store.close() };
});

/** Reads the whole log as the projector and the relay do: batch after batch until an empty one. */
async function readToEnd(store: EventStore, maxCount: number): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (;;) {
    const batch = await store.readAll({ after: out[out.length - 1]?.position, maxCount });
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

describe('EventStoreDB adapter against server behaviours (stand-in)', () => {
  let server: FakeEventStoreDb;
  let store: EventStoreDbEventStore;
  beforeEach(() => {
    server = new FakeEventStoreDb();
    store = new EventStoreDbEventStore(server.client);
  });

  describe('reading $all past system records', () => {
    it('pages past a run of system records longer than the batch to the events behind it', async () => {
      await store.appendToStream('customer-1', [event('A')], 'no_stream');
      server.writeSystemEvents(1_200);
      await store.appendToStream('customer-1', [event('B')], 0);
      expect((await readToEnd(store, 10)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('returns an empty batch only at the end of the log', async () => {
      await store.appendToStream('customer-1', [event('A')], 'no_stream');
      server.writeSystemEvents(700);
      const [a] = await store.readAll({ maxCount: 5 });
      expect(await store.readAll({ after: a!.position, maxCount: 5 })).toEqual([]);
      await store.appendToStream('customer-1', [event('B')], 0);
      expect((await store.readAll({ after: a!.position, maxCount: 5 })).map((e) => e.type)).toEqual(['B']);
    });

    it('gives at most maxCount events of ours, in order, however the system records fall', async () => {
      const server = new FakeEventStoreDb({ systemProjections: true });
      const store = new EventStoreDbEventStore(server.client);
      await store.appendToStream('customer-1', Array.from({ length: 9 }, (_, i) => event('E', { i })), 'no_stream');
      const first = await store.readAll({ maxCount: 4 });
      expect(first.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3]);
      expect((await readToEnd(store, 4)).map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    });
  });

  describe('the head position', () => {
    it('is the newest event of ours behind more than a page of system records', async () => {
      const r = await store.appendToStream('customer-1', [event('A')], 'no_stream');
      server.writeSystemEvents(500);
      expect(await store.headPosition()).toEqual(r.position);
    });

    it('is null when the log holds only system records', async () => {
      server.writeSystemEvents(120);
      expect(await store.headPosition()).toBeNull();
    });
  });

  describe('repeated appends', () => {
    it.each(['any', 'stream_exists'] as const)('stores a retried %s append once after the server has forgotten its recent ids', async (expected) => {
      await store.appendToStream('customer-1', [event('Created')], 'no_stream');
      const events = [event('A'), event('B')];
      const first = await store.appendToStream('customer-1', events, expected);
      server.forgetRecentEventIds();
      const again = await store.appendToStream('customer-1', events, expected);
      expect((await store.readStream('customer-1')).map((e) => e.type)).toEqual(['Created', 'A', 'B']);
      expect(again).toEqual(first);
    });

    it('answers a repeat the server calls a conflict (some of its ids evicted from the cache) with success', async () => {
      const events = [event('A'), event('B'), event('C')];
      const first = await store.appendToStream('customer-1', events, 'any');
      server.forgetRecentEventIds([events[1]!.metadata.eventId]);
      expect(await store.appendToStream('customer-1', events, 'any')).toEqual(first);
      expect(await store.readStream('customer-1')).toHaveLength(3);
    });

    it('recognises a repeat the server refuses as a conflict (sent with an expectation the stream has moved past)', async () => {
      await store.appendToStream('customer-1', [event('Created')], 'no_stream');
      const events = [event('A'), event('B')];
      const first = await store.appendToStream('customer-1', events, 0);
      expect(await store.appendToStream('customer-1', events, 'no_stream')).toEqual(first);
      expect(await store.readStream('customer-1')).toHaveLength(3);
    });

    it("reports the stream's own last revision and position for a repeat, not the head of the log", async () => {
      const a = event('A');
      await store.appendToStream('customer-1', [a], 'no_stream');
      const b = await store.appendToStream('customer-1', [event('B')], 0);
      await store.appendToStream('customer-2', [event('Other')], 'no_stream');
      expect(await store.appendToStream('customer-1', [a], 'no_stream')).toEqual(b);
    });

    it('still refuses a real conflict, and one whose ids are only partly stored', async () => {
      const a = event('A');
      await store.appendToStream('customer-1', [a, event('B')], 'no_stream');
      await expect(store.appendToStream('customer-1', [event('C')], 0)).rejects.toBeInstanceOf(WrongExpectedVersion);
      await expect(store.appendToStream('customer-1', [a, event('Z')], 0)).rejects.toBeInstanceOf(WrongExpectedVersion);
      expect(await store.readStream('customer-1')).toHaveLength(2);
    });
  });
});
