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
