/** The tables of this read model, created in whichever schema it is being built into (blue/green). */
export const CUSTOMER_360_TABLES = [
  `CREATE TABLE c360_customers (
    customer_id      text PRIMARY KEY,
    unit_id          text NOT NULL,
    segment          text NOT NULL,
    gender           text NOT NULL,
    onboarded_at     timestamptz NOT NULL,
    tier             text NOT NULL DEFAULT 'ordinary',
    manager_id       text,
    opted_out        text[] NOT NULL DEFAULT '{}',
    risk_tolerance   text,
    risk_assessed_at timestamptz,
    risk_valid_until timestamptz,
    card_id          text,
    card_tier        text,
    card_valid_until timestamptz
    )`,
  `CREATE TABLE c360_tier_history (customer_id text NOT NULL, month text NOT NULL, from_tier text NOT NULL, to_tier text NOT NULL, average_fen bigint NOT NULL, PRIMARY KEY (customer_id, month))`,
  `CREATE TABLE c360_contacts (
    customer_id text NOT NULL, contact_id text NOT NULL, occurred_at timestamptz NOT NULL, channel text NOT NULL,
    staff_id text NOT NULL, campaign_id text, outcome_note text, PRIMARY KEY (customer_id, contact_id))`,
  `CREATE TABLE c360_enrolments (customer_id text NOT NULL, campaign_id text NOT NULL, grp text NOT NULL, enrolled_at timestamptz NOT NULL, PRIMARY KEY (customer_id, campaign_id))`,
];
