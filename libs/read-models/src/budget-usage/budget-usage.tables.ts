/** The tables of this read model, created in whichever schema it is being built into (blue/green). */
export const BUDGET_USAGE_TABLES = [
  `CREATE TABLE bu_budgets (unit_id text NOT NULL, year integer NOT NULL, allocated_fen bigint NOT NULL, PRIMARY KEY (unit_id, year))`,
  `CREATE TABLE bu_splits (unit_id text NOT NULL, year integer NOT NULL, child_unit_id text NOT NULL, amount_fen bigint NOT NULL, PRIMARY KEY (unit_id, year, child_unit_id))`,
  `CREATE TABLE bu_commitments (unit_id text NOT NULL, year integer NOT NULL, campaign_id text NOT NULL, committed_fen bigint NOT NULL,
    released_fen bigint NOT NULL DEFAULT 0, PRIMARY KEY (unit_id, year, campaign_id))`,
  `CREATE TABLE bu_campaign_costs (campaign_id text NOT NULL, cost_id text NOT NULL, owner_unit_id text NOT NULL, year integer NOT NULL, amount_fen bigint NOT NULL, PRIMARY KEY (campaign_id, cost_id))`,
  `CREATE TABLE bu_campaigns (campaign_id text PRIMARY KEY, owner_unit_id text NOT NULL, year integer NOT NULL)`,
];
