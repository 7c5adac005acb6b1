/**
 * The tables of this read model, created in whichever schema it is being built into (blue/green).
 *
 * Facts are kept with the time they held: a person's unit and a customer's manager each as
 * intervals of business time (`valid_from` null: since the beginning; `valid_to` null: still so),
 * and every credit and activity row records the unit its person was in when it happened. Points and
 * penalties are integer hundredths of a point, revenue integer fen.
 */
export const STAFF_SCORECARD_TABLES = [
  `CREATE TABLE sc_units (unit_id text PRIMARY KEY, parent_id text, name text NOT NULL, wealth_centre boolean NOT NULL)`,
  `CREATE TABLE sc_staff (staff_id text PRIMARY KEY, unit_id text NOT NULL, role text NOT NULL, display_name text NOT NULL)`,
  /** Which unit each person was in, when: the unit they were registered in holds from the beginning until their first move. */
  `CREATE TABLE sc_staff_units (
    staff_id   text NOT NULL,
    event_id   uuid NOT NULL,
    -- the log position of the event that opened it: a fact is placed by the intervals known when it was recorded
    seq        bigint NOT NULL,
    unit_id    text NOT NULL,
    valid_from timestamptz,
    valid_to   timestamptz,
    PRIMARY KEY (staff_id, event_id)
    )`,
  `CREATE TABLE sc_products (product_code text PRIMARY KEY, weight numeric(12,4) NOT NULL)`,
  `CREATE TABLE sc_customers (
    customer_id          text PRIMARY KEY,
    unit_id              text NOT NULL,
    manager_id           text,
    in_centre            boolean NOT NULL DEFAULT false,
    referring_manager_id text
    )`,
  /** Who managed each customer, when (assignments and transfers, by their business time): adherence counts those assigned during a month. */
  `CREATE TABLE sc_assignments (
    customer_id text NOT NULL,
    event_id    uuid NOT NULL,
    seq         bigint NOT NULL,
    manager_id  text NOT NULL,
    valid_from  timestamptz NOT NULL,
    valid_to    timestamptz,
    PRIMARY KEY (customer_id, event_id)
    )`,
  `CREATE INDEX sc_assignments_manager_idx ON sc_assignments (manager_id)`,
  `CREATE TABLE sc_credits (
    credit_key       text PRIMARY KEY,
    staff_id         text NOT NULL,
    unit_id          text NOT NULL,
    period           text NOT NULL,
    customer_id      text NOT NULL,
    conversion_id    text NOT NULL,
    product_code     text NOT NULL,
    kind             text NOT NULL,
    conversions      integer NOT NULL,
    revenue_fen      bigint NOT NULL,
    points_hundredths bigint NOT NULL,
    event_id         uuid NOT NULL,
    occurred_at      timestamptz NOT NULL,
    reversed         boolean NOT NULL DEFAULT false
    )`,
  `CREATE INDEX sc_credits_period_idx ON sc_credits (period, staff_id)`,
  `CREATE INDEX sc_credits_conversion_idx ON sc_credits (customer_id, conversion_id)`,
  `CREATE TABLE sc_activity (
    activity_key text PRIMARY KEY,
    staff_id     text NOT NULL,
    unit_id      text NOT NULL,
    period       text NOT NULL,
    kind         text NOT NULL,
    customer_id  text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    -- hundredths of a point taken off the score: a complaint's or unsuitable attempt's penalty in force when recorded
    penalty_hundredths bigint NOT NULL DEFAULT 0
    )`,
  `CREATE INDEX sc_activity_period_idx ON sc_activity (period, kind)`,
  /** Each customer a person contacted in a month, under the unit they were in then (customers contacted; adherence). */
  `CREATE TABLE sc_contacted (staff_id text NOT NULL, unit_id text NOT NULL, period text NOT NULL, customer_id text NOT NULL, PRIMARY KEY (period, staff_id, unit_id, customer_id))`,
  `CREATE INDEX sc_contacted_customer_idx ON sc_contacted (period, customer_id)`,
  /**
   * The counters a scorecard reads: per person, the unit they were in, and month. Kept by the
   * same statements that insert the credit and activity rows (only rows newly inserted or newly
   * reversed count), so a batch applied twice counts once.
   */
  `CREATE TABLE sc_person_month (
    staff_id              text NOT NULL,
    unit_id               text NOT NULL,
    period                text NOT NULL,
    conversions           integer NOT NULL DEFAULT 0,
    referrals             integer NOT NULL DEFAULT 0,
    revenue_fen           bigint NOT NULL DEFAULT 0,
    points_hundredths     bigint NOT NULL DEFAULT 0,
    shadow_hundredths     bigint NOT NULL DEFAULT 0,
    contacts              integer NOT NULL DEFAULT 0,
    complaints            integer NOT NULL DEFAULT 0,
    unsuitable            integer NOT NULL DEFAULT 0,
    penalty_hundredths    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (period, unit_id, staff_id)
    )`,
  /** The organisation's scoring rules as last set (one row), so the next batch starts from them. */
  `CREATE TABLE sc_settings (id integer PRIMARY KEY, rules jsonb NOT NULL)`,
  `CREATE TABLE sc_targets (subject_id text NOT NULL, period text NOT NULL, points_hundredths bigint NOT NULL, PRIMARY KEY (subject_id, period))`,
];
