import { EffectFold, insert, remove, update, upsert, type TableShape } from './effects';

/** A counter table with one column of each way to combine. */
const COUNTS: TableShape = {
  name: 'counts',
  key: ['unit_id', 'month'],
  columns: {
    unit_id: { type: 'text' },
    month: { type: 'text' },
    sales: { type: 'integer', combine: 'add', default: 0 },
    first_at: { type: 'timestamptz', combine: 'min' },
    last_at: { type: 'timestamptz', combine: 'max' },
    manager: { type: 'text' },
    opened_by: { type: 'text', combine: 'keep' },
  },
};
const fold = (...effects: ReturnType<typeof upsert>[]) => {
  const f = new EffectFold([COUNTS]);
  for (const e of effects) f.add(e);
  return f.rows('counts');
};

describe('folding a batch of effects per table and key', () => {
  it('given three sales of one unit and month in a batch, sums them, keeps the earliest and latest times, the last manager and the first opener', () => {
    const rows = fold(
      upsert('counts', { unit_id: 'SB1', month: '2026-03', sales: 2, first_at: '2026-03-02T01:00:00.000Z', last_at: '2026-03-02T01:00:00.000Z', manager: 'rm1', opened_by: 'a' }),
      upsert('counts', { unit_id: 'SB1', month: '2026-03', sales: 1, first_at: '2026-03-01T16:30:00.000Z', last_at: '2026-03-01T16:30:00.000Z', manager: 'rm2', opened_by: 'b' }),
      upsert('counts', { unit_id: 'SB1', month: '2026-03', sales: 4, first_at: '2026-03-31T15:30:00.000Z', last_at: '2026-03-31T15:30:00.000Z', manager: null, opened_by: 'c' }),
    );
    // 2 + 1 + 4 = 7; earliest 1 Mar 16:30Z (2 Mar 00:30 Beijing), latest 31 Mar 15:30Z (23:30 Beijing); manager set to null last; opener a.
    expect(rows).toEqual([
      {
        key: { unit_id: 'SB1', month: '2026-03' },
        change: { sales: 7, first_at: '2026-03-01T16:30:00.000Z', last_at: '2026-03-31T15:30:00.000Z', manager: null },
        insert: { unit_id: 'SB1', month: '2026-03', sales: 7, first_at: '2026-03-01T16:30:00.000Z', last_at: '2026-03-31T15:30:00.000Z', manager: null, opened_by: 'a' },
        removed: false,
      },
    ]);
  });

  it('given an update before the first upsert, inserts only what the upsert brings but changes an existing row by both', () => {
    const rows = fold(update('counts', { unit_id: 'SB1', month: '2026-04', sales: 5 }), upsert('counts', { unit_id: 'SB1', month: '2026-04', sales: 1, opened_by: 'x' }));
    // A row already there gets 5 + 1 = 6; a new row starts at the upsert's 1 (the update found nothing to change).
    expect(rows[0]).toMatchObject({ change: { sales: 6 }, insert: { sales: 1, opened_by: 'x' } });
  });

  it('given only updates, inserts nothing', () => {
    expect(fold(update('counts', { unit_id: 'SB2', month: '2026-04', manager: 'rm9' }))[0]).toMatchObject({ change: { manager: 'rm9' }, insert: null });
  });

  it('given a removal, forgets what came before it and inserts what comes after', () => {
    const rows = fold(
      upsert('counts', { unit_id: 'SB1', month: '2026-05', sales: 3 }),
      remove('counts', { unit_id: 'SB1', month: '2026-05' }),
      upsert('counts', { unit_id: 'SB1', month: '2026-05', sales: 2 }),
    );
    expect(rows[0]).toMatchObject({ removed: true, insert: { sales: 2 } });
  });

  it('keeps keys apart, and refuses a table or column it does not know, or a key left out', () => {
    expect(fold(upsert('counts', { unit_id: 'SB1', month: '2026-03', sales: 1 }), upsert('counts', { unit_id: 'SB1', month: '2026-04', sales: 1 })).length).toBe(2);
    expect(() => fold(upsert('other', { unit_id: 'SB1', month: '2026-03' }))).toThrow(/not a table of this projection/);
    expect(() => fold(upsert('counts', { unit_id: 'SB1', month: '2026-03', salez: 1 }))).toThrow(/no column salez/);
    expect(() => fold(upsert('counts', { unit_id: 'SB1', sales: 1 }))).toThrow(/no month/);
  });
});

describe('an insert effect', () => {
  it('given a row inserted, then inserted again with other values, then updated, keeps the first insert with the update on it', () => {
    const f = new EffectFold([COUNTS]);
    f.add(insert('counts', { unit_id: 'SB1', month: '2026-03', manager: 'rm1', sales: 1 }));
    f.add(insert('counts', { unit_id: 'SB1', month: '2026-03', manager: 'rm2', sales: 5 }));
    f.add(update('counts', { unit_id: 'SB1', month: '2026-03', manager: 'rm3' }));
    // A row already there only takes the update; a new one is the first insert (sales 1, not 5) with manager rm3.
    expect(f.rows('counts')[0]).toMatchObject({ change: { manager: 'rm3' }, insert: { sales: 1, manager: 'rm3' } });
  });
});
