/** The tables of this read model, created in whichever schema it is being built into (blue/green). */
export const POINTS_LEDGER_TABLES = [
  `CREATE TABLE pl_entries (
    customer_id text NOT NULL, entry_key text NOT NULL, kind text NOT NULL, points bigint NOT NULL,
    occurred_at timestamptz NOT NULL, reference text, expires_at timestamptz, PRIMARY KEY (customer_id, entry_key))`,
];
