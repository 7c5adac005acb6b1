import type { PoolClient } from 'pg';
import { toFen, businessYear } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { applyInRuns } from '../runner/runs';
import { insertMany } from '../runner/sql';
import { BUDGET_USAGE_TABLES } from './budget-usage.tables';
import { data as d, lastPer } from '../runner/event-fields';


const allocated = (tx: PoolClient, events: readonly RecordedEvent[]) =>
  insertMany(
    tx,
    'bu_budgets',
    [['unit_id', 'text'], ['year', 'integer'], ['allocated_fen', 'bigint']],
    lastPer(events, (e) => `${d(e).unitId} ${d(e).year}`).map((e) => [d(e).unitId, d(e).year, toFen(d(e).amount)]),
    'ON CONFLICT (unit_id, year) DO UPDATE SET allocated_fen = EXCLUDED.allocated_fen',
  );

const HANDLERS: Record<string, (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<unknown>> = {
  AnnualBudgetSet: allocated,
  BudgetAllocated: allocated,
  BudgetSplit: (tx, events) =>
    insertMany(
      tx,
      'bu_splits',
      [['unit_id', 'text'], ['year', 'integer'], ['child_unit_id', 'text'], ['amount_fen', 'bigint']],
      lastPer(events, (e) => `${d(e).unitId} ${d(e).year} ${d(e).childUnitId}`).map((e) => [d(e).unitId, d(e).year, d(e).childUnitId, toFen(d(e).amount)]),
      'ON CONFLICT (unit_id, year, child_unit_id) DO UPDATE SET amount_fen = EXCLUDED.amount_fen',
    ),
  BudgetCommitted: (tx, events) =>
    insertMany(
      tx,
      'bu_commitments',
      [['unit_id', 'text'], ['year', 'integer'], ['campaign_id', 'text'], ['committed_fen', 'bigint']],
      events.map((e) => [d(e).unitId, d(e).year, d(e).campaignId, toFen(d(e).amount)]),
      'ON CONFLICT (unit_id, year, campaign_id) DO NOTHING',
    ),
  BudgetReleased: (tx, events) =>
    tx.query(
      `UPDATE bu_commitments c SET released_fen = v.amount FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[]) AS v(unit_id, year, campaign_id, amount)
       WHERE c.unit_id = v.unit_id AND c.year = v.year AND c.campaign_id = v.campaign_id`,
      [events.map((e) => d(e).unitId), events.map((e) => d(e).year), events.map((e) => d(e).campaignId), events.map((e) => toFen(d(e).amount))],
    ),
  CampaignDrafted: (tx, events) =>
    insertMany(
      tx,
      'bu_campaigns',
      [['campaign_id', 'text'], ['owner_unit_id', 'text'], ['year', 'integer']],
      events.map((e) => [d(e).campaignId, d(e).ownerUnitId, businessYear(d(e).period.start)]),
      'ON CONFLICT (campaign_id) DO NOTHING',
    ),
  CampaignCostRecorded: (tx, events) =>
    tx.query(
      `INSERT INTO bu_campaign_costs (campaign_id, cost_id, owner_unit_id, year, amount_fen)
       SELECT v.campaign_id, v.cost_id, k.owner_unit_id, k.year, v.amount FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(campaign_id, cost_id, amount)
       JOIN bu_campaigns k ON k.campaign_id = v.campaign_id
       ON CONFLICT (campaign_id, cost_id) DO NOTHING`,
      [events.map((e) => d(e).campaignId), events.map((e) => d(e).costId), events.map((e) => toFen(d(e).amount))],
    ),
};

/** Each unit's yearly budget: allocated, split to the units below, committed to campaigns, released, spent. */
export const budgetUsageProjection: Projection = {
  name: 'budget-usage',
  version: 2,
  tables: BUDGET_USAGE_TABLES,
  eventTypes: Object.keys(HANDLERS),
  apply: applyInRuns(HANDLERS),
};
