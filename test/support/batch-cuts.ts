import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../../libs/read-models/src/runner/projection';
import { createSchemas, inTransaction, useSchema } from '../../libs/read-models/src/runner/projection-runner';
import type { Pool } from 'pg';

/** A log cut into batches of these sizes, in order (the sizes must add up to the whole log). */
export function cutLog(log: readonly RecordedEvent[], sizes: readonly number[]): RecordedEvent[][] {
  const batches: RecordedEvent[][] = [];
  let i = 0;
  for (const n of sizes) batches.push(log.slice(i, (i += n)));
  if (i !== log.length) throw new Error(`batch sizes add up to ${i}, the log has ${log.length} events`);
  return batches;
}

/**
 * Applies the same log to a projection once per way of cutting it into batches, each into a schema
 * of its own (`${prefix}_${name}`), batch by batch in its own transaction as the runner does: a
 * projection whose rows depend on where the batches were cut shows it as a difference between schemas.
 */
export async function applyInEveryCut(pool: Pool, projection: Projection, prefix: string, cuts: Record<string, RecordedEvent[][]>): Promise<void> {
  for (const [name, batches] of Object.entries(cuts)) {
    const schema = `${prefix}_${name}`;
    await createSchemas(pool, [{ schema, projection }]);
    for (const batch of batches)
      await inTransaction(pool, async (tx) => {
        await useSchema(tx, schema);
        await projection.apply(tx, batch);
      });
  }
}
