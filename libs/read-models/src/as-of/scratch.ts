import type { Pool } from 'pg';
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { analyzeSchema, createSchemas, inTransaction, useSchema } from '../runner/projection-runner';
import { inSchemas, type Queryable } from '../runner/read-model-position';

export interface ScratchOptions {
  /** Only events whose business time (`occurredAt`) is at or before this instant. */
  readonly asOf?: Date;
  /** Read up to this store position instead of the head at the start (a live read model's, to match it); null: read nothing. */
  readonly through?: Position | null;
  /**
   * Per projection, in the order given: apply its events only up to this position (null: none), each live read
   * model's own, to compare like with like when they stand at different positions; the history is read up to the
   * furthest of them (`through` is then not used).
   */
  readonly throughEach?: readonly (Position | null)[];
  /** Rewrites or drops events before they are applied (what-if rule sets). */
  readonly transform?: (batch: readonly RecordedEvent[]) => readonly RecordedEvent[];
  /** Sees every event that is applied, in order: for figures computed outside the read models (attribution). */
  readonly observe?: (e: RecordedEvent) => void;
  readonly batchSize?: number;
  readonly onProgress?: (read: number) => void;
}

/** Read models built on the side, for one question; the live ones are never touched. */
export interface ScratchReadModels {
  /** Events applied (after the date filter and transform) and read. */
  readonly applied: number;
  readonly read: number;
  /** The store position the build read up to (with `throughEach`: the furthest of them). */
  readonly through: Position | null;
  query<T>(fn: (db: Queryable) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

const PREFIX = 'rm_scratch_';
/** Scratch schemas left by a process that died are dropped after this long. */
const ORPHAN_AFTER_MS = 6 * 3600_000;

/**
 * Replays the event history into fresh schemas of the given projections, stopping at a business
 * date (as-of) and/or through a what-if transform, and answers queries over them. Dropping the
 * result removes the schemas. The history is read up to the store's head at the start, or to `through`.
 */
export async function buildScratch(pool: Pool, store: EventStore, projections: readonly Projection[], options: ScratchOptions = {}): Promise<ScratchReadModels> {
  await dropOrphans(pool);
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 46656).toString(36).padStart(3, '0')}`;
  const schemas = projections.map((p) => `${PREFIX}${stamp}_${p.name.replace(/[^a-z0-9]/g, '_')}`);
  const drop = async () => {
    for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  };
  try {
    await createSchemas(pool, projections.map((projection, i) => ({ schema: schemas[i]!, projection })));

    const limits = options.throughEach;
    const head = limits ? furthest(limits) : options.through !== undefined ? options.through : await store.headPosition();
    const within = (e: RecordedEvent, i: number) => !limits || (limits[i] !== null && limits[i] !== undefined && comparePositions(e.position, limits[i]!) <= 0);
    const until = options.asOf?.getTime();
    let after: Position | undefined;
    let read = 0;
    let applied = 0;
    while (head && (!after || comparePositions(after, head) < 0)) {
      const batch = await store.readAll({ after, maxCount: options.batchSize ?? 2000 });
      if (batch.length === 0) {
        // Later positions become readable once older transactions end.
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const upToHead = batch.filter((e) => comparePositions(e.position, head) <= 0);
      after = batch[batch.length - 1]!.position;
      read += upToHead.length;
      const dated = until === undefined ? upToHead : upToHead.filter((e) => Date.parse(e.metadata.occurredAt) <= until);
      const events = options.transform ? options.transform(dated) : dated;
      if (events.length) {
        await inTransaction(pool, async (tx) => {
          for (const [i, p] of projections.entries()) {
            const relevant = events.filter((e) => p.eventTypes.includes(e.type) && within(e, i));
            if (!relevant.length) continue;
            await useSchema(tx, schemas[i]!);
            await p.apply(tx, relevant);
          }
        });
        if (options.observe) for (const e of events) options.observe(e);
        applied += events.length;
      }
      options.onProgress?.(read);
    }
    for (const s of schemas) await analyzeSchema(pool, s);
    return {
      applied,
      read,
      through: head,
      query: (fn) => inSchemas(pool, schemas, fn),
      drop,
    };
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
}

const furthest = (positions: readonly (Position | null)[]): Position | null =>
  positions.reduce<Position | null>((a, b) => (b === null ? a : a === null || comparePositions(b, a) > 0 ? b : a), null);

async function dropOrphans(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm\\_scratch\\_%'`);
  for (const { nspname } of rows) {
    const created = parseInt(nspname.slice(PREFIX.length).split('_')[0]!.slice(0, -3), 36);
    if (Number.isFinite(created) && Date.now() - created > ORPHAN_AFTER_MS) await pool.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  }
}
