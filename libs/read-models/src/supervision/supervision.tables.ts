/** The tables of this read model, created in whichever schema it is being built into (blue/green). */
export const SUPERVISION_TABLES = [
  `CREATE TABLE sv_applications (customer_id text NOT NULL, application_id text NOT NULL, tier text NOT NULL, special boolean NOT NULL,
    approved_at timestamptz, refused boolean NOT NULL DEFAULT false, applied_at timestamptz NOT NULL, PRIMARY KEY (customer_id, application_id))`,
  `CREATE TABLE sv_cards (customer_id text NOT NULL, card_id text NOT NULL, application_id text NOT NULL, tier text NOT NULL, special boolean NOT NULL,
    unit_id text NOT NULL, issued_at timestamptz NOT NULL, cancelled_at timestamptz, reviewed_tier text, PRIMARY KEY (customer_id, card_id))`,
  /** Each customer's home unit, so every exception (an application without a card too) names the unit that answers for it. */
  `CREATE TABLE sv_customers (customer_id text PRIMARY KEY, unit_id text NOT NULL)`,
  /** Complaints and their deadlines (001 服务准则 4): one past its deadline without an answer is an exception. */
  `CREATE TABLE sv_complaints (customer_id text NOT NULL, complaint_id text NOT NULL, category text NOT NULL, staff_id text, campaign_id text,
    answer_due_by timestamptz NOT NULL, answered_at timestamptz, PRIMARY KEY (customer_id, complaint_id))`,
  `CREATE INDEX sv_complaints_open_idx ON sv_complaints (answer_due_by) WHERE answered_at IS NULL`,
];
