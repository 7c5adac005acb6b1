/** The tables of this read model, created in whichever schema it is being built into (blue/green). */
export const CROSS_SELLING_TABLES = [
  `CREATE TABLE xs_customers (customer_id text PRIMARY KEY, unit_id text NOT NULL)`,
  `CREATE TABLE xs_monthly (
    customer_id text NOT NULL,
    month       text NOT NULL,
    unit_id     text NOT NULL,
    products    integer NOT NULL,
    assets_fen  bigint NOT NULL,
    PRIMARY KEY (customer_id, month))`,
  `CREATE INDEX xs_monthly_month_idx ON xs_monthly (month, unit_id)`,
  `CREATE TABLE xs_participants (campaign_id text NOT NULL, customer_id text NOT NULL, grp text NOT NULL, PRIMARY KEY (campaign_id, customer_id))`,
  `CREATE TABLE xs_campaigns (campaign_id text PRIMARY KEY, launched_month text, closed_month text)`,
  `CREATE TABLE xs_referrals (
    customer_id text NOT NULL,
    referral_id text NOT NULL,
    referrer    text NOT NULL,
    seller      text NOT NULL,
    product     text NOT NULL,
    referred_at timestamptz NOT NULL,
    converted   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (customer_id, referral_id))`,
];
