/** The tables of this read model, created in whichever schema it is being built into (blue/green). */
export const CUSTOMER_DIRECTORY_TABLES = [
  `CREATE TABLE customer_directory (
    customer_id  text PRIMARY KEY,
    home_unit_id text NOT NULL,
    segment      text NOT NULL,
    gender       text NOT NULL,
    tier         text NOT NULL DEFAULT 'ordinary',
    manager_id   text,
    holdings     text[] NOT NULL DEFAULT '{}',
    opted_out    text[] NOT NULL DEFAULT '{}',
    erased       boolean NOT NULL DEFAULT false,
    birth_year   integer,
    risk_tolerance text,
    risk_valid_until timestamptz,
    last_active_at timestamptz NOT NULL,
    campaign_contacts jsonb NOT NULL DEFAULT '{}',
    enrolled_in  text[] NOT NULL DEFAULT '{}',
    control_in   text[] NOT NULL DEFAULT '{}'
    )`,
  `CREATE INDEX customer_directory_unit_idx ON customer_directory (home_unit_id, tier)`,
  `CREATE TABLE directory_campaigns (
    campaign_id  text PRIMARY KEY,
    status       text NOT NULL,
    period_start timestamptz NOT NULL,
    period_end   timestamptz NOT NULL
    )`,
];
