import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { describeEventStoreContract, event } from '../contract/event-store.contract';
import { WrongExpectedVersion } from '../errors';
import { PostgresEventStore } from './postgres-event-store';

describeEventStoreContract('postgres', async () => {
  const db: TestDatabase = await createTestDatabase();
  const options = { connectionString: db.url, maxPollIntervalMs: 100 };
  return {
    store: new PostgresEventStore(db.pool, options),
    atomicMultiStreamAppend: true,
    // The adapter's own append, run inside a transaction we keep open.
    async holdOpenAppend(streamId, e) {
      const client = await db.pool.connect();
      await client.query('BEGIN');
      // The append's one message runs inside the transaction the client has open.
      await new PostgresEventStore(client as unknown as Pool, options).appendToStream(streamId, [e], 'no_stream');
      return {
        async commit() {
          await client.query('COMMIT');
          client.release();
        },
      };
    },
    cleanup: () => db.drop(),
  };
});

describe('PostgresEventStore specifics', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url });
  });
  afterAll(() => db.drop());

  it('keeps text that COPY would read as its own escapes (backslashes, tabs, newlines, quotes, CJK, emoji) exactly as written', async () => {
    const data = { path: 'C:\\new\\table', tab: 'a\tb', lines: 'one\ntwo\r\nthree', quote: '"q" \\"', cjk: '张三 客户', emoji: '🙂', backslashN: '\\N' };
    await store.appendToStream('odd\tstream\\1', [event('Odd\\Type', data)], 'no_stream');
    const [stored] = await store.readStream('odd\tstream\\1');
    expect(stored).toMatchObject({ streamId: 'odd\tstream\\1', type: 'Odd\\Type', data });
  });

  it('writes a batch of many events in one message, beyond the bind-parameter limit', async () => {
    const events = Array.from({ length: 12_000 }, (_, i) => event('Bulk', { i }));
    const r = await store.appendToStream('bulk-1', events, 'no_stream');
    expect(r.nextExpectedRevision).toBe(11_999);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = 'bulk-1'`);
    expect(rows[0].n).toBe(12_000);
  });

  it('claims the heads of a launch-sized batch by key, with no scan of every stream (2,000 of 20,000: a share that planned a hash join over all of them)', async () => {
    // 20,000 streams, then a batch naming 2,000 of them at revision 0: the planner, left to itself, hashed all of es_streams for it.
    const ids = Array.from({ length: 20_000 }, (_, i) => `claimed-${String(i).padStart(5, '0')}`);
    for (let i = 0; i < ids.length; i += 5_000) {
      await store.appendToStreams(ids.slice(i, i + 5_000).map((streamId) => ({ streamId, events: [event('Registered', {})], expectedRevision: 'no_stream' as const })));
    }
    await db.pool.query('ANALYZE es_streams');
    const batch = ids.slice(6_000, 8_000);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT es_claim($1::text[], $2::bigint[], $3::bigint[])`, [batch, batch.map(() => 0), batch.map(() => 1)]);
      const { rows } = await client.query(`SELECT seq_scan::int AS seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'es_streams'`);
      const moved = await client.query(`SELECT count(*)::int AS n FROM es_streams WHERE stream_id LIKE 'claimed-%' AND revision = 1`);
      expect(moved.rows[0].n).toBe(2_000);
      expect(rows[0].seq_scan).toBe(0);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('appends to thousands of streams in one multi-stream batch', async () => {
    const appends = Array.from({ length: 3_000 }, (_, i) => ({
      streamId: `many-${i}`,
      events: [event('Enrolled', { i })],
      expectedRevision: 'no_stream' as const,
    }));
    const results = await store.appendToStreams(appends);
    expect(results).toHaveLength(3_000);
    expect(results.every((r) => r.nextExpectedRevision === 0)).toBe(true);
  });

  it('answers each stream of a batch with the position of its own last event, whatever kind of expectation it came with', async () => {
    await store.appendToStreams([
      { streamId: 'kinds-exact', events: [event('A')], expectedRevision: 'no_stream' },
      { streamId: 'kinds-exists', events: [event('A'), event('B')], expectedRevision: 'no_stream' },
    ]);
    const results = await store.appendToStreams([
      { streamId: 'kinds-exact', events: [event('C'), event('D')], expectedRevision: 0 },
      { streamId: 'kinds-new', events: [event('E')], expectedRevision: 'no_stream' },
      { streamId: 'kinds-exists', events: [event('F')], expectedRevision: 'stream_exists' },
      { streamId: 'kinds-any', events: [event('G'), event('H'), event('I')], expectedRevision: 'any' },
    ]);
    // exact 0 + 2 events = 2; new stream, 1 event = 0; stream_exists at 1 + 1 = 2; any on a new stream, 3 events = 2.
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([2, 0, 2, 2]);
    const streams = await store.readStreams(['kinds-exact', 'kinds-new', 'kinds-exists', 'kinds-any'].map((streamId) => ({ streamId })));
    const lastPositions = [...streams.values()].map((events) => events[events.length - 1]!.position);
    expect(results.map((r) => r.position)).toEqual(lastPositions);
    const single = await store.appendToStream('kinds-any', [event('J')], 'any');
    expect(single).toEqual({ nextExpectedRevision: 3, position: (await store.readStream('kinds-any', 3))[0]!.position });
  });

  it('lets every one of many concurrent writers with expected revision any append, one after the other', async () => {
    await store.appendToStream('any-race', [event('Start')], 'no_stream');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? store.appendToStream('any-race', [event('Step', { i })], 'any')
          : store.appendToStreams([{ streamId: 'any-race', events: [event('Step', { i })], expectedRevision: 'stream_exists' }]).then(([r]) => r!),
      ),
    );
    // 1 + 8 events: revisions 1..8, each writer its own.
    expect(results.map((r) => r.nextExpectedRevision).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await store.readStream('any-race')).toHaveLength(9);
  });

  it('refuses an event id that is not a UUID, even one carrying a tab and a line break into the COPY data', async () => {
    const smuggled = event('Smuggler');
    const forged = `${smuggled.metadata.eventId}\tT\t{}\t{}\nvictim\t0\t00000000-0000-4000-8000-000000000001`;
    await expect(store.appendToStream('smuggler', [{ ...smuggled, metadata: { ...smuggled.metadata, eventId: forged } }], 'no_stream')).rejects.toThrow(/uuid/);
    expect(await store.readStream('victim')).toEqual([]);
    expect(await store.readStream('smuggler')).toEqual([]);
  });

  it('orders by transaction id as a number, not as text (99 before 100)', async () => {
    // Rows with transaction ids far below any real one, inserted out of order on purpose.
    const insert = (xid: number, streamId: string, type: string) =>
      db.pool.query(
        `INSERT INTO es_events (transaction_id, stream_id, stream_position, event_id, type, data, metadata)
         VALUES ($1::text::xid8, $2, 0, gen_random_uuid(), $3, '{}', '{"occurredAt": "2026-01-01T00:00:00Z"}')`,
        [String(xid), streamId, type],
      );
    await insert(100, 'order-a', 'Hundred');
    await insert(99, 'order-b', 'NinetyNine');
    const first = await store.readAll({ maxCount: 2 });
    expect(first.map((e) => e.type)).toEqual(['NinetyNine', 'Hundred']);
    const appended = await store.appendToStream('order-c', [event('Real')], 'no_stream');
    expect(await store.headPosition()).toEqual(appended.position);
  });

  it('gives each event its own commit and recorded time, whether rows share them with the row before or go back to an earlier one', async () => {
    // Transactions 3 and 4, far below any real one (read before every other row); recorded times set by hand:
    // .9996 s is still millisecond 999 (floored, not rounded up to the next second).
    const insert = (xid: number, streamId: string, position: number, type: string, recordedAt: string) =>
      db.pool.query(
        `INSERT INTO es_events (transaction_id, stream_id, stream_position, event_id, type, data, metadata, recorded_at)
         VALUES ($1::text::xid8, $2, $3, gen_random_uuid(), $4, '{}', '{"occurredAt": "2026-03-01T00:00:00Z"}', $5::timestamptz)`,
        [String(xid), streamId, position, type, recordedAt],
      );
    await insert(3, 'same-a', 0, 'First', '2026-03-01 15:59:59.999+00');
    await insert(3, 'same-a', 1, 'Second', '2026-03-01 15:59:59.9996+00');
    await insert(4, 'same-b', 0, 'Third', '2026-03-01 16:00:00+00');
    await insert(4, 'same-a', 2, 'Fourth', '2026-03-01 23:59:59.999+08');
    const seen = (events: readonly { type: string; position: { commit: bigint }; recordedAt: string }[]) => events.map((e) => [e.type, e.position.commit, e.recordedAt]);
    expect(seen(await store.readAll({ maxCount: 4 }))).toEqual([
      ['First', 3n, '2026-03-01T15:59:59.999Z'],
      ['Second', 3n, '2026-03-01T15:59:59.999Z'],
      ['Third', 4n, '2026-03-01T16:00:00.000Z'],
      ['Fourth', 4n, '2026-03-01T15:59:59.999Z'],
    ]);
    expect(seen(await store.readStream('same-b'))).toEqual([['Third', 4n, '2026-03-01T16:00:00.000Z']]);
    expect(seen(await store.readStream('same-a'))).toEqual([
      ['First', 3n, '2026-03-01T15:59:59.999Z'],
      ['Second', 3n, '2026-03-01T15:59:59.999Z'],
      ['Fourth', 4n, '2026-03-01T15:59:59.999Z'],
    ]);
    const both = await store.readStreams([{ streamId: 'same-b' }, { streamId: 'same-a', fromRevision: 1 }]);
    expect(seen(both.get('same-b')!)).toEqual([['Third', 4n, '2026-03-01T16:00:00.000Z']]);
    expect(seen(both.get('same-a')!)).toEqual([
      ['Second', 3n, '2026-03-01T15:59:59.999Z'],
      ['Fourth', 4n, '2026-03-01T15:59:59.999Z'],
    ]);
  });

  it('holds back later positions while an earlier transaction is still open', async () => {
    const head = await store.headPosition();
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await new PostgresEventStore(client as unknown as Pool, { connectionString: db.url }).appendToStream('held-1', [event('Held')], 'no_stream');
      await store.appendToStream('held-2', [event('Visible')], 'no_stream');
      expect(await store.readAll({ after: head ?? undefined, maxCount: 10 })).toEqual([]);
      await client.query('COMMIT');
      // Other test files' transactions (same cluster) may hold readers back a moment longer.
      let after = await store.readAll({ after: head ?? undefined, maxCount: 10 });
      for (let i = 0; i < 250 && after.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = await store.readAll({ after: head ?? undefined, maxCount: 10 });
      }
      expect(after.map((e) => e.type)).toEqual(['Held', 'Visible']);
    } finally {
      client.release();
    }
  });
  it('tells a read model at a position which streams moved since, counting an event readers are still held back from, with revisions an append can expect', async () => {
    await store.appendToStream('heads-a', [event('One'), event('Two')], 'no_stream');
    await store.appendToStream('heads-b', [event('One')], 'no_stream');
    const at = (await store.headPosition())!;
    const client = await db.pool.connect();
    try {
      // An older transaction still open holds readers back from what commits after it (previous test).
      await client.query('BEGIN');
      await new PostgresEventStore(client as unknown as Pool, { connectionString: db.url }).appendToStream('heads-held', [event('Held')], 'no_stream');
      await store.appendToStream('heads-a', [event('Three')], 'stream_exists');
      expect(await store.readAll({ after: at, maxCount: 10 })).toEqual([]);
      const heads = await store.streamHeadsSince(['heads-a', 'heads-b', 'heads-held', 'heads-none'], at);
      // heads-a: three events, revisions 0..2, the third after `at`; heads-b: one, revision 0, none since;
      // heads-held: not committed, so not there yet (its commit will move it past anything expected of it); heads-none: no stream.
      expect(Object.fromEntries(heads.revisions)).toEqual({ 'heads-a': 2, 'heads-b': 0 });
      expect([...heads.changedAfter]).toEqual(['heads-a']);
      await store.appendToStream('heads-b', [event('Later')], 'stream_exists');
      await expect(store.appendToStream('heads-b', [event('Stale')], heads.revisions.get('heads-b')!)).rejects.toThrow(WrongExpectedVersion);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
});
