import type { ColumnShape, TableShape } from '../runner/effects';

/**
 * The tables of this read model, declared for the runner (which creates them in whichever schema
 * it builds into, blue/green, and writes them).
 *
 * Facts are kept with the time they held: a person's unit, a customer's manager and a customer's
 * unit (their stays in a wealth centre among them) each as intervals of business time (`valid_from`
 * null: since the beginning; `valid_to` null: still so), and every credit and activity row records
 * the unit its person was in when it happened; but for a sale dated in a stay in a wealth centre
 * (影子考核), whose sale credit is recorded under the sub-branch the customer was moved up from and
 * whose shadow credit under the centre. Points and penalties are integer hundredths of a point,
 * revenue integer fen.
 */
const text: ColumnShape = { type: 'text' };
const fixed = (type: string): ColumnShape => ({ type, combine: 'keep', notNull: true });
const count = (type = 'integer'): ColumnShape => ({ type, combine: 'add', default: 0 });

export const SC_UNITS: TableShape = {
  name: 'sc_units',
  key: ['unit_id'],
  columns: { unit_id: text, parent_id: { type: 'text', combine: 'keep' }, name: fixed('text'), wealth_centre: fixed('boolean') },
};
export const SC_STAFF: TableShape = {
  name: 'sc_staff',
  key: ['staff_id'],
  columns: { staff_id: text, unit_id: { type: 'text', notNull: true }, role: { type: 'text', notNull: true }, display_name: fixed('text') },
};
/** Which unit each person was in, when: the unit they were registered in holds from the beginning, each move from its business time until a move recorded after it starts (the last recorded holds). `seq`: the log position of the event that opened it (a fact is placed by the intervals known when it was recorded). */
export const SC_STAFF_UNITS: TableShape = {
  name: 'sc_staff_units',
  key: ['staff_id', 'event_id'],
  columns: { staff_id: text, event_id: { type: 'uuid' }, seq: fixed('bigint'), unit_id: fixed('text'), valid_from: { type: 'timestamptz', combine: 'keep' }, valid_to: { type: 'timestamptz' } },
  // The people of a unit's month (a branch's scorecard reads its units' intervals, not the bank's).
  extra: [`CREATE INDEX sc_staff_units_unit_idx ON sc_staff_units (unit_id)`],
};
export const SC_PRODUCTS: TableShape = { name: 'sc_products', key: ['product_code'], columns: { product_code: text, weight: { type: 'numeric(12,4)', notNull: true } } };
/**
 * Which unit each customer was in, when (their stays): the unit onboarded into from the beginning,
 * each transfer from its business time until a transfer recorded after it starts (the write side's
 * rule, as for assignments: the last recorded holds). A stay in a wealth centre keeps who moved the
 * customer up and the sub-branch they were moved up from (影子考核: a sale dated in the stay keeps its
 * points there, and the centre is scored on them in shadow; a move from one centre to another keeps
 * the first referrer); null outside a centre.
 */
export const SC_CUSTOMER_STAYS: TableShape = {
  name: 'sc_customer_stays',
  key: ['customer_id', 'event_id'],
  columns: {
    customer_id: text,
    event_id: { type: 'uuid' },
    seq: fixed('bigint'),
    unit_id: fixed('text'),
    valid_from: { type: 'timestamptz', combine: 'keep' },
    valid_to: { type: 'timestamptz' },
    referrer_id: { type: 'text', combine: 'keep' },
    referring_unit_id: { type: 'text', combine: 'keep' },
  },
};
/**
 * Who managed each customer, when: each assignment from its business time until an assignment recorded
 * after it starts (the write side's rule: the last recorded holds; an assignment superseded from its
 * start has `valid_to` = `valid_from`). A sale credits the manager of its time; adherence counts
 * those assigned during a month; the one with `valid_to` null (the last recorded) has them now.
 */
export const SC_ASSIGNMENTS: TableShape = {
  name: 'sc_assignments',
  key: ['customer_id', 'event_id'],
  columns: { customer_id: text, event_id: { type: 'uuid' }, seq: fixed('bigint'), manager_id: fixed('text'), valid_from: fixed('timestamptz'), valid_to: { type: 'timestamptz' } },
  extra: [`CREATE INDEX sc_assignments_manager_idx ON sc_assignments (manager_id)`],
};
/** Each credit of a sale: one per kind (sale, referral, shadow), keyed by the sale's customer and conversion ids as they are (no joined string ids could make ambiguous). */
export const SC_CREDITS: TableShape = {
  name: 'sc_credits',
  key: ['customer_id', 'conversion_id', 'kind'],
  columns: {
    staff_id: fixed('text'),
    unit_id: fixed('text'),
    period: fixed('text'),
    customer_id: text,
    conversion_id: text,
    product_code: fixed('text'),
    kind: text,
    conversions: fixed('integer'),
    revenue_fen: fixed('bigint'),
    points_hundredths: fixed('bigint'),
    event_id: fixed('uuid'),
    occurred_at: fixed('timestamptz'),
    reversed: { type: 'boolean', default: false },
  },
  extra: [`CREATE INDEX sc_credits_period_idx ON sc_credits (period, staff_id)`],
};
export const SC_ACTIVITY: TableShape = {
  name: 'sc_activity',
  key: ['activity_key'],
  columns: {
    activity_key: text,
    staff_id: fixed('text'),
    unit_id: fixed('text'),
    period: fixed('text'),
    kind: fixed('text'),
    customer_id: fixed('text'),
    occurred_at: fixed('timestamptz'),
    // hundredths of a point taken off the score: a complaint's or unsuitable attempt's penalty in force when recorded
    penalty_hundredths: { type: 'bigint', combine: 'keep', default: 0 },
  },
  extra: [`CREATE INDEX sc_activity_period_idx ON sc_activity (period, kind)`],
};
/** Each customer a person contacted in a month, under the unit they were in then (customers contacted; adherence). */
export const SC_CONTACTED: TableShape = {
  name: 'sc_contacted',
  key: ['period', 'staff_id', 'unit_id', 'customer_id'],
  columns: { staff_id: text, unit_id: text, period: text, customer_id: text },
  // read per customer by the projection (whom a batch's contacts and assignments are about)
  extra: [`CREATE INDEX sc_contacted_customer_idx ON sc_contacted (customer_id, period)`],
};
/** The counters a scorecard reads: per person, the unit they were in, and month (added to as credit and activity rows are first written or reversed). */
export const SC_PERSON_MONTH: TableShape = {
  name: 'sc_person_month',
  key: ['period', 'unit_id', 'staff_id'],
  columns: {
    staff_id: text,
    unit_id: text,
    period: text,
    conversions: count(),
    referrals: count(),
    revenue_fen: count('bigint'),
    points_hundredths: count('bigint'),
    shadow_hundredths: count('bigint'),
    contacts: count(),
    // different customers contacted (one per row of sc_contacted)
    customers_contacted: count(),
    complaints: count(),
    unsuitable: count(),
    penalty_hundredths: count('bigint'),
  },
  extra: [
    // A page of the bank's people, best score first (points less penalties), read in order without reading the month.
    `CREATE INDEX sc_person_month_score_idx ON sc_person_month (period, (points_hundredths - penalty_hundredths) DESC, staff_id, unit_id)`,
    // A person's rank in their unit: how many of the unit scored more, counted in the index.
    `CREATE INDEX sc_person_month_unit_score_idx ON sc_person_month (period, unit_id, (points_hundredths - penalty_hundredths))`,
    // Which units and months a person has counters in (their coverage: staff-scorecard.people.ts), read per batch by the projection.
    `CREATE INDEX sc_person_month_staff_idx ON sc_person_month (staff_id, period)`,
  ],
};
/**
 * The counters a unit's totals read: per unit and month, the sums of its own person-unit rows
 * (sc_person_month), added to by the same effects (a unit row is written only by an effect that
 * changes one of them). Score = points less penalties. People are counted apart (`SC_UNIT_PEOPLE`).
 */
export const SC_UNIT_MONTH: TableShape = {
  name: 'sc_unit_month',
  key: ['period', 'unit_id'],
  columns: {
    period: text,
    unit_id: text,
    conversions: count(),
    revenue_fen: count('bigint'),
    points_hundredths: count('bigint'),
    shadow_hundredths: count('bigint'),
    penalty_hundredths: count('bigint'),
  },
};
/**
 * The people of each unit's month as deltas (staff-scorecard.people.ts): a unit's people in a month
 * are the sum of its rows up to it (someone of the unit's month by counters there or by a unit
 * interval overlapping it; registered people only; `0000-00`: since the beginning).
 */
export const SC_UNIT_PEOPLE: TableShape = {
  name: 'sc_unit_people',
  key: ['unit_id', 'period'],
  columns: { unit_id: text, period: text, people: count() },
};
/** Who is of two units or more in a month: a row per unit of theirs then (`counted` 1; 0 once they no longer are). */
export const SC_MONTH_MOVERS: TableShape = {
  name: 'sc_month_movers',
  key: ['period', 'staff_id', 'unit_id'],
  columns: { period: text, staff_id: text, unit_id: text, counted: count() },
};
/**
 * Maintenance-plan adherence per person and month (staff-scorecard.adherence.ts): the customers
 * assigned to them at any time in the month, and of those the ones anyone contacted in it. Kept
 * for the months up to the horizon; past it, the customers assigned now.
 */
export const SC_STAFF_MONTH: TableShape = {
  name: 'sc_staff_month',
  key: ['period', 'staff_id'],
  columns: { period: text, staff_id: text, assigned: count(), assigned_contacted: count() },
};
export const SC_OPEN_ASSIGNMENTS: TableShape = { name: 'sc_open_assignments', key: ['staff_id'], columns: { staff_id: text, customers: count() } };
/** The latest business month an assignment or contact happened in (one row). */
export const SC_HORIZON: TableShape = { name: 'sc_horizon', key: ['id'], columns: { id: { type: 'integer' }, period: { type: 'text', combine: 'max', notNull: true } } };
/** The organisation's scoring rules as last set (one row), so the next batch starts from them. */
export const SC_SETTINGS: TableShape = { name: 'sc_settings', key: ['id'], columns: { id: { type: 'integer' }, rules: { type: 'jsonb', notNull: true } } };
export const SC_TARGETS: TableShape = { name: 'sc_targets', key: ['subject_id', 'period'], columns: { subject_id: text, period: text, points_hundredths: { type: 'bigint', notNull: true } } };

export const STAFF_SCORECARD_TABLES: readonly TableShape[] = [
  SC_UNITS,
  SC_STAFF,
  SC_STAFF_UNITS,
  SC_PRODUCTS,
  SC_CUSTOMER_STAYS,
  SC_ASSIGNMENTS,
  SC_CREDITS,
  SC_ACTIVITY,
  SC_CONTACTED,
  SC_PERSON_MONTH,
  SC_UNIT_MONTH,
  SC_UNIT_PEOPLE,
  SC_MONTH_MOVERS,
  SC_STAFF_MONTH,
  SC_OPEN_ASSIGNMENTS,
  SC_HORIZON,
  SC_SETTINGS,
  SC_TARGETS,
];
