/** The one-off rewrites of legacy prose in the log, which only the PostgreSQL store can make. */
export const LEGACY_REASON_MIGRATIONS = ['LegacyErasureReasons1764000019710', 'LegacyCorrectionReasons1764000019720'] as const;

/**
 * What to warn of at start when the event store is EventStoreDB and this start recorded the
 * one-off legacy-reason rewrites as run: on that store they rewrote nothing (its events cannot be
 * rewritten; `es_events` is empty), so free-text erasure reasons (CustomerDataErased version 1)
 * and correction reasons (`metadata.correction`) written before the codes may remain in the log.
 * Read as codes everywhere, never shown; the README says what to do ("Legacy reasons on EventStoreDB").
 * Nothing to warn of on PostgreSQL, or when the rewrites were recorded at an earlier start.
 */
export function legacyReasonsWarning(storeKind: 'postgres' | 'eventstoredb', ranNow: readonly string[]): { fields: { store: string; skippedRewrites: string[]; count: number; readme: string }; message: string } | undefined {
  if (storeKind !== 'eventstoredb') return undefined;
  const skipped = LEGACY_REASON_MIGRATIONS.filter((m) => ranNow.includes(m));
  if (skipped.length === 0) return undefined;
  return {
    fields: { store: storeKind, skippedRewrites: [...skipped], count: skipped.length, readme: 'README.md#legacy-reasons-on-eventstoredb' },
    message: `${skipped.length} one-off rewrite(s) of legacy free-text reasons recorded as run but did nothing on EventStoreDB: prose written before the reason codes may remain in the log (read as codes, never shown); see README "Legacy reasons on EventStoreDB"`,
  };
}
