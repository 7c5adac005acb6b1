import type { Queryable } from '../runner/read-model-position';

/** Products per customer, month by month and unit by unit, from the monthly holdings snapshots. */
export async function crossSellRatio(db: Queryable, from: string, to: string) {
  const { rows } = await db.query(
    `SELECT month, unit_id, count(*) AS customers, avg(products)::float8 AS ratio
     FROM xs_monthly WHERE month BETWEEN $1 AND $2 GROUP BY ROLLUP (month, unit_id) HAVING month IS NOT NULL ORDER BY month, unit_id NULLS FIRST`,
    [from, to],
  );
  return rows.map((r) => ({ month: r.month as string, unitId: (r.unit_id as string | null) ?? null, customers: Number(r.customers), productsPerCustomer: Number(r.ratio) }));
}

/**
 * A campaign's effect on cross-selling: products per customer before launch (latest snapshot
 * before the launch month) and after (latest snapshot from the launch month on), by group.
 */
export async function campaignCrossSell(db: Queryable, campaignId: string) {
  const { rows } = await db.query(
    `WITH k AS (SELECT * FROM xs_campaigns WHERE campaign_id = $1),
     p AS (SELECT customer_id, grp FROM xs_participants WHERE campaign_id = $1),
     before AS (SELECT DISTINCT ON (m.customer_id) m.customer_id, m.products FROM xs_monthly m JOIN p USING (customer_id), k
                WHERE m.month < k.launched_month ORDER BY m.customer_id, m.month DESC),
     after AS (SELECT DISTINCT ON (m.customer_id) m.customer_id, m.products FROM xs_monthly m JOIN p USING (customer_id), k
               WHERE m.month >= k.launched_month ORDER BY m.customer_id, m.month DESC)
     SELECT p.grp, count(*) AS customers, avg(b.products)::float8 AS before, avg(a.products)::float8 AS after
     FROM p LEFT JOIN before b USING (customer_id) LEFT JOIN after a USING (customer_id) GROUP BY p.grp ORDER BY p.grp`,
    [campaignId],
  );
  return rows.map((r) => ({
    group: r.grp as 'treatment' | 'control',
    customers: Number(r.customers),
    productsPerCustomerBefore: r.before === null ? null : Number(r.before),
    productsPerCustomerAfter: r.after === null ? null : Number(r.after),
  }));
}

/** Referrals made and converted, with the conversion rate, per referrer and per seller. */
export async function referralStats(db: Queryable) {
  const by = async (column: 'referrer' | 'seller') =>
    (
      await db.query(
        `SELECT ${column} AS staff_id, count(*) AS referrals, count(*) FILTER (WHERE converted) AS converted FROM xs_referrals GROUP BY ${column} ORDER BY ${column}`,
      )
    ).rows.map((r) => ({ staffId: r.staff_id as string, referrals: Number(r.referrals), converted: Number(r.converted), conversionRate: Number(r.converted) / Number(r.referrals) }));
  return { byReferrer: await by('referrer'), bySeller: await by('seller') };
}

/**
 * Attrition by number of products held (DOMAIN, Cross-selling): a customer whose assets are zero
 * and who holds nothing for `lostAfterDays` (monthly snapshots: ⌈days / 30⌉ in a row) counts as
 * lost from the first of those months. Customers are grouped by the most products they held
 * before (4 = four or more).
 */
export async function attritionByProducts(db: Queryable, lostAfterDays = 90) {
  const months = Math.max(1, Math.ceil(lostAfterDays / 30));
  const { rows } = await db.query(
    `WITH z AS (
       SELECT customer_id, month, (assets_fen = 0 AND products = 0) AS empty,
              row_number() OVER (PARTITION BY customer_id ORDER BY month) AS rn FROM xs_monthly),
     runs AS (
       SELECT customer_id, min(month) AS start, count(*) AS len
       FROM (SELECT *, rn - row_number() OVER (PARTITION BY customer_id, empty ORDER BY month) AS island FROM z) x
       WHERE empty GROUP BY customer_id, island),
     lost AS (SELECT customer_id, min(start) AS lost_month FROM runs WHERE len >= $1 GROUP BY customer_id),
     held AS (
       SELECT m.customer_id, max(m.products) AS products FROM xs_monthly m LEFT JOIN lost l USING (customer_id)
       WHERE l.lost_month IS NULL OR m.month < l.lost_month GROUP BY m.customer_id)
     SELECT LEAST(h.products, 4) AS products, count(*) AS customers, count(l.customer_id) AS lost
     FROM held h LEFT JOIN lost l USING (customer_id) GROUP BY 1 ORDER BY 1`,
    [months],
  );
  return rows.map((r) => ({ productsHeld: Number(r.products), customers: Number(r.customers), lost: Number(r.lost), attritionRate: Number(r.lost) / Number(r.customers) }));
}
