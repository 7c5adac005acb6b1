import type { Queryable } from '../runner/read-model-position';

/**
 * The conversion rate of past campaigns' control groups on any of these products (completed only:
 * a running campaign's control window is not over, its rate still climbing; the campaign itself
 * left out): control customers with a sale that stands, over control customers enrolled. Null when
 * no such campaign had a control group.
 */
export async function controlConversionRate(db: Queryable, productCodes: readonly string[], exceptCampaignId: string | null): Promise<{ rate: number | null; campaigns: string[]; controlCustomers: number; converted: number }> {
  const { rows } = await db.query<{ campaigns: string[]; enrolled: number; converted: number }>(
    `WITH past AS (
       SELECT campaign_id FROM ce_campaigns
       WHERE product_codes && $1::text[] AND status = 'completed' AND campaign_id IS DISTINCT FROM $2)
     SELECT
       (SELECT coalesce(array_agg(campaign_id ORDER BY campaign_id), '{}') FROM past) AS campaigns,
       (SELECT count(*)::int FROM ce_participants p JOIN past USING (campaign_id) WHERE p.grp = 'control') AS enrolled,
       (SELECT count(DISTINCT (g.campaign_id, g.customer_id))::int FROM ce_group_conversions g JOIN past USING (campaign_id)
          JOIN ce_conversions v ON v.customer_id = g.customer_id AND v.conversion_id = g.conversion_id AND NOT v.reversed
          JOIN ce_campaigns k ON k.campaign_id = g.campaign_id
        -- as the campaign's own figures count a sale: inside its run
        WHERE g.grp = 'control' AND k.launched_at IS NOT NULL AND v.occurred_at >= k.launched_at
          AND (k.closed_at IS NULL OR v.occurred_at <= k.closed_at)) AS converted`,
    [productCodes, exceptCampaignId],
  );
  const r = rows[0]!;
  return { rate: r.enrolled > 0 ? r.converted / r.enrolled : null, campaigns: r.campaigns, controlCustomers: r.enrolled, converted: r.converted };
}
