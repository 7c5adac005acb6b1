import type { Queryable } from '../runner/read-model-position';
import { bankTimeZone, formatFen, LIFT_METHOD, meanDifference, newcombeInterval, twoProportionPValue } from '@app/domain';

export interface GroupFigures {
  readonly size: number;
  /** Distinct customers with a non-reversed sale of a campaign product between launch and close (or now). */
  readonly converted: number;
  readonly conversionRate: number | null;
  /** Revenue of those sales (tagged with the campaign or not). */
  readonly revenue: string;
}

export interface CampaignEffectiveness {
  readonly campaignId: string;
  readonly name: string;
  readonly ownerUnitId: string;
  readonly status: string;
  readonly launchedAt: string | null;
  readonly closedAt: string | null;
  /**
   * `participated`: treatment customers who took part (004 篇九 第三十条 2): recorded as such, or
   * accepted one of the campaign's offers. They, and only they, share the campaign's cost.
   */
  readonly funnel: { enrolled: { treatment: number; control: number }; contacted: number; offered: number; accepted: number; participated: number; converted: number };
  /** Sales tagged with the campaign (direct attribution), not reversed. */
  readonly conversions: number;
  readonly revenue: string;
  readonly cost: string;
  readonly roi: number | null;
  readonly costPerConversion: string | null;
  readonly complaints: number;
  /** Complaints about the campaign's contacts per customer it contacted (001 服务准则 4); null before any contact. */
  readonly complaintRate: number | null;
  readonly groups: { treatment: GroupFigures; control: GroupFigures };
  readonly lift: {
    /** Treatment conversion rate − control conversion rate. */
    readonly absolute: number | null;
    readonly confidenceInterval95: [number, number] | null;
    /** Two-sided, pooled z-test of equal rates. */
    readonly pValue: number | null;
    /** p < 0.05. */
    readonly significant: boolean | null;
    readonly method: typeof LIFT_METHOD;
    readonly incrementalConversions: number | null;
    readonly incrementalRevenue: string | null;
  };
  /** Revenue per enrolled customer (customers without a sale count zero), treatment − control, with a large-sample 95% interval. */
  readonly revenuePerCustomer: {
    readonly treatment: string | null;
    readonly control: string | null;
    readonly difference: string | null;
    readonly confidenceInterval95: [string, string] | null;
  };
  readonly daily: { date: string; contacted: number; offered: number; accepted: number; converted: number; revenue: string }[];
  readonly byChannel: { channel: string; contacts: number; customersContacted: number }[];
  readonly byUnit: { unitId: string; treatment: number; control: number; treatmentConverted: number; controlConverted: number }[];
  readonly byTier: { tier: string; treatment: number; control: number; treatmentConverted: number; controlConverted: number }[];
}

/** A sale counts for its group when it is a campaign product, not reversed, and inside the campaign's run. */
const GROUP_SALES = `
  SELECT g.grp, g.customer_id, v.revenue_fen, v.occurred_at
  FROM ce_group_conversions g
  JOIN ce_conversions v ON v.customer_id = g.customer_id AND v.conversion_id = g.conversion_id AND NOT v.reversed
  JOIN ce_campaigns k ON k.campaign_id = g.campaign_id
  JOIN ce_participants p ON p.campaign_id = g.campaign_id AND p.customer_id = g.customer_id
  WHERE g.campaign_id = $1 AND k.launched_at IS NOT NULL AND v.occurred_at >= k.launched_at
    AND (k.closed_at IS NULL OR v.occurred_at <= k.closed_at)`;

export async function campaignEffectiveness(pool: Queryable, campaignId: string): Promise<CampaignEffectiveness | null> {
  const { rows: campaigns } = await pool.query(`SELECT * FROM ce_campaigns WHERE campaign_id = $1`, [campaignId]);
  const k = campaigns[0];
  if (!k) return null;
  const one = async <T>(sql: string): Promise<T> => (await pool.query(sql, [campaignId])).rows[0] as T;
  const many = async <T>(sql: string): Promise<T[]> => (await pool.query(sql, [campaignId])).rows as T[];
  const manyIn = async <T>(sql: string): Promise<T[]> => (await pool.query(sql, [campaignId, bankTimeZone()])).rows as T[];

  const funnel = await one<{ treatment: string; control: string; contacted: string; offered: string; accepted: string; participated: string }>(`
    SELECT count(*) FILTER (WHERE grp = 'treatment') AS treatment, count(*) FILTER (WHERE grp = 'control') AS control,
           count(first_contacted_at) AS contacted, count(first_offered_at) AS offered, count(first_accepted_at) AS accepted,
           count(took_part_at) FILTER (WHERE grp = 'treatment') AS participated
    FROM ce_participants WHERE campaign_id = $1`);
  const tagged = await one<{ n: string; customers: string; revenue: string | null }>(`
    SELECT count(*) AS n, count(DISTINCT customer_id) AS customers, sum(revenue_fen) AS revenue
    FROM ce_conversions WHERE campaign_id = $1 AND NOT reversed`);
  const cost = await one<{ fen: string | null }>(`SELECT sum(amount_fen) AS fen FROM ce_costs WHERE campaign_id = $1`);
  const complaints = await one<{ n: string }>(`SELECT count(*) AS n FROM ce_complaints WHERE campaign_id = $1`);
  // Per customer first, so the revenue's spread per customer is known (for its interval).
  const groupSales = await many<{ grp: string; converted: string; revenue: string | null; squares: string | null }>(`
    SELECT grp, count(*) AS converted, sum(revenue) AS revenue, sum(revenue::numeric * revenue) AS squares
    FROM (SELECT grp, customer_id, sum(revenue_fen) AS revenue FROM (${GROUP_SALES}) s GROUP BY grp, customer_id) per_customer GROUP BY grp`);

  const size = { treatment: Number(funnel.treatment), control: Number(funnel.control) };
  const group = (g: 'treatment' | 'control'): GroupFigures & { revenueFen: number; squares: number } => {
    const row = groupSales.find((r) => r.grp === g);
    const converted = Number(row?.converted ?? 0);
    const revenueFen = Number(row?.revenue ?? 0);
    return { size: size[g], converted, conversionRate: size[g] ? converted / size[g] : null, revenue: formatFen(revenueFen), revenueFen, squares: Number(row?.squares ?? 0) };
  };
  const t = group('treatment');
  const c = group('control');

  let lift: CampaignEffectiveness['lift'] = {
    absolute: null,
    confidenceInterval95: null,
    pValue: null,
    significant: null,
    method: LIFT_METHOD,
    incrementalConversions: null,
    incrementalRevenue: null,
  };
  if (t.conversionRate !== null && c.conversionRate !== null) {
    const diff = t.conversionRate - c.conversionRate;
    const pValue = twoProportionPValue(t.converted, t.size, c.converted, c.size)!;
    const revenuePerCustomer = t.revenueFen / t.size - c.revenueFen / c.size;
    lift = {
      ...lift,
      absolute: diff,
      confidenceInterval95: newcombeInterval(t.converted, t.size, c.converted, c.size),
      pValue,
      significant: pValue < 0.05,
      incrementalConversions: diff * t.size,
      incrementalRevenue: formatFen(Math.round(revenuePerCustomer * t.size)),
    };
  }
  const perCustomer = meanDifference({ n: t.size, sum: t.revenueFen, sumOfSquares: t.squares }, { n: c.size, sum: c.revenueFen, sumOfSquares: c.squares });
  const money = (fen: number) => formatFen(Math.round(fen));
  const revenuePerCustomer: CampaignEffectiveness['revenuePerCustomer'] = {
    treatment: t.size ? money(t.revenueFen / t.size) : null,
    control: c.size ? money(c.revenueFen / c.size) : null,
    difference: perCustomer ? money(perCustomer.difference) : null,
    confidenceInterval95: perCustomer?.interval ? [money(perCustomer.interval[0]), money(perCustomer.interval[1])] : null,
  };

  const revenueFen = Number(tagged.revenue ?? 0);
  const costFen = Number(cost.fen ?? 0);
  const conversions = Number(tagged.n);

  // One pass per source, grouped by the bank's day (no per-day subqueries: this stays linear in the rows).
  const daily = await manyIn<{ date: string; contacted: string; offered: string; accepted: string; converted: string; revenue: string }>(`
    SELECT to_char(day, 'YYYY-MM-DD') AS date, sum(contacted) AS contacted, sum(offered) AS offered, sum(accepted) AS accepted,
           sum(converted) AS converted, sum(revenue) AS revenue
    FROM (
      SELECT (first_contacted_at AT TIME ZONE $2)::date AS day, 1 AS contacted, 0 AS offered, 0 AS accepted, 0 AS converted, 0::bigint AS revenue
        FROM ce_participants WHERE campaign_id = $1 AND first_contacted_at IS NOT NULL
      UNION ALL SELECT (first_offered_at AT TIME ZONE $2)::date, 0, 1, 0, 0, 0 FROM ce_participants WHERE campaign_id = $1 AND first_offered_at IS NOT NULL
      UNION ALL SELECT (first_accepted_at AT TIME ZONE $2)::date, 0, 0, 1, 0, 0 FROM ce_participants WHERE campaign_id = $1 AND first_accepted_at IS NOT NULL
      UNION ALL SELECT (occurred_at AT TIME ZONE $2)::date, 0, 0, 0, 1, revenue_fen FROM ce_conversions WHERE campaign_id = $1 AND NOT reversed
    ) x GROUP BY day ORDER BY day`);
  const byChannel = await many<{ channel: string; contacts: string; customers: string }>(`
    SELECT channel, count(*) AS contacts, count(DISTINCT customer_id) AS customers FROM ce_contacts WHERE campaign_id = $1 GROUP BY channel ORDER BY channel`);
  // By the unit and tier each customer had when enrolled: a later transfer or tier change never
  // moves a past figure. One row per participant: several sales are one converted customer.
  // A customer whose recorded onboarding is dated after their enrolment (a backdated import) counts
  // in their first known unit; a tier is 'ordinary' until a change says otherwise.
  const breakdown = (table: 'ce_customer_units' | 'ce_customer_tiers', column: 'unit_id' | 'tier', none: string, orFirst: boolean) =>
    many<{ key: string; treatment: string; control: string; t_conv: string; c_conv: string }>(`
      SELECT COALESCE(h.key, '${none}') AS key, count(*) FILTER (WHERE p.grp = 'treatment') AS treatment, count(*) FILTER (WHERE p.grp = 'control') AS control,
             count(s.customer_id) FILTER (WHERE p.grp = 'treatment') AS t_conv, count(s.customer_id) FILTER (WHERE p.grp = 'control') AS c_conv
      FROM ce_participants p
      LEFT JOIN LATERAL (SELECT ${column} AS key FROM ${table} x WHERE x.customer_id = p.customer_id ${orFirst ? '' : 'AND x.valid_from <= p.enrolled_at'}
                         ORDER BY (x.valid_from <= p.enrolled_at) DESC,
                                  CASE WHEN x.valid_from <= p.enrolled_at THEN x.valid_from END DESC NULLS LAST,
                                  CASE WHEN x.valid_from <= p.enrolled_at THEN x.seq END DESC NULLS LAST,
                                  x.valid_from, x.seq
                         LIMIT 1) h ON true
      LEFT JOIN (SELECT DISTINCT customer_id FROM (${GROUP_SALES}) g) s ON s.customer_id = p.customer_id
      WHERE p.campaign_id = $1 GROUP BY 1 ORDER BY 1`);
  const split = (rows: Awaited<ReturnType<typeof breakdown>>) =>
    rows.map((r) => ({ key: r.key, treatment: Number(r.treatment), control: Number(r.control), treatmentConverted: Number(r.t_conv), controlConverted: Number(r.c_conv) }));

  return {
    campaignId: k.campaign_id,
    name: k.name,
    ownerUnitId: k.owner_unit_id,
    status: k.status,
    launchedAt: k.launched_at?.toISOString() ?? null,
    closedAt: k.closed_at?.toISOString() ?? null,
    funnel: {
      enrolled: size,
      contacted: Number(funnel.contacted),
      offered: Number(funnel.offered),
      accepted: Number(funnel.accepted),
      participated: Number(funnel.participated),
      converted: Number(tagged.customers),
    },
    conversions,
    revenue: formatFen(revenueFen),
    cost: formatFen(costFen),
    roi: costFen > 0 ? (revenueFen - costFen) / costFen : null,
    costPerConversion: conversions > 0 ? formatFen(Math.round(costFen / conversions)) : null,
    complaints: Number(complaints.n),
    complaintRate: Number(funnel.contacted) > 0 ? Number(complaints.n) / Number(funnel.contacted) : null,
    groups: { treatment: strip(t), control: strip(c) },
    lift,
    revenuePerCustomer,
    daily: daily.map((r) => ({
      date: r.date,
      contacted: Number(r.contacted),
      offered: Number(r.offered),
      accepted: Number(r.accepted),
      converted: Number(r.converted),
      revenue: formatFen(Number(r.revenue)),
    })),
    byChannel: byChannel.map((r) => ({ channel: r.channel, contacts: Number(r.contacts), customersContacted: Number(r.customers) })),
    byUnit: split(await breakdown('ce_customer_units', 'unit_id', '', true)).map(({ key, ...r }) => ({ unitId: key, ...r })),
    byTier: split(await breakdown('ce_customer_tiers', 'tier', 'ordinary', false)).map(({ key, ...r }) => ({ tier: key, ...r })),
  };
}

function strip({ revenueFen: _r, squares: _s, ...g }: GroupFigures & { revenueFen: number; squares: number }): GroupFigures {
  return g;
}

/** The sales behind the revenue figure: each with the event that recorded it. */
export async function campaignConversions(pool: Queryable, campaignId: string) {
  const { rows } = await pool.query(
    `SELECT conversion_id, event_id, customer_id, staff_id, product_code, amount_fen, revenue_fen, occurred_at, reversed
     FROM ce_conversions WHERE campaign_id = $1 ORDER BY occurred_at, conversion_id`,
    [campaignId],
  );
  return rows.map((r) => ({
    conversionId: r.conversion_id as string,
    eventId: r.event_id as string,
    customerId: r.customer_id as string,
    staffId: r.staff_id as string,
    productCode: r.product_code as string,
    amount: formatFen(Number(r.amount_fen)),
    revenue: formatFen(Number(r.revenue_fen)),
    occurredAt: (r.occurred_at as Date).toISOString(),
    reversed: r.reversed as boolean,
  }));
}

/** Every campaign with its headline figures. */
export async function campaignList(pool: Queryable) {
  const { rows } = await pool.query(`
    SELECT k.campaign_id, k.name, k.owner_unit_id, k.status, k.launched_at, k.closed_at, k.treatment_count, k.control_count, k.budget_fen,
           (SELECT count(*) FROM ce_conversions v WHERE v.campaign_id = k.campaign_id AND NOT v.reversed) AS conversions,
           (SELECT COALESCE(sum(revenue_fen), 0) FROM ce_conversions v WHERE v.campaign_id = k.campaign_id AND NOT v.reversed) AS revenue,
           (SELECT COALESCE(sum(amount_fen), 0) FROM ce_costs c WHERE c.campaign_id = k.campaign_id) AS cost
    FROM ce_campaigns k ORDER BY k.period_start DESC, k.campaign_id`);
  return rows.map((r) => ({
    campaignId: r.campaign_id as string,
    name: r.name as string,
    ownerUnitId: r.owner_unit_id as string,
    status: r.status as string,
    launchedAt: r.launched_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
    enrolled: { treatment: Number(r.treatment_count), control: Number(r.control_count) },
    budget: formatFen(Number(r.budget_fen)),
    conversions: Number(r.conversions),
    revenue: formatFen(Number(r.revenue)),
    cost: formatFen(Number(r.cost)),
    roi: Number(r.cost) > 0 ? (Number(r.revenue) - Number(r.cost)) / Number(r.cost) : null,
  }));
}

/** The unit that owns a campaign (for scope checks), or null when there is no such campaign. */
export async function campaignOwner(pool: Queryable, campaignId: string): Promise<string | null> {
  const { rows } = await pool.query(`SELECT owner_unit_id FROM ce_campaigns WHERE campaign_id = $1`, [campaignId]);
  return (rows[0]?.owner_unit_id as string | undefined) ?? null;
}

/** How many treatment customers took part in the campaign: the participants its unassigned costs are split over. */
export async function campaignParticipantCount(pool: Queryable, campaignId: string): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*) AS n FROM ce_participants WHERE campaign_id = $1 AND grp = 'treatment' AND took_part_at IS NOT NULL`, [campaignId]);
  return Number(rows[0].n);
}

/** Each participant with the cost lines recorded for them (in fen), by customer id. */
export async function campaignParticipantCosts(pool: Queryable, campaignId: string): Promise<{ customerId: string; directCostFen: number }[]> {
  const { rows } = await pool.query(
    `SELECT p.customer_id, COALESCE(sum(c.amount_fen), 0) AS direct FROM ce_participants p
     LEFT JOIN ce_costs c ON c.campaign_id = p.campaign_id AND c.customer_id = p.customer_id
     WHERE p.campaign_id = $1 AND p.grp = 'treatment' AND p.took_part_at IS NOT NULL GROUP BY p.customer_id ORDER BY p.customer_id`,
    [campaignId],
  );
  return rows.map((r) => ({ customerId: r.customer_id as string, directCostFen: Number(r.direct) }));
}
