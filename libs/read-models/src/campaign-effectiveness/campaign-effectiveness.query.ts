import type { Queryable } from '../runner/read-model-position';
import { bankTimeZone, businessDay, businessMonthBounds, type CampaignStatus, endOfBusinessDay, formatFen, LIFT_METHOD, meanDifference, newcombeLift, REVENUE_DIFFERENCE_METHOD } from '@app/domain';

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
  readonly status: CampaignStatus;
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
    /** Two-sided, from the Newcombe interval inverted, six decimals: below 0.05 exactly when `confidenceInterval95` excludes 0 (`newcombeLift`). */
    readonly pValue: number | null;
    /** The 95% interval excludes 0. */
    readonly significant: boolean | null;
    readonly method: typeof LIFT_METHOD;
    readonly incrementalConversions: number | null;
    readonly incrementalRevenue: string | null;
  };
  /**
   * Revenue per enrolled customer (customers without a sale count zero), treatment − control, with
   * its 95% interval by `method` (Welch's t with a variance floor: sensible for groups of one and
   * for 0% or 100% conversion; null while nobody in either group bought).
   */
  readonly revenuePerCustomer: {
    readonly treatment: string | null;
    readonly control: string | null;
    readonly difference: string | null;
    readonly confidenceInterval95: [string, string] | null;
    readonly method: typeof REVENUE_DIFFERENCE_METHOD;
  };
  readonly daily: { date: string; contacted: number; offered: number; accepted: number; converted: number; revenue: string }[];
  readonly byChannel: { channel: string; contacts: number; customersContacted: number }[];
  readonly byUnit: { unitId: string; treatment: number; control: number; treatmentConverted: number; controlConverted: number }[];
  readonly byTier: { tier: string; treatment: number; control: number; treatmentConverted: number; controlConverted: number }[];
}

/** What the answer is made of: a campaign's counters, read now or as of a date. */
interface Counters {
  readonly campaign: { campaign_id: string; name: string; owner_unit_id: string; status: CampaignStatus; launched_at: Date | null; closed_at: Date | null };
  /** By group and tier at enrolment, in the database's order of tiers: the group figures are their sums. */
  readonly tiers: TierRow[];
  /** By group and unit at enrolment, in the database's order of units: the breakdown by unit. */
  readonly units: UnitRow[];
  readonly totals: { tagged_sales: string; tagged_customers: string; tagged_revenue_fen: string; cost_fen: string; complaints: string };
  readonly daily: { date: string; contacted: string; offered: string; accepted: string; sales: string; revenue_fen: string }[];
  readonly channels: { channel: string; contacts: string; customers: string }[];
}

type TierRow = { grp: string; tier: string; enrolled: string; contacted: string; offered: string; accepted: string; participated: string; converted: string; revenue_fen: string; squares: string };
type UnitRow = { grp: string; unit_id: string; enrolled: string; converted: string };
/** Rows by group, unit and tier at enrolment (what the fact-row answers count). */
type GroupRow = Omit<TierRow, 'tier'> & { unit_id: string; tier: string };

/** The breakdowns list units and tiers in the database's order (its collation), as they always have. */
const ranked = (groups: string) => `SELECT g.*, dense_rank() OVER (ORDER BY unit_id) AS unit_rank, dense_rank() OVER (ORDER BY tier) AS tier_rank FROM (${groups}) g`;

/** Rows by group, unit and tier (ranked in the database's order) as the tier and unit rows the answer reads: each participant once in each. */
function byTierAndUnit(rows: readonly (GroupRow & { unit_rank: string; tier_rank: string })[]): Pick<Counters, 'tiers' | 'units'> {
  const add = <R extends Record<string, unknown>>(into: Map<string, R>, key: string, row: R, cols: readonly string[]) => {
    const at = into.get(key);
    if (!at) into.set(key, { ...row });
    else for (const c of cols) (at as Record<string, unknown>)[c] = String(BigInt(String(at[c])) + BigInt(String(row[c])));
  };
  const tiers = new Map<string, TierRow>();
  const units = new Map<string, UnitRow>();
  const cols = ['enrolled', 'contacted', 'offered', 'accepted', 'participated', 'converted', 'revenue_fen', 'squares'] as const;
  for (const r of [...rows].sort((a, b) => Number(a.tier_rank) - Number(b.tier_rank))) {
    add(tiers, `${r.tier_rank}:${r.grp}`, { grp: r.grp, tier: r.tier, ...Object.fromEntries(cols.map((c) => [c, String(r[c])])) } as unknown as TierRow, cols);
  }
  for (const r of [...rows].sort((a, b) => Number(a.unit_rank) - Number(b.unit_rank))) {
    add(units, `${r.unit_rank}:${r.grp}`, { grp: r.grp, unit_id: r.unit_id, enrolled: String(r.enrolled), converted: String(r.converted) }, ['enrolled', 'converted']);
  }
  return { tiers: [...tiers.values()], units: [...units.values()] };
}

const NO_TOTALS = { tagged_sales: '0', tagged_customers: '0', tagged_revenue_fen: '0', cost_fen: '0', complaints: '0' };
const CAMPAIGN_COLUMNS = `campaign_id, name, owner_unit_id, status, launched_at, closed_at`;

/** Participant counts by group, unit and tier summed over their as-of days (up to $2 when `upTo`), with the group sales `sales` gives. */
const groupsFrom = (upTo: boolean, sales: string) =>
  ranked(`
    WITH c AS (SELECT grp, unit_id, tier, sum(enrolled) AS enrolled, sum(contacted) AS contacted, sum(offered) AS offered, sum(accepted) AS accepted,
                      sum(participated) AS participated
               FROM ce_group_counts WHERE campaign_id = $1 ${upTo ? 'AND as_of_day <= $2::date' : ''} GROUP BY 1, 2, 3),
         x AS (${sales})
    SELECT c.*, COALESCE(x.converted, 0) AS converted, COALESCE(x.revenue_fen, 0) AS revenue_fen, COALESCE(x.squares, 0) AS squares
    FROM c LEFT JOIN x ON x.grp = c.grp AND x.unit_id = c.unit_id AND x.tier = c.tier WHERE c.enrolled <> 0`);
const dailyFrom = (upTo: boolean) => `
  SELECT to_char(day, 'YYYY-MM-DD') AS date, sum(contacted) AS contacted, sum(offered) AS offered, sum(accepted) AS accepted, sum(sales) AS sales, sum(revenue_fen) AS revenue_fen
  FROM ce_day_counts WHERE campaign_id = $1 ${upTo ? 'AND as_of_day <= $2::date' : ''} GROUP BY day
  HAVING sum(contacted) <> 0 OR sum(offered) <> 0 OR sum(accepted) <> 0 OR sum(sales) <> 0 ORDER BY day`;
const channelsFrom = (upTo: boolean) => `
  SELECT channel, sum(contacts) AS contacts, sum(customers) AS customers FROM ce_channel_counts
  WHERE campaign_id = $1 ${upTo ? 'AND day <= $2::date' : ''} GROUP BY channel HAVING sum(contacts) <> 0 ORDER BY channel`;

/** The group figures now: a row per group and tier at enrolment, and one per group and unit at enrolment, whatever the days the campaign ran. */
const TIERS_NOW = `SELECT grp, tier, enrolled, contacted, offered, accepted, participated, converted, revenue_fen, squares
  FROM ce_tier_now_counts WHERE campaign_id = $1 AND enrolled <> 0 ORDER BY tier, grp`;
const UNITS_NOW = `SELECT grp, unit_id, enrolled, converted FROM ce_unit_now_counts WHERE campaign_id = $1 AND enrolled <> 0 ORDER BY unit_id, grp`;

/**
 * Which of the day counters the groups are read from: the days up to $2 (as of its end), the days after
 * it taken off the now counters (the same figures: the now counters are the day counters summed over
 * every day), or every day (the answer now as read before campaign-effectiveness v13).
 */
export type DaysRead = 'upTo' | 'after' | 'all';

/**
 * The tier and unit rows from the participants' day counters (ce_group_counts, ce_converted_counts),
 * by `read`: each participant once in its group and tier, and once in its group and unit ('' before a
 * backdated onboarding's unit row's day), at enrolment; in the database's order of tiers, then of units.
 */
function groupsFromDays(read: DaysRead): string {
  const sign = read === 'after' ? '-' : '';
  const days = read === 'all' ? '' : `AND as_of_day ${read === 'after' ? '>' : '<='} $2::date`;
  const now = (cols: string, table: string) => (read === 'after' ? `UNION ALL SELECT ${cols} FROM ${table} WHERE campaign_id = $1` : '');
  const tierCols = 'grp, tier, enrolled, contacted, offered, accepted, participated, converted';
  // Up to a day (or all of them): one pass over the day rows, summed both ways at once (the unit rows' stage sums unused).
  if (read !== 'after')
    return `
    SELECT CASE WHEN GROUPING(tier) = 0 THEN 'tier' ELSE 'unit' END AS by, grp, CASE WHEN GROUPING(tier) = 0 THEN tier ELSE unit_id END AS key,
           sum(enrolled) AS enrolled, sum(contacted) AS contacted, sum(offered) AS offered, sum(accepted) AS accepted,
           sum(participated) AS participated, sum(converted) AS converted
    FROM (
      SELECT grp, unit_id, tier, enrolled, contacted, offered, accepted, participated, 0 AS converted FROM ce_group_counts WHERE campaign_id = $1 ${days}
      UNION ALL
      SELECT grp, unit_id, tier, 0, 0, 0, 0, 0, converted FROM ce_converted_counts WHERE campaign_id = $1 ${days}) d
    GROUP BY GROUPING SETS ((grp, tier), (grp, unit_id)) HAVING sum(enrolled) <> 0
    ORDER BY 1, 3, 2`;
  return `
    WITH d AS MATERIALIZED (
      SELECT grp, unit_id, tier, ${sign}enrolled AS enrolled, ${sign}contacted AS contacted, ${sign}offered AS offered, ${sign}accepted AS accepted,
             ${sign}participated AS participated, 0 AS converted
      FROM ce_group_counts WHERE campaign_id = $1 ${days}
      UNION ALL
      SELECT grp, unit_id, tier, 0, 0, 0, 0, 0, ${sign}converted FROM ce_converted_counts WHERE campaign_id = $1 ${days})
    SELECT 'tier' AS by, grp, tier AS key, sum(enrolled) AS enrolled, sum(contacted) AS contacted, sum(offered) AS offered, sum(accepted) AS accepted,
           sum(participated) AS participated, sum(converted) AS converted
    FROM (SELECT ${tierCols} FROM d ${now(tierCols, 'ce_tier_now_counts')}) t GROUP BY grp, tier HAVING sum(enrolled) <> 0
    UNION ALL
    SELECT 'unit', grp, unit_id, sum(enrolled), 0, 0, 0, 0, sum(converted)
    FROM (SELECT grp, unit_id, enrolled, converted FROM d ${now('grp, unit_id, enrolled, converted', 'ce_unit_now_counts')}) u GROUP BY grp, unit_id HAVING sum(enrolled) <> 0
    ORDER BY 1, 3, 2`;
}
/** The converted customers' revenue and its squares by group (ce_revenue_counts), by `read` as `groupsFromDays`. */
function revenueFromDays(read: DaysRead): string {
  if (read !== 'after') return `SELECT grp, sum(revenue_fen) AS revenue_fen, sum(squares) AS squares FROM ce_revenue_counts
    WHERE campaign_id = $1 ${read === 'upTo' ? 'AND as_of_day <= $2::date' : ''} GROUP BY grp`;
  return `SELECT grp, sum(revenue_fen) AS revenue_fen, sum(squares) AS squares FROM (
      SELECT grp, revenue_fen, squares FROM ce_tier_now_counts WHERE campaign_id = $1
      UNION ALL SELECT grp, -revenue_fen, -squares FROM ce_revenue_counts WHERE campaign_id = $1 AND as_of_day > $2::date) r GROUP BY grp`;
}

/**
 * The groups as of the end of day D ($2) from the month counters (campaign-effectiveness v15), D's bank month being
 * [$3, $4): the months before D's month (`months: 'before'`) or the now counters less the months after it ('after'),
 * with D's own month's days up to D (`days: 'upTo'`) or its month row less its days after D ('after'). Each way the
 * sum is the day counters' up to D (a month row is its days summed, the now counters every month summed):
 *   before, upTo: months < M + days [M, D]         before, after: months ≤ M − days (D, N)
 *   after, upTo:  now − months ≥ M + days [M, D]   after, after:  now − months > M − days (D, N)
 */
export interface MonthsRead {
  readonly months: 'before' | 'after';
  readonly days: 'upTo' | 'after';
}
const monthsPart = (r: MonthsRead) => ({
  month: `month ${r.months === 'before' ? (r.days === 'upTo' ? '<' : '<=') : r.days === 'upTo' ? '>=' : '>'} $3::date`,
  monthSign: r.months === 'after' ? '-' : '',
  days: r.days === 'upTo' ? 'as_of_day >= $3::date AND as_of_day <= $2::date' : 'as_of_day > $2::date AND as_of_day < $4::date',
  daySign: r.days === 'after' ? '-' : '',
  now: (cols: string, table: string) => (r.months === 'after' ? `SELECT ${cols} FROM ${table} WHERE campaign_id = $1 UNION ALL` : ''),
});
/** The tier and unit rows as of $2's end by `r` (`MonthsRead`); in the database's order of tiers, then of units, as `groupsFromDays`. */
function groupsFromMonths(r: MonthsRead): string {
  const { month, monthSign: m, days, daySign: d, now } = monthsPart(r);
  const stages = ['enrolled', 'contacted', 'offered', 'accepted', 'participated'];
  const tierCols = `grp, tier, ${stages.join(', ')}, converted`;
  return `
    WITH d AS (
      SELECT grp, unit_id, tier, ${stages.map((c) => `${d}${c} AS ${c}`).join(', ')}, 0 AS converted FROM ce_group_counts WHERE campaign_id = $1 AND ${days}
      UNION ALL
      SELECT grp, unit_id, tier, 0, 0, 0, 0, 0, ${d}converted FROM ce_converted_counts WHERE campaign_id = $1 AND ${days})
    SELECT 'tier' AS by, grp, tier AS key, ${stages.map((c) => `sum(${c}) AS ${c}`).join(', ')}, sum(converted) AS converted
    FROM (${now(tierCols, 'ce_tier_now_counts')}
          SELECT grp, tier, ${[...stages, 'converted'].map((c) => `${m}${c} AS ${c}`).join(', ')} FROM ce_tier_month_counts WHERE campaign_id = $1 AND ${month}
          UNION ALL SELECT ${tierCols} FROM d) t
    GROUP BY grp, tier HAVING sum(enrolled) <> 0
    UNION ALL
    SELECT 'unit', grp, unit_id, sum(enrolled), 0, 0, 0, 0, sum(converted)
    FROM (${now('grp, unit_id, enrolled, converted', 'ce_unit_now_counts')}
          SELECT grp, unit_id, ${m}enrolled AS enrolled, ${m}converted AS converted FROM ce_unit_month_counts WHERE campaign_id = $1 AND ${month}
          UNION ALL SELECT grp, unit_id, enrolled, converted FROM d) u
    GROUP BY grp, unit_id HAVING sum(enrolled) <> 0
    ORDER BY 1, 3, 2`;
}
/** The converted customers' revenue and its squares by group as of $2's end by `r`, as `groupsFromMonths`. */
function revenueFromMonths(r: MonthsRead): string {
  const { month, monthSign: m, days, daySign: d, now } = monthsPart(r);
  return `SELECT grp, sum(revenue_fen) AS revenue_fen, sum(squares) AS squares FROM (
      ${now('grp, revenue_fen, squares', 'ce_tier_now_counts')}
      SELECT grp, ${m}revenue_fen AS revenue_fen, ${m}squares AS squares FROM ce_revenue_month_counts WHERE campaign_id = $1 AND ${month}
      UNION ALL SELECT grp, ${d}revenue_fen, ${d}squares FROM ce_revenue_counts WHERE campaign_id = $1 AND ${days}) r GROUP BY grp`;
}

/** A bank day ('YYYY-MM-DD') as days since 1970-01-01 (calendar arithmetic: no clock, no zone). */
const dayNumber = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;
const monthNumber = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;

/** The first day of a bank day's month and of the month after it ('YYYY-MM-DD'). */
export function bankMonthOf(day: string): { first: string; next: string } {
  return { first: `${day.slice(0, 7)}-01`, next: businessDay(businessMonthBounds(day.slice(0, 7)).to) };
}

/**
 * Which month read as of day D costs fewest row sets, for a campaign whose daily series runs from `first` to `last`
 * (null: none yet): D's month's days up to D or after it (within the series), the fewer; then the months before D's
 * month or the now counters (one set) and the months after it, the fewer (D's month row counted where it is read).
 * `now`: whether the now counters exist (without them, the months before).
 */
export function monthsReadFor(day: string, first: string | null, last: string | null, now = true): MonthsRead {
  if (!first || !last) return { months: 'before', days: 'upTo' };
  const { first: m, next } = bankMonthOf(day);
  const d = dayNumber(day);
  const daysUpTo = d - Math.max(dayNumber(m), dayNumber(first)) + 1;
  const daysAfter = Math.min(dayNumber(next) - 1, dayNumber(last)) - d;
  const days = daysAfter < daysUpTo ? 'after' : 'upTo';
  const monthsBefore = Math.max(0, monthNumber(day) - monthNumber(first)) + (days === 'after' ? 1 : 0);
  const monthsAfter = 1 + Math.max(0, monthNumber(last) - monthNumber(day)) + (days === 'upTo' ? 1 : 0);
  return { months: now && monthsAfter < monthsBefore ? 'after' : 'before', days };
}

/** Whether the live schema has the now counters (v14 on); a schema from before them serves while v14 builds (blue/green). */
const NOW_COUNTERS = `(to_regclass('ce_tier_now_counts') IS NOT NULL AND to_regclass('ce_unit_now_counts') IS NOT NULL)`;
/** Whether it has the month counters (v15 on); a v14 schema serves while v15 builds, and its day-end answers read the days. */
const MONTH_COUNTERS = `(to_regclass('ce_tier_month_counts') IS NOT NULL AND to_regclass('ce_unit_month_counts') IS NOT NULL AND to_regclass('ce_revenue_month_counts') IS NOT NULL)`;
/**
 * How to read the groups as of a day end: the campaign's first and last day in its daily series (two index probes),
 * which counters the live schema has, and, for a schema without the month counters, whether the day is in the later
 * half of those days (then the fewer day rows lie after it: the now counters less the days after it).
 */
const AS_OF_PLAN = `SELECT to_char(f, 'YYYY-MM-DD') AS first, to_char(l, 'YYYY-MM-DD') AS last, ${NOW_COUNTERS} AS now_counters,
    ${MONTH_COUNTERS} AS month_counters, $2::date > f + (l - f) / 2 AS later FROM (
  SELECT (SELECT day FROM ce_day_counts WHERE campaign_id = $1 ORDER BY day LIMIT 1) AS f, (SELECT day FROM ce_day_counts WHERE campaign_id = $1 ORDER BY day DESC LIMIT 1) AS l) x`;
type AsOfPlan = { first: string | null; last: string | null; now_counters: boolean; month_counters: boolean; later: boolean | null };

/** The read a day end's groups take on this live schema: the month counters (v15), else the day counters (v14: the fewer days; before: up to the day). */
function readFor(day: string, p: AsOfPlan): DaysRead | MonthsRead {
  if (p.month_counters) return monthsReadFor(day, p.first, p.last, p.now_counters);
  return p.later && p.now_counters ? 'after' : 'upTo';
}

/** The tier and unit rows as of the end of `day` (or, with 'all', now), from the day counters read as `read` says, or from the month counters. */
async function groupsAtDays(db: Queryable, campaignId: string, day: string, read: DaysRead | MonthsRead): Promise<Pick<Counters, 'tiers' | 'units'>> {
  const byMonths = typeof read === 'object' ? read : null;
  // D's month's first day always; the next month's only when the days after D are read.
  const month = byMonths && bankMonthOf(day);
  const params = month ? [campaignId, day, month.first, ...(byMonths.days === 'after' ? [month.next] : [])] : read === 'all' ? [campaignId] : [campaignId, day];
  const rows = (await db.query(byMonths ? groupsFromMonths(byMonths) : groupsFromDays(read as DaysRead), params)).rows as { by: 'tier' | 'unit'; grp: string; key: string; enrolled: string; contacted: string; offered: string; accepted: string; participated: string; converted: string }[];
  const revenue = (await db.query(byMonths ? revenueFromMonths(byMonths) : revenueFromDays(read as DaysRead), params)).rows as { grp: string; revenue_fen: string; squares: string }[];
  const tiers: TierRow[] = rows.filter((r) => r.by === 'tier').map(({ by: _b, key, ...r }) => ({ ...r, tier: key, revenue_fen: '0', squares: '0' }));
  // The revenue and its squares are kept by group only (the breakdowns show customers): on the group's first row.
  for (const r of revenue) {
    const first = tiers.find((g) => g.grp === r.grp);
    if (first) Object.assign(first, { revenue_fen: r.revenue_fen, squares: r.squares });
  }
  return { tiers, units: rows.filter((r) => r.by === 'unit').map((r) => ({ grp: r.grp, unit_id: r.key, enrolled: r.enrolled, converted: r.converted })) };
}

/**
 * Now: the counters the projection keeps (ce_*_counts, ce_campaign_totals), read by primary key —
 * the groups a row per group and tier and one per group and unit; the daily series and channels rows
 * that grow with the days a campaign ran; never with its customers or sales, and plans that do not
 * depend on fresh statistics.
 */
async function countersNow(db: Queryable, campaignId: string, fromDays = false): Promise<Counters | null> {
  const all = async <T>(sql: string): Promise<T[]> => (await db.query(sql, [campaignId])).rows as T[];
  const [row] = await all<Counters['campaign'] & { now_counters: boolean }>(
    `SELECT ${CAMPAIGN_COLUMNS}, ${NOW_COUNTERS} AS now_counters FROM ce_campaigns WHERE campaign_id = $1`,
  );
  if (!row) return null;
  const { now_counters: nowCounters, ...campaign } = row;
  // While a new version builds beside it (blue/green), the live schema may be one from before v14, without the
  // group's now counters: its day counters give the same rows (the README's "read both shapes for the duration").
  const groups = fromDays || !nowCounters ? await groupsAtDays(db, campaignId, '', 'all') : { tiers: await all<TierRow>(TIERS_NOW), units: await all<UnitRow>(UNITS_NOW) };
  return {
    campaign,
    ...groups,
    totals: (await all<Counters['totals']>(`SELECT * FROM ce_campaign_totals WHERE campaign_id = $1`))[0] ?? NO_TOTALS,
    daily: await all(dailyFrom(false)),
    channels: await all(channelsFrom(false)),
  };
}

/** The lifecycle as of $2: drafted by then, with the status and the launch and close that had happened. */
const CAMPAIGN_AS_OF = `
  SELECT k.campaign_id, k.name, k.owner_unit_id, s.status,
         CASE WHEN k.launched_at <= $2 THEN k.launched_at END AS launched_at, CASE WHEN k.closed_at <= $2 THEN k.closed_at END AS closed_at
  FROM ce_campaigns k
  CROSS JOIN LATERAL (SELECT status FROM ce_campaign_states x WHERE x.campaign_id = k.campaign_id AND x.at <= $2 ORDER BY x.seq DESC LIMIT 1) s
  WHERE k.campaign_id = $1 AND k.drafted_at <= $2`;
/** The campaign's own sales as of $2 (not reversed by then), its costs and complaints: rows of this campaign's sales, costs and complaints only. */
const TOTALS_AS_OF = `
  SELECT (SELECT count(*) FROM v) AS tagged_sales, (SELECT count(DISTINCT customer_id) FROM v) AS tagged_customers,
         (SELECT COALESCE(sum(revenue_fen), 0) FROM v) AS tagged_revenue_fen,
         (SELECT COALESCE(sum(amount_fen), 0) FROM ce_costs WHERE campaign_id = $1 AND occurred_at <= $2) AS cost_fen,
         (SELECT count(*) FROM ce_complaints WHERE campaign_id = $1 AND occurred_at <= $2) AS complaints`;
const TAGGED_AS_OF = `v AS (SELECT customer_id, revenue_fen FROM ce_conversions WHERE campaign_id = $1 AND occurred_at <= $2 AND (reversed_at IS NULL OR reversed_at > $2))`;

/**
 * As of the end of a bank day: the counters summed up to that day, the spans' deltas too (the spans
 * holding on it) — who had a counting sale (by group, unit and tier), their revenue and its squares
 * (by group), the customers with a tagged sale standing. The groups from the month counters (v15:
 * whole months and at most half a month of days, `monthsReadFor`); the totals, daily series and channels
 * from rows that grow with the days the campaign ran; never with its customers or sales.
 */
async function countersAtDayEnd(db: Queryable, campaignId: string, asOf: Date, day: string, read?: 'upTo' | 'after' | MonthsRead): Promise<Counters | null> {
  const at = async <T>(sql: string): Promise<T[]> => (await db.query(sql, [campaignId, asOf])).rows as T[];
  const upToDay = async <T>(sql: string): Promise<T[]> => (await db.query(sql, [campaignId, day])).rows as T[];
  const [campaign] = await at<Counters['campaign']>(CAMPAIGN_AS_OF);
  if (!campaign) return null;
  const groups = await groupsAtDays(db, campaignId, day, read ?? readFor(day, (await upToDay<AsOfPlan>(AS_OF_PLAN))[0]!));
  const [totals] = await upToDay<Counters['totals']>(`
    SELECT (SELECT COALESCE(sum(sales), 0) FROM ce_day_counts WHERE campaign_id = $1 AND as_of_day <= $2::date) AS tagged_sales,
           (SELECT COALESCE(sum(customers), 0) FROM ce_tagged_span_counts WHERE campaign_id = $1 AND as_of_day <= $2::date) AS tagged_customers,
           (SELECT COALESCE(sum(revenue_fen), 0) FROM ce_day_counts WHERE campaign_id = $1 AND as_of_day <= $2::date) AS tagged_revenue_fen,
           (SELECT COALESCE(sum(cost_fen), 0) FROM ce_day_counts WHERE campaign_id = $1 AND as_of_day <= $2::date) AS cost_fen,
           (SELECT COALESCE(sum(complaints), 0) FROM ce_reaction_counts WHERE campaign_id = $1 AND day <= $2::date) AS complaints`);
  return {
    campaign,
    ...groups,
    totals: totals!,
    daily: await upToDay(dailyFrom(true)),
    channels: await upToDay(channelsFrom(true)),
  };
}

/**
 * The day-end answer as it was before the spans (campaign-effectiveness v8): the group sales from the
 * campaign's sales rows, each placed by its participant's key, and the campaign's own sales, costs
 * and complaints from their rows. Kept as the bench's same-run baseline; answers the same.
 */
export async function campaignEffectivenessAtDayEndFromSales(db: Queryable, campaignId: string, asOf: Date): Promise<CampaignEffectiveness | null> {
  const day = businessDay(asOf);
  const at = async <T>(sql: string): Promise<T[]> => (await db.query(sql, [campaignId, asOf])).rows as T[];
  const upToDay = async <T>(sql: string): Promise<T[]> => (await db.query(sql, [campaignId, day])).rows as T[];
  const [campaign] = await at<Counters['campaign']>(CAMPAIGN_AS_OF);
  if (!campaign) return null;
  const sales = (await at<{ grp: string; unit_id: string; tier: string; converted: string; revenue_fen: string; squares: string }>(`
    SELECT p.grp, CASE WHEN p.unit_from > $2 THEN '' ELSE p.unit_id END AS unit_id, p.tier, count(*) AS converted,
           sum(s.revenue) AS revenue_fen, sum(s.revenue::numeric * s.revenue) AS squares
    FROM (SELECT customer_id, sum(revenue_fen) AS revenue FROM (${GROUP_SALES_AS_OF}) x GROUP BY customer_id) s
    JOIN ce_participants p ON p.campaign_id = $1 AND p.customer_id = s.customer_id AND p.enrolled_at <= $2
    GROUP BY 1, 2, 3`)).map((r) => [r.grp, r.unit_id, r.tier, r.converted, r.revenue_fen, r.squares]);
  const groups = byTierAndUnit((
    await db.query(
      groupsFrom(
        true,
        `SELECT grp, unit_id, tier, converted::int AS converted, revenue_fen::bigint AS revenue_fen, squares::numeric AS squares
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS v(grp, unit_id, tier, converted, revenue_fen, squares)`,
      ),
      [campaignId, day, ...[0, 1, 2, 3, 4, 5].map((i) => sales.map((r) => r[i]))],
    )
  ).rows as (GroupRow & { unit_rank: string; tier_rank: string })[]);
  return effectivenessFrom({
    campaign,
    ...groups,
    totals: (await at<Counters['totals']>(`WITH ${TAGGED_AS_OF} ${TOTALS_AS_OF}`))[0]!,
    daily: await upToDay(dailyFrom(true)),
    channels: await upToDay(channelsFrom(true)),
  });
}

/** A sale counts for its group, as of $2, when it is a campaign product, in the run, and not reversed by then. */
const GROUP_SALES_AS_OF = `
  SELECT g.customer_id, v.revenue_fen, v.occurred_at
  FROM ce_group_conversions g
  JOIN ce_conversions v ON v.customer_id = g.customer_id AND v.conversion_id = g.conversion_id
  JOIN ce_campaigns k ON k.campaign_id = g.campaign_id
  WHERE g.campaign_id = $1 AND v.occurred_at <= $2 AND (v.reversed_at IS NULL OR v.reversed_at > $2)
    AND k.launched_at <= $2 AND v.occurred_at >= k.launched_at AND (k.closed_at IS NULL OR k.closed_at > $2 OR v.occurred_at <= k.closed_at)`;

/**
 * As of any other instant, without a replay: the same counters computed from the campaign's own fact
 * rows, each of which carries the business time it took effect (enrolment, each participant's
 * first-stage dates, sales and their reversal, costs, complaints, lifecycle steps). Reads the
 * campaign's rows only, never the history; equal to replaying the log up to that instant.
 */
async function countersAsOf(db: Queryable, campaignId: string, asOf: Date): Promise<Counters | null> {
  const all = async <T>(sql: string): Promise<T[]> => (await db.query(sql, [campaignId, asOf])).rows as T[];
  const [campaign] = await all<Counters['campaign']>(`
    SELECT k.campaign_id, k.name, k.owner_unit_id, s.status,
           CASE WHEN k.launched_at <= $2 THEN k.launched_at END AS launched_at, CASE WHEN k.closed_at <= $2 THEN k.closed_at END AS closed_at
    FROM ce_campaigns k
    CROSS JOIN LATERAL (SELECT status FROM ce_campaign_states x WHERE x.campaign_id = k.campaign_id AND x.at <= $2 ORDER BY x.seq DESC LIMIT 1) s
    WHERE k.campaign_id = $1 AND k.drafted_at <= $2`);
  if (!campaign) return null;
  const [tagged] = await all<{ tagged_sales: string; tagged_customers: string; tagged_revenue_fen: string }>(`
    SELECT count(*) AS tagged_sales, count(DISTINCT customer_id) AS tagged_customers, COALESCE(sum(revenue_fen), 0) AS tagged_revenue_fen
    FROM ce_conversions WHERE campaign_id = $1 AND occurred_at <= $2 AND (reversed_at IS NULL OR reversed_at > $2)`);
  const [cost] = await all<{ cost_fen: string }>(`SELECT COALESCE(sum(amount_fen), 0) AS cost_fen FROM ce_costs WHERE campaign_id = $1 AND occurred_at <= $2`);
  const [complaints] = await all<{ complaints: string }>(`SELECT count(*) AS complaints FROM ce_complaints WHERE campaign_id = $1 AND occurred_at <= $2`);
  const inZone = async <T>(sql: string): Promise<T[]> => (await db.query(sql, [campaignId, asOf, bankTimeZone()])).rows as T[];
  return {
    campaign,
    // A unit row that only starts after the date (a backdated onboarding's first known unit) was not
    // known then. Participants and their sales meet in one GROUP BY, not a join: no plan, however
    // stale the statistics, can turn this into a loop over participants × sales.
    ...byTierAndUnit(await all(ranked(`
      SELECT grp, unit_id, tier, count(*) AS enrolled, count(*) FILTER (WHERE contacted) AS contacted, count(*) FILTER (WHERE offered) AS offered,
             count(*) FILTER (WHERE accepted) AS accepted, count(*) FILTER (WHERE took_part) AS participated,
             count(*) FILTER (WHERE sales > 0) AS converted, COALESCE(sum(revenue), 0) AS revenue_fen, COALESCE(sum(revenue::numeric * revenue), 0) AS squares
      FROM (SELECT customer_id, max(grp) AS grp, max(unit_id) AS unit_id, max(tier) AS tier, bool_or(contacted) AS contacted, bool_or(offered) AS offered,
                   bool_or(accepted) AS accepted, bool_or(took_part) AS took_part, sum(sales) AS sales, sum(revenue) AS revenue, bool_or(enrolled) AS enrolled
            FROM (SELECT p.customer_id, p.grp, CASE WHEN p.unit_from > $2 THEN '' ELSE p.unit_id END AS unit_id, p.tier,
                         p.first_contacted_at <= $2 AS contacted, p.first_offered_at <= $2 AS offered, p.first_accepted_at <= $2 AS accepted,
                         p.took_part_at <= $2 AS took_part, 0 AS sales, 0::bigint AS revenue, true AS enrolled
                  FROM ce_participants p WHERE p.campaign_id = $1 AND p.enrolled_at <= $2
                  UNION ALL
                  SELECT customer_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, revenue_fen, false FROM (${GROUP_SALES_AS_OF}) x) rows
            GROUP BY customer_id) per_customer
      WHERE enrolled GROUP BY 1, 2, 3`))),
    totals: { ...tagged!, cost_fen: cost!.cost_fen, complaints: complaints!.complaints },
    daily: await inZone(`
      SELECT to_char(day, 'YYYY-MM-DD') AS date, sum(contacted) AS contacted, sum(offered) AS offered, sum(accepted) AS accepted,
             sum(sales) AS sales, sum(revenue) AS revenue_fen
      FROM (
        SELECT (at AT TIME ZONE $3)::date AS day, c AS contacted, o AS offered, a AS accepted, 0 AS sales, 0::bigint AS revenue
        FROM ce_participants p CROSS JOIN LATERAL (VALUES (p.first_contacted_at, 1, 0, 0), (p.first_offered_at, 0, 1, 0), (p.first_accepted_at, 0, 0, 1)) AS v(at, c, o, a)
        WHERE p.campaign_id = $1 AND p.enrolled_at <= $2 AND v.at <= $2
        UNION ALL SELECT (occurred_at AT TIME ZONE $3)::date, 0, 0, 0, 1, revenue_fen FROM ce_conversions
        WHERE campaign_id = $1 AND occurred_at <= $2 AND (reversed_at IS NULL OR reversed_at > $2)
      ) x GROUP BY day ORDER BY day`),
    channels: await all(`SELECT channel, count(*) AS contacts, count(DISTINCT customer_id) AS customers FROM ce_contacts
                         WHERE campaign_id = $1 AND occurred_at <= $2 GROUP BY channel ORDER BY channel`),
  };
}

/**
 * One campaign's effectiveness: now from the counters; as of the end of a bank day from the
 * counters up to that day; as of any other instant from the campaign's fact rows — a query every
 * time, never a replay.
 */
export async function campaignEffectiveness(db: Queryable, campaignId: string, asOf?: Date): Promise<CampaignEffectiveness | null> {
  let counters: Counters | null;
  if (!asOf) counters = await countersNow(db, campaignId);
  else {
    const day = businessDay(asOf);
    counters = endOfBusinessDay(day) === asOf.toISOString() ? await countersAtDayEnd(db, campaignId, asOf, day) : await countersAsOf(db, campaignId, asOf);
  }
  return counters && effectivenessFrom(counters);
}

/** The answer now with its groups summed from the day counters over every day, as before campaign-effectiveness v13: the bench's same-run baseline; answers the same. */
export async function campaignEffectivenessNowFromDays(db: Queryable, campaignId: string): Promise<CampaignEffectiveness | null> {
  const counters = await countersNow(db, campaignId, true);
  return counters && effectivenessFrom(counters);
}

/** As of the end of a bank day, the groups read one given way (`DaysRead`, `MonthsRead`): tests check each against the fact rows. */
export async function campaignEffectivenessAtDayEnd(db: Queryable, campaignId: string, asOf: Date, read: 'upTo' | 'after' | MonthsRead): Promise<CampaignEffectiveness | null> {
  if (endOfBusinessDay(businessDay(asOf)) !== asOf.toISOString()) throw new RangeError(`${asOf.toISOString()} is not the end of a bank day: the day counters answer only at a day end`);
  const counters = await countersAtDayEnd(db, campaignId, asOf, businessDay(asOf), read);
  return counters && effectivenessFrom(counters);
}

/** The scan-based as-of answer for any instant (what the day-end counters must agree with; tests compare them). */
export async function campaignEffectivenessFromFacts(db: Queryable, campaignId: string, asOf: Date): Promise<CampaignEffectiveness | null> {
  const counters = await countersAsOf(db, campaignId, asOf);
  return counters && effectivenessFrom(counters);
}

const sumOf = <T>(rows: readonly T[], f: (r: T) => string | number) => rows.reduce((n, r) => n + Number(f(r)), 0);

/** The answer from the counters (pure: the same arithmetic now and as of a date). */
function effectivenessFrom({ campaign: k, tiers, units, totals, daily, channels }: Counters): CampaignEffectiveness {
  const of = (g: string) => tiers.filter((r) => r.grp === g);
  const size = { treatment: sumOf(of('treatment'), (r) => r.enrolled), control: sumOf(of('control'), (r) => r.enrolled) };
  // Exact sums (a group's squares pass 2^53 at a bank's size), then one rounding: the same figure however the rows were cut.
  const exact = (rows: readonly TierRow[], f: (r: TierRow) => string) => Number(rows.reduce((n, r) => n + BigInt(f(r)), 0n));
  const group = (g: 'treatment' | 'control'): GroupFigures & { revenueFen: number; squares: number } => {
    const rows = of(g);
    const converted = sumOf(rows, (r) => r.converted);
    const revenueFen = exact(rows, (r) => r.revenue_fen);
    return { size: size[g], converted, conversionRate: size[g] ? converted / size[g] : null, revenue: formatFen(revenueFen), revenueFen, squares: exact(rows, (r) => r.squares) };
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
    const { interval, pValue, significant } = newcombeLift(t.converted, t.size, c.converted, c.size)!;
    const revenuePerCustomer = t.revenueFen / t.size - c.revenueFen / c.size;
    lift = {
      ...lift,
      absolute: diff,
      confidenceInterval95: interval,
      pValue,
      significant,
      incrementalConversions: diff * t.size,
      incrementalRevenue: formatFen(Math.round(revenuePerCustomer * t.size)),
    };
  }
  const perCustomer = meanDifference({ n: t.size, converted: t.converted, sum: t.revenueFen, sumOfSquares: t.squares }, { n: c.size, converted: c.converted, sum: c.revenueFen, sumOfSquares: c.squares });
  const money = (fen: number) => formatFen(Math.round(fen));
  const revenuePerCustomer: CampaignEffectiveness['revenuePerCustomer'] = {
    treatment: t.size ? money(t.revenueFen / t.size) : null,
    control: c.size ? money(c.revenueFen / c.size) : null,
    difference: perCustomer ? money(perCustomer.difference) : null,
    confidenceInterval95: perCustomer?.interval ? [money(perCustomer.interval[0]), money(perCustomer.interval[1])] : null,
    method: REVENUE_DIFFERENCE_METHOD,
  };

  const revenueFen = Number(totals.tagged_revenue_fen);
  const costFen = Number(totals.cost_fen);
  const conversions = Number(totals.tagged_sales);
  const contacted = sumOf(tiers, (r) => r.contacted);
  const complaints = Number(totals.complaints);

  // By the unit and tier each customer had when enrolled: a later transfer or tier change never
  // moves a past figure. One count per participant: several sales are one converted customer.
  // Rows in the database's order of units or tiers.
  const breakdown = <R extends { grp: string; enrolled: string; converted: string }>(rows: readonly R[], key: (r: R) => string) => {
    const by = new Map<string, { treatment: number; control: number; treatmentConverted: number; controlConverted: number }>();
    for (const r of rows) {
      const row = by.get(key(r)) ?? { treatment: 0, control: 0, treatmentConverted: 0, controlConverted: 0 };
      if (r.grp === 'treatment') (row.treatment += Number(r.enrolled)), (row.treatmentConverted += Number(r.converted));
      else (row.control += Number(r.enrolled)), (row.controlConverted += Number(r.converted));
      by.set(key(r), row);
    }
    return [...by.entries()];
  };

  return {
    campaignId: k.campaign_id,
    name: k.name,
    ownerUnitId: k.owner_unit_id,
    status: k.status,
    launchedAt: k.launched_at?.toISOString() ?? null,
    closedAt: k.closed_at?.toISOString() ?? null,
    funnel: {
      enrolled: size,
      contacted,
      offered: sumOf(tiers, (r) => r.offered),
      accepted: sumOf(tiers, (r) => r.accepted),
      participated: sumOf(of('treatment'), (r) => r.participated),
      converted: Number(totals.tagged_customers),
    },
    conversions,
    revenue: formatFen(revenueFen),
    cost: formatFen(costFen),
    roi: costFen > 0 ? (revenueFen - costFen) / costFen : null,
    costPerConversion: conversions > 0 ? formatFen(Math.round(costFen / conversions)) : null,
    complaints,
    complaintRate: contacted > 0 ? complaints / contacted : null,
    groups: { treatment: strip(t), control: strip(c) },
    lift,
    revenuePerCustomer,
    daily: daily.map((r) => ({
      date: r.date,
      contacted: Number(r.contacted),
      offered: Number(r.offered),
      accepted: Number(r.accepted),
      converted: Number(r.sales),
      revenue: formatFen(Number(r.revenue_fen)),
    })),
    byChannel: channels.map((r) => ({ channel: r.channel, contacts: Number(r.contacts), customersContacted: Number(r.customers) })),
    byUnit: breakdown(units, (r) => r.unit_id).map(([unitId, r]) => ({ unitId, ...r })),
    byTier: breakdown(tiers, (r) => r.tier).map(([tier, r]) => ({ tier, ...r })),
  };
}

function strip({ revenueFen: _r, squares: _s, ...g }: GroupFigures & { revenueFen: number; squares: number }): GroupFigures {
  return g;
}

/**
 * Where a page of a campaign's sales ends: the last sale's time, exactly as stored (to the microsecond, UTC,
 * `2026-03-31T15:30:00.123456Z`: a row of a log imported with finer times than a JavaScript date holds must not
 * come back on the next page), customer and conversion id (the order's key).
 */
export interface ConversionCursor {
  readonly occurredAt: string;
  readonly customerId: string;
  readonly conversionId: string;
}

/** The cursor as the API hands it out: opaque, URL-safe. */
export function encodeConversionCursor(c: ConversionCursor): string {
  return Buffer.from(JSON.stringify([c.occurredAt, c.customerId, c.conversionId])).toString('base64url');
}

const CURSOR_TIME = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A cursor this API handed out, or null for anything else (a time not in the calendar, or outside years 1900–9999, too). */
export function decodeConversionCursor(text: string): ConversionCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'string')) return null;
    const [occurredAt, customerId, conversionId] = v as [string, string, string];
    const year = CURSOR_TIME.exec(occurredAt)?.[1];
    if (!year || Number(year) < 1900) return null;
    // Read to the millisecond, it must give itself back: 2026-02-30 is not 2 March.
    const ms = new Date(`${occurredAt.slice(0, 23)}Z`);
    if (Number.isNaN(ms.getTime()) || ms.toISOString() !== `${occurredAt.slice(0, 23)}Z`) return null;
    return { occurredAt, customerId, conversionId };
  } catch {
    return null;
  }
}

/**
 * The sales behind the revenue figure, each with the event that recorded it: a page of at most
 * `limit`, in order of business time, then customer and conversion id (conversion ids are unique per
 * customer only), after the cursor when given. `next` is the cursor of the page after, or null
 * at the end. Keyset paging: a page reads its own rows off the index, however many sales the
 * campaign has. A walk through the pages is not one snapshot: each page is read at the read model's
 * position then, so a sale recorded during a walk with a business time before the cursor (a sale
 * entered late, dated earlier) is on a page already read and not seen by that walk.
 */
export async function campaignConversions(pool: Queryable, campaignId: string, page: { limit: number; after?: ConversionCursor | null }) {
  const after = page.after ?? null;
  const { rows } = await pool.query(
    `SELECT conversion_id, event_id, customer_id, staff_id, product_code, amount_fen, revenue_fen, occurred_at, reversed,
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_exact
     FROM ce_conversions
     WHERE campaign_id = $1 AND ($3::timestamptz IS NULL OR (occurred_at, customer_id, conversion_id) > ($3::timestamptz, $4::text, $5::text))
     ORDER BY occurred_at, customer_id, conversion_id LIMIT $2`,
    [campaignId, page.limit + 1, after?.occurredAt ?? null, after?.customerId ?? null, after?.conversionId ?? null],
  );
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const conversions = shown.map((r) => ({
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
  const last = shown[shown.length - 1];
  const next = more && last ? encodeConversionCursor({ occurredAt: last.at_exact as string, customerId: last.customer_id as string, conversionId: last.conversion_id as string }) : null;
  return { conversions, next };
}

/** Every campaign with its headline figures. */
export async function campaignList(pool: Queryable) {
  const { rows } = await pool.query(`
    SELECT k.campaign_id, k.name, k.owner_unit_id, k.status, k.launched_at, k.closed_at, k.treatment_count, k.control_count, k.budget_fen,
           COALESCE(t.tagged_sales, 0) AS conversions, COALESCE(t.tagged_revenue_fen, 0) AS revenue, COALESCE(t.cost_fen, 0) AS cost
    FROM ce_campaigns k LEFT JOIN ce_campaign_totals t ON t.campaign_id = k.campaign_id ORDER BY k.period_start DESC, k.campaign_id`);
  return rows.map((r) => ({
    campaignId: r.campaign_id as string,
    name: r.name as string,
    ownerUnitId: r.owner_unit_id as string,
    status: r.status as CampaignStatus,
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

/** The campaigns that existed at an instant (drafted by then), newest period first. */
export async function campaignIdsAsOf(db: Queryable, asOf: Date): Promise<string[]> {
  const { rows } = await db.query(`SELECT campaign_id FROM ce_campaigns WHERE drafted_at <= $1 ORDER BY period_start DESC, campaign_id`, [asOf]);
  return rows.map((r) => r.campaign_id as string);
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
