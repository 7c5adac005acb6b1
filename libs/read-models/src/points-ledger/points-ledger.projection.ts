import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { insertMany } from '../runner/sql';
import { POINTS_LEDGER_TABLES } from './points-ledger.tables';
import { data as d } from '../runner/event-fields';


/** Each points event as a signed ledger entry; a balance is the sum of a customer's entries. */
function entry(e: RecordedEvent): [string, string, string, number, string, string | null, string | null] {
  const x = d(e);
  const row = (key: string, points: number, reference: string | null, expiresAt: string | null = null) =>
    [x.customerId, key, e.type, points, e.metadata.occurredAt, reference, expiresAt] as [string, string, string, number, string, string | null, string | null];
  switch (e.type) {
    case 'BenefitPointsAccrued':
      return row(x.lotId, x.points, x.month, x.expiresAt);
    case 'TransactionPointsEarned':
      return row(x.lotId, x.points, x.transactionId, x.expiresAt);
    case 'TransactionPointsReversed':
      // What was actually taken back (less than earned when the points were spent). Reversals
      // written before `pointsReversed` existed lack it: they are booked at the points earned, as then.
      return row(`reversal-${x.transactionId}`, -(x.pointsReversed ?? x.points), x.transactionId);
    case 'PointsRedeemed':
      // What was redeemed is a note in the customer's vault: the ledger names the redemption.
      return row(`redemption-${x.redemptionId}`, -x.points, x.redemptionId);
    case 'CampaignCostPointsDeducted':
      return row(`campaign-${x.campaignId}`, -x.points, x.campaignId);
    default:
      // PointsExpired: one entry per expiry, keyed by the lots it closed.
      return row(`expiry-${(x.lotIds as string[]).join(',')}`, -x.points, null);
  }
}

export const pointsLedgerProjection: Projection = {
  name: 'points-ledger',
  version: 2, // 2: a redemption's reference is its id, not its description (a vault note)
  tables: POINTS_LEDGER_TABLES,
  eventTypes: ['BenefitPointsAccrued', 'TransactionPointsEarned', 'TransactionPointsReversed', 'PointsRedeemed', 'CampaignCostPointsDeducted', 'PointsExpired'],
  apply: (tx, events) =>
    insertMany(
      tx,
      'pl_entries',
      [['customer_id', 'text'], ['entry_key', 'text'], ['kind', 'text'], ['points', 'bigint'], ['occurred_at', 'timestamptz'], ['reference', 'text'], ['expires_at', 'timestamptz']],
      events.map(entry),
      'ON CONFLICT (customer_id, entry_key) DO NOTHING',
    ),
};
