import type { ColumnShape, TableShape } from '../runner/effects';

/** The tables of this read model, declared for the runner (which creates them in whichever schema it builds into, blue/green). */
const text: ColumnShape = { type: 'text' };
const integer: ColumnShape = { type: 'integer' };
const fixed = (type: string): ColumnShape => ({ type, combine: 'keep', notNull: true });

export const BU_BUDGETS: TableShape = { name: 'bu_budgets', key: ['unit_id', 'year'], columns: { unit_id: text, year: integer, allocated_fen: { type: 'bigint', notNull: true } } };
export const BU_SPLITS: TableShape = {
  name: 'bu_splits',
  key: ['unit_id', 'year', 'child_unit_id'],
  columns: { unit_id: text, year: integer, child_unit_id: text, amount_fen: { type: 'bigint', notNull: true } },
};
export const BU_COMMITMENTS: TableShape = {
  name: 'bu_commitments',
  key: ['unit_id', 'year', 'campaign_id'],
  columns: { unit_id: text, year: integer, campaign_id: text, committed_fen: fixed('bigint'), released_fen: { type: 'bigint', default: 0 } },
};
export const BU_CAMPAIGN_COSTS: TableShape = {
  name: 'bu_campaign_costs',
  key: ['campaign_id', 'cost_id'],
  columns: { campaign_id: text, cost_id: text, owner_unit_id: fixed('text'), year: fixed('integer'), amount_fen: fixed('bigint') },
};
export const BU_CAMPAIGNS: TableShape = { name: 'bu_campaigns', key: ['campaign_id'], columns: { campaign_id: text, owner_unit_id: fixed('text'), year: fixed('integer') } };

export const BUDGET_USAGE_TABLES: readonly TableShape[] = [BU_BUDGETS, BU_SPLITS, BU_COMMITMENTS, BU_CAMPAIGN_COSTS, BU_CAMPAIGNS];
