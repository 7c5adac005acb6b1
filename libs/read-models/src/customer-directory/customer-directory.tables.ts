import type { ColumnShape, TableShape } from '../runner/effects';

/** The tables of this read model, declared for the runner (which creates them in whichever schema it builds into, blue/green, and writes them). */
const text: ColumnShape = { type: 'text', notNull: true };
const list: ColumnShape = { type: 'text[]', default: '{}' };
/** Read only inside the audience rule's CASE or shown (never filtered or joined on): no planner statistics (ANALYZE skips it). */
const shownOnly = (c: ColumnShape): ColumnShape => ({ ...c, statistics: false });

export const CUSTOMER_DIRECTORY: TableShape = {
  name: 'customer_directory',
  key: ['customer_id'],
  columns: {
    customer_id: text,
    home_unit_id: text,
    segment: text,
    gender: text,
    tier: { type: 'text', default: 'ordinary' },
    manager_id: { type: 'text' },
    holdings: list,
    opted_out: shownOnly(list),
    erased: { type: 'boolean', default: false },
    birth_year: { type: 'integer' },
    risk_tolerance: { type: 'text' },
    risk_valid_until: { type: 'timestamptz' },
    last_active_at: { type: 'timestamptz', notNull: true },
    campaign_contacts: shownOnly({ type: 'jsonb', default: '{}' }),
    /** The times of `campaign_contacts`, newest first: the contact cap reads the cap-th newest (one subscript, no subquery per row). */
    contact_times: shownOnly({ type: 'timestamptz[]', default: '{}' }),
    // The campaigns enrolled in, and those in their control group: sets, added to without reading the row (a launch).
    enrolled_in: { ...list, combine: 'union' },
    control_in: shownOnly({ ...list, combine: 'union' }),
  },
  extra: [`CREATE INDEX customer_directory_unit_idx ON customer_directory (home_unit_id, tier)`],
};
export const DIRECTORY_CAMPAIGNS: TableShape = {
  name: 'directory_campaigns',
  key: ['campaign_id'],
  columns: { campaign_id: text, status: text, period_start: { type: 'timestamptz', notNull: true }, period_end: { type: 'timestamptz', notNull: true } },
};
export const CUSTOMER_DIRECTORY_TABLES = [CUSTOMER_DIRECTORY, DIRECTORY_CAMPAIGNS];
