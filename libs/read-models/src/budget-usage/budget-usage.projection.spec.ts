import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { budgetUsageProjection } from './budget-usage.projection';

const event = (type: string, data: Record<string, unknown>) => ({ type, data, metadata: { occurredAt: '2026-01-05T00:00:00.000Z' } }) as unknown as RecordedEvent;

describe('budget usage as effects', () => {
  it('given a campaign starting at 00:00 Beijing on 1 January 2026 and its cost in the same batch, spends it from the owner\'s 2026 budget', () => {
    const fold = foldEffects(
      budgetUsageProjection.definition,
      [
        // 2025-12-31T16:00Z is 2026-01-01 00:00 in Beijing: budget year 2026, not 2025.
        event('CampaignDrafted', { campaignId: 'K1', ownerUnitId: 'BR1', period: { start: '2025-12-31T16:00:00.000Z', end: '2026-02-01T00:00:00.000Z' } }),
        event('CampaignCostRecorded', { campaignId: 'K1', costId: 'c1', amount: '1200.50' }),
        event('CampaignCostRecorded', { campaignId: 'NEVER-DRAFTED', costId: 'c2', amount: '10.00' }),
      ],
      new Map(),
    );
    // 1,200.50 yuan = 120,050 fen; the cost of a campaign never drafted counts nowhere.
    expect(fold.rows('bu_campaign_costs').map((r) => r.insert)).toEqual([{ campaign_id: 'K1', cost_id: 'c1', owner_unit_id: 'BR1', year: 2026, amount_fen: 120050 }]);
  });

  it('given a budget set twice and a commitment released, keeps the last allocation and the release', () => {
    const fold = foldEffects(
      budgetUsageProjection.definition,
      [
        event('AnnualBudgetSet', { unitId: 'BR1', year: 2026, amount: '100.00' }),
        event('BudgetAllocated', { unitId: 'BR1', year: 2026, amount: '250.00' }),
        event('BudgetReleased', { unitId: 'BR1', year: 2026, campaignId: 'K1', amount: '0.01' }),
      ],
      new Map(),
    );
    expect(fold.rows('bu_budgets')[0]!.insert).toEqual({ unit_id: 'BR1', year: 2026, allocated_fen: 25000 });
    expect(fold.rows('bu_commitments')[0]).toMatchObject({ change: { released_fen: 1 }, insert: null });
  });
});
