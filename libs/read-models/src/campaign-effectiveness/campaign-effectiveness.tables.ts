import type { ColumnShape, TableShape } from '../runner/effects';
import { countingTriggers } from './campaign-effectiveness.counters';

/**
 * The fact tables of this read model, declared for the runner (which creates them in whichever
 * schema it builds into, blue/green, and writes them with set-based statements), and the counters
 * the answer reads, kept from the facts by statement-level triggers (`campaign-effectiveness.counters.ts`):
 * the runner's one UPDATE and one INSERT per table and batch each fire them once, and each trigger
 * adds what the new rows contribute and takes off what the old ones did, so the counters stay exact.
 * `timeZone` cuts the business days of the daily counters.
 */
const text: ColumnShape = { type: 'text', notNull: true };
const time: ColumnShape = { type: 'timestamptz' };
const fixed = (type: string): ColumnShape => ({ type, combine: 'keep', notNull: true });

export const CE_CAMPAIGNS: TableShape = {
  name: 'ce_campaigns',
  key: ['campaign_id'],
  columns: {
    campaign_id: text,
    name: fixed('text'),
    owner_unit_id: fixed('text'),
    product_codes: fixed('text[]'),
    channels: fixed('text[]'),
    status: text,
    budget_fen: fixed('bigint'),
    control_percent: fixed('integer'),
    period_start: fixed('timestamptz'),
    period_end: fixed('timestamptz'),
    // The plan's targets (the follow-up checks them each 旬): conversions, revenue in yuan as drafted; null without one.
    target_conversions: { type: 'integer', combine: 'keep' },
    target_revenue: { type: 'text', combine: 'keep' },
    launched_at: time,
    closed_at: time,
    treatment_count: { type: 'integer', default: 0 },
    control_count: { type: 'integer', default: 0 },
    drafted_at: time,
  },
};
/** Each lifecycle step with its business time; seq (the event's place in the log) breaks ties: the status as of a date. */
export const CE_CAMPAIGN_STATES: TableShape = {
  name: 'ce_campaign_states',
  key: ['campaign_id', 'seq'],
  columns: { campaign_id: text, at: fixed('timestamptz'), seq: { type: 'bigint' }, status: fixed('text') },
};
export const CE_CUSTOMERS: TableShape = {
  name: 'ce_customers',
  key: ['customer_id'],
  columns: { customer_id: text, unit_id: text, tier: { type: 'text', default: 'ordinary' } },
};
/**
 * The customer's unit and tier over time (from when each held, in business time; seq breaks ties
 * in log order), so a breakdown uses what held at enrolment and a later move never rewrites a past figure.
 */
const history = (name: string, column: string): TableShape => ({
  name,
  key: ['customer_id', 'valid_from', 'seq'],
  columns: { customer_id: text, valid_from: { type: 'timestamptz' }, seq: { type: 'bigint' }, [column]: fixed('text') },
});
export const CE_CUSTOMER_UNITS = history('ce_customer_units', 'unit_id');
export const CE_CUSTOMER_TIERS = history('ce_customer_tiers', 'tier');
/**
 * One row per participant: its group, the first time it reached each funnel stage, where it stood
 * at enrolment (unit_from: since when that unit row holds), and the sales that count for its group
 * (campaign product, in the run, not reversed; and each with its reversal, for as-of days) — all set
 * by the projection from its picture of the facts.
 */
export const CE_PARTICIPANTS: TableShape = {
  name: 'ce_participants',
  key: ['campaign_id', 'customer_id'],
  columns: {
    campaign_id: text,
    customer_id: text,
    grp: fixed('text'),
    enrolled_at: fixed('timestamptz'),
    first_contacted_at: time,
    first_offered_at: time,
    first_accepted_at: time,
    // took part (004 篇九 第三十条 2): recorded as such, or accepted one of the campaign's offers
    took_part_at: time,
    unit_id: { type: 'text', default: '' },
    unit_from: time,
    tier: { type: 'text', default: 'ordinary' },
    sales: { type: 'integer', default: 0 },
    revenue_fen: { type: 'bigint', default: 0 },
    // Each paired sale in the run (reversed ones too), ordered: when it happened, when it was reversed (null: it
    // stands), its revenue — what the as-of counters unfold into the bank days the participant held each revenue.
    sale_at: { type: 'timestamptz[]', default: '{}' },
    sale_until: { type: 'timestamptz[]', default: '{}' },
    sale_revenue: { type: 'bigint[]', default: '{}' },
  },
  extra: [`CREATE INDEX ce_participants_customer_idx ON ce_participants (customer_id)`],
};
export const CE_CONTACTS: TableShape = {
  name: 'ce_contacts',
  key: ['customer_id', 'contact_id'],
  columns: { contact_id: text, campaign_id: fixed('text'), customer_id: text, staff_id: fixed('text'), channel: fixed('text'), occurred_at: fixed('timestamptz') },
  // A campaign's contacts by time: the follow-up counts the customers of each 旬 window over a range of
  // it (customer_id carried, read from the index alone); the as-of answer reads those up to a date.
  extra: [`CREATE INDEX ce_contacts_campaign_time_idx ON ce_contacts (campaign_id, occurred_at) INCLUDE (customer_id)`],
};
export const CE_CONVERSIONS: TableShape = {
  name: 'ce_conversions',
  key: ['customer_id', 'conversion_id'],
  columns: {
    conversion_id: text,
    event_id: fixed('uuid'),
    customer_id: text,
    staff_id: fixed('text'),
    product_code: fixed('text'),
    amount_fen: fixed('bigint'),
    revenue_fen: fixed('bigint'),
    campaign_id: { type: 'text', combine: 'keep' },
    occurred_at: fixed('timestamptz'),
    reversed: { type: 'boolean', default: false },
    reversed_at: time,
  },
  // A campaign's sales in the order the list pages them (keyset: time, customer, conversion).
  extra: [`CREATE INDEX ce_conversions_campaign_idx ON ce_conversions (campaign_id, occurred_at, customer_id, conversion_id)`],
};
/** Which sales count for which participant's group (a campaign product sold to one of its enrolled customers). */
export const CE_GROUP_CONVERSIONS: TableShape = {
  name: 'ce_group_conversions',
  key: ['campaign_id', 'customer_id', 'conversion_id'],
  columns: { campaign_id: text, conversion_id: text, customer_id: text, grp: fixed('text') },
  // A batch reads the pairs of the customers it names.
  extra: [`CREATE INDEX ce_group_conversions_customer_idx ON ce_group_conversions (customer_id)`],
};
/** A cost is the campaign's (its id unique within the campaign): keyed by both, the key's index also finds a campaign's costs. */
export const CE_COSTS: TableShape = {
  name: 'ce_costs',
  key: ['campaign_id', 'cost_id'],
  columns: { campaign_id: text, cost_id: text, amount_fen: fixed('bigint'), customer_id: { type: 'text', combine: 'keep' }, occurred_at: fixed('timestamptz') },
};
/**
 * Each feedback line recorded on a campaign (rating 1–5, or null for a comment without one), at its business time.
 * The rating is `numeric`: the command refuses anything but a whole 1–5, but the event's schema (what an import is
 * checked against) takes any number, and a projection must not stop on a line it can count.
 */
export const CE_FEEDBACK: TableShape = {
  name: 'ce_feedback',
  key: ['campaign_id', 'feedback_id'],
  columns: { campaign_id: text, feedback_id: text, rating: { type: 'numeric', combine: 'keep' }, occurred_at: fixed('timestamptz') },
};
/** A complaint is the customer's (its id unique within the customer's stream), about one campaign: keyed by customer and id. */
export const ceComplaints = (timeZone: string): TableShape => ({
  name: 'ce_complaints',
  key: ['customer_id', 'complaint_id'],
  columns: { customer_id: text, complaint_id: text, campaign_id: fixed('text'), occurred_at: fixed('timestamptz') },
  // Last: the counters' triggers attach to every fact table above.
  // By time within the campaign: the complaints of a 旬 window, or up to an as-of date, are a range.
  extra: [`CREATE INDEX ce_complaints_campaign_time_idx ON ce_complaints (campaign_id, occurred_at)`, ...countingTriggers(timeZone)],
});

export const campaignEffectivenessTables = (timeZone: string): TableShape[] => [
  CE_CAMPAIGNS,
  CE_CAMPAIGN_STATES,
  CE_CUSTOMERS,
  CE_CUSTOMER_UNITS,
  CE_CUSTOMER_TIERS,
  CE_PARTICIPANTS,
  CE_CONTACTS,
  CE_CONVERSIONS,
  CE_GROUP_CONVERSIONS,
  CE_COSTS,
  CE_FEEDBACK,
  ceComplaints(timeZone),
];
