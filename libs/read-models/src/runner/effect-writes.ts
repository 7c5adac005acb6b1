import type { PoolClient } from 'pg';
import type { TableShape, Row } from './table-shape';

/** How the runner writes folded effects: the SQL the projections given as data never see. */

/** CREATE statements for declared tables. */
export function tableDdl(t: TableShape): string[] {
  const cols = Object.entries(t.columns).map(([name, c]) => {
    const notNull = t.key.includes(name) || c.default !== undefined || c.notNull ? ' NOT NULL' : '';
    const def = c.default === undefined ? '' : ` DEFAULT ${typeof c.default === 'string' ? `'${c.default.replace(/'/g, "''")}'` : String(c.default)}`;
    return `${name} ${c.type}${notNull}${def}`;
  });
  const unplanned = Object.entries(t.columns).filter(([, c]) => c.statistics === false).map(([name]) => `ALTER COLUMN ${name} SET STATISTICS 0`);
  return [
    `CREATE TABLE ${t.name} (${[...cols, `PRIMARY KEY (${t.key.join(', ')})`].join(', ')})`,
    ...(unplanned.length ? [`ALTER TABLE ${t.name} ${unplanned.join(', ')}`] : []),
    ...(t.extra ?? []),
  ];
}

/**
 * What a batch does to one key, whatever was there before: `change` is what to combine into the
 * row if it exists (all the batch's effects composed), `insert` the row to create if it does not
 * (from the first upsert on; null when the batch only updates), `removed` that the batch deleted
 * it (then only `insert` counts).
 */
export interface Pending {
  key: Row;
  change: Record<string, unknown>;
  insert: Record<string, unknown> | null;
  removed: boolean;
}

/**
 * Array columns (`text[]`) travel as the text of an array literal (an array of arrays would be
 * flattened by `unnest`) and are cast back in SQL: a cast per value, not a subquery per value.
 */
const isArray = (shape: TableShape, c: string) => shape.columns[c]!.type.endsWith('[]');
const typed = (shape: TableShape, c: string) => (isArray(shape, c) ? 'text[]' : `${shape.columns[c]!.type}[]`);
/** An element Postgres reads as itself without quotes: not empty, not NULL, none of `{},"\` nor white space. */
const PLAIN = /^[^\s{},"\\]+$/;
const NULL_WORD = /^null$/i;
/** One value's text in an array literal, quoted (its quotes and backslashes escaped) only where the array syntax would misread it. */
const element = (x: unknown): string => {
  if (x === null || x === undefined) return 'NULL';
  const text = String(x);
  return PLAIN.test(text) && !NULL_WORD.test(text) ? text : `"${text.replace(/[\\"]/g, '\\$&')}"`;
};
const wire = (shape: TableShape, c: string, value: unknown) => (isArray(shape, c) && Array.isArray(value) ? `{${value.map(element).join(',')}}` : value);
const read = (shape: TableShape, c: string, ref: string) => (isArray(shape, c) ? `${ref}::${shape.columns[c]!.type}` : ref);
/** What an inserted row holds in a column no effect gave. */
const defaultOf = (shape: TableShape, c: string) => (shape.columns[c]!.default === undefined ? null : isArray(shape, c) ? [] : shape.columns[c]!.default);

/**
 * Runs an UPDATE or DELETE that joins the batch's keys (an `unnest`) to the table as a nested loop:
 * each key looked up in the primary key. A batch names a few thousand keys at most, but on a table
 * that has just been filled (no statistics yet: a rebuild) the planner takes a hash join over a scan
 * of the whole table, a cost that grows with the table on every batch, quadratic over a rebuild
 * (seen: 18 to 47 ms per statement at 100k events to change one row of customer_directory).
 */
async function byKey(tx: PoolClient, sql: string, params: unknown[]): Promise<void> {
  await tx.query(`SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`);
  await tx.query(sql, params);
  // Not in a `finally`: a failed statement aborts the transaction (the settings go with it), and a
  // RESET then would fail too and hide the error the runner decides on (transient or not).
  await tx.query(`RESET enable_hashjoin; RESET enable_mergejoin`);
}

export async function deleteKeys(tx: PoolClient, shape: TableShape, keys: Row[]): Promise<void> {
  const arrays = shape.key.map((c, i) => `$${i + 1}::${typed(shape, c)}`).join(', ');
  await byKey(
    tx,
    `DELETE FROM ${shape.name} t USING unnest(${arrays}) AS v(${shape.key.join(', ')}) WHERE ${shape.key.map((c) => `t.${c} = v.${c}`).join(' AND ')}`,
    shape.key.map((c) => arrayLiteral(keys.map((k) => k[c]))),
  );
}

/**
 * The rows there take each key's composed change (an UPDATE over the keys with one; a column the
 * batch did not give stays as it is), then the keys not there get their insert row (an INSERT that
 * skips the keys there). Keys removed in the batch are gone already, so they take the insert only.
 */
export async function mergeRows(tx: PoolClient, shape: TableShape, pending: Pending[]): Promise<void> {
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
        case 'union':
          return `${c} = ${unionSql(`t.${c}`, `(${v})`)}`;
        default:
          return `${c} = CASE WHEN v.has_${c} THEN ${v} ELSE t.${c} END`;
      }
    });
    await byKey(tx, `UPDATE ${shape.name} t SET ${set.join(', ')} FROM ${source} WHERE ${shape.key.map((c) => `t.${c} = v.${c}`).join(' AND ')}`, params);
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

/**
 * A `union` column's new value: the set there (`current`, kept sorted by code point and each
 * element once by every write of it) with the elements given, sorted by code point ("C"), as
 * `sortedUnion` sorts the batch's own lists, whatever the database's collation. One element (a
 * launch's enrolment) that is there already, past the last or before the first is one array
 * operation; only an element that goes between two, or several given, take the subquery that
 * sorts (the subquery was 7–17% of a launch's directory UPDATE, README).
 */
function unionSql(current: string, given: string): string {
  const one = `cardinality(${given}) = 1`;
  return (
    `CASE WHEN ${given} IS NULL OR ${given} <@ ${current} THEN ${current}` +
    ` WHEN ${one} AND (cardinality(${current}) = 0 OR ${current}[cardinality(${current})] COLLATE "C" < ${given}[1]) THEN ${current} || ${given}` +
    ` WHEN ${one} AND ${given}[1] COLLATE "C" < ${current}[1] THEN ${given} || ${current}` +
    ` ELSE ARRAY(SELECT DISTINCT x COLLATE "C" FROM unnest(${current} || ${given}) AS x ORDER BY 1) END`
  );
}

/** `unnest($1::type[], …) AS v(names)`: each column one array parameter. */
function unnestOf(rows: Pending[], columns: { name: string; type: string; value: (p: Pending) => unknown }[]) {
  return {
    sql: `unnest(${columns.map((c, i) => `$${i + 1}::${c.type}`).join(', ')}) AS v(${columns.map((c) => c.name).join(', ')})`,
    params: columns.map((c) => arrayLiteral(rows.map(c.value))),
  };
}

/**
 * A column's values as the text of an array literal, which is what the driver sends for an array
 * parameter too; built here with one `join`, where the driver appends element by element (a string
 * for each comma, quote and element, kept until the statement is sent: a third of what a rebuild
 * allocates). An array holding an object (a Date, which the driver formats) is left to the driver.
 */
export function arrayLiteral(values: readonly unknown[]): string | readonly unknown[] {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'object' && v !== null) return values;
    parts[i] = element(v);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The position this projection's tables reflect, from the runner's checkpoint for the schema the
 * transaction writes into (none for a scratch build, which is applied once from the start).
 *
 * The checkpoint row is locked until the transaction ends: a second writer of the same schema (a
 * projector that lost its lock but still commits) waits here for the first to commit, then reads
 * the checkpoint that transaction moved and skips what it applied. Read without the lock, both would
 * see the old checkpoint and add the batch twice.
 */
export async function appliedThrough(tx: PoolClient) {
  const { rows } = await tx.query<{ commit_pos: string; prepare_pos: string }>(
    `SELECT commit_pos::text AS commit_pos, prepare_pos::text AS prepare_pos FROM projection_checkpoints WHERE schema_name = current_schema() FOR UPDATE`,
  );
  const r = rows[0];
  return r ? { commit: BigInt(r.commit_pos), prepare: BigInt(r.prepare_pos) } : null;
}

