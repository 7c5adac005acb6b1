import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What `es_rewrites.reason` says for each event this rewrote. */
export const LEGACY_CORRECTION_REASON_REWRITE = 'legacy correction reason: free text in metadata.correction replaced by its code (issue 16)';

/** Runs SQL and answers the rows (a TypeORM QueryRunner's `query`, or a pg client's rows). */
type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

// Frozen copies, as they were when this one-off rewrite was written: a later change to the domain's
// code lists or reference rule must not change what this migration does (libs/domain keeps the live
// ones: CORRECTION_REASONS, REFERENCE_PATTERN, correctionReasonCode).
const CODES: readonly string[] = ['late_booking', 'booking_error', 'system_fault', 'audit_finding', 'other'];
/** A reference: a letter prefix and a separator, 3-64 of `A-Za-z0-9._:/-`, no 11-digit mobile number in it. */
const REFERENCE = /^(?=[A-Za-z0-9._:/-]{3,64}$)(?!.*(?<!\d)1[3-9]\d{9}(?!\d))[A-Za-z]+[-_:/.][A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/**
 * A stored `correction` as the period-corrections read model reads it (version 5): `<code>` or
 * `<code> <reference>` as it is; anything else as its first word when that is a code, else `other`.
 */
export function legacyCorrectionCode(stored: string): string {
  const [code, ref, ...more] = stored.split(' ');
  if (CODES.includes(code!) && more.length === 0 && (ref === undefined || REFERENCE.test(ref))) return stored;
  const first = stored.trim().split(/\s+/)[0]!.replace(/[:;,.]+$/, '');
  return CODES.includes(first) ? first : 'other';
}

export interface RewriteBatches {
  /** Global positions scanned per transaction (default 10,000). */
  readonly batchSize?: number;
  /** How long a batch waits for a row another transaction holds before it gives up (SET LOCAL lock_timeout; default 5 s). */
  readonly lockTimeoutMs?: number;
  /** Attempts at a batch that timed out on a lock, a second apart, before the whole run fails (default 5). */
  readonly attempts?: number;
}

/**
 * Before the Correction-Reason codes, an admin's correction of a closed month kept its reason as
 * free text in the events' metadata (`correction`), which erasure cannot reach. This rewrites, in
 * `es_events`, every `correction` that is not a code (with its reference) to the code it is read as
 * (`legacyCorrectionCode`) — the reading the period-corrections read model makes, so no read model
 * changes. Event ids, streams, revisions, positions, data and the rest of the metadata stay; one
 * `es_rewrites` row per event rewritten.
 *
 * Corrections have no index, so the whole log is read — in keyset batches of global positions,
 * each its own short transaction (`lock_timeout` set): no snapshot is held across the log, so the
 * projector and the bus (which read below the oldest running transaction) are not held back, and a
 * row another transaction holds stops one batch for at most the timeout. Idempotent and resumable:
 * a rewritten reason reads as itself, so a run cut short and started again rewrites only what is left.
 */
export async function redactLegacyCorrectionReasons(query: Query, options: RewriteBatches = {}): Promise<number> {
  const { batchSize = 10_000, lockTimeoutMs = 5_000, attempts = 5 } = options;
  // Events appended after this starts are written by this release (codes): the log up to its head now is enough.
  const [head] = await query(`SELECT coalesce(max(global_position), 0)::text AS last FROM es_events`);
  const last = BigInt(String(head!.last));
  let total = 0;
  // Ranges of positions (the primary key): identity values, dense but for rolled-back appends' gaps.
  for (let after = 0n; after < last; after += BigInt(batchSize)) {
    const upTo = after + BigInt(batchSize) < last ? after + BigInt(batchSize) : last;
    total += await inTransaction(query, lockTimeoutMs, attempts, () => rewriteBatch(query, after.toString(), upTo.toString()));
  }
  return total;
}

async function rewriteBatch(query: Query, after: string, upTo: string): Promise<number> {
  const found = await query(
    `SELECT global_position::text AS global_position, event_id::text AS event_id, stream_id, type,
            (metadata->>'schemaVersion')::int AS version, metadata->>'correction' AS correction
     FROM es_events
     WHERE global_position > $1 AND global_position <= $2
       AND jsonb_typeof(metadata->'correction') = 'string' AND NOT (metadata->>'correction' = ANY($3::text[]))
     ORDER BY global_position FOR UPDATE`,
    [after, upTo, [...CODES]],
  );
  const rewritten = found.map((r) => ({ row: r, code: legacyCorrectionCode(String(r.correction)) })).filter((w) => w.code !== w.row.correction);
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

/** One batch in its own transaction, with a lock timeout; a batch that timed out on a lock is tried again. */
async function inTransaction(query: Query, lockTimeoutMs: number, attempts: number, work: () => Promise<number>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    await query('BEGIN');
    try {
      await query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
      const n = await work();
      await query('COMMIT');
      return n;
    } catch (err) {
      await query('ROLLBACK').catch(() => undefined);
      if ((err as { code?: string })?.code !== '55P03' || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/**
 * The one-off redaction of legacy correction reasons, as a migration (like
 * LegacyErasureReasons1764000019710): once per installation, recorded in `schema_migrations`; each
 * event it rewrote in `es_rewrites`. It runs outside a migration transaction (`transaction = false`)
 * so that each batch commits on its own. It still runs before the process starts (under the
 * migrations' lock): a start after the upgrade waits for one pass over the log. On EventStoreDB
 * `es_events` is empty: nothing to rewrite (the start warns; see the README, "Legacy reasons on EventStoreDB").
 */
export class LegacyCorrectionReasons1764000019720 implements MigrationInterface {
  readonly name = 'LegacyCorrectionReasons1764000019720';
  readonly transaction = false;
  /** For the specs: small batches over a small log. */
  static batches: RewriteBatches = {};
  async up(q: QueryRunner): Promise<void> {
    await redactLegacyCorrectionReasons((sql, params) => q.query(sql, params), LegacyCorrectionReasons1764000019720.batches);
  }
  /** Nothing to undo: the text is gone, and the events read the same. */
  async down(): Promise<void> {}
}
