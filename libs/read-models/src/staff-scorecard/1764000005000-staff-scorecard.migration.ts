import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff scorecards: credits (who is scored for each sale, with what share of revenue and points,
 * at the weights of the time) and activity (contacts, complaints, unsuitable attempts), with the
 * org tree, staff, products and targets the projection keeps from the organisation stream.
 */
export class StaffScorecard1764000005000 implements MigrationInterface {
  readonly name = 'StaffScorecard1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sc_units (unit_id text PRIMARY KEY, parent_id text, name text NOT NULL, wealth_centre boolean NOT NULL)`);
    await q.query(`CREATE TABLE sc_staff (staff_id text PRIMARY KEY, unit_id text NOT NULL, role text NOT NULL, display_name text NOT NULL)`);
    await q.query(`CREATE TABLE sc_products (product_code text PRIMARY KEY, weight numeric(12,4) NOT NULL)`);
    await q.query(`
      CREATE TABLE sc_customers (
        customer_id          text PRIMARY KEY,
        unit_id              text NOT NULL,
        manager_id           text,
        in_centre            boolean NOT NULL DEFAULT false,
        referring_manager_id text
      )`);
    await q.query(`CREATE INDEX sc_customers_manager_idx ON sc_customers (manager_id)`);
    await q.query(`
      CREATE TABLE sc_credits (
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
      )`);
    await q.query(`CREATE INDEX sc_credits_period_idx ON sc_credits (period, staff_id)`);
    await q.query(`CREATE INDEX sc_credits_conversion_idx ON sc_credits (customer_id, conversion_id)`);
    await q.query(`
      CREATE TABLE sc_activity (
        activity_key text PRIMARY KEY,
        staff_id     text NOT NULL,
        period       text NOT NULL,
        kind         text NOT NULL,
        customer_id  text NOT NULL,
        occurred_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX sc_activity_period_idx ON sc_activity (period, kind)`);
    await q.query(`CREATE TABLE sc_targets (subject_id text NOT NULL, period text NOT NULL, points numeric(20,2) NOT NULL, PRIMARY KEY (subject_id, period))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['sc_targets', 'sc_activity', 'sc_credits', 'sc_customers', 'sc_products', 'sc_staff', 'sc_units']) await q.query(`DROP TABLE ${t}`);
  }
}
