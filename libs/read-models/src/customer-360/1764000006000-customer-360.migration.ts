import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer 360, points ledger, budget usage and supervision exceptions: the smaller read models,
 * one migration for their tables.
 */
export class Customer360AndLedgers1764000006000 implements MigrationInterface {
  readonly name = 'Customer360AndLedgers1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE c360_customers (
        customer_id      text PRIMARY KEY,
        unit_id          text NOT NULL,
        segment          text NOT NULL,
        gender           text NOT NULL,
        onboarded_at     timestamptz NOT NULL,
        tier             text NOT NULL DEFAULT 'ordinary',
        manager_id       text,
        consents         text[] NOT NULL DEFAULT '{}',
        risk_tolerance   text,
        risk_assessed_at timestamptz,
        risk_valid_until timestamptz,
        card_id          text,
        card_tier        text,
        card_valid_until timestamptz
      )`);
    await q.query(`CREATE TABLE c360_tier_history (customer_id text NOT NULL, month text NOT NULL, from_tier text NOT NULL, to_tier text NOT NULL, average_fen bigint NOT NULL, PRIMARY KEY (customer_id, month))`);
    await q.query(`
      CREATE TABLE c360_contacts (
        customer_id text NOT NULL, contact_id text NOT NULL, occurred_at timestamptz NOT NULL, channel text NOT NULL,
        staff_id text NOT NULL, campaign_id text, outcome text NOT NULL, PRIMARY KEY (customer_id, contact_id))`);
    await q.query(`CREATE TABLE c360_enrolments (customer_id text NOT NULL, campaign_id text NOT NULL, grp text NOT NULL, enrolled_at timestamptz NOT NULL, PRIMARY KEY (customer_id, campaign_id))`);

    await q.query(`
      CREATE TABLE pl_entries (
        customer_id text NOT NULL, entry_key text NOT NULL, kind text NOT NULL, points bigint NOT NULL,
        occurred_at timestamptz NOT NULL, reference text, expires_at timestamptz, PRIMARY KEY (customer_id, entry_key))`);

    await q.query(`CREATE TABLE bu_budgets (unit_id text NOT NULL, year integer NOT NULL, allocated_fen bigint NOT NULL, PRIMARY KEY (unit_id, year))`);
    await q.query(`CREATE TABLE bu_splits (unit_id text NOT NULL, year integer NOT NULL, child_unit_id text NOT NULL, amount_fen bigint NOT NULL, PRIMARY KEY (unit_id, year, child_unit_id))`);
    await q.query(`
      CREATE TABLE bu_commitments (unit_id text NOT NULL, year integer NOT NULL, campaign_id text NOT NULL, committed_fen bigint NOT NULL,
        released_fen bigint NOT NULL DEFAULT 0, PRIMARY KEY (unit_id, year, campaign_id))`);
    await q.query(`CREATE TABLE bu_campaign_costs (campaign_id text NOT NULL, cost_id text NOT NULL, owner_unit_id text NOT NULL, year integer NOT NULL, amount_fen bigint NOT NULL, PRIMARY KEY (campaign_id, cost_id))`);
    await q.query(`CREATE TABLE bu_campaigns (campaign_id text PRIMARY KEY, owner_unit_id text NOT NULL, year integer NOT NULL)`);

    await q.query(`
      CREATE TABLE sv_applications (customer_id text NOT NULL, application_id text NOT NULL, tier text NOT NULL, special boolean NOT NULL,
        approved_at timestamptz, refused boolean NOT NULL DEFAULT false, applied_at timestamptz NOT NULL, PRIMARY KEY (customer_id, application_id))`);
    await q.query(`
      CREATE TABLE sv_cards (customer_id text NOT NULL, card_id text NOT NULL, application_id text NOT NULL, tier text NOT NULL, special boolean NOT NULL,
        unit_id text NOT NULL, issued_at timestamptz NOT NULL, cancelled_at timestamptz, PRIMARY KEY (customer_id, card_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['sv_cards', 'sv_applications', 'bu_campaigns', 'bu_campaign_costs', 'bu_commitments', 'bu_splits', 'bu_budgets', 'pl_entries', 'c360_enrolments', 'c360_contacts', 'c360_tier_history', 'c360_customers']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
