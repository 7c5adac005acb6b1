import type { ColumnShape, TableShape } from '../runner/effects';

/** The tables of this read model, declared for the runner (which creates them in whichever schema it builds into, blue/green). */
const text: ColumnShape = { type: 'text' };
const fixed = (type: string): ColumnShape => ({ type, combine: 'keep', notNull: true });

export const C360_CUSTOMERS: TableShape = {
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
};
export const C360_TIER_HISTORY: TableShape = {
  name: 'c360_tier_history',
  key: ['customer_id', 'month'],
  columns: { customer_id: text, month: text, from_tier: fixed('text'), to_tier: fixed('text'), average_fen: fixed('bigint') },
};
export const C360_CONTACTS: TableShape = {
  name: 'c360_contacts',
  key: ['customer_id', 'contact_id'],
  columns: { customer_id: text, contact_id: text, occurred_at: fixed('timestamptz'), channel: fixed('text'), staff_id: fixed('text'), campaign_id: text, outcome_note: text },
};
export const C360_ENROLMENTS: TableShape = {
  name: 'c360_enrolments',
  key: ['customer_id', 'campaign_id'],
  columns: { customer_id: text, campaign_id: text, grp: fixed('text'), enrolled_at: fixed('timestamptz') },
};

export const CUSTOMER_360_TABLES: readonly TableShape[] = [C360_CUSTOMERS, C360_TIER_HISTORY, C360_CONTACTS, C360_ENROLMENTS];
