/** The tables of this read model, created in whichever schema it is being built into (blue/green). */
export const STAFF_SCORECARD_TABLES = [
  `CREATE TABLE sc_units (unit_id text PRIMARY KEY, parent_id text, name text NOT NULL, wealth_centre boolean NOT NULL)`,
  `CREATE TABLE sc_staff (staff_id text PRIMARY KEY, unit_id text NOT NULL, role text NOT NULL, display_name text NOT NULL)`,
  `CREATE TABLE sc_products (product_code text PRIMARY KEY, weight numeric(12,4) NOT NULL)`,
  `CREATE TABLE sc_customers (
    customer_id          text PRIMARY KEY,
    unit_id              text NOT NULL,
    manager_id           text,
    in_centre            boolean NOT NULL DEFAULT false,
    referring_manager_id text
    )`,
  `CREATE INDEX sc_customers_manager_idx ON sc_customers (manager_id)`,
  `CREATE TABLE sc_credits (
    credit_key    text PRIMARY KEY,
    staff_id      text NOT NULL,
    period        text NOT NULL,
    customer_id   text NOT NULL,
    conversion_id text NOT NULL,
    product_code  text NOT NULL,
    kind          text NOT NULL,
    conversions   integer NOT NULL,
    revenue_fen   bigint NOT NULL,
    points        numeric(20,2) NOT NULL,
    event_id      uuid NOT NULL,
    occurred_at   timestamptz NOT NULL,
    reversed      boolean NOT NULL DEFAULT false
    )`,
  `CREATE INDEX sc_credits_period_idx ON sc_credits (period, staff_id)`,
  `CREATE INDEX sc_credits_conversion_idx ON sc_credits (customer_id, conversion_id)`,
  `CREATE TABLE sc_activity (
    activity_key text PRIMARY KEY,
    staff_id     text NOT NULL,
    period       text NOT NULL,
    kind         text NOT NULL,
    customer_id  text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    -- points taken off the score: a complaint's or unsuitable attempt's penalty in force when recorded
    penalty      numeric(20,2) NOT NULL DEFAULT 0
    )`,
  `CREATE INDEX sc_activity_period_idx ON sc_activity (period, kind)`,
  /** The organisation's scoring rules as last set (one row), so the next batch starts from them. */
  `CREATE TABLE sc_settings (id integer PRIMARY KEY, rules jsonb NOT NULL)`,
  `CREATE TABLE sc_targets (subject_id text NOT NULL, period text NOT NULL, points numeric(20,2) NOT NULL, PRIMARY KEY (subject_id, period))`,
];
