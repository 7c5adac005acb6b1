import type { ColumnShape, TableShape } from '../runner/effects';

/** The tables of this read model, declared for the runner (which creates them in whichever schema it builds into, blue/green). */
const text: ColumnShape = { type: 'text' };
const required = (type: string): ColumnShape => ({ type, notNull: true });

export const SV_APPLICATIONS: TableShape = {
  name: 'sv_applications',
  key: ['customer_id', 'application_id'],
  columns: { customer_id: text, application_id: text, tier: required('text'), special: required('boolean'), approved_at: { type: 'timestamptz' }, refused: { type: 'boolean', default: false }, applied_at: required('timestamptz') },
};
export const SV_CARDS: TableShape = {
  name: 'sv_cards',
  key: ['customer_id', 'card_id'],
  columns: {
    customer_id: text,
    card_id: text,
    application_id: required('text'),
    tier: required('text'),
    special: required('boolean'),
    unit_id: required('text'),
    issued_at: required('timestamptz'),
    cancelled_at: { type: 'timestamptz' },
    reviewed_tier: text,
  },
};
/** Each customer's home unit, so every exception (an application without a card too) names the unit that answers for it. */
export const SV_CUSTOMERS: TableShape = { name: 'sv_customers', key: ['customer_id'], subject: 'customer_id', columns: { customer_id: text, unit_id: required('text') } };
/** Complaints and their deadlines (001 服务准则 4): one past its deadline without an answer is an exception. */
export const SV_COMPLAINTS: TableShape = {
  name: 'sv_complaints',
  key: ['customer_id', 'complaint_id'],
  columns: { customer_id: text, complaint_id: text, category: required('text'), staff_id: text, campaign_id: text, answer_due_by: required('timestamptz'), answered_at: { type: 'timestamptz' } },
  extra: [`CREATE INDEX sv_complaints_open_idx ON sv_complaints (answer_due_by) WHERE answered_at IS NULL`],
};

export const SUPERVISION_TABLES: readonly TableShape[] = [SV_APPLICATIONS, SV_CARDS, SV_CUSTOMERS, SV_COMPLAINTS];
