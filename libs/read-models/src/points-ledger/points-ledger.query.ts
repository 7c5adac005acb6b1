import type { Queryable } from '../runner/read-model-position';

/** The points events that write a ledger entry (points-ledger.projection.ts). */
export type PointsEntryKind = 'BenefitPointsAccrued' | 'TransactionPointsEarned' | 'TransactionPointsReversed' | 'PointsRedeemed' | 'CampaignCostPointsDeducted' | 'PointsExpired';

/** A customer's points ledger, oldest first, with the running balance. */
export async function pointsLedger(pool: Queryable, customerId: string) {
  const { rows } = await pool.query(
    `SELECT entry_key, kind, points, occurred_at, reference, expires_at, sum(points) OVER (ORDER BY occurred_at, entry_key) AS balance
     FROM pl_entries WHERE customer_id = $1 ORDER BY occurred_at, entry_key`,
    [customerId],
  );
  return {
    customerId,
    balance: rows.length ? Number(rows[rows.length - 1].balance) : 0,
    entries: rows.map((r) => ({
      entry: r.entry_key as string,
      kind: r.kind as PointsEntryKind,
      points: Number(r.points),
      occurredAt: (r.occurred_at as Date).toISOString(),
      reference: r.reference as string | null,
      expiresAt: r.expires_at ? (r.expires_at as Date).toISOString() : null,
      balance: Number(r.balance),
    })),
  };
}
