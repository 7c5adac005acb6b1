import type { PoolClient } from 'pg';
import { businessYear, toFen } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { effectProjection, insert, update, upsert, type Effect } from '../runner/effects';
import { data as d } from '../runner/event-fields';
import { BUDGET_USAGE_TABLES } from './budget-usage.tables';

/** Each campaign's owning unit and budget year, for its costs: read once per batch for the costs' campaigns, and kept as drafts come. */
export type CampaignOwners = Map<string, { ownerUnitId: string; year: number }>;

export async function loadCampaignOwners(tx: PoolClient, events: readonly RecordedEvent[]): Promise<CampaignOwners> {
  const ids = [...new Set(events.filter((e) => e.type === 'CampaignCostRecorded').map((e) => d(e).campaignId as string))];
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ campaign_id: string; owner_unit_id: string; year: number }>(`SELECT * FROM bu_campaigns WHERE campaign_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.campaign_id, { ownerUnitId: r.owner_unit_id, year: r.year }]));
}

/** What one event does to the budget rows. */
export function budgetUsageEffects(e: RecordedEvent, owners: CampaignOwners): Effect[] {
  const x = d(e);
  switch (e.type) {
    case 'AnnualBudgetSet':
    case 'BudgetAllocated':
      return [upsert('bu_budgets', { unit_id: x.unitId, year: x.year, allocated_fen: toFen(x.amount) })];
    case 'BudgetSplit':
      return [upsert('bu_splits', { unit_id: x.unitId, year: x.year, child_unit_id: x.childUnitId, amount_fen: toFen(x.amount) })];
    case 'BudgetCommitted':
      return [insert('bu_commitments', { unit_id: x.unitId, year: x.year, campaign_id: x.campaignId, committed_fen: toFen(x.amount) })];
    case 'BudgetReleased':
      return [update('bu_commitments', { unit_id: x.unitId, year: x.year, campaign_id: x.campaignId, released_fen: toFen(x.amount) })];
    // The budget year is the bank's year the campaign starts in.
    case 'CampaignDrafted': {
      const year = businessYear(x.period.start);
      if (!owners.has(x.campaignId)) owners.set(x.campaignId, { ownerUnitId: x.ownerUnitId, year });
      return [insert('bu_campaigns', { campaign_id: x.campaignId, owner_unit_id: x.ownerUnitId, year })];
    }
    // Spent by the owning unit in the campaign's year; a cost of a campaign never drafted counts nowhere.
    case 'CampaignCostRecorded': {
      const owner = owners.get(x.campaignId);
      return owner ? [insert('bu_campaign_costs', { campaign_id: x.campaignId, cost_id: x.costId, owner_unit_id: owner.ownerUnitId, year: owner.year, amount_fen: toFen(x.amount) })] : [];
    }
    default:
      return [];
  }
}

/** Each unit's yearly budget: allocated, split to the units below, committed to campaigns, released, spent. */
export const budgetUsageProjection = effectProjection<CampaignOwners>({
  name: 'budget-usage',
  // 3: effects, written by the runner
  version: 3,
  dependsOnTimeZone: true, // the budget year of a campaign, cut in the bank's zone
  tables: BUDGET_USAGE_TABLES,
  eventTypes: ['AnnualBudgetSet', 'BudgetAllocated', 'BudgetSplit', 'BudgetCommitted', 'BudgetReleased', 'CampaignDrafted', 'CampaignCostRecorded'],
  state: loadCampaignOwners,
  effects: budgetUsageEffects,
});
