import type { RecordedEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { EffectFold, effectProjection, tableDdl, upsert, update, remove, type TableShape } from './effects';
import { createSchemas, inTransaction, useSchema } from './projection-runner';

const COUNTS: TableShape = {
  name: 'counts',
  key: ['unit_id', 'month'],
  columns: {
    unit_id: { type: 'text' },
    month: { type: 'text' },
    sales: { type: 'integer', combine: 'add', default: 0 },
    first_at: { type: 'timestamptz', combine: 'min' },
    manager: { type: 'text' },
    opened_by: { type: 'text', combine: 'keep' },
  },
};

describe('writing folded effects with one statement per table', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await inTransaction(db.pool, async (tx) => {
      await tx.query(`CREATE SCHEMA rm_fx`);
      await useSchema(tx, 'rm_fx');
      for (const ddl of tableDdl(COUNTS)) await tx.query(ddl);
      await tx.query(`INSERT INTO counts VALUES ('SB1', '2026-03', 10, '2026-03-05T00:00:00Z', 'rm1', 'old'), ('SB2', '2026-03', 1, NULL, 'rm2', 'old'), ('SB3', '2026-03', 4, NULL, 'rm3', 'old')`);
    });
  });
  afterAll(() => db.drop());

  const rows = async () =>
    (await db.pool.query(`SELECT unit_id, month, sales, first_at, manager, opened_by FROM rm_fx.counts ORDER BY 1, 2`)).rows.map((r) => ({ ...r, first_at: r.first_at?.toISOString() ?? null }));

  it('combines into rows that are there, inserts the others, leaves untouched columns alone and removes what was removed', async () => {
    const fold = new EffectFold([COUNTS]);
    for (const e of [
      upsert('counts', { unit_id: 'SB1', month: '2026-03', sales: 2, first_at: '2026-03-01T16:30:00.000Z', opened_by: 'new' }),
      upsert('counts', { unit_id: 'SB1', month: '2026-03', sales: 3, first_at: '2026-03-09T00:00:00.000Z' }),
      update('counts', { unit_id: 'SB2', month: '2026-03', manager: null }),
      update('counts', { unit_id: 'SB9', month: '2026-03', manager: 'nobody' }),
      upsert('counts', { unit_id: 'SB1', month: '2026-04', sales: 1, opened_by: 'new' }),
      remove('counts', { unit_id: 'SB3', month: '2026-03' }),
    ])
      fold.add(e);
    await inTransaction(db.pool, async (tx) => {
      await useSchema(tx, 'rm_fx');
      await fold.write(tx);
    });
    expect(await rows()).toEqual([
      // 10 + 2 + 3 = 15; the earliest of 5 Mar, 1 Mar 16:30Z and 9 Mar is 1 Mar 16:30Z; manager untouched; opened_by kept.
      { unit_id: 'SB1', month: '2026-03', sales: 15, first_at: '2026-03-01T16:30:00.000Z', manager: 'rm1', opened_by: 'old' },
      { unit_id: 'SB1', month: '2026-04', sales: 1, first_at: null, manager: null, opened_by: 'new' },
      // Set to null; the sales column is left at 1.
      { unit_id: 'SB2', month: '2026-03', sales: 1, first_at: null, manager: null, opened_by: 'old' },
      // SB3 removed; SB9 never inserted by an update.
    ]);
  });

  it("lets an UPDATE's own error through (a NOT NULL column set to null), not a later statement's on the aborted transaction", async () => {
    const STRICT: TableShape = { name: 'strict_counts', key: ['unit_id'], columns: { unit_id: { type: 'text' }, manager: { type: 'text', notNull: true } } };
    await inTransaction(db.pool, async (tx) => {
      await useSchema(tx, 'rm_fx');
      for (const ddl of tableDdl(STRICT)) await tx.query(ddl);
      await tx.query(`INSERT INTO strict_counts VALUES ('SB1', 'rm1')`);
    });
    const fold = new EffectFold([STRICT]);
    fold.add(update('strict_counts', { unit_id: 'SB1', manager: null }));
    const written = inTransaction(db.pool, async (tx) => {
      await useSchema(tx, 'rm_fx');
      await fold.write(tx);
    });
    // 23502: not_null_violation (the runner tells a transient error from a poison event by this code).
    await expect(written).rejects.toMatchObject({ code: '23502', message: expect.stringContaining('manager') });
    expect((await db.pool.query(`SELECT manager FROM rm_fx.strict_counts`)).rows).toEqual([{ manager: 'rm1' }]);
  });

  it('skips, through the runner-made apply, the events its schema has already been checkpointed past', async () => {
    const p = effectProjection({
      name: 'fx-test',
      version: 1,
      eventTypes: ['Sold'],
      tables: [{ ...COUNTS, name: 'sold' }],
      effects: (e: RecordedEvent) => [upsert('sold', { unit_id: (e.data as { unitId: string }).unitId, month: '2026-03', sales: 1 })],
    });
    await createSchemas(db.pool, [{ schema: 'rm_fx_sold', projection: p }]);
    const event = (prepare: number): RecordedEvent =>
      ({ type: 'Sold', data: { unitId: 'SB1' }, position: { commit: 5n, prepare: BigInt(prepare) }, metadata: { occurredAt: '2026-03-02T00:00:00.000Z' } }) as unknown as RecordedEvent;
    const apply = (events: RecordedEvent[]) =>
      inTransaction(db.pool, async (tx) => {
        await useSchema(tx, 'rm_fx_sold');
        await p.apply(tx, events);
      });
    // A scratch build (no checkpoint for the schema): everything applies. 1 + 1 = 2.
    await apply([event(1), event(2)]);
    await db.pool.query(`INSERT INTO projection_checkpoints (name, version, schema_name, commit_pos, prepare_pos) VALUES ('fx-test', 1, 'rm_fx_sold', '5', 2)`);
    // The same two again, and a third: only the third counts. 2 + 1 = 3.
    await apply([event(1), event(2), event(3)]);
    expect((await db.pool.query(`SELECT sales FROM rm_fx_sold.sold`)).rows).toEqual([{ sales: 3 }]);
  });

  it('counts a batch once when two writers apply it at the same time (a projector that lost its lock, still committing)', async () => {
    const p = effectProjection({
      name: 'fx-race',
      version: 1,
      eventTypes: ['Sold'],
      tables: [{ ...COUNTS, name: 'sold' }],
      effects: (e: RecordedEvent) => [upsert('sold', { unit_id: 'SB1', month: '2026-03', sales: (e.data as { n: number }).n })],
    });
    await createSchemas(db.pool, [{ schema: 'rm_fx_race', projection: p }]);
    await db.pool.query(`INSERT INTO rm_fx_race.sold (unit_id, month, sales) VALUES ('SB1', '2026-03', 10)`);
    await db.pool.query(`INSERT INTO projection_checkpoints (name, version, schema_name, commit_pos, prepare_pos) VALUES ('fx-race', 1, 'rm_fx_race', '7', 1)`);
    const batch = [{ type: 'Sold', data: { n: 5 }, position: { commit: 7n, prepare: 2n }, metadata: { occurredAt: '2026-03-02T00:00:00.000Z' } }] as unknown as RecordedEvent[];
    // What the runner does for a batch: apply, then move the checkpoint, in one transaction.
    const writer = async () => {
      const tx = await db.pool.connect();
      await tx.query('BEGIN');
      await useSchema(tx, 'rm_fx_race');
      return {
        apply: () => p.apply(tx, batch),
        commit: async () => {
          await tx.query(`UPDATE projection_checkpoints SET commit_pos = '7', prepare_pos = 2 WHERE name = 'fx-race'`);
          await tx.query('COMMIT');
          tx.release();
        },
      };
    };
    const a = await writer();
    const b = await writer();
    await a.apply();
    const bApplied = b.apply(); // waits for a: the row (or the checkpoint) is a's until it commits
    await new Promise((r) => setTimeout(r, 200));
    await a.commit();
    await bApplied;
    await b.commit();
    // 10 + 5 once = 15 (not 20).
    expect((await db.pool.query(`SELECT sales FROM rm_fx_race.sold`)).rows).toEqual([{ sales: 15 }]);
  });
});

describe('an array column', () => {
  it('is written whole, inserted with its default when not given, and set to empty', async () => {
    const db = await createTestDatabase();
    try {
      const TAGS: TableShape = { name: 'tags', key: ['id'], columns: { id: { type: 'text' }, tags: { type: 'text[]', default: '{}' } } };
      await inTransaction(db.pool, async (tx) => {
        await tx.query(`CREATE SCHEMA rm_tags`);
        await useSchema(tx, 'rm_tags');
        for (const ddl of tableDdl(TAGS)) await tx.query(ddl);
        await tx.query(`INSERT INTO tags VALUES ('a', '{x}')`);
        const fold = new EffectFold([TAGS]);
        for (const e of [update('tags', { id: 'a', tags: [] }), upsert('tags', { id: 'b', tags: ['sms', 'email', 'a "b",c\\', 'NULL', '{}'] }), upsert('tags', { id: 'c' })]) fold.add(e);
        await fold.write(tx);
      });
      expect((await db.pool.query(`SELECT id, tags FROM rm_tags.tags ORDER BY id`)).rows).toEqual([
        { id: 'a', tags: [] },
        // Quotes, commas, a backslash and the words of the array syntax stay text.
        { id: 'b', tags: ['sms', 'email', 'a "b",c\\', 'NULL', '{}'] },
        { id: 'c', tags: [] },
      ]);
    } finally {
      await db.drop();
    }
  });
});

describe('values the array syntax reads specially', () => {
  // Each column of a batch travels as one array literal: these must arrive as themselves, in keys and in values,
  // through the INSERT, the UPDATE and the DELETE.
  const tricky = ['', 'NULL', 'null', ' padded ', 'a,b', '{x}', 'say "hi"', 'back\\slash', 'tab\there', 'line\nbreak', '中文 空格', 'plain-id-1'];

  it('writes empty text, the word NULL, spaces, commas, braces, quotes, backslashes and control characters as they are, alone and in an array column', async () => {
    const db = await createTestDatabase();
    try {
      const NOTES: TableShape = {
        name: 'notes',
        key: ['id'],
        columns: { id: { type: 'text' }, note: { type: 'text' }, n: { type: 'integer', combine: 'add', default: 0 }, ok: { type: 'boolean' }, big: { type: 'bigint' }, pair: { type: 'text[]' } },
      };
      await inTransaction(db.pool, async (tx) => {
        await tx.query(`CREATE SCHEMA rm_notes`);
        await useSchema(tx, 'rm_notes');
        for (const ddl of tableDdl(NOTES)) await tx.query(ddl);
        // Rows already there for the first half, so those keys go through the UPDATE.
        for (const id of tricky.slice(0, 6)) await tx.query(`INSERT INTO notes (id, note, n) VALUES ($1, 'old', 1)`, [id]);
        await tx.query(`INSERT INTO notes (id, note, n) VALUES ('gone', 'old', 1), ('gone,too', 'old', 1)`);
        const fold = new EffectFold([NOTES]);
        tricky.forEach((id, i) => fold.add(upsert('notes', { id, note: tricky[tricky.length - 1 - i], n: 2, ok: i % 2 === 0, big: 9007199254740993n, pair: [id, null, tricky[i + 1] ?? ''] })));
        fold.add(upsert('notes', { id: 'nulls', note: null, n: 2, ok: null, big: null, pair: null }));
        fold.add(remove('notes', { id: 'gone' }));
        fold.add(remove('notes', { id: 'gone,too' }));
        await fold.write(tx);
      });
      const { rows } = await db.pool.query(`SELECT id, note, n, ok, big, pair FROM rm_notes.notes`);
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.size).toBe(tricky.length + 1);
      // The first six were there with n = 1 (1 + 2 = 3); the others inserted with 2. The note is the list read backwards.
      tricky.forEach((id, i) =>
        expect(byId.get(id)).toEqual({ id, note: tricky[tricky.length - 1 - i], n: i < 6 ? 3 : 2, ok: i % 2 === 0, big: '9007199254740993', pair: [id, null, tricky[i + 1] ?? ''] }),
      );
      expect(byId.get('nulls')).toEqual({ id: 'nulls', note: null, n: 2, ok: null, big: null, pair: null });
    } finally {
      await db.drop();
    }
  });
});
