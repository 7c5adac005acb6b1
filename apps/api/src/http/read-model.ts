import { ServiceUnavailableException } from '@nestjs/common';
import { invalid } from '@app/domain';
import { parsePosition, type Position } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { awaitPosition, freshness, ReadModelNotReady, ReadTimedOut, withReadModels, type Queryable } from '@app/read-models';

/** `?minPosition=<commit>/<prepare>` as given back by a command: read your own writes. */
export function minPositionOf(value: unknown): Position | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return parsePosition(String(value));
  } catch {
    throw invalid('INVALID_POSITION', 'minPosition is a position as commands return it: "<commit>/<prepare>"', { minPosition: value });
  }
}

/**
 * Runs a read-model query after waiting (at most 5 s) for `minPosition`, and says which position
 * the answer reflects and how far behind the store it is.
 */
export async function readModelAnswer<T>(
  runtime: Runtime,
  projections: string | readonly string[],
  minPosition: unknown,
  query: (db: Queryable) => Promise<T>,
): Promise<T & { readModel: Awaited<ReturnType<typeof freshness>> }> {
  const names = typeof projections === 'string' ? [projections] : projections;
  const projection = names[0]!;
  const wanted = minPositionOf(minPosition);
  if (wanted && runtime.store.kind === 'postgres') {
    // A position from a transaction that has not even started cannot be waited for: refuse at once.
    // Nor one whose event number the store has not handed out yet (the prepare part: es_events' identity).
    const { rows } = await runtime.db.pool.query<{ next: string; last: string | null }>(
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next, pg_sequence_last_value(pg_get_serial_sequence('es_events', 'global_position'))::text AS last`,
    );
    if (wanted.commit >= BigInt(rows[0]!.next) || wanted.prepare > BigInt(rows[0]!.last ?? 0)) throw invalid('POSITION_AHEAD', 'minPosition is beyond anything the store has written', { minPosition: String(minPosition) });
  }
  if (!(await awaitPosition(runtime.db.pool, projection, wanted))) {
    throw new ServiceUnavailableException({ code: 'READ_MODEL_BEHIND', message: `the ${projection} read model has not reached ${String(minPosition)} yet; try again shortly` });
  }
  let result: T;
  let at: Position;
  try {
    // The position is read in the answer's own snapshot: it is exactly the projector commit the figures reflect.
    ({ result, at } = await withReadModels(runtime.db.pool, names, async (db) => {
      const figures = await query(db);
      const { rows } = await db.query(`SELECT commit_pos::text AS c, prepare_pos::text AS p FROM projection_checkpoints WHERE name = $1`, [projection]);
      return { result: figures, at: { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) } };
    }, { statementTimeoutMs: runtime.config.readStatementTimeoutMs }));
  } catch (err) {
    if (err instanceof ReadModelNotReady || err instanceof ReadTimedOut) throw new ServiceUnavailableException({ code: err.code, message: err.message });
    throw err;
  }
  return { ...result, readModel: await freshness(runtime.db.pool, runtime.store, projection, at) };
}
