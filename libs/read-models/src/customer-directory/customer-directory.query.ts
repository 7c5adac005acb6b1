import type { Position } from '@app/event-store';
import { readModelPosition, type Queryable } from '../runner/read-model-position';
import { AUDIENCE_EXCLUSIONS, audienceSelection, countControl, type AudienceExclusion, type AudiencePlan, type AudienceSelection, type CampaignWindow, type Organisation } from '@app/domain';

/** One cell of the audience: customers of a home unit and tier, included (reason null) or left out for a reason. */
export interface AudienceCell {
  readonly unitId: string;
  readonly tier: string;
  readonly reason: AudienceExclusion | null;
  readonly count: number;
}

export interface SelectedAudience {
  /** The customers the campaign would enrol (by home unit and tier, each cell in id order). */
  readonly customerIds: string[];
  /** Customers the rule matched but left out, by the first reason that applies (every reason present, 0 when none). */
  readonly excluded: Record<AudienceExclusion, number>;
  readonly cells: AudienceCell[];
}

/** The campaigns the audience rules look at (control groups in force, overlapping periods). */
export async function directoryCampaigns(db: Queryable): Promise<CampaignWindow[]> {
  const { rows } = await db.query<{ campaign_id: string; status: string; period_start: Date; period_end: Date }>(
    `SELECT campaign_id, status, period_start, period_end FROM directory_campaigns ORDER BY campaign_id`,
  );
  return rows.map((r) => ({ campaignId: r.campaign_id, status: r.status, periodStart: r.period_start.toISOString(), periodEnd: r.period_end.toISOString() }));
}

/**
 * THE audience rule applied to the directory, as SQL: a CTE `matched` of the customers an audience
 * selection matches, each with the first reason that leaves them out (null: included). The launch's
 * list and the preview's counts are both read from it, so they cannot select differently.
 *
 * Every row is read, so the work per row is what costs at a million customers: a criterion or
 * exclusion the selection does not ask for is switched off by a parameter the planner folds away
 * (`cardinality($n) = 0 OR …`, `$n AND …`), and an array a row holds empty is never opened
 * (`cardinality(…) > 0`). The contact cap is looked up only for customers with campaign contacts
 * lately, and for those without in the units whose cap is 0, instead of joining every row; it is
 * one subscript of `contact_times`, not a subquery, so every expression is parallel-safe.
 *
 * `fenced` (the launch's list, whose ordered `array_agg` cannot be split across workers) keeps the
 * CTE apart so that each row's reason is worked out once. Unfenced (the preview's counts), the
 * planner may scan with parallel workers that each group and count their share of the directory
 * (partial aggregation: `count`, `string_agg`), the leader only combining a few dozen groups —
 * the same rows and reasons either way, only who evaluates them differs.
 */
function matched(s: AudienceSelection, fenced: boolean): { cte: string; params: unknown[] } {
  const caps = s.contactCaps ? [...s.contactCaps] : [];
  return {
    cte: `WITH matched AS (
       SELECT d.customer_id, d.home_unit_id, d.tier,
         CASE
           WHEN d.erased THEN 'DATA_ERASED'
           -- Opted out of none: left out only when the campaign has no channel at all ('{}' @> '{}').
           WHEN (CASE WHEN cardinality(d.opted_out) = 0 THEN NOT $11 AND cardinality($10::text[]) = 0
                      WHEN $11 THEN d.opted_out && $10::text[] ELSE d.opted_out @> $10::text[] END) THEN 'OPTED_OUT'
           WHEN $12::text[] IS NOT NULL AND NOT coalesce(d.risk_tolerance = ANY($12::text[]) AND d.risk_valid_until > $13::timestamptz, false) THEN 'NOT_SUITABLE'
           -- At least cap contacts since then: the cap-th newest is after it (contact_times is newest first); a cap of 0 is always reached.
           WHEN $19 AND (CASE WHEN cardinality(d.contact_times) = 0 THEN d.home_unit_id = ANY($20::text[])
               ELSE ($15::int[])[array_position($14::text[], d.home_unit_id)] <= 0
                 OR d.contact_times[($15::int[])[array_position($14::text[], d.home_unit_id)]] > $16::timestamptz END)
             THEN 'CONTACT_LIMIT_REACHED'
           WHEN cardinality($17::text[]) > 0 AND cardinality(d.control_in) > 0 AND d.control_in && $17::text[] THEN 'IN_ANOTHER_CONTROL_GROUP'
           WHEN $18::text[] IS NOT NULL AND cardinality($18::text[]) > 0 AND cardinality(d.enrolled_in) > 0 AND d.enrolled_in && $18::text[] THEN 'IN_OVERLAPPING_CAMPAIGN'
         END AS reason
       FROM customer_directory d
       WHERE d.home_unit_id = ANY($1::text[])
         AND (cardinality($2::text[]) = 0 OR d.tier = ANY($2))
         AND (cardinality($3::text[]) = 0 OR d.segment = ANY($3))
         AND (cardinality($4::text[]) = 0 OR d.gender = ANY($4))
         AND (cardinality($5::text[]) = 0 OR d.holdings && $5)
         AND (cardinality($6::text[]) = 0 OR cardinality(d.holdings) = 0 OR NOT (d.holdings && $6::text[]))
         AND ($7::int IS NULL OR d.birth_year >= $7)
         AND ($8::int IS NULL OR d.birth_year <= $8)
         AND ($9::timestamptz IS NULL OR d.last_active_at < $9)
       ${fenced ? `-- Not merged into the query that reads it: each row's reason is worked out once, however often it is used.
       OFFSET 0` : ''}
     )`,
    params: [
      s.unitIds,
      s.tiers,
      s.segments,
      s.genders,
      s.holdsAnyOf,
      s.holdsNoneOf,
      s.birthYearFrom,
      s.birthYearTo,
      s.lastActiveBefore,
      s.channels,
      s.consentAllChannels,
      s.suitableTolerances,
      s.at,
      caps.map(([u]) => u),
      caps.map(([, max]) => max),
      s.contactsSince,
      s.controlGroupsInForce,
      s.overlappingCampaigns,
      s.contactCaps !== null,
      // Units where even a customer without a campaign contact has reached the cap.
      caps.filter(([, max]) => max <= 0).map(([u]) => u),
    ],
  };
}

/**
 * Room for the aggregation to hash its few groups (units × tiers × reasons) in memory, for the rest of
 * this read's transaction: with the default 4 MB the planner sorts every matched row instead, on
 * disk past a few hundred thousand customers (the sort was half the preview's time at 300,000).
 */
const AGGREGATION_MEMORY = `SELECT set_config('work_mem', '64MB', true)`;

type CellRow = { unit_id: string; tier: string; reason: AudienceExclusion | null; n: number };

function tally(rows: readonly CellRow[]): { excluded: Record<AudienceExclusion, number>; cells: AudienceCell[] } {
  const excluded = Object.fromEntries(AUDIENCE_EXCLUSIONS.map((r) => [r, 0])) as Record<AudienceExclusion, number>;
  for (const r of rows) if (r.reason !== null) excluded[r.reason] += r.n;
  return { excluded, cells: rows.map((r) => ({ unitId: r.unit_id, tier: r.tier, reason: r.reason, count: r.n })) };
}

/**
 * THE audience of a campaign: the customers an audience rule, made concrete by the domain
 * (`audienceSelection`), selects from the customer directory, and those it matched but leaves out
 * with the first reason that applies. The preview and the launch both apply this rule (`matched`),
 * on the same snapshot of the directory they get the same customers; the customer's own decider
 * stays the authority at launch (a customer changed since the directory read is refused there).
 */
export async function selectAudience(db: Queryable, s: AudienceSelection): Promise<SelectedAudience> {
  const { cte, params } = matched(s, true);
  await db.query(AGGREGATION_MEMORY);
  const { rows } = await db.query<CellRow & { ids: string[] | null }>(
    `${cte}
     SELECT home_unit_id AS unit_id, tier, reason, count(*)::int AS n,
       array_agg(customer_id ORDER BY customer_id) FILTER (WHERE reason IS NULL) AS ids
     FROM matched GROUP BY home_unit_id, tier, reason`,
    params,
  );
  const customerIds: string[] = [];
  // One id at a time: spreading a cell of a bank's size (hundreds of thousands of ids of one unit and
  // tier) into push's arguments overflows the call stack (a launch to 1M customers failed so).
  for (const r of rows) if (r.reason === null) for (const id of r.ids!) customerIds.push(id);
  return { customerIds, ...tally(rows) };
}

/** The audience's sizes, as the preview shows them: the launch's audience counted, and split as the launch will split it. */
export interface AudienceCounts {
  readonly audienceSize: number;
  readonly excluded: Record<AudienceExclusion, number>;
  readonly cells: AudienceCell[];
  readonly treatment: number;
  readonly control: number;
}

/** Ids are letters, digits and `_ . : -` (the API's id rule); a newline is none of them. */
const ID_SEPARATOR = '\n';

/**
 * The audience `selectAudience` would give, counted in the database instead of listed: by home
 * unit, tier and reason, and the seeded split of those included (`countControl`, the launch's
 * `assignGroup` over ids that come over as one string, unsorted). At 0% or 100% control no id
 * is read at all.
 */
export async function countAudience(db: Queryable, s: AudienceSelection, seed: string, controlGroupPercent: number): Promise<AudienceCounts> {
  const { cte, params } = matched(s, false);
  const needIds = controlGroupPercent > 0 && controlGroupPercent < 100;
  await db.query(AGGREGATION_MEMORY);
  const { rows } = await db.query<CellRow & { ids: string | null }>(
    `${cte}
     SELECT home_unit_id AS unit_id, tier, reason, count(*)::int AS n,
       ${needIds ? `string_agg(customer_id, E'\\n') FILTER (WHERE reason IS NULL)` : 'NULL'} AS ids
     FROM matched GROUP BY home_unit_id, tier, reason`,
    params,
  );
  const { excluded, cells } = tally(rows);
  const included = rows.filter((r) => r.reason === null);
  const audienceSize = included.reduce((n, r) => n + r.n, 0);
  let control = controlGroupPercent >= 100 ? audienceSize : 0;
  if (needIds) {
    for (const r of included) {
      const counted = countControl(seed, r.ids!, ID_SEPARATOR, controlGroupPercent);
      // An id holding the separator would split in two: never counted wrong, refused.
      if (counted.customers !== r.n) throw new Error(`customer ids of ${r.unit_id}/${r.tier} contain the separator; the split cannot be counted`);
      control += counted.control;
    }
  }
  return { audienceSize, excluded, cells, treatment: audienceSize - control, control };
}

/** The one audience function the preview and the launch share: the plan's rule made concrete now, applied to the directory. */
export async function campaignAudience(db: Queryable, plan: AudiencePlan, campaignId: string | null, org: Organisation, at: string): Promise<SelectedAudience> {
  return selectAudience(db, audienceSelection(plan, campaignId, org, await directoryCampaigns(db), at));
}

/** The same audience as `campaignAudience`, counted and split with `seed` at the plan's control percent, for the preview. */
export async function campaignAudienceCounts(
  db: Queryable,
  plan: AudiencePlan & { controlGroupPercent: number },
  campaignId: string | null,
  org: Organisation,
  at: string,
  seed: string,
): Promise<AudienceCounts> {
  return countAudience(db, audienceSelection(plan, campaignId, org, await directoryCampaigns(db), at), seed, plan.controlGroupPercent);
}

/**
 * The position the directory reflects (the last event it applied; null before its first), read in
 * the caller's snapshot: the rows read in it are the directory at exactly this position.
 */
export const directoryPosition = (db: Queryable): Promise<Position | null> => readModelPosition(db, 'customer-directory');

/** The customers enrolled in a campaign and the group each got, whatever its audience rule says of them today, in id order. */
export async function campaignEnrolments(db: Queryable, campaignId: string): Promise<{ customerId: string; group: 'treatment' | 'control' }[]> {
  const { rows } = await db.query<{ customer_id: string; control: boolean }>(
    `SELECT customer_id, $1 = ANY(control_in) AS control FROM customer_directory WHERE $1 = ANY(enrolled_in) ORDER BY customer_id`,
    [campaignId],
  );
  return rows.map((r) => ({ customerId: r.customer_id, group: r.control ? 'control' : 'treatment' }));
}

/** The customers enrolled in a campaign, whatever its audience rule says of them today (opted out, erased, moved since), in id order. */
export async function enrolledInCampaign(db: Queryable, campaignId: string): Promise<string[]> {
  const { rows } = await db.query<{ customer_id: string }>(`SELECT customer_id FROM customer_directory WHERE $1 = ANY(enrolled_in) ORDER BY customer_id`, [campaignId]);
  return rows.map((r) => r.customer_id);
}
