import type { PoolClient } from 'pg';
import { comparePositions, type RecordedEvent } from '@app/event-store';
import type { Projection } from './projection';

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
 * How a column of a row that exists already takes a value from an effect:
 * `set` the latest wins; `add` the values are summed; `min` / `max` the smallest / largest stays
 * (nulls ignored); `keep` the value the row was inserted with stays (keep-first).
 */
export type Combine = 'set' | 'add' | 'min' | 'max' | 'keep';

export interface ColumnShape {
  /** PostgreSQL type, e.g. `text`, `bigint`, `timestamptz`. */
  readonly type: string;
  /** Default `set` for non-key columns. */
  readonly combine?: Combine;
  /** What an inserted row holds when no effect gave the column (absent: NULL). */
  readonly default?: string | number | boolean;
  /** NOT NULL (key columns and columns with a default are anyway): an effect without it fails the batch. */
  readonly notNull?: boolean;
}

export interface TableShape {
  readonly name: string;
  /** The primary key's columns, in order (each also in `columns`). */
  readonly key: readonly string[];
  readonly columns: Readonly<Record<string, ColumnShape>>;
  /** Indexes and other statements run after the CREATE TABLE. */
  readonly extra?: readonly string[];
}

export type Row = Readonly<Record<string, unknown>>;

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
  readonly state?: (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<S>;
  readonly effects: (event: RecordedEvent, state: S) => readonly Effect[];
}

/** CREATE statements for declared tables. */
export function tableDdl(t: TableShape): string[] {
  const cols = Object.entries(t.columns).map(([name, c]) => {
    const notNull = t.key.includes(name) || c.default !== undefined || c.notNull ? ' NOT NULL' : '';
    const def = c.default === undefined ? '' : ` DEFAULT ${typeof c.default === 'string' ? `'${c.default.replace(/'/g, "''")}'` : String(c.default)}`;
    return `${name} ${c.type}${notNull}${def}`;
  });
  return [`CREATE TABLE ${t.name} (${[...cols, `PRIMARY KEY (${t.key.join(', ')})`].join(', ')})`, ...(t.extra ?? [])];
}

/**
 * What a batch does to one key, whatever was there before: `change` is what to combine into the
 * row if it exists (all the batch's effects composed), `insert` the row to create if it does not
 * (from the first upsert on; null when the batch only updates), `removed` that the batch deleted
 * it (then only `insert` counts).
 */
interface Pending {
  key: Row;
  change: Record<string, unknown>;
  insert: Record<string, unknown> | null;
  removed: boolean;
}

const keyOf = (t: TableShape, row: Row) =>
  t.key
    .map((k) => {
      const v = row[k];
      if (v === undefined || v === null) throw new Error(`${t.name}: an effect has no ${k} (part of the key)`);
      return String(v);
    })
    .join('\u0000');

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
  }
}

/** Numbers as numbers; ISO times and other text as text (ISO 8601 in UTC sorts as text). */
const compare = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/** The effects of a batch, folded per table and key in log order. */
export class EffectFold {
  private readonly tables = new Map<string, { shape: TableShape; rows: Map<string, Pending> }>();

  constructor(shapes: readonly TableShape[]) {
    for (const shape of shapes) this.tables.set(shape.name, { shape, rows: new Map() });
  }

  add(effect: Effect): void {
    const table = this.tables.get(effect.table);
    if (!table) throw new Error(`an effect names ${effect.table}, not a table of this projection`);
    const { shape, rows } = table;
    for (const column of Object.keys(effect.row)) if (!shape.columns[column]) throw new Error(`${shape.name} has no column ${column}`);
    const k = keyOf(shape, effect.row);
    let p = rows.get(k);
    if (!p) {
      p = { key: Object.fromEntries(shape.key.map((c) => [c, effect.row[c]])), change: {}, insert: null, removed: false };
      rows.set(k, p);
    }
    if (effect.kind === 'remove') {
      p.change = {};
      p.insert = null;
      p.removed = true;
      return;
    }
    if (effect.kind === 'insert') {
      p.insert ??= { ...effect.row };
      return;
    }
    const how = (c: string) => shape.columns[c]!.combine ?? 'set';
    for (const [c, v] of Object.entries(effect.row)) {
      if (v === undefined || shape.key.includes(c) || how(c) === 'keep') continue;
      p.change[c] = combine(how(c), p.change[c], v);
    }
    if (p.insert) for (const [c, v] of Object.entries(effect.row)) p.insert[c] = combine(how(c), p.insert[c], v);
    else if (effect.kind === 'upsert') p.insert = { ...effect.row };
  }

  /** Per table, the statements that write the fold: a DELETE if the batch removed rows, an UPDATE if it changed rows, an INSERT if it brought new ones. */
  async write(tx: PoolClient): Promise<void> {
    for (const { shape, rows } of this.tables.values()) {
      if (rows.size === 0) continue;
      const pending = [...rows.values()];
      const removed = pending.filter((p) => p.removed);
      if (removed.length) await deleteKeys(tx, shape, removed.map((p) => p.key));
      await mergeRows(tx, shape, pending);
    }
  }

  /** How many rows the fold will write, per table (for specs and logs). */
  rows(table: string): { key: Row; change: Row; insert: Row | null; removed: boolean }[] {
    return [...(this.tables.get(table)?.rows.values() ?? [])];
  }
}

/**
 * Array columns (`text[]`) travel as JSON (an array of arrays would be flattened by `unnest`) and
 * are turned back into arrays in SQL.
 */
const isArray = (shape: TableShape, c: string) => shape.columns[c]!.type.endsWith('[]');
const typed = (shape: TableShape, c: string) => (isArray(shape, c) ? 'jsonb[]' : `${shape.columns[c]!.type}[]`);
const wire = (shape: TableShape, c: string, value: unknown) => (isArray(shape, c) && value !== null && value !== undefined ? JSON.stringify(value) : value);
const read = (shape: TableShape, c: string, ref: string) =>
  isArray(shape, c) ? `CASE WHEN ${ref} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${ref}))::${shape.columns[c]!.type} END` : ref;
/** What an inserted row holds in a column no effect gave. */
const defaultOf = (shape: TableShape, c: string) => (shape.columns[c]!.default === undefined ? null : isArray(shape, c) ? [] : shape.columns[c]!.default);

async function deleteKeys(tx: PoolClient, shape: TableShape, keys: Row[]): Promise<void> {
  const arrays = shape.key.map((c, i) => `$${i + 1}::${typed(shape, c)}`).join(', ');
  await tx.query(
    `DELETE FROM ${shape.name} t USING unnest(${arrays}) AS v(${shape.key.join(', ')}) WHERE ${shape.key.map((c) => `t.${c} = v.${c}`).join(' AND ')}`,
    shape.key.map((c) => keys.map((k) => k[c])),
  );
}

/**
 * The rows there take each key's composed change (an UPDATE over the keys with one; a column the
 * batch did not give stays as it is), then the keys not there get their insert row (an INSERT that
 * skips the keys there). Keys removed in the batch are gone already, so they take the insert only.
 */
async function mergeRows(tx: PoolClient, shape: TableShape, pending: Pending[]): Promise<void> {
  const combineOf = (c: string) => shape.columns[c]!.combine ?? 'set';
  const changed = pending.filter((p) => !p.removed && Object.keys(p.change).length > 0);
  const changing = Object.keys(shape.columns).filter((c) => !shape.key.includes(c) && combineOf(c) !== 'keep' && changed.some((p) => c in p.change));
  if (changed.length && changing.length) {
    const { sql: source, params } = unnestOf(changed, [
      ...shape.key.map((c) => ({ name: c, type: typed(shape, c), value: (p: Pending) => p.key[c] })),
      ...changing.flatMap((c) => [
        { name: `ch_${c}`, type: typed(shape, c), value: (p: Pending) => wire(shape, c, p.change[c] ?? null) },
        // For `set`, whether the batch gave the column at all (null is a value).
        ...(combineOf(c) === 'set' ? [{ name: `has_${c}`, type: 'boolean[]', value: (p: Pending) => c in p.change }] : []),
      ]),
    ]);
    const set = changing.map((c) => {
      const v = read(shape, c, `v.ch_${c}`);
      switch (combineOf(c)) {
        case 'add':
          return `${c} = t.${c} + COALESCE(${v}, 0)`;
        case 'min':
          return `${c} = LEAST(t.${c}, ${v})`;
        case 'max':
          return `${c} = GREATEST(t.${c}, ${v})`;
        default:
          return `${c} = CASE WHEN v.has_${c} THEN ${v} ELSE t.${c} END`;
      }
    });
    await tx.query(`UPDATE ${shape.name} t SET ${set.join(', ')} FROM ${source} WHERE ${shape.key.map((c) => `t.${c} = v.${c}`).join(' AND ')}`, params);
  }
  const inserted = pending.filter((p) => p.insert);
  if (inserted.length) {
    const columns = Object.keys(shape.columns);
    const { sql: source, params } = unnestOf(
      inserted,
      columns.map((c) => ({ name: c, type: typed(shape, c), value: (p: Pending) => wire(shape, c, p.insert![c] ?? defaultOf(shape, c)) })),
    );
    await tx.query(`INSERT INTO ${shape.name} (${columns.join(', ')}) SELECT ${columns.map((c) => read(shape, c, `v.${c}`)).join(', ')} FROM ${source} ON CONFLICT (${shape.key.join(', ')}) DO NOTHING`, params);
  }
}

/** `unnest($1::type[], …) AS v(names)`: each column one array parameter. */
function unnestOf(rows: Pending[], columns: { name: string; type: string; value: (p: Pending) => unknown }[]) {
  return {
    sql: `unnest(${columns.map((c, i) => `$${i + 1}::${c.type}`).join(', ')}) AS v(${columns.map((c) => c.name).join(', ')})`,
    params: columns.map((c) => rows.map(c.value)),
  };
}

/**
 * The position this projection's tables reflect, from the runner's checkpoint for the schema the
 * transaction writes into (none for a scratch build, which is applied once from the start).
 */
async function appliedThrough(tx: PoolClient) {
  const { rows } = await tx.query<{ commit_pos: string; prepare_pos: string }>(
    `SELECT commit_pos::text AS commit_pos, prepare_pos::text AS prepare_pos FROM projection_checkpoints WHERE schema_name = current_schema()`,
  );
  const r = rows[0];
  return r ? { commit: BigInt(r.commit_pos), prepare: BigInt(r.prepare_pos) } : null;
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
    definition: p,
    async apply(tx, events) {
      const through = await appliedThrough(tx);
      const fresh = through ? events.filter((e) => comparePositions(e.position, through) > 0) : events;
      if (fresh.length === 0) return;
      const state = p.state ? await p.state(tx, fresh) : (undefined as S);
      await foldEffects(p, fresh, state).write(tx);
    },
  };
}
