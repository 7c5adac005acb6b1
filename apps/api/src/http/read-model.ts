import { ServiceUnavailableException } from '@nestjs/common';
import { invalid } from '@app/domain';
import { comparePositions, parsePosition, type Position } from '@app/event-store';
import type { Runtime } from '@app/platform';
import { awaitPosition, freshnessOfMany, ReadModelNotReady, ReadTimedOut, withReadModels, type Queryable, type ReadModelFreshness } from '@app/read-models';

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
 * What an answer says of its freshness. Read from one projection: its position and lag. Read from
 * several: the one furthest behind (the answer reflects at least that much of the log; the first
 * named wins a tie), and `projections` with each one's own position and lag, in the order read.
 */
export type AnswerFreshness = ReadModelFreshness & { projections?: ReadModelFreshness[] };

/**
 * `?minPosition=` honoured: refused when malformed (400 `INVALID_POSITION`) or beyond anything the store has
 * written (400 `POSITION_AHEAD`), then waited for (at most 5 s) in every projection named, 503 `READ_MODEL_BEHIND`
 * past that. With no projection named (an answer replayed from the log up to its head) it is only checked.
 * Returns the position asked for, if any.
 */
export async function awaitReadModels(runtime: Runtime, projections: string | readonly string[], minPosition: unknown): Promise<Position | undefined> {
  const names = typeof projections === 'string' ? [projections] : projections;
  const wanted = minPositionOf(minPosition);
  if (wanted && runtime.store.kind === 'postgres') {
    // A position from a transaction that has not even started cannot be waited for: refuse at once.
    // Nor one whose event number the store has not handed out yet (the prepare part: es_events' identity).
    const { rows } = await runtime.db.pool.query<{ next: string; last: string | null }>(
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next, pg_sequence_last_value(pg_get_serial_sequence('es_events', 'global_position'))::text AS last`,
    );
    if (wanted.commit >= BigInt(rows[0]!.next) || wanted.prepare > BigInt(rows[0]!.last ?? 0)) throw invalid('POSITION_AHEAD', 'minPosition is beyond anything the store has written', { minPosition: String(minPosition) });
  }
  // Read your own writes in every projection the answer reads, not only the first.
  const reached = await Promise.all(names.map((projection) => awaitPosition(runtime.db.pool, projection, wanted)));
  const behind = names.find((_, i) => !reached[i]);
  if (behind) throw readModelBehind(behind, minPosition);
  return wanted;
}

/** 503 `READ_MODEL_BEHIND`: what is read has not reached the position asked for yet. */
export const readModelBehind = (what: string, minPosition: unknown) =>
  new ServiceUnavailableException({ code: 'READ_MODEL_BEHIND', message: `the ${what} read model has not reached ${String(minPosition)} yet; try again shortly` });

/**
 * Runs a read-model query after waiting (at most 5 s) for `minPosition` in every projection it
 * reads, and says which position the answer reflects and how far behind the store it is.
 */
export async function readModelAnswer<T>(
  runtime: Runtime,
  projections: string | readonly string[],
  minPosition: unknown,
  query: (db: Queryable) => Promise<T>,
): Promise<T & { readModel: AnswerFreshness }> {
  const names = typeof projections === 'string' ? [projections] : projections;
  await awaitReadModels(runtime, names, minPosition);
  let result: T;
  let at: { projection: string; position: Position }[];
  try {
    // The positions are read in the answer's own snapshot: exactly the projector commits the figures reflect.
    ({ result, at } = await withReadModels(runtime.db.pool, names, async (db) => {
      const figures = await query(db);
      const { rows } = await db.query(`SELECT name, commit_pos::text AS c, prepare_pos::text AS p FROM projection_checkpoints WHERE name = ANY($1::text[])`, [names]);
      const position = (name: string) => {
        const r = rows.find((x) => x.name === name)!;
        return { commit: BigInt(r.c), prepare: BigInt(r.p) };
      };
      return { result: figures, at: names.map((projection) => ({ projection, position: position(projection) })) };
    }, { statementTimeoutMs: runtime.config.readStatementTimeoutMs }));
  } catch (err) {
    if (err instanceof ReadModelNotReady || err instanceof ReadTimedOut) throw new ServiceUnavailableException({ code: err.code, message: err.message });
    throw err;
  }
  const each = await freshnessOfMany(runtime.db.pool, runtime.store, at);
  let low = 0;
  for (let i = 1; i < at.length; i++) if (comparePositions(at[i]!.position, at[low]!.position) < 0) low = i;
  return { ...result, readModel: names.length > 1 ? { ...each[low]!, projections: each } : each[low]! };
}
