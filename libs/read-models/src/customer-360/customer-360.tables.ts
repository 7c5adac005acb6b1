import type { ColumnShape, TableShape } from '../runner/effects';

/** The tables of this read model, declared for the runner (which creates them in whichever schema it builds into, blue/green). */
const text: ColumnShape = { type: 'text' };
const fixed = (type: string): ColumnShape => ({ type, combine: 'keep', notNull: true });
/**
 * Every read of these tables looks up one customer (or a batch's customers) by the key: the planner
 * needs statistics of the key's columns only, so ANALYZE skips the others (`statistics: false`).
 */
const readByKey = (t: TableShape): TableShape => ({
  ...t,
  columns: Object.fromEntries(Object.entries(t.columns).map(([name, c]) => [name, t.key.includes(name) ? c : { ...c, statistics: false as const }])),
});

export const C360_CUSTOMERS: TableShape = readByKey({
  name: 'c360_customers',
  key: ['customer_id'],
  columns: {
    customer_id: text,
    unit_id: { type: 'text', notNull: true },
    segment: fixed('text'),
    gender: fixed('text'),
    onboarded_at: fixed('timestamptz'),
    tier: { type: 'text', default: 'ordinary' },
    manager_id: text,
    opted_out: { type: 'text[]', default: '{}' },
    risk_tolerance: text,
    risk_assessed_at: { type: 'timestamptz' },
    risk_valid_until: { type: 'timestamptz' },
    card_id: text,
    card_tier: text,
    card_valid_until: { type: 'timestamptz' },
  },
});
export const C360_TIER_HISTORY: TableShape = readByKey({
  name: 'c360_tier_history',
  key: ['customer_id', 'month'],
  // recorded_at: when the change was recorded (the month's snapshot), shown as the bank's day.
  columns: { customer_id: text, month: text, from_tier: fixed('text'), to_tier: fixed('text'), average_fen: fixed('bigint'), recorded_at: { type: 'timestamptz', combine: 'keep' } },
});
export const C360_CONTACTS: TableShape = readByKey({
  name: 'c360_contacts',
  key: ['customer_id', 'contact_id'],
  columns: { customer_id: text, contact_id: text, occurred_at: fixed('timestamptz'), channel: fixed('text'), staff_id: fixed('text'), campaign_id: text, outcome_note: text },
});
export const C360_ENROLMENTS: TableShape = readByKey({
  name: 'c360_enrolments',
  key: ['customer_id', 'campaign_id'],
  columns: { customer_id: text, campaign_id: text, grp: fixed('text'), enrolled_at: fixed('timestamptz') },
});

/**
 * Product holdings, one row per period a product is held (`period` counts from 1 per customer and
 * product): opened by a sale or by the first monthly snapshot listing it, closed by a snapshot of a
 * month at or after the period began that no longer lists it (a snapshot replaces the holdings it
 * speaks for, a sale adds one until the next snapshot). A product closed and held again opens a new
 * period; a period a sale alone opened is taken back when that sale is reversed before a snapshot
 * speaks for it.
 */
export const C360_HOLDINGS: TableShape = readByKey({
  name: 'c360_holdings',
  key: ['customer_id', 'product_code', 'period'],
  columns: {
    customer_id: text,
    product_code: text,
    period: { type: 'integer' },
    /** How the period began: `sale` (ConversionRecorded) or `snapshot` (BalanceSnapshotRecorded). */
    source: fixed('text'),
    since_at: fixed('timestamptz'),
    /** The bank month it is held since: a sale's (in the bank's zone), or the snapshot's month. */
    since_month: fixed('text'),
    /** The bank day of the sale that opened it; null when a snapshot did (it tells only the month). */
    since_day: { type: 'text', combine: 'keep' },
    /** Sales of the product while this period lasted, less those reversed: set to the count, never added to (a batch applied again leaves it as it is). */
    sales: { type: 'integer', default: 0 },
    closed_at: { type: 'timestamptz' },
    /** The month of the snapshot that no longer listed it. */
    closed_month: text,
  },
});

/**
 * The period each sale counted in, so that its reversal takes it off that period (and takes back a
 * period it alone opened). A reversed sale stays, with when it was reversed: a sale or reversal applied
 * again (a batch applied twice) is known by its conversion id and changes nothing.
 */
export const C360_HOLDING_SALES: TableShape = {
  name: 'c360_holding_sales',
  key: ['customer_id', 'conversion_id'],
  columns: { customer_id: text, conversion_id: text, product_code: fixed('text'), period: fixed('integer'), reversed_at: { type: 'timestamptz' } },
};
/** The month of the latest snapshot applied to each customer's holdings (an older one recorded late changes nothing now). */
export const C360_HOLDING_MONTHS: TableShape = {
  name: 'c360_holding_months',
  key: ['customer_id'],
  columns: { customer_id: text, month: { type: 'text', combine: 'max', notNull: true } },
};

export const CUSTOMER_360_TABLES: readonly TableShape[] = [C360_CUSTOMERS, C360_TIER_HISTORY, C360_CONTACTS, C360_ENROLMENTS, C360_HOLDINGS, C360_HOLDING_SALES, C360_HOLDING_MONTHS];
