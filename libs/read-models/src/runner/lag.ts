import type { Pool } from 'pg';
import { START, comparePositions, formatPosition, type EventStore, type Position } from '@app/event-store';
import { readCheckpoints, waitForProjection } from './read-model-position';

export interface ReadModelFreshness {
  readonly projection: string;
  /** The global position the figures reflect. */
  readonly position: string;
  readonly lag: { readonly events: number | null; readonly seconds: number };
}

/**
 * Beyond this many unapplied events the count is not made row by row (every read answer states its
 * freshness, and a count over a million-event backlog after a large launch took seconds): the
 * difference of global positions stands in for it.
 */
export const LAG_COUNT_LIMIT = 10_000;

/**
 * How far a projection is behind the store: in events (counted on the Postgres store, exactly up to
 * `LAG_COUNT_LIMIT`, beyond it from the global positions; null on EventStoreDB, which has no cheap
 * count) and in seconds since the oldest of the next events it has not applied.
 * `at` is the position an answer was read at (default: its checkpoint now).
 */
export async function freshness(pool: Pool, store: EventStore, projection: string, at?: Position): Promise<ReadModelFreshness> {
  const position = at ?? (await readCheckpoints(pool)).find((c) => c.name === projection)?.position ?? START;
  const [one] = await freshnessOfMany(pool, store, [{ projection, position }]);
  return one!;
}

/**
 * The freshness of several projections at once (readiness probes, metrics scrapes, the projections
 * list): the head is read once, projections at the same position share one answer, and on the
 * Postgres store the counts are one statement, however many projections there are.
 */
export async function freshnessOfMany(
  pool: Pool,
  store: EventStore,
  at: readonly { readonly projection: string; readonly position: Position }[],
  countUpTo = LAG_COUNT_LIMIT,
): Promise<ReadModelFreshness[]> {
  const head = await store.headPosition();
  const behind = new Map<string, Position>();
  for (const a of at) if (head && comparePositions(a.position, head) < 0) behind.set(formatPosition(a.position), a.position);
  const lags = new Map<string, ReadModelFreshness['lag']>();
  if (behind.size > 0 && store.kind === 'postgres') {
    const positions = [...behind.values()];
    // At most countUpTo + 1 rows per position, in the log's order (its index): bounded whatever the backlog.
    const { rows } = await pool.query<{ i: number; n: string; oldest: Date | null }>(
      `SELECT p.i, x.n, x.oldest
         FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS p(commit, prepare, i)
         CROSS JOIN LATERAL (SELECT count(*) AS n, min(recorded_at) AS oldest
                               FROM (SELECT recorded_at FROM es_events
                                      WHERE (transaction_id, global_position) > (p.commit::xid8, p.prepare)
                                      ORDER BY transaction_id, global_position LIMIT $3) next) x`,
      [positions.map((p) => p.commit.toString()), positions.map((p) => p.prepare.toString()), countUpTo + 1],
    );
    for (const r of rows) {
      const position = positions[Number(r.i) - 1]!;
      const counted = Number(r.n);
      // Past the limit: the events between the position and the head by number (an event number
      // lost to a rolled-back transaction counts too), never fewer than were counted.
      const events = counted > countUpTo ? Math.max(counted, Number(head!.prepare - position.prepare)) : counted;
      lags.set(formatPosition(position), { events, seconds: r.oldest ? secondsSince(r.oldest.toISOString()) : 0 });
    }
  } else {
    for (const [key, position] of behind) {
      const [next] = await store.readAll({ after: position, maxCount: 1 });
      lags.set(key, { events: null, seconds: next ? secondsSince(next.recordedAt) : 0 });
    }
  }
  return at.map((a) => ({ projection: a.projection, position: formatPosition(a.position), lag: lags.get(formatPosition(a.position)) ?? { events: 0, seconds: 0 } }));
}

const secondsSince = (iso: string) => Math.max(0, (Date.now() - Date.parse(iso)) / 1000);

/** `?minPosition=`: wait (bounded) until the projection has applied a position the client wrote at. */
export async function awaitPosition(pool: Pool, projection: string, minPosition: Position | undefined, timeoutMs = 5_000): Promise<boolean> {
  return minPosition ? waitForProjection(pool, projection, minPosition, timeoutMs) : true;
}
