import { ERASURE_REASONS, upcastData } from '@app/domain';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What `es_rewrites.reason` says for each event this rewrote. */
export const LEGACY_ERASURE_REASON_REWRITE = 'legacy CustomerDataErased v1: free-text reason replaced by the code its upcaster reads (issue 16)';

/** Runs SQL and answers the rows (a TypeORM QueryRunner's `query`, or a pg client's rows). */
type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Version 1 of `CustomerDataErased` kept the erasure's reason as free text (prose, possibly about
 * the customer: "Li Hua asked by phone, 139…") in the one event that outlives the erasure. Version 2
 * holds a code, and the upcaster reads a v1 reason as that code when it is one, else `other`.
 *
 * This rewrites, in `es_events`, the `reason` of every v1 erasure that is not a code to the code
 * the upcaster gives it: same event id, stream, revision and global position, still version 1
 * (the upcaster reads it exactly as before, so no read model changes); one `es_rewrites` row per
 * event rewritten (which, when, why). Rows are locked first (FOR UPDATE) and found through the
 * erasure index (`es_events_erasure_idx`). Idempotent: a rewritten reason is a code, which the
 * query no longer matches, so a second run rewrites and records nothing. Answers how many it rewrote.
 */
export async function redactLegacyErasureReasons(query: Query): Promise<number> {
  const found = await query(
    `SELECT global_position::text AS global_position, event_id::text AS event_id, stream_id, data
     FROM es_events
     WHERE type = 'CustomerDataErased' AND metadata->>'schemaVersion' = '1'
       AND data->>'reason' IS NOT NULL AND NOT (data->>'reason' = ANY($1::text[]))
     ORDER BY global_position FOR UPDATE`,
    [[...ERASURE_REASONS]],
  );
  if (found.length === 0) return 0;
  const rewritten = found.map((r) => {
    const data = r.data as Record<string, unknown>;
    const { reasonCode } = upcastData('CustomerDataErased', 1, data) as { reasonCode: string };
    return { row: r, data: { ...data, reason: reasonCode } };
  });
  await query(
    `UPDATE es_events e SET data = w.data
     FROM unnest($1::bigint[], $2::jsonb[]) AS w(global_position, data) WHERE e.global_position = w.global_position`,
    [rewritten.map((w) => w.row.global_position), rewritten.map((w) => JSON.stringify(w.data))],
  );
  await query(
    `INSERT INTO es_rewrites (global_position, event_id, stream_id, type, from_version, to_version, reason)
     SELECT w.global_position, w.event_id, w.stream_id, 'CustomerDataErased', 1, 1, $4
     FROM unnest($1::bigint[], $2::uuid[], $3::text[]) AS w(global_position, event_id, stream_id)`,
    [rewritten.map((w) => w.row.global_position), rewritten.map((w) => w.row.event_id), rewritten.map((w) => w.row.stream_id), LEGACY_ERASURE_REASON_REWRITE],
  );
  return rewritten.length;
}

/**
 * The one-off redaction of legacy erasure reasons, as a migration: it runs once on every
 * installation at its next start, before any process reads the log, and `schema_migrations` records
 * that it ran (each event it rewrote is in `es_rewrites`). On a store other than PostgreSQL
 * (EventStoreDB) `es_events` is empty and it rewrites nothing: that store cannot rewrite events.
 */
export class LegacyErasureReasons1764000019710 implements MigrationInterface {
  readonly name = 'LegacyErasureReasons1764000019710';
  async up(q: QueryRunner): Promise<void> {
    await redactLegacyErasureReasons((sql, params) => q.query(sql, params));
  }
  /** Nothing to undo: the prose is gone, and the events read the same. */
  async down(): Promise<void> {}
}
