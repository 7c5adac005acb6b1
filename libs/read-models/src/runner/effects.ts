import type { PoolClient } from 'pg';
import { comparePositions, type RecordedEvent } from '@app/event-store';
import type { Projection } from './projection';
import { appliedThrough, deleteKeys, mergeRows, tableDdl, type Pending } from './effect-writes';
import type { Combine, TableShape, Row } from './table-shape';

export { tableDdl };
export type { Combine, ColumnShape, TableShape, Row } from './table-shape';

/**
 * Projections as data: a projection declares its tables (key, columns, how each column takes a
 * new value) and says, with a pure function, what one event does to their rows. The runner folds a
 * batch's effects in memory per table and key and writes each table with set-based statements
 * (`unnest` arrays: one INSERT, and one UPDATE when the batch changes rows already there), in the
 * transaction that also moves the checkpoint.
 *
 * Emmett's Pongo projections evolve one document per event (read it, evolve, write it back); its
 * raw-SQL projections hand back SQL per event. Here the projection never sees SQL or a connection,
 * and rows from many events meet in memory first, so a batch of 2,000 events costs a statement per
 * table, not a statement per event.
 */


/**
 * What an event does to a row:
 * `insert` inserts it if it is not there (and changes nothing if it is);
 * `upsert` inserts it, or combines the given columns into the row there;
 * `update` combines the given columns into the row only if it is there (an event about a subject
 * the read model never saw changes nothing);
 * `remove` deletes it.
 */
export type Effect =
  | { readonly kind: 'insert'; readonly table: string; readonly row: Row }
  | { readonly kind: 'upsert'; readonly table: string; readonly row: Row }
  | { readonly kind: 'update'; readonly table: string; readonly row: Row }
  | { readonly kind: 'remove'; readonly table: string; readonly row: Row };

export const insert = (table: string, row: Row): Effect => ({ kind: 'insert', table, row });
export const upsert = (table: string, row: Row): Effect => ({ kind: 'upsert', table, row });
export const update = (table: string, row: Row): Effect => ({ kind: 'update', table, row });
export const remove = (table: string, key: Row): Effect => ({ kind: 'remove', table, row: key });

/**
 * A projection as data. `effects` is pure: the same event (and state) gives the same effects, so
 * a given/when/then spec checks it without a database.
 *
 * When an event's effect depends on what the read model holds (which unit a customer is in now),
 * `state` reads it once per batch (one query for every subject of the batch) and `effects` gets it
 * as an argument; `effects` may record in that state what it decided, so later events of the
 * same batch see it (it is the in-memory picture of the rows the batch writes).
 */
export interface EffectProjection<S = undefined> {
  readonly name: string;
  readonly version: number;
  readonly eventTypes: readonly string[];
  readonly tables: readonly TableShape[];
  /** See `Projection.dependsOnTimeZone`. */
  readonly dependsOnTimeZone?: boolean;
  readonly state?: (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<S>;
  readonly effects: (event: RecordedEvent, state: S) => readonly Effect[];
}

/** A key's text: its columns' values joined (one column: its value as is). */
const keyOf = (t: TableShape, row: Row) => {
  if (t.key.length === 1) return keyPart(t, row, t.key[0]!);
  let k = '';
  for (let i = 0; i < t.key.length; i++) k += (i ? '\u0000' : '') + keyPart(t, row, t.key[i]!);
  return k;
};
const keyPart = (t: TableShape, row: Row, column: string) => {
  const v = row[column];
  if (v === undefined || v === null) throw new Error(`${t.name}: an effect has no ${column} (part of the key)`);
  return String(v);
};

/** One column's value after combining `next` into `current` (either may be absent). */
function combine(how: Combine, current: unknown, next: unknown): unknown {
  if (current === undefined) return next;
  if (next === undefined) return current;
  switch (how) {
    case 'set':
      return next;
    case 'keep':
      return current;
    case 'add':
      return Number(current) + Number(next);
    case 'min':
      return next === null ? current : current === null ? next : compare(next, current) < 0 ? next : current;
    case 'max':
      return next === null ? current : current === null ? next : compare(next, current) > 0 ? next : current;
    case 'union':
      return sortedUnion(current as readonly string[] | null, next as readonly string[] | null);
  }
}

/** The elements of both lists, each once, sorted by code point (as the database's "C" order sorts them). */
export function sortedUnion(a: readonly string[] | null, b: readonly string[] | null): string[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])].sort(byCodePoint);
}
const byCodePoint = (x: string, y: string) => {
  // UTF-16 order (the default sort) is code point order except for characters past U+FFFF against U+E000–U+FFFF.
  const a = [...x].map((c) => c.codePointAt(0)!);
  const b = [...y].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

/** Numbers as numbers; ISO times and other text as text (ISO 8601 in UTC sorts as text). */
const compare = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/**
 * Wall time per projection and phase (reading its state, folding effects, writing each table),
 * summed over batches, when a bench turns it on; off, nothing is measured.
 */
export const effectTimings = { enabled: false, ms: new Map<string, number>() };
export async function timed<T>(key: string, f: () => Promise<T>): Promise<T> {
  if (!effectTimings.enabled) return f();
  const started = performance.now();
  try {
    return await f();
  } finally {
    effectTimings.ms.set(key, (effectTimings.ms.get(key) ?? 0) + performance.now() - started);
  }
}

/** `tx` whose queries are each timed as a phase of their own (`prefix` and the statement's start), when timings are on. */
export function timedQueries(tx: PoolClient, prefix: string): PoolClient {
  if (!effectTimings.enabled) return tx;
  const query = (sql: string | { text: string }, params?: unknown[]) =>
    timed(`${prefix} ${(typeof sql === 'string' ? sql : sql.text).replace(/\s+/g, ' ').slice(0, 90)}`, () => tx.query(sql as string, params));
  return new Proxy(tx, { get: (target, key) => (key === 'query' ? query : Reflect.get(target, key)) });
}

/** A table of a fold: its rows by key, and how each column combines (looked up once, not per effect). */
interface FoldTable {
  readonly shape: TableShape;
  readonly rows: Map<string, Pending>;
  /** Every column's combine (`set` when not declared). */
  readonly how: ReadonlyMap<string, Combine>;
  readonly isKey: ReadonlySet<string>;
}

/** The effects of a batch, folded per table and key in log order. */
export class EffectFold {
  private readonly tables = new Map<string, FoldTable>();

  constructor(shapes: readonly TableShape[]) {
    for (const shape of shapes)
      this.tables.set(shape.name, {
        shape,
        rows: new Map(),
        how: new Map(Object.entries(shape.columns).map(([c, col]) => [c, col.combine ?? 'set'])),
        isKey: new Set(shape.key),
      });
  }

  add(effect: Effect): void {
    const table = this.tables.get(effect.table);
    if (!table) throw new Error(`an effect names ${effect.table}, not a table of this projection`);
    const { shape, rows, how, isKey } = table;
    const row = effect.row;
    for (const column in row) if (!how.has(column)) throw new Error(`${shape.name} has no column ${column}`);
    const k = keyOf(shape, row);
    let p = rows.get(k);
    if (!p) {
      const key: Record<string, unknown> = {};
      for (const c of shape.key) key[c] = row[c];
      p = { key, change: {}, insert: null, removed: false };
      rows.set(k, p);
    }
    if (effect.kind === 'remove') {
      p.change = {};
      p.insert = null;
      p.removed = true;
      return;
    }
    if (effect.kind === 'insert') {
      p.insert ??= { ...row };
      return;
    }
    const change = p.change;
    for (const c in row) {
      const v = row[c];
      const h = how.get(c)!;
      if (v === undefined || h === 'keep' || isKey.has(c)) continue;
      change[c] = combine(h, change[c], v);
    }
    const insert = p.insert;
    if (insert) for (const c in row) insert[c] = combine(how.get(c)!, insert[c], row[c]);
    else if (effect.kind === 'upsert') p.insert = { ...row };
  }

  /** Per table, the statements that write the fold: a DELETE if the batch removed rows, an UPDATE if it changed rows, an INSERT if it brought new ones. */
  async write(tx: PoolClient, timingPrefix = ''): Promise<void> {
    for (const { shape, rows } of this.tables.values()) {
      if (rows.size === 0) continue;
      const pending = [...rows.values()];
      await timed(`${timingPrefix}write ${shape.name}`, async () => {
        const q = timedQueries(tx, `${timingPrefix}write ${shape.name}:`);
        const removed = pending.filter((p) => p.removed);
        if (removed.length) await deleteKeys(q, shape, removed.map((p) => p.key));
        await mergeRows(q, shape, pending);
      });
    }
  }

  /** How many rows the fold will write, per table (for specs and logs). */
  rows(table: string): { key: Row; change: Row; insert: Row | null; removed: boolean }[] {
    return [...(this.tables.get(table)?.rows.values() ?? [])];
  }
}

/** The effects of a batch in log order, folded (the pure part: no database). */
export function foldEffects<S>(p: EffectProjection<S>, events: readonly RecordedEvent[], state: S): EffectFold {
  const fold = new EffectFold(p.tables);
  for (const e of events) for (const effect of p.effects(e, state)) fold.add(effect);
  return fold;
}

/**
 * The runner's `Projection` for a projection given as data: its tables from the shapes, and an
 * `apply` that folds the batch and writes one statement per table. Adding is not idempotent by
 * itself, so `apply` skips the events at or before the checkpoint its schema is at: a batch
 * applied twice (the second time after its checkpoint committed) changes nothing.
 */
export function effectProjection<S>(p: EffectProjection<S>): Projection & { readonly definition: EffectProjection<S> } {
  return {
    name: p.name,
    version: p.version,
    eventTypes: p.eventTypes,
    tables: p.tables.flatMap(tableDdl),
    ...(p.dependsOnTimeZone ? { dependsOnTimeZone: true } : {}),
    definition: p,
    async apply(tx, events) {
      const through = await timed(`${p.name}: checkpoint`, () => appliedThrough(tx));
      const fresh = through ? events.filter((e) => comparePositions(e.position, through) > 0) : events;
      if (fresh.length === 0) return;
      const state = p.state ? await timed(`${p.name}: state`, () => p.state!(tx, fresh)) : (undefined as S);
      const fold = await timed(`${p.name}: effects`, async () => foldEffects(p, fresh, state));
      await fold.write(tx, `${p.name}: `);
    },
  };
}
