import { CORRECTION_REASONS, correctionReasonCode } from '@app/domain';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What `es_rewrites.reason` says for each event this rewrote. */
export const LEGACY_CORRECTION_REASON_REWRITE = 'legacy correction reason: free text in metadata.correction replaced by its code (issue 16)';

/** Runs SQL and answers the rows (a TypeORM QueryRunner's `query`, or a pg client's rows). */
type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** What the API writes (`<code>` or `<code> <reference>`): left alone. The reference as REFERENCE_PATTERN. */
const CODED = `^(${CORRECTION_REASONS.join('|')})( [A-Za-z0-9][A-Za-z0-9._:/-]{0,63})?$`;

/**
 * Before the Correction-Reason codes, an admin's correction of a closed month kept its reason as
 * free text in the events' metadata (`correction`), which erasure cannot reach. This rewrites, in
 * `es_events`, every `correction` that is not a code (with its reference) to the code it is read as
 * (`correctionReasonCode`: its first word when that is a code, else `other`) — the same reading the
 * period-corrections read model makes, so no read model changes. Event ids, streams, revisions,
 * positions, data and the rest of the metadata stay; one `es_rewrites` row per event rewritten.
 * Idempotent: a rewritten reason is coded, which the query no longer matches. Corrections have no
 * index: this reads the whole table once (a migration, at a start, before the apps read the log).
 */
export async function redactLegacyCorrectionReasons(query: Query): Promise<number> {
  const found = await query(
    `SELECT global_position::text AS global_position, event_id::text AS event_id, stream_id, type,
            (metadata->>'schemaVersion')::int AS version, metadata->>'correction' AS correction
     FROM es_events
     WHERE jsonb_typeof(metadata->'correction') = 'string' AND NOT (metadata->>'correction' ~ $1)
     ORDER BY global_position FOR UPDATE`,
    [CODED],
  );
  const rewritten = found.map((r) => ({ row: r, code: correctionReasonCode(String(r.correction)) })).filter((w) => w.code !== w.row.correction);
  if (rewritten.length === 0) return 0;
  await query(
    `UPDATE es_events e SET metadata = jsonb_set(e.metadata, '{correction}', to_jsonb(w.code))
     FROM unnest($1::bigint[], $2::text[]) AS w(global_position, code) WHERE e.global_position = w.global_position`,
    [rewritten.map((w) => w.row.global_position), rewritten.map((w) => w.code)],
  );
  await query(
    `INSERT INTO es_rewrites (global_position, event_id, stream_id, type, from_version, to_version, reason)
     SELECT w.global_position, w.event_id, w.stream_id, w.type, w.version, w.version, $6
     FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::int[]) AS w(global_position, event_id, stream_id, type, version)`,
    [
      rewritten.map((w) => w.row.global_position),
      rewritten.map((w) => w.row.event_id),
      rewritten.map((w) => w.row.stream_id),
      rewritten.map((w) => w.row.type),
      rewritten.map((w) => w.row.version),
      LEGACY_CORRECTION_REASON_REWRITE,
    ],
  );
  return rewritten.length;
}

/**
 * The one-off redaction of legacy correction reasons, as a migration (like
 * LegacyErasureReasons1764000019710): once per installation, recorded in `schema_migrations`; each
 * event it rewrote in `es_rewrites`. On EventStoreDB `es_events` is empty: nothing to rewrite.
 */
export class LegacyCorrectionReasons1764000019720 implements MigrationInterface {
  readonly name = 'LegacyCorrectionReasons1764000019720';
  async up(q: QueryRunner): Promise<void> {
    await redactLegacyCorrectionReasons((sql, params) => q.query(sql, params));
  }
  /** Nothing to undo: the text is gone, and the events read the same. */
  async down(): Promise<void> {}
}
