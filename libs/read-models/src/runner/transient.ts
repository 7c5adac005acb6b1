/**
 * Errors a retry can mend: the batch met a conflict with another transaction, the server cancelled
 * its statement (57014: a DBA's pg_cancel_backend, a statement_timeout set on the server or the
 * role), or the database connection or server went away for a moment. Anything else (a
 * constraint, a bad value, a bug) fails the same way every time, and stops the projection on the
 * event that causes it.
 */
const TRANSIENT_SQLSTATE_CLASSES = ['40', '08', '53']; // transaction rollback (serialization, deadlock), connection exception, insufficient resources
const TRANSIENT_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '55P03']); // query canceled, admin/crash shutdown, cannot connect now, lock not available
const TRANSIENT_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (TRANSIENT_NODE_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2));
  }
  // node-postgres: a connection lost mid-query carries no code.
  return /Connection terminated|connection timeout/i.test(String((err as Error)?.message ?? ''));
}

/**
 * The server cancelled the statement (57014). Transient for a batch of the normal size; a larger
 * (catch-up) batch is split instead, since a statement_timeout it outgrew would cancel it again on
 * every retry. A batch of the normal size cancelled on every attempt is applied one event at a time,
 * and an event cancelled on every attempt alone is subscribed again from, never blamed (the runner's
 * `oneByOne`); either way the projection's next batches are cut smaller (`batchLimitAfter`).
 */
export const isCancelled = (err: unknown): boolean => (err as { code?: unknown })?.code === '57014';
