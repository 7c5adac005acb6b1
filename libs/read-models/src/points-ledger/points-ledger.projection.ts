import type { RecordedEvent } from '@app/event-store';
import { effectProjection, upsert, type Effect, type TableShape } from '../runner/effects';
import { data as d, occurredAt } from '../runner/event-fields';

/** One row per points event: written once (`keep`), so the same event seen again changes nothing. */
export const PL_ENTRIES: TableShape = {
  name: 'pl_entries',
  key: ['customer_id', 'entry_key'],
  columns: {
    customer_id: { type: 'text' },
    entry_key: { type: 'text' },
    kind: { type: 'text', combine: 'keep', notNull: true },
    points: { type: 'bigint', combine: 'keep', notNull: true },
    occurred_at: { type: 'timestamptz', combine: 'keep', notNull: true },
    reference: { type: 'text', combine: 'keep' },
    expires_at: { type: 'timestamptz', combine: 'keep' },
  },
};

/** Each points event as a signed ledger entry; a balance is the sum of a customer's entries. */
export function pointsLedgerEffects(e: RecordedEvent): Effect[] {
  const x = d(e);
  const entry = (key: string, points: number, reference: string | null, expiresAt: string | null = null) =>
    upsert('pl_entries', { customer_id: x.customerId, entry_key: key, kind: e.type, points, occurred_at: occurredAt(e), reference, expires_at: expiresAt });
  switch (e.type) {
    case 'BenefitPointsAccrued':
      return [entry(x.lotId, x.points, x.month, x.expiresAt)];
    case 'TransactionPointsEarned':
      return [entry(x.lotId, x.points, x.transactionId, x.expiresAt)];
    case 'TransactionPointsReversed':
      // What was actually taken back (less than earned when the points were spent). Reversals
      // written before `pointsReversed` existed lack it: they are booked at the points earned, as then.
      return [entry(`reversal-${x.transactionId}`, -(x.pointsReversed ?? x.points), x.transactionId)];
    case 'PointsRedeemed':
      // What was redeemed is a note in the customer's vault: the ledger names the redemption.
      return [entry(`redemption-${x.redemptionId}`, -x.points, x.redemptionId)];
    case 'CampaignCostPointsDeducted':
      return [entry(`campaign-${x.campaignId}`, -x.points, x.campaignId)];
    case 'PointsExpired':
      // One entry per expiry, keyed by the lots it closed.
      return [entry(`expiry-${(x.lotIds as string[]).join(',')}`, -x.points, null)];
    default:
      return [];
  }
}

export const pointsLedgerProjection = effectProjection({
  name: 'points-ledger',
  // 2: a redemption's reference is its id, not its description (a vault note); 3: effects, written by the runner;
  // 4: event times to the millisecond (occurredAt)
  version: 4,
  tables: [PL_ENTRIES],
  eventTypes: ['BenefitPointsAccrued', 'TransactionPointsEarned', 'TransactionPointsReversed', 'PointsRedeemed', 'CampaignCostPointsDeducted', 'PointsExpired'],
  effects: pointsLedgerEffects,
});
