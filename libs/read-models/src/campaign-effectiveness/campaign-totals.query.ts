import type { Queryable } from '../runner/read-model-position';
import { formatFen } from '@app/domain';

export interface CampaignTotalsFigures {
  readonly campaigns: number;
  /** Sales tagged with one of the campaigns (a sale carries one tag at most), not reversed. */
  readonly conversions: number;
  readonly revenue: string;
  readonly cost: string;
  /**
   * Treatment customers of any of the campaigns who bought one of its products in its run, and
   * the revenue of those sales: each customer and each sale once, however many of the campaigns
   * overlapped on them (the per-campaign figures count it for each).
   */
  readonly treatmentConverted: number;
  readonly treatmentRevenue: string;
}

export interface CampaignTotals extends CampaignTotalsFigures {
  /** The same per owning unit: each sale once within a unit. */
  readonly byUnit: ({ unitId: string } & CampaignTotalsFigures)[];
}

/**
 * Totals across the campaigns named: no sale counted twice. A sale to a customer in two
 * overlapping campaigns counts in each campaign's group figures, but once here; so no total
 * exceeds what was sold. A sale counts for a campaign's group by the same rule as its
 * effectiveness figures: a campaign product, not reversed, inside the campaign's run.
 *
 * The tagged sales, their revenue and the costs come from each campaign's counters (ce_campaign_totals: a row per
 * campaign); a sale carries one campaign tag at most and each campaign is counted once (the campaigns named are
 * read from ce_campaigns, so a name given twice is one campaign), so their sum is each tagged sale once. The
 * treatment figures still read the campaigns' group sales: a sale may count in several campaigns' groups, and only
 * the sales themselves say which were counted already.
 */
export async function campaignTotals(pool: Queryable, campaignIds: readonly string[]): Promise<CampaignTotals> {
  const { rows } = await pool.query<{ unit_id: string | null; campaigns: string; conversions: string; revenue: string; cost: string; converted: string; treatment_revenue: string }>(
    `WITH k AS (SELECT campaign_id, owner_unit_id, launched_at, closed_at FROM ce_campaigns WHERE campaign_id = ANY($1::text[])),
     -- A sale carries one campaign tag at most: each campaign's tagged sales (not reversed) and costs, from its counters, each once.
     tagged AS (
       SELECT k.owner_unit_id, t.tagged_sales, t.tagged_revenue_fen, t.cost_fen FROM ce_campaign_totals t JOIN k ON k.campaign_id = t.campaign_id),
     group_sales AS (
       SELECT DISTINCT k.owner_unit_id, v.customer_id, v.conversion_id, v.revenue_fen
       FROM ce_group_conversions g
       JOIN k ON k.campaign_id = g.campaign_id
       JOIN ce_conversions v ON v.customer_id = g.customer_id AND v.conversion_id = g.conversion_id AND NOT v.reversed
       JOIN ce_participants p ON p.campaign_id = g.campaign_id AND p.customer_id = g.customer_id
       WHERE g.grp = 'treatment' AND k.launched_at IS NOT NULL AND v.occurred_at >= k.launched_at AND (k.closed_at IS NULL OR v.occurred_at <= k.closed_at)),
     -- Per owning unit, each figure grouped once (group_sales is distinct per unit, so each sale once within a unit).
     unit_rows AS (
       SELECT u.owner_unit_id AS unit_id, u.campaigns, COALESCE(t.conversions, 0) AS conversions, COALESCE(t.revenue, 0) AS revenue,
              COALESCE(t.cost, 0) AS cost, COALESCE(s.converted, 0) AS converted, COALESCE(s.revenue, 0) AS treatment_revenue
       FROM (SELECT owner_unit_id, count(*) AS campaigns FROM k GROUP BY 1) u
       LEFT JOIN (SELECT owner_unit_id, sum(tagged_sales) AS conversions, sum(tagged_revenue_fen) AS revenue, sum(cost_fen) AS cost FROM tagged GROUP BY 1) t USING (owner_unit_id)
       LEFT JOIN (SELECT owner_unit_id, count(DISTINCT customer_id) AS converted, sum(revenue_fen) AS revenue FROM group_sales GROUP BY 1) s USING (owner_unit_id))
     -- All the campaigns first (unit_id null): a customer or a sale in campaigns of two units once.
     SELECT * FROM (
     SELECT NULL::text AS unit_id, (SELECT count(*) FROM k) AS campaigns,
       (SELECT COALESCE(sum(tagged_sales), 0) FROM tagged) AS conversions, (SELECT COALESCE(sum(tagged_revenue_fen), 0) FROM tagged) AS revenue,
       (SELECT COALESCE(sum(cost), 0) FROM unit_rows) AS cost,
       (SELECT count(DISTINCT customer_id) FROM group_sales) AS converted,
       (SELECT COALESCE(sum(revenue_fen), 0) FROM (SELECT DISTINCT customer_id, conversion_id, revenue_fen FROM group_sales) x) AS treatment_revenue
     UNION ALL
     SELECT unit_id, campaigns, conversions, revenue, cost, converted, treatment_revenue FROM unit_rows) x
     ORDER BY unit_id NULLS FIRST`,
    [campaignIds],
  );
  const figures = (r: (typeof rows)[number]): CampaignTotalsFigures => ({
    campaigns: Number(r.campaigns),
    conversions: Number(r.conversions),
    revenue: formatFen(Number(r.revenue)),
    cost: formatFen(Number(r.cost)),
    treatmentConverted: Number(r.converted),
    treatmentRevenue: formatFen(Number(r.treatment_revenue)),
  });
  const [all, ...units] = rows;
  return { ...figures(all!), byUnit: units.map((r) => ({ unitId: r.unit_id!, ...figures(r) })) };
}
