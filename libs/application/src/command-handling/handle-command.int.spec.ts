import { refused, type Decider } from '@app/domain';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { deterministicUuid, handleCommand, withMetadata, type CommandContext } from './handle-command';
import { PostgresEventStore } from '@app/event-store';

/**
 * A counter that refuses to go past a limit: enough to exercise the generic handler. Every decided
 * event must be of a catalogue type, so its steps borrow one with a bare integer (`DemoSeedCompleted`).
 */
type Cmd = { type: 'Increment'; by: number };
type Ev = { type: 'DemoSeedCompleted'; data: { seed: number } };
const limit = 5;
const counter: Decider<Cmd, number, Ev> = {
  initialState: () => 0,
  evolve: (n, e) => n + e.data.seed,
  decide: (c, n) => {
    if (n + c.by > limit) throw refused('LIMIT_REACHED', `counter would pass ${limit}`);
    return [{ type: 'DemoSeedCompleted', data: { seed: c.by } }];
  },
};

const context = (over: Partial<CommandContext> = {}): CommandContext => ({
  correlationId: 'c-1',
  actor: 'u-1',
  orgUnit: 'hq',
  occurredAt: '2026-03-01T09:00:00.000Z',
  ...over,
});

describe('handleCommand', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url });
  });
  afterAll(() => db.drop());

  it('folds the stream, decides and appends with metadata', async () => {
    await handleCommand(store, 'counter-a', counter, { type: 'Increment', by: 2 }, context());
    const r = await handleCommand(store, 'counter-a', counter, { type: 'Increment', by: 1 }, context({ actor: 'u-2' }));
    expect(r.revision).toBe(1);
    const events = await store.readStream('counter-a');
    expect(events.map((e) => e.data)).toEqual([{ seed: 2 }, { seed: 1 }]);
    expect(events[1]!.metadata).toMatchObject({ actor: 'u-2', orgUnit: 'hq', occurredAt: '2026-03-01T09:00:00.000Z', schemaVersion: 1 });
  });

  it('appends nothing when the decider refuses', async () => {
    await expect(handleCommand(store, 'counter-b', counter, { type: 'Increment', by: 9 }, context())).rejects.toMatchObject({
      code: 'LIMIT_REACHED',
    });
    expect(await store.readStream('counter-b')).toEqual([]);
  });

  it('refuses an event of a type the catalogue does not know, appending nothing (as for one that does not fit its schema)', async () => {
    const stray: Decider<Cmd, number, { type: string; data: unknown }> = { initialState: () => 0, evolve: (n) => n, decide: () => [{ type: 'CounterIncremented', data: { by: 1 } }] };
    const misfit: Decider<Cmd, number, { type: string; data: unknown }> = { initialState: () => 0, evolve: (n) => n, decide: () => [{ type: 'DemoSeedCompleted', data: { seed: 'one' } }] };
    await expect(handleCommand(store, 'counter-u', stray, { type: 'Increment', by: 1 }, context())).rejects.toThrow('CounterIncremented v1 does not fit the event catalogue: type');
    await expect(handleCommand(store, 'counter-u', misfit, { type: 'Increment', by: 1 }, context())).rejects.toThrow('does not fit the event catalogue: data.seed');
    expect(await store.readStream('counter-u')).toEqual([]);
  });

  it('never lets racing commands pass the limit together', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => handleCommand(store, 'counter-c', counter, { type: 'Increment', by: 1 }, context(), { maxAttempts: 20 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(limit);
    const total = (await store.readStream('counter-c')).reduce((n, e) => n + (e.data as { seed: number }).seed, 0);
    expect(total).toBe(limit);
  });

  it('decides on events another writer appended since this process last read the stream', async () => {
    await handleCommand(store, 'counter-e', counter, { type: 'Increment', by: 1 }, context());
    // Another process (not through this handler) adds 3: 1 + 3 + 2 would pass the limit of 5.
    await store.appendToStream('counter-e', withMetadata('counter-e', [{ type: 'DemoSeedCompleted', data: { seed: 3 } }], context()), 0);
    await expect(handleCommand(store, 'counter-e', counter, { type: 'Increment', by: 2 }, context())).rejects.toMatchObject({ code: 'LIMIT_REACHED' });
    const ok = await handleCommand(store, 'counter-e', counter, { type: 'Increment', by: 1 }, context());
    expect(ok.revision).toBe(2);
  });

  it('stores nothing new when a command is repeated with the same idempotency key', async () => {
    const ctx = context({ idempotencyKey: 'key-1' });
    await handleCommand(store, 'counter-d', counter, { type: 'Increment', by: 1 }, ctx);
    // The repeat decides on the new state, but its event ids are the first attempt's: a no-op.
    const again = await handleCommand(store, 'counter-d', counter, { type: 'Increment', by: 1 }, ctx);
    const events = await store.readStream('counter-d');
    expect(events).toHaveLength(1);
    expect(again.revision).toBe(0);
    expect(events[0]!.metadata.eventId).toBe(deterministicUuid('key-1\u0000counter-d\u00000'));
  });
});

describe('deterministicUuid', () => {
  it('is stable for a name and shaped as a version-5 UUID', () => {
    expect(deterministicUuid('a')).toBe(deterministicUuid('a'));
    expect(deterministicUuid('a')).not.toBe(deterministicUuid('b'));
    expect(deterministicUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('is the name\'s SHA-1 with the version nibble set to 5 and the variant bits to 10 (the ids every stored event already has)', () => {
    // `printf %s a | sha1sum` = 86f7e437faa5a7fce15d1ddcb9eaeaea…: nibble 13 'a' becomes 5; nibble 17 'e' (1110) keeps its low bits, 10xx: 'a'.
    expect(deterministicUuid('a')).toBe('86f7e437-faa5-57fc-a15d-1ddcb9eaeaea');
    // c0dd51ae7e4d5bb8b81f…: already 5; 'b' (1011) stays 'b'.
    expect(deterministicUuid('seed:1:0')).toBe('c0dd51ae-7e4d-5bb8-b81f-7452f8b22c35');
    // e9d71f5ee7c92d6dc9e9…: '2' becomes 5; 'c' (1100) becomes '8'.
    expect(deterministicUuid('b')).toBe('e9d71f5e-e7c9-5d6d-89e9-2ffdad17b8bd');
    // 3c363836cf4e16666669…: '1' becomes 5; '6' (0110) becomes 'a'.
    expect(deterministicUuid('d')).toBe('3c363836-cf4e-5666-a669-a25da280a186');
  });
});
