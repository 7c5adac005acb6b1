import { randomUUID } from 'node:crypto';
import { WrongExpectedVersion } from '../errors';
import type { AllSubscription, EventStore } from '../event-store.port';
import { comparePositions, type NewEvent, type Position, type RecordedEvent } from '../events';

/**
 * What an adapter under test offers. `holdOpenAppend` starts an append in a transaction that
 * stays open until `commit()` is called: stores with concurrent writers must show that a
 * reader never skips such a late commit.
 */
export interface ContractSubject {
  readonly store: EventStore;
  readonly atomicMultiStreamAppend: boolean;
  holdOpenAppend?(streamId: string, event: NewEvent): Promise<{ commit(): Promise<void> }>;
  cleanup(): Promise<void>;
}

export function event(type: string, data: Record<string, unknown> = {}): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      actor: 'contract-test',
      orgUnit: null,
      occurredAt: new Date('2026-03-01T09:00:00Z').toISOString(),
      schemaVersion: 1,
    },
  };
}

/** Consumes a subscription in the background, keeping the events of streams with `prefix`. */
export function collect(sub: AllSubscription, prefix: string) {
  const got: RecordedEvent[] = [];
  const consuming = (async () => {
    for await (const e of sub) if (e.streamId.startsWith(prefix)) got.push(e);
  })();
  return {
    got,
    /** Resolves with the first `count` events, or rejects after `ms`. */
    async waitFor(count: number, ms = 10_000): Promise<RecordedEvent[]> {
      const deadline = Date.now() + ms;
      while (got.length < count) {
        if (Date.now() > deadline) throw new Error(`subscription gave ${got.length} of ${count} events in ${ms} ms`);
        await wait(10);
      }
      return got.slice(0, count);
    },
    async close() {
      await sub.close();
      await consuming.catch(() => undefined);
    },
  };
}

/** The behaviour every EventStore adapter must have. Run with `describeEventStoreContract`. */
export function describeEventStoreContract(name: string, setup: () => Promise<ContractSubject>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    let prefix: string;
    const stream = (s: string) => `${prefix}${s}`;

    beforeAll(async () => {
      subject = await setup();
      store = subject.store;
    });
    afterAll(async () => subject && (await subject.cleanup()));
    beforeEach(() => {
      prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
    });

    describe('appending and reading a stream', () => {
      it('reads back appended events in order with 0-based revisions', async () => {
        const r = await store.appendToStream(stream('a'), [event('A', { n: 1 }), event('B', { n: 2 })], 'no_stream');
        expect(r.nextExpectedRevision).toBe(1);
        await store.appendToStream(stream('a'), [event('C', { n: 3 })], 1);
        const read = await store.readStream(stream('a'));
        expect(read.map((e) => [e.type, e.streamPosition, e.data])).toEqual([
          ['A', 0, { n: 1 }],
          ['B', 1, { n: 2 }],
          ['C', 2, { n: 3 }],
        ]);
      });

      it('keeps the metadata and stamps the time the store recorded the event', async () => {
        const e = event('A');
        await store.appendToStream(stream('m'), [e], 'no_stream');
        const [read] = await store.readStream(stream('m'));
        expect(read!.metadata).toMatchObject(e.metadata);
        expect(Number.isNaN(Date.parse(read!.recordedAt))).toBe(false);
      });

      it('reads a stream from a given revision', async () => {
        await store.appendToStream(stream('r'), [event('A'), event('B'), event('C')], 'no_stream');
        expect((await store.readStream(stream('r'), 1)).map((e) => e.type)).toEqual(['B', 'C']);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(stream('none'))).toEqual([]);
      });

      it('reads several streams at once, each from its own revision, unknown ones as empty', async () => {
        await store.appendToStream(stream('s1'), [event('A'), event('B'), event('C')], 'no_stream');
        await store.appendToStream(stream('s2'), [event('D')], 'no_stream');
        await store.appendToStream(stream('s1'), [event('E')], 2);
        const read = await store.readStreams([{ streamId: stream('s1'), fromRevision: 1 }, { streamId: stream('s2') }, { streamId: stream('none') }]);
        expect([...read.keys()].sort()).toEqual([stream('none'), stream('s1'), stream('s2')].sort());
        expect(read.get(stream('s1'))!.map((e) => [e.type, e.streamPosition])).toEqual([['B', 1], ['C', 2], ['E', 3]]);
        expect(read.get(stream('s2'))!.map((e) => e.type)).toEqual(['D']);
        expect(read.get(stream('none'))).toEqual([]);
        const twice = await store.readStreams([{ streamId: stream('s2') }, { streamId: stream('s2') }]);
        expect(twice.get(stream('s2'))!.map((e) => e.type)).toEqual(['D']);
      });
    });

    describe('expected revisions', () => {
      it('refuses no_stream when the stream exists, and appends nothing', async () => {
        await store.appendToStream(stream('x'), [event('A')], 'no_stream');
        const err = await store.appendToStream(stream('x'), [event('B')], 'no_stream').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WrongExpectedVersion);
        expect((err as WrongExpectedVersion).actual).toBe(0);
        expect(await store.readStream(stream('x'))).toHaveLength(1);
      });

      it('refuses a stale exact revision, and appends nothing', async () => {
        await store.appendToStream(stream('x'), [event('A'), event('B')], 'no_stream');
        await expect(store.appendToStream(stream('x'), [event('C')], 0)).rejects.toBeInstanceOf(WrongExpectedVersion);
        expect(await store.readStream(stream('x'))).toHaveLength(2);
      });

      it('refuses an exact revision on a stream that does not exist', async () => {
        const err = await store.appendToStream(stream('x'), [event('A')], 0).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WrongExpectedVersion);
        expect((err as WrongExpectedVersion).actual).toBeNull();
      });

      it('refuses stream_exists on a missing stream and accepts it on an existing one', async () => {
        await expect(store.appendToStream(stream('x'), [event('A')], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedVersion);
        await store.appendToStream(stream('x'), [event('A')], 'any');
        const r = await store.appendToStream(stream('x'), [event('B')], 'stream_exists');
        expect(r.nextExpectedRevision).toBe(1);
      });

      it('accepts any revision with any', async () => {
        await store.appendToStream(stream('x'), [event('A')], 'any');
        const r = await store.appendToStream(stream('x'), [event('B'), event('C')], 'any');
        expect(r.nextExpectedRevision).toBe(2);
      });

      it('lets exactly one of many concurrent writers with the same expected revision win', async () => {
        await store.appendToStream(stream('race'), [event('Start')], 'no_stream');
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.appendToStream(stream('race'), [event('Step', { i })], 0)),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(rejected.every((r) => r.reason instanceof WrongExpectedVersion)).toBe(true);
        expect(await store.readStream(stream('race'))).toHaveLength(2);
      });

      it('lets exactly one of many concurrent creators of a new stream win', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.appendToStream(stream('new'), [event('Created', { i })], 'no_stream')),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream('new'))).toHaveLength(1);
      });
    });

    describe('idempotent appends', () => {
      it('treats re-appending the same event ids as a no-op', async () => {
        const events = [event('A'), event('B')];
        const first = await store.appendToStream(stream('i'), events, 'no_stream');
        const again = await store.appendToStream(stream('i'), events, 'no_stream');
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await store.readStream(stream('i'))).toHaveLength(2);
      });

      it('treats re-appending with expected revision any as a no-op', async () => {
        const events = [event('A')];
        await store.appendToStream(stream('i'), events, 'any');
        await store.appendToStream(stream('i'), events, 'any');
        expect(await store.readStream(stream('i'))).toHaveLength(1);
      });
    });

    describe('the global order', () => {
      it('returns events of all streams in append order, after a given position', async () => {
        const before = await store.headPosition();
        await store.appendToStream(stream('g1'), [event('A')], 'no_stream');
        await store.appendToStream(stream('g2'), [event('B')], 'no_stream');
        await store.appendToStream(stream('g1'), [event('C')], 0);
        const all = await readAllOf(store, before, prefix, 3);
        expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        const fromSecond = await readAllOf(store, all[0]!.position, prefix, 2);
        expect(fromSecond.map((e) => e.type)).toEqual(['B', 'C']);
      });

      it('pages through the log in batches, each event exactly once', async () => {
        const before = await store.headPosition();
        await store.appendToStream(stream('p'), Array.from({ length: 25 }, (_, i) => event('E', { i })), 'no_stream');
        await readAllOf(store, before, prefix, 25); // visible to readers
        const seen: number[] = [];
        let after = before ?? undefined;
        for (;;) {
          const batch = await store.readAll({ after, maxCount: 7 });
          if (batch.length === 0) break;
          for (const e of batch) if (e.streamId.startsWith(prefix)) seen.push((e.data as { i: number }).i);
          after = batch[batch.length - 1]!.position;
        }
        expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
      });

      it('gives strictly increasing positions', async () => {
        const before = await store.headPosition();
        await store.appendToStream(stream('o'), [event('A'), event('B')], 'no_stream');
        await store.appendToStream(stream('o2'), [event('C')], 'no_stream');
        const all = await readAllOf(store, before, prefix, 3);
        for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!.position, all[i]!.position)).toBe(-1);
      });
    });

    describe('multi-stream append', () => {
      it('appends to several streams, each with its expected revision', async () => {
        await store.appendToStream(stream('m1'), [event('A')], 'no_stream');
        const results = await store.appendToStreams([
          { streamId: stream('m1'), events: [event('B')], expectedRevision: 0 },
          { streamId: stream('m2'), events: [event('C'), event('D')], expectedRevision: 'no_stream' },
        ]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1]);
        expect((await store.readStream(stream('m2'))).map((e) => e.type)).toEqual(['C', 'D']);
      });

      it('refuses the whole batch when one expectation fails (atomic stores)', async () => {
        if (!subject.atomicMultiStreamAppend) return;
        await store.appendToStream(stream('m1'), [event('A')], 'no_stream');
        await expect(
          store.appendToStreams([
            { streamId: stream('m2'), events: [event('B')], expectedRevision: 'no_stream' },
            { streamId: stream('m1'), events: [event('C')], expectedRevision: 'no_stream' },
          ]),
        ).rejects.toBeInstanceOf(WrongExpectedVersion);
        expect(await store.readStream(stream('m2'))).toEqual([]);
        expect(await store.readStream(stream('m1'))).toHaveLength(1);
      });
    });

    describe('multi-stream append in a given order', () => {
      // readAll holds events back while any transaction on the server is open: wait for those expected.
      const logged = async (after: Position | null, expected: number) =>
        (await readAllOf(store, after, prefix, expected)).map((e) => `${e.type}@${e.streamId.slice(prefix.length)}/${e.streamPosition}`);

      it('writes the events interleaved as the order says, each stream continuing its own revisions', async () => {
        await store.appendToStream(stream('o1'), [event('A')], 'no_stream');
        const before = await store.headPosition();
        const results = await store.appendToStreams(
          [
            { streamId: stream('o1'), events: [event('B'), event('D')], expectedRevision: 0 },
            { streamId: stream('o2'), events: [event('C'), event('E'), event('F')], expectedRevision: 'no_stream' },
          ],
          // B (o1), C (o2), D (o1), E (o2), F (o2): streams interleaved, as an export of a history has them.
          { order: [0, 1, 0, 1, 1] },
        );
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([2, 2]);
        expect(await logged(before, 5)).toEqual(['B@o1/1', 'C@o2/0', 'D@o1/2', 'E@o2/1', 'F@o2/2']);
      });

      it('refuses an order that names a stream more often than it has events, or leaves one out, storing nothing', async () => {
        const before = await store.headPosition();
        const appends = [
          { streamId: stream('p1'), events: [event('A')], expectedRevision: 'no_stream' as const },
          { streamId: stream('p2'), events: [event('B')], expectedRevision: 'no_stream' as const },
        ];
        await expect(store.appendToStreams(appends, { order: [0, 0] })).rejects.toBeInstanceOf(RangeError);
        await expect(store.appendToStreams(appends, { order: [1] })).rejects.toBeInstanceOf(RangeError);
        await expect(store.appendToStreams(appends, { order: [0, 2] })).rejects.toBeInstanceOf(RangeError);
        // One event appended after them shows the log has caught up: nothing of theirs before it.
        await store.appendToStream(stream('p3'), [event('Z')], 'no_stream');
        expect(await logged(before, 1)).toEqual(['Z@p3/0']);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers history first, then live events', async () => {
        const before = await store.headPosition();
        await store.appendToStream(stream('s'), [event('H1'), event('H2')], 'no_stream');
        const sub = collect(store.subscribeToAll({ after: before ?? undefined }), prefix);
        try {
          const history = await sub.waitFor(2);
          expect(history.map((e) => e.type)).toEqual(['H1', 'H2']);
          await store.appendToStream(stream('s'), [event('L1')], 1);
          await store.appendToStream(stream('s2'), [event('L2')], 'no_stream');
          expect((await sub.waitFor(4)).map((e) => e.type)).toEqual(['H1', 'H2', 'L1', 'L2']);
        } finally {
          await sub.close();
        }
      });

      it('resumes after a checkpoint without repeating or skipping', async () => {
        const before = await store.headPosition();
        await store.appendToStream(stream('c'), [event('A'), event('B'), event('C')], 'no_stream');
        const first = collect(store.subscribeToAll({ after: before ?? undefined }), prefix);
        const [a] = await first.waitFor(1);
        await first.close();
        const resumed = collect(store.subscribeToAll({ after: a!.position }), prefix);
        try {
          await resumed.waitFor(2);
          await wait(200);
          expect(resumed.got.map((e) => e.type)).toEqual(['B', 'C']);
        } finally {
          await resumed.close();
        }
      });

      it('delivers only the event types asked for', async () => {
        const before = await store.headPosition();
        await store.appendToStream(stream('f'), [event('Keep'), event('Drop'), event('Keep')], 'no_stream');
        const sub = collect(store.subscribeToAll({ after: before ?? undefined, eventTypes: ['Keep'] }), prefix);
        try {
          expect((await sub.waitFor(2)).map((e) => e.streamPosition)).toEqual([0, 2]);
        } finally {
          await sub.close();
        }
      });

      it('hands the same events out in pages: in order, none empty, the types asked for only', async () => {
        const before = await store.headPosition();
        await store.appendToStream(stream('p'), [event('Keep'), event('Drop'), event('Keep'), event('Keep')], 'no_stream');
        const sub = store.subscribeToAll({ after: before ?? undefined, eventTypes: ['Keep'] });
        const ours: RecordedEvent[] = [];
        try {
          for await (const page of sub.pages()) {
            expect(page.length).toBeGreaterThan(0);
            expect(page.every((e) => e.type === 'Keep')).toBe(true);
            ours.push(...page.filter((e) => e.streamId.startsWith(prefix)));
            if (ours.length >= 3) break;
          }
        } finally {
          await sub.close();
        }
        expect(ours.map((e) => e.streamPosition)).toEqual([0, 2, 3]);
      });

      it('close() ends the iteration at once, in the middle of what one read brought too', async () => {
        const before = await store.headPosition();
        await store.appendToStream(stream('x'), [event('A'), event('B'), event('C'), event('D'), event('E')], 'no_stream');
        const sub = store.subscribeToAll({ after: before ?? undefined });
        const ours: RecordedEvent[] = [];
        for await (const e of sub) {
          if (!e.streamId.startsWith(prefix)) continue;
          ours.push(e);
          if (ours.length === 1) await sub.close();
        }
        // The five were read in one page (Postgres): the four after the close must not come out of it.
        expect(ours.map((e) => e.type)).toEqual(['A']);
      });
    });

    describe('late commits', () => {
      it('never skips an event whose transaction commits after a later position became visible', async () => {
        if (!subject.holdOpenAppend) return;
        const before = await store.headPosition();
        const sub = collect(store.subscribeToAll({ after: before ?? undefined }), prefix);
        try {
          // The first writer takes the lower position but commits last.
          const slow = await subject.holdOpenAppend(stream('late'), event('Slow'));
          await store.appendToStream(stream('fast'), [event('Fast')], 'no_stream');
          await wait(1_000);
          // Nothing may be delivered yet: delivering Fast now would move the checkpoint past Slow.
          expect(sub.got).toEqual([]);
          await slow.commit();
          const got = await sub.waitFor(2);
          expect(got.map((e) => e.type)).toEqual(['Slow', 'Fast']);
          const all = await readAllOf(store, before, prefix, 2);
          expect(all.map((e) => e.type)).toEqual(got.map((e) => e.type));
        } finally {
          await sub.close();
        }
      });
    });
  });
}

/**
 * The events of streams with `prefix` after `after`, in global order. Stores may hold back events
 * while older transactions are in flight (on Postgres: in any database of the cluster), so this
 * reads again until it has `expected` events or a few seconds have passed.
 */
async function readAllOf(store: EventStore, after: Position | null, prefix: string, expected = 0): Promise<RecordedEvent[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const out: RecordedEvent[] = [];
    let from = after ?? undefined;
    for (;;) {
      const batch = await store.readAll({ after: from, maxCount: 500 });
      if (batch.length === 0) break;
      out.push(...batch.filter((e) => e.streamId.startsWith(prefix)));
      from = batch[batch.length - 1]!.position;
    }
    if (out.length >= expected || Date.now() > deadline) return out;
    await wait(20);
  }
}

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
