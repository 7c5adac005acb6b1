import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What `es_rewrites.reason` says for each event this rewrote. */
export const LEGACY_ERASURE_REASON_REWRITE = 'legacy CustomerDataErased v1: free-text reason replaced by the code its upcaster reads (issue 16)';

/** Runs SQL and answers the rows (a TypeORM QueryRunner's `query`, or a pg client's rows). */
type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * The erasure codes as they were when this one-off rewrite was written (a frozen copy: a later change
 * to the domain's ERASURE_REASONS must not change what this migration does).
 */
const CODES: readonly string[] = ['customer_request', 'retention_period_over', 'legal_order', 'recorded_in_error', 'other'];

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
  // Bounded by the number of erasures (the erasure index), so one transaction; a row another
  // transaction holds makes it fail after 10 s rather than wait (the next start runs it again).
  await query(`SELECT set_config('lock_timeout', '10s', true)`);
  const found = await query(
    `SELECT global_position::text AS global_position, event_id::text AS event_id, stream_id
     FROM es_events
     WHERE type = 'CustomerDataErased' AND metadata->>'schemaVersion' = '1'
       AND data->>'reason' IS NOT NULL AND NOT (data->>'reason' = ANY($1::text[]))
     ORDER BY global_position FOR UPDATE`,
    [[...CODES]],
  );
  if (found.length === 0) return 0;
  // The version-1 upcaster reads a reason that is not a code as `other`: every row found becomes that.
  await query(`UPDATE es_events SET data = jsonb_set(data, '{reason}', '"other"') WHERE global_position = ANY($1::bigint[])`, [found.map((r) => r.global_position)]);
  await query(
    `INSERT INTO es_rewrites (global_position, event_id, stream_id, type, from_version, to_version, reason)
     SELECT w.global_position, w.event_id, w.stream_id, 'CustomerDataErased', 1, 1, $4
     FROM unnest($1::bigint[], $2::uuid[], $3::text[]) AS w(global_position, event_id, stream_id)`,
    [found.map((r) => r.global_position), found.map((r) => r.event_id), found.map((r) => r.stream_id), LEGACY_ERASURE_REASON_REWRITE],
  );
  return found.length;
}

/**
 * The one-off redaction of legacy erasure reasons, as a migration: it runs once on every
 * installation at its next start, before any process reads the log, and `schema_migrations` records
 * that it ran (each event it rewrote is in `es_rewrites`). On a store other than PostgreSQL
 * (EventStoreDB) `es_events` is empty and it rewrites nothing: that store cannot rewrite events (the
 * start warns; see the README, "Legacy reasons on EventStoreDB").
 */
export class LegacyErasureReasons1764000019710 implements MigrationInterface {
  readonly name = 'LegacyErasureReasons1764000019710';
  async up(q: QueryRunner): Promise<void> {
    await redactLegacyErasureReasons((sql, params) => q.query(sql, params));
  }
  /** Nothing to undo: the prose is gone, and the events read the same. */
  async down(): Promise<void> {}
}
