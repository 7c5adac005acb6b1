/**
 * The one rewrite of the log the product allows: when a customer's personal data is erased, free
 * text about them that old event versions kept in the events themselves is removed from the
 * stored events (each event becomes its next version naming no note), and every rewrite is
 * recorded. It runs inside the erasure's own transaction, so the rewrite and the destruction of
 * the customer's keys happen together or not at all.
 */
export interface RedactionRequest {
  /** The stored versions that may hold the text: an event type at a schema version. */
  readonly versions: readonly { readonly type: string; readonly schemaVersion: number }[];
  /** Only events whose data names the subject in this field (e.g. `customerId` = `C-1`). */
  readonly subject: { readonly field: string; readonly value: string };
  /** The event's data and schema version after the rewrite. */
  readonly rewrite: (type: string, schemaVersion: number, data: unknown) => { readonly data: unknown; readonly schemaVersion: number };
  /** Why, kept in the record of each rewrite. */
  readonly reason: string;
}

/** An open transaction on the store's database (a `pg` client after `BEGIN`). */
export interface SqlTransaction {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

export interface LogRedaction {
  /**
   * Rewrites the matching events in `tx` (the caller commits or rolls back) and records each in
   * `es_rewrites` (position, event id, stream, type, versions, reason, time). Returns how many
   * events were rewritten. Positions, revisions, ids and recording times stay as they were;
   * projections are not told (what they keep of these versions already had no text).
   */
  redact(tx: SqlTransaction, request: RedactionRequest): Promise<number>;
}
