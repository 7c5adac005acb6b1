import { DeadlineExceededError, UnavailableError } from '@eventstore/db-client';
import { describeEventStoreContract, event } from '../contract/event-store.contract';
import { AppendTooLarge, StoreTimeout, StoreUnavailable, StreamDeleted, WrongExpectedVersion } from '../errors';
import { eventsWrittenBefore, type EventStore } from '../event-store.port';
import type { NewEvent, RecordedEvent } from '../events';
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

const sized = (type: string, bytes: number): NewEvent => event(type, { blob: 'x'.repeat(bytes) });

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
      expect(again).toEqual({ ...first, repeated: true });
    });

    it('answers a repeat the server calls a conflict (some of its ids evicted from the cache) with success', async () => {
      const events = [event('A'), event('B'), event('C')];
      const first = await store.appendToStream('customer-1', events, 'any');
      server.forgetRecentEventIds([events[1]!.metadata.eventId]);
      expect(await store.appendToStream('customer-1', events, 'any')).toEqual({ ...first, repeated: true });
      expect(await store.readStream('customer-1')).toHaveLength(3);
    });

    it('recognises a repeat the server refuses as a conflict (sent with an expectation the stream has moved past)', async () => {
      await store.appendToStream('customer-1', [event('Created')], 'no_stream');
      const events = [event('A'), event('B')];
      const first = await store.appendToStream('customer-1', events, 0);
      expect(await store.appendToStream('customer-1', events, 'no_stream')).toEqual({ ...first, repeated: true });
      expect(await store.readStream('customer-1')).toHaveLength(3);
    });

    it("reports the stream's own last revision and position for a repeat, not the head of the log", async () => {
      const a = event('A');
      await store.appendToStream('customer-1', [a], 'no_stream');
      const b = await store.appendToStream('customer-1', [event('B')], 0);
      await store.appendToStream('customer-2', [event('Other')], 'no_stream');
      expect(await store.appendToStream('customer-1', [a], 'no_stream')).toEqual({ ...b, repeated: true });
    });

    it('stores an append whose reply was lost (deadline) once when it is retried', async () => {
      const events = [event('A'), event('B')];
      server.failNext('append', new DeadlineExceededError(), { afterCommit: true });
      await expect(store.appendToStream('customer-1', events, 'no_stream')).rejects.toBeInstanceOf(StoreTimeout);
      const retried = await store.appendToStream('customer-1', events, 'no_stream');
      expect(retried.nextExpectedRevision).toBe(1);
      expect(await store.readStream('customer-1')).toHaveLength(2);
    });

    it('still refuses a real conflict, and one whose ids are only partly stored', async () => {
      const a = event('A');
      await store.appendToStream('customer-1', [a, event('B')], 'no_stream');
      await expect(store.appendToStream('customer-1', [event('C')], 0)).rejects.toBeInstanceOf(WrongExpectedVersion);
      await expect(store.appendToStream('customer-1', [a, event('Z')], 0)).rejects.toBeInstanceOf(WrongExpectedVersion);
      expect(await store.readStream('customer-1')).toHaveLength(2);
    });
  });

  describe('server errors', () => {
    it('maps a tombstoned stream to StreamDeleted, on append and on read', async () => {
      await store.appendToStream('customer-1', [event('A')], 'no_stream');
      server.tombstone('customer-1');
      await expect(store.appendToStream('customer-1', [event('B')], 'any')).rejects.toBeInstanceOf(StreamDeleted);
      await expect(store.readStream('customer-1')).rejects.toMatchObject({ code: 'STREAM_DELETED', streamId: 'customer-1' });
    });

    it('refuses an append over the limit with AppendTooLarge before sending it', async () => {
      const err = await store.appendToStream('campaign-1', [sized('Big', 700_000), sized('Big', 400_000)], 'no_stream').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppendTooLarge);
      expect(err).toMatchObject({ code: 'APPEND_TOO_LARGE', streamId: 'campaign-1', limit: 1024 * 1024 });
      expect(server.appendCalls).toEqual([]);
    });

    it("maps the server's own size refusal (a lower limit than the adapter's) to AppendTooLarge", async () => {
      const server = new FakeEventStoreDb({ maxAppendSize: 10_000 });
      const store = new EventStoreDbEventStore(server.client);
      await expect(store.appendToStream('campaign-1', [sized('Big', 20_000)], 'no_stream')).rejects.toMatchObject({ code: 'APPEND_TOO_LARGE', limit: 10_000 });
    });

    it('maps a deadline to StoreTimeout and an unavailable server to StoreUnavailable, on writes and reads', async () => {
      server.failNext('append', new DeadlineExceededError());
      await expect(store.appendToStream('customer-1', [event('A')], 'no_stream')).rejects.toBeInstanceOf(StoreTimeout);
      server.failNext('append', new UnavailableError());
      await expect(store.appendToStream('customer-1', [event('A')], 'no_stream')).rejects.toBeInstanceOf(StoreUnavailable);
      server.failNext('read', new UnavailableError());
      await expect(store.readAll({ maxCount: 10 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', transient: true });
      server.failNext('read', new DeadlineExceededError());
      await expect(store.readStream('customer-1')).rejects.toMatchObject({ code: 'STORE_TIMEOUT', transient: true });
    });

    it("splits a stream's events over the limit in a multi-stream append into ordered appends under it", async () => {
      const big = Array.from({ length: 5 }, (_, i) => sized(`E${i}`, 300_000));
      const [r, small] = await store.appendToStreams([
        { streamId: 'import-1', events: big, expectedRevision: 'no_stream' },
        { streamId: 'import-2', events: [event('S')], expectedRevision: 'no_stream' },
      ]);
      expect(r!.nextExpectedRevision).toBe(4);
      expect(small!.nextExpectedRevision).toBe(0);
      expect((await store.readStream('import-1')).map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
      expect(server.appendCalls.filter((c) => c.streamId === 'import-1').map((c) => c.events)).toEqual([3, 2]);
    });

    it('completes a split append on retry after it failed midway, storing each event once', async () => {
      await store.appendToStream('import-1', [event('Start')], 'no_stream');
      const appends = [{ streamId: 'import-1', events: Array.from({ length: 7 }, (_, i) => sized(`E${i}`, 300_000)), expectedRevision: 0 }];
      server.failNext('append', new UnavailableError(), { after: 1 }); // part 1 is stored, part 2 is not
      const first = await store.appendToStreams(appends).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(StoreUnavailable);
      expect(eventsWrittenBefore(first)).toBe(3);
      server.failNext('append', new DeadlineExceededError(), { after: 1, afterCommit: true }); // part 2 is stored, its reply lost
      const second = await store.appendToStreams(appends).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(StoreTimeout);
      // Part 1 is a repeat now; part 2's outcome is not known to this call (its reply was lost).
      expect(eventsWrittenBefore(second)).toBe(0);
      const [done] = await store.appendToStreams(appends);
      expect(done!.nextExpectedRevision).toBe(7);
      // Parts of 3, 3 and 1 events: the first two were stored by the failed attempts, so this call wrote 1.
      expect(done!.written).toBe(1);
      expect(done!.repeated).toBeUndefined();
      expect((await store.readStream('import-1')).map((e) => e.type)).toEqual(['Start', 'E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
    });

    it('an ordered append retried after it failed midway reports only what the retry wrote', async () => {
      const appends = [
        { streamId: 'import-a', events: [event('A0'), event('A1'), event('A2')], expectedRevision: 'no_stream' as const },
        { streamId: 'import-b', events: [event('B0')], expectedRevision: 'no_stream' as const },
      ];
      const order = [0, 0, 1, 0]; // runs: A0 A1 | B0 | A2
      server.failNext('append', new UnavailableError(), { after: 1 }); // run A0 A1 is stored, B0 is not
      const err = await store.appendToStreams(appends, { order }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailable);
      // The failed call says it stored the run A0 A1, so a metric can count those two now.
      expect(eventsWrittenBefore(err)).toBe(2);
      const [a, b] = await store.appendToStreams(appends, { order });
      // Stream a: 2 of its 3 events were stored by the failed attempt, so the retry wrote 1; stream b: its one event.
      expect([a!.nextExpectedRevision, a!.written, a!.repeated]).toEqual([2, 1, undefined]);
      expect([b!.nextExpectedRevision, b!.written, b!.repeated]).toEqual([0, undefined, undefined]);
      expect((await store.readStream('import-a')).map((e) => e.type)).toEqual(['A0', 'A1', 'A2']);
    });

    it('refuses a single event over the limit in a multi-stream append', async () => {
      await expect(store.appendToStreams([{ streamId: 'import-1', events: [sized('Huge', 2_000_000)], expectedRevision: 'no_stream' }])).rejects.toBeInstanceOf(AppendTooLarge);
    });
  });
});
