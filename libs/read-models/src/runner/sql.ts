import type { PoolClient } from 'pg';

/**
 * One multi-row insert for any number of rows: each column travels as one array parameter
 * (`unnest`), so the statement has as many parameters as columns, far under the 65,535 limit.
 */
export async function insertMany(
  tx: PoolClient,
  table: string,
  columns: readonly (readonly [name: string, pgType: string])[],
  rows: readonly (readonly unknown[])[],
  onConflict: string,
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([n]) => n).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  await tx.query(
    `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays}) ${onConflict}`,
    columns.map((_, i) => rows.map((r) => r[i] ?? null)),
  );
}

/**
 * A batch's state reads, each by a subject array of up to a batch's size (`customer_id = ANY($1)`),
 * planned generically: a custom plan estimates every element of a 10,000-id array against the
 * column's statistics (tens of ms of planning per read), where the generic plan (one index scan by
 * the key) needs none of it. Unnamed statements: a named one per text (and per schema, as builds
 * differ) would stay prepared on every pooled connection for good, a scratch build's with its
 * dropped tables. Only for reads by subject arrays: a read whose plan needs its values (a campaign
 * id picking a few rows out of every campaign's) must run outside. The setting holds for these
 * reads only, not for the writes after them.
 */
export async function withGenericPlans<T>(tx: PoolClient, f: (read: PoolClient['query']) => Promise<T>): Promise<T> {
  await tx.query(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`);
  const result = await f(tx.query.bind(tx) as PoolClient['query']);
  // Not in a `finally`: a failed read aborts the transaction (the setting goes with it).
  await tx.query(`SELECT set_config('plan_cache_mode', 'auto', true)`);
  return result;
}
