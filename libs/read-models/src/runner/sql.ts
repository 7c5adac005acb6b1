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

const statementNames = new Map<string, string>();

/**
 * A batch's state reads, each by a subject array of up to a batch's size (`customer_id = ANY($1)`),
 * planned once per connection instead of once per batch: a custom plan estimates every element of
 * a 10,000-id array against the column's statistics (40–120 ms of planning per read), where the
 * generic plan of the named statement (one index scan by the key) serves every batch. A statement
 * is named per schema (its text read against another build's tables is another statement), and the
 * setting holds for these reads only, not for the writes after them.
 */
export async function withGenericPlans<T>(tx: PoolClient, f: (read: PoolClient['query']) => Promise<T>): Promise<T> {
  const { rows } = await tx.query<{ schema: string }>(`SELECT set_config('plan_cache_mode', 'force_generic_plan', true), current_schema() AS schema`);
  const schema = rows[0]!.schema;
  const read = ((text: string, values?: unknown[]) => {
    const key = `${schema}\u0000${text}`;
    let name = statementNames.get(key);
    if (!name) statementNames.set(key, (name = `state_read_${statementNames.size + 1}`));
    return tx.query({ name, text, values });
  }) as PoolClient['query'];
  const result = await f(read);
  // Not in a `finally`: a failed read aborts the transaction (the setting goes with it).
  await tx.query(`RESET plan_cache_mode`);
  return result;
}
