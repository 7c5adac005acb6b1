import type { LogRedaction, RedactionRequest, SqlTransaction } from '../redaction';

/**
 * Erasure's rewrite on PostgreSQL: an UPDATE of the matching rows of `es_events` in the caller's
 * transaction, and a row in `es_rewrites` for each. The matching rows are locked first (FOR
 * UPDATE). Type, schema version and subject are all matched in SQL, so a partial index over those
 * types (the platform's `es_events_erasure_idx` on type and `data->>'customerId'`) serves it and
 * the erasure's transaction does not scan the log.
 */
export class PostgresRedaction implements LogRedaction {
  async redact(tx: SqlTransaction, request: RedactionRequest): Promise<number> {
    const types = [...new Set(request.versions.map((v) => v.type))];
    if (types.length === 0) return 0;
    const { rows: found } = await tx.query(
      `SELECT global_position::text AS global_position, event_id::text AS event_id, stream_id, type, data, (metadata->>'schemaVersion')::int AS version
       FROM es_events
       WHERE type = ANY($1::text[]) AND data->>$2 = $3
         AND (type, metadata->>'schemaVersion') IN (SELECT w.type, w.version::text FROM unnest($4::text[], $5::int[]) AS w(type, version))
       ORDER BY global_position FOR UPDATE`,
      [types, request.subject.field, request.subject.value, request.versions.map((v) => v.type), request.versions.map((v) => v.schemaVersion)],
    );
    if (found.length === 0) return 0;
    const rewritten = found.map((r) => ({ row: r, next: request.rewrite(String(r.type), Number(r.version), r.data) }));
    await tx.query(
      `UPDATE es_events e SET data = w.data, metadata = jsonb_set(e.metadata, '{schemaVersion}', to_jsonb(w.version))
       FROM unnest($1::bigint[], $2::jsonb[], $3::int[]) AS w(global_position, data, version) WHERE e.global_position = w.global_position`,
      [rewritten.map((w) => w.row.global_position), rewritten.map((w) => JSON.stringify(w.next.data)), rewritten.map((w) => w.next.schemaVersion)],
    );
    await tx.query(
      `INSERT INTO es_rewrites (global_position, event_id, stream_id, type, from_version, to_version, reason)
       SELECT w.global_position, w.event_id, w.stream_id, w.type, w.from_version, w.to_version, $6
       FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::int[], $7::int[]) AS w(global_position, event_id, stream_id, type, from_version, to_version)`,
      [
        rewritten.map((w) => w.row.global_position),
        rewritten.map((w) => w.row.event_id),
        rewritten.map((w) => w.row.stream_id),
        rewritten.map((w) => w.row.type),
        rewritten.map((w) => w.row.version),
        request.reason,
        rewritten.map((w) => w.next.schemaVersion),
      ],
    );
    return rewritten.length;
  }
}
