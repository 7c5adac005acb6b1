import type { Pool, PoolClient } from 'pg';
import { comparePositions, type Position } from '@app/event-store';

export interface ProjectionCheckpoint {
  readonly name: string;
  readonly version: number;
  readonly position: Position;
  readonly state: string;
  readonly error: unknown;
  readonly updatedAt: string;
  /** The schema the projection's live tables are in. */
  readonly schema: string;
}

export async function readCheckpoints(pool: Pool): Promise<ProjectionCheckpoint[]> {
  const { rows } = await pool.query<{ name: string; version: number; commit_pos: string; prepare_pos: string; state: string; error: unknown; updated_at: Date; schema_name: string }>(
    `SELECT name, version, commit_pos::text AS commit_pos, prepare_pos, state, error, updated_at, schema_name FROM projection_checkpoints ORDER BY name`,
  );
  return rows.map((r) => ({
    name: r.name,
    version: r.version,
    position: { commit: BigInt(r.commit_pos), prepare: BigInt(r.prepare_pos) },
    state: r.state,
    error: r.error,
    updatedAt: r.updated_at.toISOString(),
    schema: r.schema_name,
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
    // A projection stopped on an event it cannot apply will not get there: no point waiting out the timeout.
    if (cp?.state === 'failed' || Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What a read-model query needs of a connection. */
export type Queryable = Pick<Pool, 'query'>;

/**
 * The position projection `name` has applied up to (null before its first event), read in the
 * caller's snapshot: inside `withReadModels`, exactly the position the rows read beside it reflect.
 */
export async function readModelPosition(db: Queryable, name: string): Promise<Position | null> {
  const { rows } = await db.query<{ c: string; p: string }>(`SELECT commit_pos::text AS c, prepare_pos::text AS p FROM projection_checkpoints WHERE name = $1`, [name]);
  const r = rows[0];
  return r && (r.c !== '0' || r.p !== '0') ? { commit: BigInt(r.c), prepare: BigInt(r.p) } : null;
}

export class ReadModelNotReady extends Error {
  readonly code = 'READ_MODEL_NOT_READY';
}

/** How long one read-model statement may run before it is cancelled (a clear 503, not a connection held for minutes), until a process sets its own. */
export const READ_STATEMENT_TIMEOUT_MS = 15_000;

let statementTimeoutMs = READ_STATEMENT_TIMEOUT_MS;

/**
 * The process's limit for one read-model statement (`READ_STATEMENT_TIMEOUT_MS`, validated with the
 * rest of the configuration), set once at start: every read in a snapshot uses it unless the caller
 * gives its own, so no path (as-of answers, scratch replays, what-if) keeps a limit of its own.
 */
export function useReadStatementTimeout(ms: number): void {
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`a read statement timeout is a positive whole number of milliseconds, not ${ms}`);
  statementTimeoutMs = ms;
}

export interface ReadOptions {
  /** Writes are refused (default); off only for maintenance such as ANALYZE. */
  readonly readOnly?: boolean;
  readonly statementTimeoutMs?: number;
}

/** A read-model statement ran past its time limit and was cancelled by the server. */
export class ReadTimedOut extends Error {
  readonly code = 'READ_TIMEOUT';
}

/**
 * Runs read-model queries on one connection whose `search_path` points at the live schemas of
 * the named projections (blue/green: the schema changes when a rebuild switches over). The
 * schemas are looked up in the answer's own snapshot, as its first statement: the tables read and
 * the checkpoint rows (the position the answer states) are those of one commit, even when a
 * rebuild switches schemas while the answer starts.
 */
export async function withReadModels<T>(pool: Pool, projections: readonly string[], query: (db: Queryable) => Promise<T>, options: ReadOptions = {}): Promise<T> {
  // Table names resolve against the catalogue, not the snapshot: a switch-over that drops the old
  // schema after this answer looked it up makes its reads fail (42P01/3F000). Asked again, the
  // lookup finds the new schema; a second failure is a read model not ready (503), never a 500.
  try {
    return await readModelsOnce(pool, projections, query, options);
  } catch (err) {
    if (!schemaGone(err)) throw err;
    try {
      return await readModelsOnce(pool, projections, query, options);
    } catch (again) {
      if (schemaGone(again)) throw new ReadModelNotReady(`read model ${projections.join(', ')} is switching to a rebuilt schema: try again shortly`);
      throw again;
    }
  }
}

const schemaGone = (err: unknown) => ['42P01', '3F000'].includes((err as { code?: string }).code ?? '');

async function readModelsOnce<T>(pool: Pool, projections: readonly string[], query: (db: Queryable) => Promise<T>, options: ReadOptions): Promise<T> {
  return inSnapshot(pool, options, async (client) => {
    const { rows } = await client.query<{ name: string; schema_name: string }>(`SELECT name, schema_name FROM projection_checkpoints WHERE name = ANY($1::text[])`, [projections]);
    const missing = projections.filter((p) => !rows.some((r) => r.name === p));
    if (missing.length) throw new ReadModelNotReady(`read model ${missing.join(', ')} has not been built yet: is the projector running?`);
    // In the order asked for: the first projection's tables win a name both have.
    await searchPath(client, projections.map((p) => rows.find((r) => r.name === p)!.schema_name));
    return query(client);
  });
}

/**
 * Runs `query` on one connection whose unqualified table names resolve in `schemas` (then
 * public), in one REPEATABLE READ snapshot: every statement of an answer sees the same projector
 * commit, however many batches commit meanwhile. Each statement is cancelled after the timeout.
 */
export async function inSchemas<T>(pool: Pool, schemas: readonly string[], query: (db: Queryable) => Promise<T>, options: ReadOptions = {}): Promise<T> {
  return inSnapshot(pool, options, async (client) => {
    await searchPath(client, schemas);
    return query(client);
  });
}

async function searchPath(client: PoolClient, schemas: readonly string[]): Promise<void> {
  await client.query(`SELECT set_config('search_path', $1, true)`, [[...schemas.map((s) => `"${s}"`), 'public'].join(', ')]);
}

/** One REPEATABLE READ (READ ONLY unless asked) transaction with the statement timeout; a cancelled statement is a ReadTimedOut. */
async function inSnapshot<T>(pool: Pool, options: ReadOptions, body: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    // One round trip; SET takes no snapshot: the answer's snapshot is taken by its first statement (withReadModels: the schema lookup).
    const timeout = Number(options.statementTimeoutMs ?? statementTimeoutMs);
    await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ${options.readOnly === false ? '' : ' READ ONLY'}; SET LOCAL statement_timeout = ${timeout}`);
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((err as { code?: string }).code === '57014') throw new ReadTimedOut('the read took too long and was cancelled; narrow it or try again shortly');
    throw err;
  } finally {
    client.release();
  }
}
