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

type TotalsRow = { unit_id: string | null; campaigns: string; conversions: string; revenue: string; cost: string; converted: string; treatment_revenue: string };

/** The campaigns named (each once, from ce_campaigns) and their tagged sales, revenue and costs from their counters (ce_campaign_totals). */
const NAMED = `k AS (SELECT campaign_id, owner_unit_id, launched_at, closed_at FROM ce_campaigns WHERE campaign_id = ANY($1::text[])),
     -- A sale carries one campaign tag at most: each campaign's tagged sales (not reversed) and costs, from its counters, each once.
     tagged AS (
       SELECT k.owner_unit_id, t.tagged_sales, t.tagged_revenue_fen, t.cost_fen FROM ce_campaign_totals t JOIN k ON k.campaign_id = t.campaign_id)`;
/** Per owning unit (`s`: owner_unit_id, converted, revenue), then all the campaigns first (unit_id null, `all`: converted, revenue). */
const byUnit = (s: string, all: string) => `,
     unit_rows AS (
       SELECT u.owner_unit_id AS unit_id, u.campaigns, COALESCE(t.conversions, 0) AS conversions, COALESCE(t.revenue, 0) AS revenue,
              COALESCE(t.cost, 0) AS cost, COALESCE(s.converted, 0) AS converted, COALESCE(s.revenue, 0) AS treatment_revenue
       FROM (SELECT owner_unit_id, count(*) AS campaigns FROM k GROUP BY 1) u
       LEFT JOIN (SELECT owner_unit_id, sum(tagged_sales) AS conversions, sum(tagged_revenue_fen) AS revenue, sum(cost_fen) AS cost FROM tagged GROUP BY 1) t USING (owner_unit_id)
       LEFT JOIN (${s}) s USING (owner_unit_id))
     SELECT * FROM (
     SELECT NULL::text AS unit_id, (SELECT count(*) FROM k) AS campaigns,
       (SELECT COALESCE(sum(tagged_sales), 0) FROM tagged) AS conversions, (SELECT COALESCE(sum(tagged_revenue_fen), 0) FROM tagged) AS revenue,
       (SELECT COALESCE(sum(cost), 0) FROM unit_rows) AS cost, a.converted, a.treatment_revenue
     FROM (${all}) a
     UNION ALL
     SELECT unit_id, campaigns, conversions, revenue, cost, converted, treatment_revenue FROM unit_rows) x
     ORDER BY unit_id NULLS FIRST`;

/**
 * From the counters (v15): the treatment sales and customers by the set of owning units whose campaigns count them
 * (ce_owner_set_totals, a row per set: a few dozen however many sales). A set that meets the owning units named holds
 * sales counted by a campaign named, each sale and customer in one set only; a unit's figures are the sets that hold
 * it. This holds when the campaigns named are every campaign of their owning units (the list's scope is a set of
 * units, so its campaigns are); otherwise `campaignTotals` reads the sales.
 */
const FROM_COUNTERS = `WITH ${NAMED},
     units AS (SELECT ARRAY(SELECT DISTINCT owner_unit_id FROM k) AS ids),
     sets AS (SELECT o.owner_units, o.customers, o.sales, o.revenue_fen FROM ce_owner_set_totals o, units WHERE o.owner_units && units.ids)${byUnit(
       `SELECT u AS owner_unit_id, sum(sets.customers) AS converted, sum(sets.revenue_fen) AS revenue
        FROM sets CROSS JOIN LATERAL unnest(sets.owner_units) u WHERE u IN (SELECT owner_unit_id FROM k) GROUP BY 1`,
       `SELECT COALESCE(sum(customers), 0) AS converted, COALESCE(sum(revenue_fen), 0) AS treatment_revenue FROM sets`,
     )}`;

/** From the sales (a live schema before v15, while v15 builds; or campaigns named that are not all their units' own): each counting treatment sale of the campaigns, made distinct. */
const FROM_SALES = `WITH ${NAMED},
     group_sales AS (
       SELECT DISTINCT k.owner_unit_id, v.customer_id, v.conversion_id, v.revenue_fen
       FROM ce_group_conversions g
       JOIN k ON k.campaign_id = g.campaign_id
       JOIN ce_conversions v ON v.customer_id = g.customer_id AND v.conversion_id = g.conversion_id AND NOT v.reversed
       JOIN ce_participants p ON p.campaign_id = g.campaign_id AND p.customer_id = g.customer_id
       WHERE g.grp = 'treatment' AND k.launched_at IS NOT NULL AND v.occurred_at >= k.launched_at AND (k.closed_at IS NULL OR v.occurred_at <= k.closed_at))${byUnit(
       // group_sales is distinct per unit: each sale once within a unit.
       `SELECT owner_unit_id, count(DISTINCT customer_id) AS converted, sum(revenue_fen) AS revenue FROM group_sales GROUP BY 1`,
       // A customer or a sale in campaigns of two units once.
       `SELECT count(DISTINCT customer_id) AS converted, (SELECT COALESCE(sum(revenue_fen), 0) FROM (SELECT DISTINCT customer_id, conversion_id, revenue_fen FROM group_sales) x) AS treatment_revenue FROM group_sales`,
     )}`;

/** Whether the counters answer: the live schema has them (v15 on), and the campaigns named are every campaign of their owning units. */
const COUNTERS_ANSWER = `SELECT to_regclass('ce_owner_set_totals') IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM ce_campaigns c WHERE c.owner_unit_id IN (SELECT owner_unit_id FROM ce_campaigns WHERE campaign_id = ANY($1::text[])) AND c.campaign_id <> ALL($1::text[])
  ) AS counters`;

/**
 * Totals across the campaigns named: no sale counted twice. A sale to a customer in two
 * overlapping campaigns counts in each campaign's group figures, but once here; so no total
 * exceeds what was sold. A sale counts for a campaign's group by the same rule as its
 * effectiveness figures: a campaign product, not reversed, inside the campaign's run.
 *
 * The tagged sales, their revenue and the costs come from each campaign's counters (ce_campaign_totals: a row per
 * campaign); a sale carries one campaign tag at most and each campaign is counted once (the campaigns named are
 * read from ce_campaigns, so a name given twice is one campaign), so their sum is each tagged sale once. The
 * treatment figures come from the counters by set of owning units (`FROM_COUNTERS`), or from the sales themselves
 * (`FROM_SALES`) on a live schema from before v15 or for campaigns that are not all of their units' own
 * (`fromSales`: always, what the benchmark compares the counters with).
 */
export async function campaignTotals(pool: Queryable, campaignIds: readonly string[], fromSales = false): Promise<CampaignTotals> {
  const counters = !fromSales && (await pool.query<{ counters: boolean }>(COUNTERS_ANSWER, [campaignIds])).rows[0]!.counters;
  const { rows } = await pool.query<TotalsRow>(counters ? FROM_COUNTERS : FROM_SALES, [campaignIds]);
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
