import { countingTriggers } from './campaign-effectiveness.counters';

/**
 * The tables of this read model, created in whichever schema it is being built into (blue/green):
 * the facts, and the counters kept from them (`campaign-effectiveness.counters.ts`) that the
 * answer reads. `timeZone` cuts the business days of the daily counters.
 */
export const campaignEffectivenessTables = (timeZone: string): string[] => [
  `CREATE TABLE ce_campaigns (
    campaign_id     text PRIMARY KEY,
    name            text NOT NULL,
    owner_unit_id   text NOT NULL,
    product_codes   text[] NOT NULL,
    channels        text[] NOT NULL,
    status          text NOT NULL,
    budget_fen      bigint NOT NULL,
    control_percent integer NOT NULL,
    period_start    timestamptz NOT NULL,
    period_end      timestamptz NOT NULL,
    launched_at     timestamptz,
    closed_at       timestamptz,
    treatment_count integer NOT NULL DEFAULT 0,
    control_count   integer NOT NULL DEFAULT 0,
    drafted_at      timestamptz
    )`,
  // Each lifecycle step with its business time; seq (the event's place in the log, ordered within the
  // campaign's own stream) breaks ties: the status as of a date.
  `CREATE TABLE ce_campaign_states (campaign_id text NOT NULL, at timestamptz NOT NULL, seq bigint NOT NULL, status text NOT NULL, PRIMARY KEY (campaign_id, seq))`,
  `CREATE TABLE ce_customers (customer_id text PRIMARY KEY, unit_id text NOT NULL, tier text NOT NULL DEFAULT 'ordinary')`,
  // The customer's unit and tier over time (from when each held, in business time; seq breaks
  // ties in log order), so a breakdown uses what held at enrolment, and a later move or tier
  // change never rewrites a past figure.
  `CREATE TABLE ce_customer_units (customer_id text NOT NULL, valid_from timestamptz NOT NULL, seq bigint NOT NULL, unit_id text NOT NULL, PRIMARY KEY (customer_id, valid_from, seq))`,
  `CREATE TABLE ce_customer_tiers (customer_id text NOT NULL, valid_from timestamptz NOT NULL, seq bigint NOT NULL, tier text NOT NULL, PRIMARY KEY (customer_id, valid_from, seq))`,
  `CREATE TABLE ce_participants (
    campaign_id        text NOT NULL,
    customer_id        text NOT NULL,
    grp                text NOT NULL,
    enrolled_at        timestamptz NOT NULL,
    first_contacted_at timestamptz,
    first_offered_at   timestamptz,
    first_accepted_at  timestamptz,
    -- took part (004 篇九 第三十条 2): recorded as such, or accepted one of the campaign's offers
    took_part_at       timestamptz,
    -- where the customer stood at enrolment (from ce_customer_units/_tiers; unit_from: since when that unit row holds)
    unit_id            text NOT NULL DEFAULT '',
    unit_from          timestamptz,
    tier               text NOT NULL DEFAULT 'ordinary',
    -- the sales that count for the participant's group (campaign product, in the run, not reversed)
    sales              integer NOT NULL DEFAULT 0,
    revenue_fen        bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, customer_id)
    )`,
  `CREATE INDEX ce_participants_customer_idx ON ce_participants (customer_id)`,
  `CREATE TABLE ce_contacts (
    contact_id  text NOT NULL,
    campaign_id text NOT NULL,
    customer_id text NOT NULL,
    staff_id    text NOT NULL,
    channel     text NOT NULL,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (customer_id, contact_id)
    )`,
  `CREATE INDEX ce_contacts_campaign_idx ON ce_contacts (campaign_id)`,
  `CREATE TABLE ce_conversions (
    conversion_id text NOT NULL,
    event_id      uuid NOT NULL,
    customer_id   text NOT NULL,
    staff_id      text NOT NULL,
    product_code  text NOT NULL,
    amount_fen    bigint NOT NULL,
    revenue_fen   bigint NOT NULL,
    campaign_id   text,
    occurred_at   timestamptz NOT NULL,
    reversed      boolean NOT NULL DEFAULT false,
    reversed_at   timestamptz,
    PRIMARY KEY (customer_id, conversion_id)
    )`,
  `CREATE INDEX ce_conversions_campaign_idx ON ce_conversions (campaign_id)`,
  `CREATE TABLE ce_group_conversions (
    campaign_id   text NOT NULL,
    conversion_id text NOT NULL,
    customer_id   text NOT NULL,
    grp           text NOT NULL,
    PRIMARY KEY (campaign_id, customer_id, conversion_id)
    )`,
  `CREATE TABLE ce_costs (cost_id text PRIMARY KEY, campaign_id text NOT NULL, amount_fen bigint NOT NULL, customer_id text, occurred_at timestamptz NOT NULL)`,
  `CREATE INDEX ce_costs_campaign_idx ON ce_costs (campaign_id)`,
  `CREATE TABLE ce_complaints (complaint_id text PRIMARY KEY, campaign_id text NOT NULL, customer_id text NOT NULL, occurred_at timestamptz NOT NULL)`,
  `CREATE INDEX ce_complaints_campaign_idx ON ce_complaints (campaign_id)`,
  ...countingTriggers(timeZone),
];
