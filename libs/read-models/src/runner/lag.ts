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
 * How far a projection is behind the store: in events (counted on the Postgres store; null on
 * EventStoreDB, which has no cheap count) and in seconds since the oldest event it has not applied.
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
export async function freshnessOfMany(pool: Pool, store: EventStore, at: readonly { readonly projection: string; readonly position: Position }[]): Promise<ReadModelFreshness[]> {
  const head = await store.headPosition();
  const behind = new Map<string, Position>();
  for (const a of at) if (head && comparePositions(a.position, head) < 0) behind.set(formatPosition(a.position), a.position);
  const lags = new Map<string, ReadModelFreshness['lag']>();
  if (behind.size > 0 && store.kind === 'postgres') {
    const positions = [...behind.values()];
    const { rows } = await pool.query<{ i: number; n: string; oldest: Date | null }>(
      `SELECT p.i, x.n, x.oldest
         FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS p(commit, prepare, i)
         CROSS JOIN LATERAL (SELECT count(*) AS n, min(recorded_at) AS oldest FROM es_events
                             WHERE (transaction_id, global_position) > (p.commit::xid8, p.prepare)) x`,
      [positions.map((p) => p.commit.toString()), positions.map((p) => p.prepare.toString())],
    );
    for (const r of rows) lags.set(formatPosition(positions[Number(r.i) - 1]!), { events: Number(r.n), seconds: r.oldest ? secondsSince(r.oldest.toISOString()) : 0 });
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
