import type { Pool } from 'pg';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../../libs/read-models/src/runner/projection';
import { useSchema } from '../../libs/read-models/src/runner/projection-runner';
import { readCheckpoints } from '../../libs/read-models/src/runner/read-model-position';

/**
 * Applies `events` again to each projection's live tables, in one transaction, as one more batch: the
 * way to check that applying a batch twice changes nothing. A projection given as data skips what its
 * checkpoint says it applied (a guard of its own, tested apart), so the checkpoint is set back to the
 * start for the apply and put back after it: the effects and their counter triggers really run again.
 */
export async function applyAgain(pool: Pool, projections: readonly Projection[], events: readonly RecordedEvent[]): Promise<void> {
  const schemas = new Map((await readCheckpoints(pool)).map((c) => [c.name, c.schema]));
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    for (const p of projections) {
      const schema = schemas.get(p.name);
      if (!schema) throw new Error(`${p.name} has no checkpoint: project it first`);
      const { rows } = await tx.query(`SELECT commit_pos::text AS commit, prepare_pos::text AS prepare FROM projection_checkpoints WHERE schema_name = $1`, [schema]);
      if (rows.length !== 1) throw new Error(`${p.name}: no checkpoint row for schema ${schema}`);
      await tx.query(`UPDATE projection_checkpoints SET commit_pos = '0', prepare_pos = 0 WHERE schema_name = $1`, [schema]);
      await useSchema(tx, schema);
      await p.apply(tx, events.filter((e) => p.eventTypes.includes(e.type)));
      await tx.query(`UPDATE projection_checkpoints SET commit_pos = $2::xid8, prepare_pos = $3 WHERE schema_name = $1`, [schema, rows[0].commit, rows[0].prepare]);
      const back = await tx.query(`SELECT commit_pos::text AS commit, prepare_pos::text AS prepare FROM projection_checkpoints WHERE schema_name = $1`, [schema]);
      if (back.rows[0].commit !== rows[0].commit || back.rows[0].prepare !== rows[0].prepare) throw new Error(`${p.name}: the checkpoint was not put back`);
    }
    await tx.query('COMMIT');
  } catch (err) {
    await tx.query('ROLLBACK');
    throw err;
  } finally {
    tx.release();
  }
}
