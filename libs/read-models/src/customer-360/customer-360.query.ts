import type { Queryable } from '../runner/read-model-position';
import { formatFen, type Channel, type Gender, type RiskLevel, type Tier } from '@app/domain';

/** Everything known of one customer (no personal data: that lives in the vault), with their points balance. */
export async function customer360(pool: Queryable, customerId: string, now = new Date()) {
  const { rows } = await pool.query(`SELECT * FROM c360_customers WHERE customer_id = $1`, [customerId]);
  const c = rows[0];
  if (!c) return null;
  // One connection (its search_path names the live schemas): queries go one after another.
  const tiers = await pool.query(`SELECT month, from_tier, to_tier, average_fen, recorded_at FROM c360_tier_history WHERE customer_id = $1 ORDER BY month`, [customerId]);
  const holdings = await pool.query(
    `SELECT product_code, period, source, since_at, since_month, since_day, sales, closed_at, closed_month FROM c360_holdings
      WHERE customer_id = $1 ORDER BY closed_at IS NOT NULL, product_code, period`,
    [customerId],
  );
  const holding = (r: Record<string, any>) => ({
    productCode: r.product_code as string,
    source: r.source as 'sale' | 'snapshot',
    sinceAt: (r.since_at as Date).toISOString(),
    sinceMonth: r.since_month as string,
    sinceDay: r.since_day as string | null,
    sales: Number(r.sales),
  });
  const contacts = await pool.query(
    `SELECT contact_id, occurred_at, channel, staff_id, campaign_id, outcome_note FROM c360_contacts WHERE customer_id = $1 ORDER BY occurred_at DESC, contact_id LIMIT 10`,
    [customerId],
  );
  const campaigns = await pool.query(`SELECT campaign_id, grp, enrolled_at FROM c360_enrolments WHERE customer_id = $1 ORDER BY enrolled_at, campaign_id`, [customerId]);
  const points = await pool.query(`SELECT COALESCE(sum(points), 0) AS balance FROM pl_entries WHERE customer_id = $1`, [customerId]);
  const validUntil: Date | null = c.risk_valid_until;
  return {
    customerId: c.customer_id as string,
    unitId: c.unit_id as string,
    segment: c.segment as string,
    gender: c.gender as Gender,
    onboardedAt: (c.onboarded_at as Date).toISOString(),
    tier: c.tier as Tier,
    tierHistory: tiers.rows.map((r) => ({
      month: r.month as string,
      from: r.from_tier as Tier,
      to: r.to_tier as Tier,
      threeMonthAverage: formatFen(Number(r.average_fen)),
      recordedAt: r.recorded_at ? (r.recorded_at as Date).toISOString() : null,
    })),
    /** What the customer holds now, by product, and since when (the bank day of a sale, or a snapshot's month). */
    holdings: holdings.rows.filter((r) => r.closed_at === null).map(holding),
    /** Holdings closed by a later snapshot, oldest period first per product. */
    pastHoldings: holdings.rows.filter((r) => r.closed_at !== null).map((r) => ({ ...holding(r), closedAt: (r.closed_at as Date).toISOString(), closedMonth: r.closed_month as string })),
    managerId: c.manager_id as string | null,
    /** Channels the customer opted out of; every other channel may be used. */
    optedOut: c.opted_out as Channel[],
    riskProfile: c.risk_tolerance
      ? { tolerance: c.risk_tolerance as RiskLevel, assessedAt: (c.risk_assessed_at as Date).toISOString(), validUntil: validUntil!.toISOString(), expired: validUntil! <= now }
      : null,
    vipCard: c.card_id ? { cardId: c.card_id as string, tier: c.card_tier as Tier, validUntil: (c.card_valid_until as Date).toISOString() } : null,
    lastContacts: contacts.rows.map((r) => ({ contactId: r.contact_id as string, occurredAt: (r.occurred_at as Date).toISOString(), channel: r.channel as Channel, staffId: r.staff_id as string, campaignId: r.campaign_id as string | null, outcomeNote: r.outcome_note as string | null })),
    campaigns: campaigns.rows.map((r) => ({ campaignId: r.campaign_id as string, group: r.grp as 'treatment' | 'control', enrolledAt: (r.enrolled_at as Date).toISOString() })),
    pointsBalance: Number(points.rows[0].balance),
  };
}
