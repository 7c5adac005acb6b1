/**
 * The counters an effectiveness answer reads: a few dozen rows per campaign whatever the history
 * size, kept in step with the fact tables by statement-level triggers. Each trigger adds what the
 * inserted or updated rows now contribute and takes off what the old rows contributed (transition
 * tables), so a counter is always the sum over its fact rows: applying a batch twice, or a
 * statement that changes nothing, moves nothing. Fact rows a campaign keeps per participant
 * (`sales`, `revenue_fen`, unit and tier at enrolment) are recomputed by the projection from the
 * facts, never incremented, for the same reason.
 *
 *   ce_group_counts   (campaign, group, unit at enrolment, tier at enrolment, as-of day): enrolled,
 *                     reached each funnel stage, took part — counted from the business day it held
 *   ce_tier_now_counts (campaign, group, tier at enrolment): the same stages, and converted (customers
 *                     with a counting sale), revenue and the sum of each customer's revenue squared (for its
 *                     interval) — now, without the day: the group's figures (summed over its few tiers) and
 *                     the breakdown by tier, a row per group and tier however many days the campaign ran
 *   ce_unit_now_counts (campaign, group, unit at enrolment): enrolled and converted now — the breakdown by
 *                     unit, a row per group and unit (not one per unit and tier: a few hundred, not thousands)
 *   ce_day_counts     (campaign, business day, as-of day): first contacts/offers/acceptances that day,
 *                     and the campaign's own (tagged) sales and revenue that day (off from a reversal's day)
 *   ce_channel_counts (campaign, channel, business day): contacts, and customers first contacted there
 *   ce_converted_counts (campaign, group, unit, tier, as-of day): participants with a counting sale, as
 *                     deltas — each span [from, to) of bank days a participant held one adds 1 on its from
 *                     day and takes 1 off on its to day (nothing for 'infinity': it still holds)
 *   ce_revenue_counts   (campaign, group, as-of day): those participants' counting revenue, as deltas of each
 *                     step it held (count, sum, sum of squares): as of day D, the sum of the days up to D
 *   ce_tagged_span_counts    (campaign, as-of day): customers with a tagged sale standing, as deltas of their spans
 *   ce_campaign_totals (campaign): tagged sales, customers, revenue; cost; complaints — now
 *   ce_reaction_counts  (campaign, business day): the customers' reaction that day, what a 旬 window of
 *                     the follow-up sums over its days — complaints, feedback lines, ratings and their
 *                     sum, and the customers whose first contact in the day's 旬 (on or after the
 *                     period's first bank day) was that day (ce_dekad_customers: one row per campaign,
 *                     旬 and customer contacted, written only). A 旬 window is the 旬's days inside the
 *                     period, so its distinct customers are the sum of its days' first contacts: a
 *                     customer contacted in it has exactly one first day in the 旬, and that day is in
 *                     the window (not before its first day: contacts before the period's first bank day
 *                     are left out; not after its last day: the customer has one in the window).
 *
 * Now sums every as-of day; as of the end of a bank day sums the days up to it (a span's deltas: in
 * it from its from day, out again from its to day, so it counts on D exactly when from ≤ D < to), or,
 * for a day in the later half of the campaign's days, takes the days after it off the now counters
 * (the now counters are the day counters summed over every day): the fewer days either way.
 * Rows per campaign grow with the days it ran, never with its customers or sales (nor with pairs of days).
 */

/** A counting rule: from a set of rows (`src`, each with `sign` +1 new / −1 old), one upsert into a counter table. */
interface Upsert {
  readonly into: string;
  readonly keys: readonly string[];
  /** Key expressions over `s` (same order as keys). */
  readonly keyExprs: readonly string[];
  /** counter column → per-row expression over `s` (multiplied by sign and summed). */
  readonly sums: Readonly<Record<string, string>>;
  /** Extra FROM item and condition (e.g. a lateral unfold), optional. */
  readonly join?: string;
  readonly where?: string;
  /** The rows as `s` sees them, from the changed rows (each with `sign`); default: those rows as they are. */
  readonly source?: (rows: string) => string;
}

function upsert(u: Upsert, src: string): string {
  const cols = Object.keys(u.sums);
  const sums = cols.map((c) => `sum((${u.sums[c]}) * s.sign)`);
  return `INSERT INTO ${u.into} AS c (${[...u.keys, ...cols].join(', ')})
    SELECT ${[...u.keyExprs, ...sums].join(', ')} FROM ${u.source ? u.source(src) : src} s ${u.join ?? ''} ${u.where ? `WHERE ${u.where}` : ''}
    GROUP BY ${u.keyExprs.map((_, i) => i + 1).join(', ')}
    HAVING ${sums.map((x) => `${x} <> 0`).join(' OR ')}
    ON CONFLICT (${u.keys.join(', ')}) DO UPDATE SET ${cols.map((c) => `${c} = c.${c} + EXCLUDED.${c}`).join(', ')};`;
}

/** AFTER INSERT and AFTER UPDATE statement triggers on `table` running the upserts over the changed rows. */
function triggers(table: string, upserts: readonly Upsert[], extra: { insert?: string; update?: string } = {}): string[] {
  const inserted = `(SELECT n.*, 1 AS sign FROM new_rows n)`;
  const updated = `(SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o)`;
  const fn = (suffix: string, src: string, more = '') =>
    `CREATE FUNCTION ${table}_count_${suffix}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       ${more}
       ${upserts.map((u) => upsert(u, src)).join('\n')}
       RETURN NULL;
     END $$`;
  return [
    fn('ins', inserted, extra.insert),
    fn('upd', updated, extra.update),
    `CREATE TRIGGER ${table}_count_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_ins()`,
    `CREATE TRIGGER ${table}_count_upd AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_count_upd()`,
  ];
}

const flag = (condition: string) => `(${condition})::int`;

/**
 * A span of bank days [from_day, to_day) of the rows `span` as deltas `dl(as_of_day, w)`: +1 on its from
 * day, −1 on its to day (none for 'infinity'). Summed up to D, it counts exactly when from ≤ D < to.
 */
const spanDeltas = (span: string) =>
  `CROSS JOIN LATERAL (SELECT * FROM unnest(ARRAY[${span}.from_day, ${span}.to_day]::date[], ARRAY[1, -1]) AS x(as_of_day, w) WHERE isfinite(x.as_of_day)) dl`;

/**
 * A participant's funnel stages, each with the business day it counts from in an as-of answer:
 * the day the participant was both enrolled and at that stage (stage dates only ever move earlier).
 *
 * The changed rows are first grouped by what the unfolding reads (campaign, group, unit, tier, the
 * enrolment and stage times, the unit row's start), their signs summed, so a launch's 10,000
 * participants enrolled at one instant unfold as a few dozen groups, not one by one, and an update
 * that leaves those unchanged (a recount of sales) cancels out before it unfolds. The unit row's
 * start matters only when its day is after the enrolment's (every stage day is on or after that
 * day), so one on or before the enrolment is left out of the group: the unfolding would not look at it.
 *
 * Rows per group come from `unnest` over arrays, not from a `LATERAL (VALUES …)`: Postgres
 * compiles the expressions of a VALUES list again for each of its rows on every rescan; the arrays
 * are compiled once per statement.
 */
const STAGE_DAYS = (rows: string) => `(SELECT campaign_id, grp, unit_id, tier, sign, ce_day(enrolled_at) AS d0,
    CASE WHEN first_contacted_at IS NOT NULL THEN ce_day(GREATEST(enrolled_at, first_contacted_at)) END AS d1,
    CASE WHEN first_offered_at IS NOT NULL THEN ce_day(GREATEST(enrolled_at, first_offered_at)) END AS d2,
    CASE WHEN first_accepted_at IS NOT NULL THEN ce_day(GREATEST(enrolled_at, first_accepted_at)) END AS d3,
    CASE WHEN took_part_at IS NOT NULL THEN ce_day(GREATEST(enrolled_at, took_part_at)) END AS d4,
    CASE WHEN ce_day(unit_from) > ce_day(enrolled_at) THEN ce_day(unit_from) END AS unit_day
  FROM (SELECT campaign_id, grp, unit_id, tier, enrolled_at, first_contacted_at, first_offered_at, first_accepted_at, took_part_at,
          CASE WHEN unit_from > enrolled_at THEN unit_from END AS unit_from, sum(sign) AS sign
        FROM ${rows} x GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 HAVING sum(sign) <> 0) g)`;
const STAGES = `CROSS JOIN LATERAL unnest(
    ARRAY[s.d0, s.d1, s.d2, s.d3, s.d4]::date[],
    ARRAY[1, 0, 0, 0, 0], ARRAY[0, 1, 0, 0, 0], ARRAY[0, 0, 1, 0, 0], ARRAY[0, 0, 0, 1, 0], ARRAY[0, 0, 0, 0, 1]
  ) AS st(day, enrolled, contacted, offered, accepted, participated)
  CROSS JOIN LATERAL unnest(
    -- A unit row known only from a later day (a backdated onboarding's first unit): no unit ('') until that day.
    ARRAY[CASE WHEN s.unit_day > st.day THEN '' ELSE s.unit_id END, CASE WHEN s.unit_day > st.day THEN '' END, CASE WHEN s.unit_day > st.day THEN s.unit_id END]::text[],
    ARRAY[st.day, s.unit_day, s.unit_day]::date[],
    ARRAY[1, -1, 1]
  ) AS ph(unit_id, as_of_day, w)`;

/**
 * A customer's tagged sales, each standing from its bank day to the day it was reversed: the
 * customer's spans of bank days with one standing, now (+1, from the table) and before the
 * statement (−1: the table without the new rows, with the old ones), for the pairs it touched,
 * each span as its deltas.
 */
const taggedSpans = (withOld: boolean) => `
  WITH p AS (SELECT DISTINCT campaign_id, customer_id FROM new_rows WHERE campaign_id IS NOT NULL),
       t AS (SELECT c.campaign_id, c.customer_id, c.conversion_id, c.occurred_at, CASE WHEN c.reversed THEN c.reversed_at END AS until
             FROM p JOIN ce_conversions c ON c.customer_id = p.customer_id AND c.campaign_id = p.campaign_id)
  INSERT INTO ce_tagged_span_counts AS c (campaign_id, as_of_day, customers)
  SELECT v.campaign_id, dl.as_of_day, sum(v.sign * dl.w)
  FROM (SELECT x.campaign_id, x.customer_id, x.sign, array_agg(x.occurred_at) AS ats, array_agg(x.until) AS untils
        FROM (SELECT campaign_id, customer_id, occurred_at, until, 1 AS sign FROM t
              UNION ALL
              SELECT campaign_id, customer_id, occurred_at, until, -1 FROM t
              WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.customer_id = t.customer_id AND n.conversion_id = t.conversion_id)
              ${withOld ? `UNION ALL SELECT o.campaign_id, o.customer_id, o.occurred_at, CASE WHEN o.reversed THEN o.reversed_at END, -1 FROM old_rows o WHERE o.campaign_id IS NOT NULL` : ''}) x
        GROUP BY 1, 2, 3) v
  CROSS JOIN LATERAL ce_converted_spans(v.ats, v.untils, NULL, NULL) st
  ${spanDeltas('st')}
  GROUP BY 1, 2 HAVING sum(v.sign * dl.w) <> 0
  ON CONFLICT (campaign_id, as_of_day) DO UPDATE SET customers = c.customers + EXCLUDED.customers;`;

export function countingTriggers(timeZone: string): string[] {
  const zone = timeZone.replace(/'/g, "''");
  return [
    // The bank's business day of an instant.
    `CREATE FUNCTION ce_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$ SELECT (at AT TIME ZONE '${zone}')::date $$`,
    // A customer's sales as steps of bank days: each counts from its day (not before \`since\`, the enrolment)
    // to the day it was reversed (\`until\`, null: for good); between two days where one starts or ends (or
    // \`cut\`'s day), the sales standing and their revenue. Days, not instants: what an as-of day's end sees.
    `CREATE FUNCTION ce_sale_steps(sale_at timestamptz[], sale_until timestamptz[], revenue bigint[], since timestamptz, cut timestamptz)
     RETURNS TABLE (from_day date, to_day date, sales integer, revenue_fen bigint) LANGUAGE sql STABLE AS $$
       WITH v AS (SELECT y.f, greatest(y.f, CASE WHEN y.u IS NULL THEN 'infinity'::date ELSE ce_day(y.u) END) AS t, y.r
                  FROM (SELECT greatest(ce_day(x.a), ce_day(since)) AS f, x.u, x.r FROM unnest(sale_at, sale_until, revenue) AS x(a, u, r)) y),
            b AS (SELECT DISTINCT d FROM (SELECT f FROM v WHERE f < t UNION ALL SELECT t FROM v WHERE f < t AND t < 'infinity'::date
                                          UNION ALL SELECT ce_day(cut) WHERE cut IS NOT NULL) z(d)),
            i AS (SELECT d, lead(d, 1, 'infinity'::date) OVER (ORDER BY d) AS e FROM b)
       SELECT i.d, i.e, count(*)::int, COALESCE(sum(v.r), 0)::bigint FROM i JOIN v ON v.f <= i.d AND i.d < v.t GROUP BY i.d, i.e $$`,
    // The spans of days with at least one sale standing (broken at \`cut\`'s day: the unit known from then).
    `CREATE FUNCTION ce_converted_spans(sale_at timestamptz[], sale_until timestamptz[], since timestamptz, cut timestamptz)
     RETURNS TABLE (from_day date, to_day date) LANGUAGE sql STABLE AS $$
       SELECT min(d), max(e) FROM (
         SELECT d, e, count(*) FILTER (WHERE brk) OVER (ORDER BY d) AS island FROM (
           SELECT st.from_day AS d, st.to_day AS e, (st.from_day IS DISTINCT FROM lag(st.to_day) OVER (ORDER BY st.from_day) OR st.from_day = ce_day(cut)) AS brk
           FROM ce_sale_steps(sale_at, sale_until, '{}'::bigint[], since, cut) st) x) y
       GROUP BY island $$`,
    // Participants reaching each stage, by the day it holds from: now sums every day, as of a day sums up to it.
    `CREATE TABLE ce_group_counts (
      campaign_id text NOT NULL, grp text NOT NULL, unit_id text NOT NULL, tier text NOT NULL, as_of_day date NOT NULL,
      enrolled integer NOT NULL DEFAULT 0, contacted integer NOT NULL DEFAULT 0, offered integer NOT NULL DEFAULT 0,
      accepted integer NOT NULL DEFAULT 0, participated integer NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, grp, unit_id, tier, as_of_day))`,
    // The group now by tier at enrolment: participants at each stage (ce_group_counts without the day or the unit), customers
    // converted, revenue, each customer's revenue squared; and by unit at enrolment, what the breakdown by unit shows.
    `CREATE TABLE ce_tier_now_counts (
      campaign_id text NOT NULL, grp text NOT NULL, tier text NOT NULL,
      enrolled integer NOT NULL DEFAULT 0, contacted integer NOT NULL DEFAULT 0, offered integer NOT NULL DEFAULT 0,
      accepted integer NOT NULL DEFAULT 0, participated integer NOT NULL DEFAULT 0,
      converted integer NOT NULL DEFAULT 0, revenue_fen bigint NOT NULL DEFAULT 0, squares numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, grp, tier))`,
    `CREATE TABLE ce_unit_now_counts (
      campaign_id text NOT NULL, grp text NOT NULL, unit_id text NOT NULL,
      enrolled integer NOT NULL DEFAULT 0, converted integer NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, grp, unit_id))`,
    // The daily series by the day it shows (first stage reached, the campaign's own sale) and the day from which an as-of answer counts it.
    `CREATE TABLE ce_day_counts (
      campaign_id text NOT NULL, day date NOT NULL, as_of_day date NOT NULL,
      contacted integer NOT NULL DEFAULT 0, offered integer NOT NULL DEFAULT 0, accepted integer NOT NULL DEFAULT 0,
      sales integer NOT NULL DEFAULT 0, revenue_fen bigint NOT NULL DEFAULT 0, cost_fen bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, day, as_of_day))`,
    // Participants with a counting sale, and their revenue: the deltas of the spans of bank days they held (in on the
    // span's from day, out on its to day), so as of a day's end sums the days up to it, like ce_group_counts.
    `CREATE TABLE ce_converted_counts (
      campaign_id text NOT NULL, grp text NOT NULL, unit_id text NOT NULL, tier text NOT NULL, as_of_day date NOT NULL,
      converted integer NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, grp, unit_id, tier, as_of_day))`,
    `CREATE TABLE ce_revenue_counts (
      campaign_id text NOT NULL, grp text NOT NULL, as_of_day date NOT NULL,
      customers integer NOT NULL DEFAULT 0, revenue_fen bigint NOT NULL DEFAULT 0, squares numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, grp, as_of_day))`,
    // Customers with a tagged sale standing: the deltas of the spans of bank days they had one.
    `CREATE TABLE ce_tagged_span_counts (campaign_id text NOT NULL, as_of_day date NOT NULL, customers integer NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, as_of_day))`,
    `CREATE TABLE ce_channel_counts (campaign_id text NOT NULL, channel text NOT NULL, day date NOT NULL, contacts integer NOT NULL DEFAULT 0, customers integer NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, channel, day))`,
    `CREATE TABLE ce_channel_customers (campaign_id text NOT NULL, channel text NOT NULL, customer_id text NOT NULL, first_at timestamptz NOT NULL, PRIMARY KEY (campaign_id, channel, customer_id))`,
    `CREATE TABLE ce_tagged_customers (campaign_id text NOT NULL, customer_id text NOT NULL, sales integer NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, customer_id))`,
    // The first bank day of the 旬 holding a bank day (1–10, 11–20, 21 to the month's end); one expression, so it is inlined.
    `CREATE FUNCTION ce_dekad(day date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
       SELECT day - (extract(day FROM day)::int - CASE WHEN extract(day FROM day) <= 10 THEN 1 WHEN extract(day FROM day) <= 20 THEN 11 ELSE 21 END) $$`,
    `CREATE TABLE ce_dekad_customers (campaign_id text NOT NULL, dekad date NOT NULL, customer_id text NOT NULL, first_day date NOT NULL, PRIMARY KEY (campaign_id, dekad, customer_id))`,
    `CREATE TABLE ce_reaction_counts (
      campaign_id text NOT NULL, day date NOT NULL, customers integer NOT NULL DEFAULT 0, complaints integer NOT NULL DEFAULT 0,
      feedback integer NOT NULL DEFAULT 0, ratings integer NOT NULL DEFAULT 0, rating_sum numeric NOT NULL DEFAULT 0,
      PRIMARY KEY (campaign_id, day))`,
    `CREATE TABLE ce_campaign_totals (
      campaign_id text PRIMARY KEY, tagged_sales integer NOT NULL DEFAULT 0, tagged_customers integer NOT NULL DEFAULT 0,
      tagged_revenue_fen bigint NOT NULL DEFAULT 0, cost_fen bigint NOT NULL DEFAULT 0, complaints integer NOT NULL DEFAULT 0)`,

    // A participant counts once in its group, unit and tier at enrolment, from the day it reached each stage.
    ...triggers('ce_participants', [
      {
        into: 'ce_group_counts',
        keys: ['campaign_id', 'grp', 'unit_id', 'tier', 'as_of_day'],
        keyExprs: ['s.campaign_id', 's.grp', 'ph.unit_id', 's.tier', 'ph.as_of_day'],
        source: STAGE_DAYS,
        join: STAGES,
        where: 'st.day IS NOT NULL AND ph.unit_id IS NOT NULL',
        sums: { enrolled: 'st.enrolled * ph.w', contacted: 'st.contacted * ph.w', offered: 'st.offered * ph.w', accepted: 'st.accepted * ph.w', participated: 'st.participated * ph.w' },
      },
      // Now: the same participant once in its group and tier at enrolment, at each stage it reached, with its counting
      // sales; and once in its group and unit at enrolment (summed over every day, ce_group_counts' unit row known from a
      // later day nets out to that unit).
      {
        into: 'ce_tier_now_counts',
        keys: ['campaign_id', 'grp', 'tier'],
        keyExprs: ['s.campaign_id', 's.grp', 's.tier'],
        sums: {
          enrolled: '1',
          contacted: flag('s.first_contacted_at IS NOT NULL'),
          offered: flag('s.first_offered_at IS NOT NULL'),
          accepted: flag('s.first_accepted_at IS NOT NULL'),
          participated: flag('s.took_part_at IS NOT NULL'),
          converted: flag('s.sales > 0'),
          revenue_fen: 's.revenue_fen',
          squares: 's.revenue_fen::numeric * s.revenue_fen',
        },
      },
      { into: 'ce_unit_now_counts', keys: ['campaign_id', 'grp', 'unit_id'], keyExprs: ['s.campaign_id', 's.grp', 's.unit_id'], sums: { enrolled: '1', converted: flag('s.sales > 0') } },
      // As of a day: the spans the participant had a counting sale (its unit '' before its unit row's day: a span breaks
      // there, so both its deltas carry the span's unit), and its revenue while it held, each as its deltas.
      {
        into: 'ce_converted_counts',
        keys: ['campaign_id', 'grp', 'unit_id', 'tier', 'as_of_day'],
        keyExprs: ['s.campaign_id', 's.grp', "CASE WHEN ce_day(s.unit_from) > cs.from_day THEN '' ELSE s.unit_id END", 's.tier', 'dl.as_of_day'],
        join: `CROSS JOIN LATERAL (SELECT * FROM ce_converted_spans(s.sale_at, s.sale_until, s.enrolled_at, s.unit_from)) cs
               ${spanDeltas('cs')}`,
        where: 'cardinality(s.sale_at) > 0',
        sums: { converted: 'dl.w' },
      },
      {
        into: 'ce_revenue_counts',
        keys: ['campaign_id', 'grp', 'as_of_day'],
        keyExprs: ['s.campaign_id', 's.grp', 'dl.as_of_day'],
        join: `CROSS JOIN LATERAL (SELECT * FROM ce_sale_steps(s.sale_at, s.sale_until, s.sale_revenue, s.enrolled_at, NULL)) rs
               ${spanDeltas('rs')}`,
        where: 'cardinality(s.sale_at) > 0',
        sums: { customers: 'dl.w', revenue_fen: 'dl.w * rs.revenue_fen', squares: 'dl.w * rs.revenue_fen::numeric * rs.revenue_fen' },
      },
      {
        into: 'ce_day_counts',
        keys: ['campaign_id', 'day', 'as_of_day'],
        keyExprs: ['s.campaign_id', 'd.day', 'ce_day(GREATEST(s.enrolled_at, d.at))'],
        join: `CROSS JOIN LATERAL unnest(ARRAY[ce_day(s.first_contacted_at), ce_day(s.first_offered_at), ce_day(s.first_accepted_at)]::date[],
                                          ARRAY[s.first_contacted_at, s.first_offered_at, s.first_accepted_at]::timestamptz[],
                                          ARRAY[1, 0, 0], ARRAY[0, 1, 0], ARRAY[0, 0, 1]) AS d(day, at, contacted, offered, accepted)`,
        // A participant at none of these stages (every one a launch enrols) adds nothing: left out before it unfolds.
        where: '(s.first_contacted_at IS NOT NULL OR s.first_offered_at IS NOT NULL OR s.first_accepted_at IS NOT NULL) AND d.day IS NOT NULL',
        sums: { contacted: 'd.contacted', offered: 'd.offered', accepted: 'd.accepted' },
      },
    ]),
    // A sale tagged with the campaign (direct attribution): on its day from that day, and off again from the day it was reversed.
    ...triggers('ce_conversions', [
      {
        into: 'ce_day_counts',
        keys: ['campaign_id', 'day', 'as_of_day'],
        keyExprs: ['s.campaign_id', 'ce_day(s.occurred_at)', 'r.as_of_day'],
        join: `CROSS JOIN LATERAL unnest(ARRAY[ce_day(s.occurred_at), CASE WHEN s.reversed THEN GREATEST(ce_day(s.occurred_at), ce_day(s.reversed_at)) END]::date[], ARRAY[1, -1]) AS r(as_of_day, w)`,
        where: 's.campaign_id IS NOT NULL AND r.as_of_day IS NOT NULL',
        sums: { sales: 'r.w', revenue_fen: 'r.w * s.revenue_fen' },
      },
      {
        into: 'ce_campaign_totals',
        keys: ['campaign_id'],
        keyExprs: ['s.campaign_id'],
        where: 's.campaign_id IS NOT NULL AND NOT s.reversed',
        sums: { tagged_sales: '1', tagged_revenue_fen: 's.revenue_fen' },
      },
      {
        into: 'ce_tagged_customers',
        keys: ['campaign_id', 'customer_id'],
        keyExprs: ['s.campaign_id', 's.customer_id'],
        where: 's.campaign_id IS NOT NULL AND NOT s.reversed',
        sums: { sales: '1' },
      },
    ], { insert: taggedSpans(false), update: taggedSpans(true) }),
    // A customer with at least one tagged sale not reversed is one converted customer.
    ...triggers('ce_tagged_customers', [
      { into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { tagged_customers: flag('s.sales > 0') } },
    ]),
    ...triggers('ce_costs', [
      { into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { cost_fen: 's.amount_fen' } },
      { into: 'ce_day_counts', keys: ['campaign_id', 'day', 'as_of_day'], keyExprs: ['s.campaign_id', 'ce_day(s.occurred_at)', 'ce_day(s.occurred_at)'], sums: { cost_fen: 's.amount_fen' } },
    ]),
    ...triggers('ce_complaints', [
      { into: 'ce_campaign_totals', keys: ['campaign_id'], keyExprs: ['s.campaign_id'], sums: { complaints: '1' } },
      { into: 'ce_reaction_counts', keys: ['campaign_id', 'day'], keyExprs: ['s.campaign_id', 'ce_day(s.occurred_at)'], sums: { complaints: '1' } },
    ]),
    // Feedback lines (a comment without a rating counts as a line, not as a rating) on their day.
    ...triggers('ce_feedback', [
      {
        into: 'ce_reaction_counts',
        keys: ['campaign_id', 'day'],
        keyExprs: ['s.campaign_id', 'ce_day(s.occurred_at)'],
        sums: { feedback: '1', ratings: flag('s.rating IS NOT NULL'), rating_sum: 'coalesce(s.rating, 0)' },
      },
    ]),
    // Contacts per channel on their day, and each customer once per channel from their first contact there;
    // each customer once per 旬 from their first contact in it on or after the period's first bank day.
    ...triggers(
      'ce_contacts',
      [{ into: 'ce_channel_counts', keys: ['campaign_id', 'channel', 'day'], keyExprs: ['s.campaign_id', 's.channel', 'ce_day(s.occurred_at)'], sums: { contacts: '1' } }],
      {
        insert: `INSERT INTO ce_channel_customers AS c (campaign_id, channel, customer_id, first_at)
                   SELECT campaign_id, channel, customer_id, min(occurred_at) FROM new_rows GROUP BY 1, 2, 3
                   ON CONFLICT (campaign_id, channel, customer_id) DO UPDATE SET first_at = EXCLUDED.first_at WHERE EXCLUDED.first_at < c.first_at;
                 INSERT INTO ce_dekad_customers AS c (campaign_id, dekad, customer_id, first_day)
                   SELECT n.campaign_id, ce_dekad(ce_day(n.occurred_at)), n.customer_id, min(ce_day(n.occurred_at))
                   FROM new_rows n LEFT JOIN ce_campaigns k ON k.campaign_id = n.campaign_id
                   WHERE k.period_start IS NULL OR ce_day(n.occurred_at) >= ce_day(k.period_start)
                   GROUP BY 1, 2, 3
                   ON CONFLICT (campaign_id, dekad, customer_id) DO UPDATE SET first_day = EXCLUDED.first_day WHERE EXCLUDED.first_day < c.first_day;`,
      },
    ),
    ...triggers('ce_channel_customers', [{ into: 'ce_channel_counts', keys: ['campaign_id', 'channel', 'day'], keyExprs: ['s.campaign_id', 's.channel', 'ce_day(s.first_at)'], sums: { customers: '1' } }]),
    // A campaign's contacts projected before its draft (an import ordered by stream) were placed in their 旬 without the
    // period's first bank day: when the draft arrives, its customers per 旬 are placed again from its contacts. (A draft
    // normally comes first: nothing to read then. The period never changes after the draft.)
    `CREATE FUNCTION ce_campaigns_place_contacts() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF EXISTS (SELECT 1 FROM ce_dekad_customers c JOIN new_rows n ON n.campaign_id = c.campaign_id) THEN
         UPDATE ce_reaction_counts r SET customers = 0 FROM new_rows n WHERE r.campaign_id = n.campaign_id AND r.customers <> 0;
         DELETE FROM ce_dekad_customers c USING new_rows n WHERE c.campaign_id = n.campaign_id;
         INSERT INTO ce_dekad_customers (campaign_id, dekad, customer_id, first_day)
           SELECT x.campaign_id, ce_dekad(ce_day(x.occurred_at)), x.customer_id, min(ce_day(x.occurred_at))
           FROM ce_contacts x JOIN new_rows n ON n.campaign_id = x.campaign_id
           WHERE ce_day(x.occurred_at) >= ce_day(n.period_start)
           GROUP BY 1, 2, 3;
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER ce_campaigns_place_contacts AFTER INSERT ON ce_campaigns REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ce_campaigns_place_contacts()`,
    ...triggers('ce_dekad_customers', [{ into: 'ce_reaction_counts', keys: ['campaign_id', 'day'], keyExprs: ['s.campaign_id', 's.first_day'], sums: { customers: '1' } }]),
  ];
}
