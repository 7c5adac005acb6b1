import type { Pool } from 'pg';
import { comparePositions, type Position } from '@app/event-store';

export interface ProjectionCheckpoint {
  readonly name: string;
  readonly version: number;
  readonly position: Position;
  readonly state: string;
  readonly error: unknown;
  readonly updatedAt: string;
}

export async function readCheckpoints(pool: Pool): Promise<ProjectionCheckpoint[]> {
  const { rows } = await pool.query<{ name: string; version: number; commit_pos: string; prepare_pos: string; state: string; error: unknown; updated_at: Date }>(
    `SELECT name, version, commit_pos::text AS commit_pos, prepare_pos, state, error, updated_at FROM projection_checkpoints ORDER BY name`,
  );
  return rows.map((r) => ({
    name: r.name,
    version: r.version,
    position: { commit: BigInt(r.commit_pos), prepare: BigInt(r.prepare_pos) },
    state: r.state,
    error: r.error,
    updatedAt: r.updated_at.toISOString(),
  }));
}

/**
 * Waits (polling; the projector may run in another process) until projection `name` has reached
 * `position`. Returns false when it has not within `timeoutMs`.
 */
export async function waitForProjection(pool: Pool, name: string, position: Position, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cp = (await readCheckpoints(pool)).find((c) => c.name === name);
    if (cp && comparePositions(cp.position, position) >= 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
