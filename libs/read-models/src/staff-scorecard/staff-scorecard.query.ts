import type { Queryable } from '../runner/read-model-position';
import { businessMonthBounds, formatFen, fromHundredths, type Role } from '@app/domain';
import { rollUp, type Figures, type UnitRow, type UnitScore, type UnitSums } from './staff-scorecard.roll-up';
import { inForceAt, type StaffInterval } from './staff-scorecard.intervals';

export interface PersonScore {
  readonly staffId: string;
  readonly displayName: string;
  readonly role: Role;
  /** The unit they were in while the facts of this row happened (a person who moved during the month has a row for each unit). */
  readonly unitId: string;
  readonly conversions: number;
  readonly referrals: number;
  readonly revenue: string;
  readonly points: number;
  /** Points of customers moved up to a wealth centre, scored for the centre alongside the referrer (影子考核). */
  readonly shadowPoints: number;
  readonly complaints: number;
  /** Different customers they contacted in the month. */
  readonly customersContacted: number;
  /** Complaints about their contacts per customer they contacted, in the month (001 服务准则 4); null without contacts. */
  readonly complaintRate: number | null;
  readonly unsuitableAttempts: number;
  /** Points less the penalties for complaints and mis-selling, each at the amount in force when it was recorded. */
  readonly score: number;
  readonly contacts: number;
  readonly assignedCustomers: number;
  /** Assigned customers contacted in the period / assigned customers (客户维护计划). */
  readonly maintenanceAdherence: number | null;
  readonly target: number | null;
  readonly attainment: number | null;
  /** 1 = best score among the people of the same unit. */
  readonly rankInUnit: number;
}

/** People rows in a page of the scorecard: by default, and at most (the API's bounds; the library reads any page, or all). */
export const PEOPLE_PER_PAGE = { default: 100, max: 500 } as const;

/** Which people rows of the scorecard to answer: best score first, then by staff id (and unit). */
export interface PeoplePage {
  /** How many person-unit rows (null or absent: all of them). */
  readonly limit?: number | null;
  /** How many rows to skip first. */
  readonly offset?: number;
  /** Only this person's rows (ranked in their units all the same): a reader who sees themselves only. */
  readonly staffId?: string;
}

/**
 * The scorecard of a month for everyone at or below `orgUnit` (all units when absent): a page of
 * its people (`PeoplePage`: best score first, ties by staff id; `peopleTotal` rows in all) and
 * every unit's roll-up.
 *
 * A person is shown under each unit they were in during the month (one row per person and unit),
 * with the figures of the facts that happened while they were there: a move later does not change
 * a month that has passed. Figures are read from the person-unit-month counters; points and
 * revenue are summed as integers (hundredths of a point, fen) and shown with two places.
 *
 * One statement. Each unit's own sums are one row of its month's counters (sc_unit_month: ~600 for
 * the bank), taken up the tree by `rollUp`. The page comes from the counters' score index in order
 * (the first offset + limit rows, not the month), with the rows of people in a unit by their
 * interval only (no counters: score 0) merged in only when the page reaches a score of 0 or less;
 * each page row is ranked in its whole unit by the unit-score index (1 + how many of the unit
 * scored more, as `rank()` would, however the page falls; a row below 0 also counts its unit's
 * rows without counters, from the month's pairs, once per unit). The people counts (`peopleTotal`:
 * every person-unit row below the unit; each unit's people; the units of anyone with rows in more
 * than one, counted once up the tree by `rollUp`) come from the people counters
 * (staff-scorecard.people.ts, v12): each unit's deltas summed up to the month, and the month's
 * rows of people in two units or more; not from the month's person-unit pairs (8,000 at a bank),
 * which they are equal to. Those pairs (`who`: counters there, or a unit interval overlapping the
 * month, registered people only) are still read for one person's rows, for a page that reaches a
 * score of 0 or less (rows by interval only), for every row (no limit: ranked by one window), and
 * from a live schema without the people counters (before v12, blue/green). Then the page's rows
 * are read in full (`read`).
 */
export async function scorecard(
  pool: Queryable,
  period: string,
  orgUnit?: string,
  page: PeoplePage = {},
  read: PeopleReader = readPeople,
): Promise<{ people: PersonScore[]; peopleTotal: number; units: UnitScore[] }> {
  const { rows: units } = await pool.query<UnitRow & { target: string | null; unit_counters: boolean; people_counters: boolean }>(
    // Each unit's target by its key (a lateral lookup): a join the planner hashes would read every month's targets.
    `WITH RECURSIVE ${SUBTREE} SELECT sub.*, t.points_hundredths AS target, (SELECT to_regclass('sc_unit_month') IS NOT NULL) AS unit_counters,
       (SELECT to_regclass('sc_unit_people') IS NOT NULL AND to_regclass('sc_month_movers') IS NOT NULL) AS people_counters FROM sub
     LEFT JOIN LATERAL (SELECT points_hundredths FROM sc_targets WHERE subject_id = sub.unit_id AND period = $2) t ON true`,
    [orgUnit ?? null, period],
  );
  // While a new version builds beside it (blue/green), the live schema may be one from before v11, without the unit
  // months: its person months summed by unit give the same sums (the README's "read both shapes for the duration").
  const unitMonths =
    units[0]?.unit_counters !== true
      ? `(SELECT period, unit_id, sum(conversions) AS conversions, sum(revenue_fen) AS revenue_fen, sum(points_hundredths) AS points_hundredths,
            sum(shadow_hundredths) AS shadow_hundredths, sum(penalty_hundredths) AS penalty_hundredths
          FROM sc_person_month WHERE period = $2 AND ($1::text[] IS NULL OR unit_id = ANY($1::text[])) GROUP BY period, unit_id)`
      : 'sc_unit_month';
  const { from, to } = businessMonthBounds(period);
  // The units whose rows are read: the subtree asked for, by its ids (a branch reads its own rows, not the bank's);
  // the whole bank when none is named (the tree is every unit), or, for the one person asked for there, the units of
  // their own rows in the month (each ranked in its whole unit), not the bank's.
  let unitIds: string[] | null = orgUnit ? units.map((u) => u.unit_id) : null;
  if (!orgUnit && page.staffId) {
    const own = await pool.query<{ unit_id: string }>(`SELECT DISTINCT unit_id FROM (${PEOPLE_OF_THE_MONTH}) w`, [period, null, from, to, [page.staffId]]);
    unitIds = own.rows.map((r) => r.unit_id);
  }
  // The people counts: from the people counters (v12: each unit's deltas summed up to the month, and the month's people of
  // two units or more), but for one person's rows (theirs only) or a live schema from before v12 (blue/green), which
  // count the month's pairs below the unit (`who`).
  const counters = units[0]?.people_counters === true && !page.staffId;
  const peopleCounts = counters
    ? `NULL::bigint AS total,
         (SELECT json_agg(json_build_array(unit_id, people)) FROM (SELECT unit_id, sum(people) AS people FROM sc_unit_people
            WHERE period <= $2 AND ($1::text[] IS NULL OR unit_id = ANY($1::text[])) GROUP BY unit_id HAVING sum(people) <> 0) u) AS people,
         (SELECT json_agg(units) FROM (SELECT array_agg(unit_id) AS units FROM sc_month_movers
            WHERE period = $2 AND counted > 0 AND ($1::text[] IS NULL OR unit_id = ANY($1::text[])) GROUP BY staff_id HAVING count(*) > 1) m) AS movers`
    : `(SELECT count(*) FROM who WHERE $5::text IS NULL OR staff_id = $5) AS total,
         (SELECT json_agg(json_build_array(unit_id, people)) FROM (SELECT unit_id, count(*) AS people FROM who GROUP BY unit_id) u) AS people,
         -- those with rows in two units or more found by counting first (a list of units for each of 8,000 people spills to disk)
         (SELECT json_agg(units) FROM (SELECT array_agg(w.unit_id) AS units FROM who w
            WHERE w.staff_id IN (SELECT staff_id FROM who GROUP BY staff_id HAVING count(*) > 1) GROUP BY w.staff_id) m) AS movers`;
  const registered = (alias: string) => `EXISTS (SELECT 1 FROM sc_staff s WHERE s.staff_id = ${alias}.staff_id)`;
  const counted = (alias: string) => `EXISTS (SELECT 1 FROM sc_person_month c WHERE c.period = $2 AND c.unit_id = ${alias}.unit_id AND c.staff_id = ${alias}.staff_id)`;
  // Ranks in unit: for a page, each of its rows counted in the unit-score index (and, below 0, the unit's rows of score 0
  // that have no counters); for every row (no limit), one window over them all.
  const ranked =
    page.limit == null
      ? `ranked AS (
         SELECT p.ord, p.staff_id, p.unit_id, r.rank_in_unit FROM page p
         JOIN (SELECT w.staff_id, w.unit_id, rank() OVER (PARTITION BY w.unit_id ORDER BY COALESCE(m.points_hundredths - m.penalty_hundredths, 0) DESC) AS rank_in_unit
               FROM who w LEFT JOIN sc_person_month m ON m.period = $2 AND m.unit_id = w.unit_id AND m.staff_id = w.staff_id) r USING (staff_id, unit_id))`
      : `ranked AS (
         SELECT p.ord, p.staff_id, p.unit_id,
           1 + (SELECT count(*) FROM sc_person_month m WHERE m.period = $2 AND m.unit_id = p.unit_id AND m.points_hundredths - m.penalty_hundredths > p.score AND ${registered('m')})
             + CASE WHEN p.score < 0 THEN COALESCE(z.n, 0) ELSE 0 END AS rank_in_unit
         FROM page p
         -- a unit's rows without counters (score 0), counted once per unit of a page row below 0, not once per such row;
         -- the month's pairs not read at all for a page without one (a join would start on them before finding none)
         LEFT JOIN (SELECT w.unit_id, count(*) AS n FROM who w
                    WHERE (SELECT min(score) FROM page) < 0 AND w.unit_id IN (SELECT unit_id FROM page WHERE score < 0) AND NOT ${counted('w')} GROUP BY w.unit_id) z
           ON z.unit_id = p.unit_id)`;
  const [month] = (
    await pool.query<{
      total: string | null;
      page: [string, string, number][] | null;
      people: [string, number][] | null;
      sums: [string, number, number, number, number, number][] | null;
      movers: string[][] | null;
    }>(
      `WITH
       who AS MATERIALIZED (SELECT w.staff_id, w.unit_id FROM (${PEOPLE_OF_THE_TREE}) w WHERE ${registered('w')}),
       top AS MATERIALIZED (
         SELECT m.staff_id, m.unit_id, m.points_hundredths - m.penalty_hundredths AS score FROM sc_person_month m
         WHERE m.period = $2 AND ($1::text[] IS NULL OR m.unit_id = ANY($1::text[])) AND ($5::text IS NULL OR m.staff_id = $5) AND ${registered('m')}
         ORDER BY m.points_hundredths - m.penalty_hundredths DESC, m.staff_id, m.unit_id LIMIT $6::bigint + $7::bigint),
       -- the rows by interval only (no counters: score 0), needed only once the page reaches a score of 0 or less
       uncounted AS (
         SELECT w.staff_id, w.unit_id, 0::bigint AS score FROM who w
         WHERE ($6::bigint IS NULL OR (SELECT count(*) FROM top) < $6::bigint + $7::bigint OR (SELECT min(score) FROM top) <= 0)
           AND ($5::text IS NULL OR w.staff_id = $5) AND NOT ${counted('w')}
         ORDER BY w.staff_id, w.unit_id LIMIT $6::bigint + $7::bigint),
       page AS (
         SELECT *, row_number() OVER (ORDER BY score DESC, staff_id, unit_id) AS ord
         FROM (SELECT * FROM (SELECT * FROM top UNION ALL SELECT * FROM uncounted) a ORDER BY score DESC, staff_id, unit_id LIMIT $6 OFFSET $7) p),
       ${ranked}
       SELECT (SELECT json_agg(json_build_array(staff_id, unit_id, rank_in_unit) ORDER BY ord) FROM ranked) AS page,
         (SELECT json_agg(json_build_array(unit_id, conversions, revenue_fen, points_hundredths, shadow_hundredths, points_hundredths - penalty_hundredths))
          FROM ${unitMonths} u WHERE period = $2 AND ($1::text[] IS NULL OR unit_id = ANY($1::text[]))) AS sums,
         ${peopleCounts}`,
      [unitIds, period, from, to, page.staffId ?? null, page.limit ?? null, page.offset ?? 0],
    )
  ).rows;
  const pageRows = month!.page ?? [];
  const read_ = pageRows.length === 0 ? [] : await read(pool, period, { rows: { staffIds: pageRows.map((r) => r[0]), unitIds: pageRows.map((r) => r[1]) } });
  const byKey = new Map(read_.map((x) => [`${x.person.staffId}\u0000${x.person.unitId}`, x.person]));
  // Object.assign, not a spread: adding a property to a spread copy costs V8 about 4 times as much.
  const people: PersonScore[] = pageRows.map(([staffId, unitId, rank]) => Object.assign({}, byKey.get(`${staffId}\u0000${unitId}`)!, { rankInUnit: Number(rank) }));
  const unitSums = new Map<string, { -readonly [K in keyof UnitSums]: UnitSums[K] }>();
  const sumsOf = (unitId: string) => {
    let u = unitSums.get(unitId);
    if (!u) unitSums.set(unitId, (u = { unitId, people: 0, conversions: 0, revenueFen: 0, pointsHundredths: 0, shadowHundredths: 0, scoreHundredths: 0 }));
    return u;
  };
  for (const [unitId, people] of month!.people ?? []) sumsOf(String(unitId)).people = Number(people);
  for (const [unitId, conversions, revenueFen, pointsHundredths, shadowHundredths, scoreHundredths] of month!.sums ?? [])
    Object.assign(sumsOf(String(unitId)), { conversions: Number(conversions), revenueFen: Number(revenueFen), pointsHundredths: Number(pointsHundredths), shadowHundredths: Number(shadowHundredths), scoreHundredths: Number(scoreHundredths) });
  const targets = units.filter((u) => u.target !== null).map((u) => ({ subject_id: u.unit_id, points_hundredths: u.target! }));
  // With the counters, every person-unit row below the unit: each unit's people (all units for the bank, those outside the tree among them).
  const peopleTotal = month!.total !== null ? Number(month!.total) : (month!.people ?? []).reduce((n, [, people]) => n + Number(people), 0);
  return { people, peopleTotal, units: rollUp(units, [...unitSums.values()], month!.movers ?? [], targets) };
}

/** The units at or below $1 (all units when null: from the roots down), as `sub`. */
const SUBTREE = `sub AS (
  SELECT unit_id, parent_id, name FROM sc_units WHERE ($1::text IS NULL AND parent_id IS NULL) OR unit_id = $1
  UNION ALL SELECT u.unit_id, u.parent_id, u.name FROM sc_units u JOIN sub ON u.parent_id = sub.unit_id)`;

/**
 * Reads the person-unit rows of a month: of the units named, of the people named (in every unit
 * they were in), or the very rows named (person and unit, pairwise).
 */
export type PeopleReader = (
  pool: Queryable,
  period: string,
  where: { unitIds?: string[]; staffIds?: string[]; rows?: { staffIds: string[]; unitIds: string[] } },
) => Promise<{ person: Omit<PersonScore, 'rankInUnit'>; figures: Figures }[]>;

/**
 * Who was in some units during the month: anyone with counters there, and anyone whose unit
 * interval overlaps the month ($1 or $2 the month, as `period`; $3, $4 its bounds).
 */
const peopleOfTheMonth = (period: string, inUnits: string, ofStaff: string) => `
  SELECT staff_id, unit_id FROM sc_person_month WHERE period = ${period} AND ${inUnits} AND ${ofStaff}
  UNION
  SELECT staff_id, unit_id FROM sc_staff_units
  WHERE ${inUnits} AND ${ofStaff} AND (valid_from IS NULL OR valid_from < $4) AND (valid_to IS NULL OR (valid_to > $3 AND valid_to > COALESCE(valid_from, '-infinity')))`;

/** Of the units in $2 (all when null) and the people in $5 (all when null); $1 the month. */
export const PEOPLE_OF_THE_MONTH = peopleOfTheMonth('$1', '($2::text[] IS NULL OR unit_id = ANY($2::text[]))', '($5::text[] IS NULL OR staff_id = ANY($5::text[]))');
/** Of the units in $1 (every unit when null: no list of the bank's 600 ids to plan); $2 the month. */
const PEOPLE_OF_THE_TREE = peopleOfTheMonth('$2', '($1::text[] IS NULL OR unit_id = ANY($1::text[]))', 'true');

/** The `who` of a `PeopleReader`'s question, and its parameters ($1 the month, $3 and $4 its bounds). */
export function whoOf(period: string, where: Parameters<PeopleReader>[2]): { who: string; params: unknown[] } {
  const { from, to } = businessMonthBounds(period);
  // The rows named; the month's bounds (always true here) are named so that every parameter has a type.
  if (where.rows) return { who: `SELECT * FROM unnest($2::text[], $5::text[]) AS w(unit_id, staff_id) WHERE $3::timestamptz < $4::timestamptz`, params: [period, where.rows.unitIds, from, to, where.rows.staffIds] };
  return { who: PEOPLE_OF_THE_MONTH, params: [period, where.unitIds ?? null, from, to, where.staffIds ?? null] };
}

/**
 * The person-unit rows of a month, read from the counters: a row per person and unit (their
 * month's counts there) and a row per person (adherence), however many customers and facts lie
 * behind them. Past the adherence horizon no month has counters yet: a person's assigned
 * customers are those assigned now, none contacted.
 */
const readPeople: PeopleReader = async (pool, period, where) => {
  const { who, params } = whoOf(period, where);
  // A page's rows (at most 500) each looked up by key: joined as the planner likes, it hashes every row of the month of
  // four tables (8,000 each at a bank) to find 100. Not for more rows (every row of the bank: 40,000 lookups cost more than
  // the hashes), nor for a whole unit's or person's rows.
  const byKey = where.rows !== undefined && where.rows.staffIds.length <= PEOPLE_PER_PAGE.max;
  const join = (kind: 'JOIN' | 'LEFT JOIN', table: string, alias: string, on: string) =>
    byKey ? `${kind} LATERAL (SELECT * FROM ${table} ${alias} WHERE ${on} LIMIT 1) ${alias} ON true` : `${kind} ${table} ${alias} ON ${on}`;
  const { rows } = await pool.query(
    `WITH who AS (${who}),
     horizon AS (SELECT max(period) AS period FROM sc_horizon)
     SELECT w.staff_id, w.unit_id, s.display_name, s.role,
       COALESCE(m.conversions, 0) AS conversions, COALESCE(m.referrals, 0) AS referrals, COALESCE(m.revenue_fen, 0) AS revenue_fen,
       COALESCE(m.points_hundredths, 0) AS points, COALESCE(m.shadow_hundredths, 0) AS shadow, COALESCE(m.penalty_hundredths, 0) AS penalties,
       COALESCE(m.contacts, 0) AS contacts, COALESCE(m.complaints, 0) AS complaints, COALESCE(m.unsuitable, 0) AS unsuitable,
       COALESCE(m.customers_contacted, 0) AS customers_contacted,
       CASE WHEN h.period IS NULL OR $1 > h.period THEN COALESCE(o.customers, 0) ELSE COALESCE(a.assigned, 0) END AS assigned,
       CASE WHEN h.period IS NULL OR $1 > h.period THEN 0 ELSE COALESCE(a.assigned_contacted, 0) END AS assigned_contacted,
       t.points_hundredths AS target
     FROM who w
     ${join('JOIN', 'sc_staff', 's', 's.staff_id = w.staff_id')}
     CROSS JOIN horizon h
     ${join('LEFT JOIN', 'sc_person_month', 'm', 'm.period = $1 AND m.unit_id = w.unit_id AND m.staff_id = w.staff_id')}
     ${join('LEFT JOIN', 'sc_staff_month', 'a', 'a.period = $1 AND a.staff_id = w.staff_id')}
     ${join('LEFT JOIN', 'sc_open_assignments', 'o', 'o.staff_id = w.staff_id')}
     ${join('LEFT JOIN', 'sc_targets', 't', 't.subject_id = w.staff_id AND t.period = $1')}
     ORDER BY w.staff_id, w.unit_id`,
    params,
  );
  return rows.map(personRow);
};

/** A row of figures (integers as the database gives them) as a person's scorecard row. */
export function personRow(r: Record<string, any>): { person: Omit<PersonScore, 'rankInUnit'>; figures: Figures } {
  const scoreHundredths = Number(r.points) - Number(r.penalties);
  const target = r.target === null ? null : Number(r.target);
  const assigned = Number(r.assigned);
  const figures: Figures = { revenueFen: Number(r.revenue_fen), pointsHundredths: Number(r.points), shadowHundredths: Number(r.shadow), scoreHundredths, targetHundredths: target };
  const person: Omit<PersonScore, 'rankInUnit'> = {
    staffId: r.staff_id,
    displayName: r.display_name,
    role: r.role,
    unitId: r.unit_id,
    conversions: Number(r.conversions),
    referrals: Number(r.referrals),
    revenue: formatFen(figures.revenueFen),
    points: fromHundredths(figures.pointsHundredths),
    shadowPoints: fromHundredths(figures.shadowHundredths),
    complaints: Number(r.complaints),
    customersContacted: Number(r.customers_contacted),
    complaintRate: Number(r.customers_contacted) > 0 ? Number(r.complaints) / Number(r.customers_contacted) : null,
    unsuitableAttempts: Number(r.unsuitable),
    score: fromHundredths(scoreHundredths),
    contacts: Number(r.contacts),
    assignedCustomers: assigned,
    maintenanceAdherence: assigned > 0 ? Number(r.assigned_contacted) / assigned : null,
    target: target === null ? null : fromHundredths(target),
    attainment: target ? scoreHundredths / target : null,
  };
  return { person, figures };
}

/**
 * One person's scorecard for a month. Someone who moved unit during the month has a row for each
 * unit (`byUnit`, each ranked in its unit); their month is the sum of those rows, shown under the
 * unit they were in last (where they rank as in that row).
 */
export async function personScorecard(pool: Queryable, staffId: string, period: string): Promise<(PersonScore & { byUnit?: PersonScore[] }) | null> {
  const mine = await readPeople(pool, period, { staffIds: [staffId] });
  if (mine.length === 0) return null;
  // The unit they were in at the month's last instant, by the intervals' one rule (the last recorded of those starting by then).
  const { rows: intervals } = await pool.query<{ event_id: string; seq: string; unit_id: string; valid_from: Date | null }>(`SELECT event_id, seq, unit_id, valid_from FROM sc_staff_units WHERE staff_id = $1`, [staffId]);
  const units: StaffInterval[] = intervals.map((r) => ({ eventId: r.event_id, seq: BigInt(r.seq), unitId: r.unit_id, validFrom: r.valid_from ? r.valid_from.getTime() : null }));
  const latestUnit = inForceAt(units, (i) => i.validFrom, Date.parse(businessMonthBounds(period).to) - 1, null)?.unitId;
  // Ranks come from each unit's whole scorecard for the month (only their rows of it read).
  const ranked = await Promise.all(
    mine.map(async ({ person }) => (await scorecard(pool, period, person.unitId, { staffId })).people.find((p) => p.unitId === person.unitId)!),
  );
  const last = ranked.find((p) => p.unitId === latestUnit) ?? ranked.at(-1)!;
  if (ranked.length === 1) return last;
  const sum = (f: (x: (typeof mine)[number]) => number) => mine.reduce((s, x) => s + f(x), 0);
  const scoreHundredths = sum((x) => x.figures.scoreHundredths);
  const customersContacted = sum((x) => x.person.customersContacted);
  return {
    ...last,
    conversions: sum((x) => x.person.conversions),
    referrals: sum((x) => x.person.referrals),
    revenue: formatFen(sum((x) => x.figures.revenueFen)),
    points: fromHundredths(sum((x) => x.figures.pointsHundredths)),
    shadowPoints: fromHundredths(sum((x) => x.figures.shadowHundredths)),
    complaints: sum((x) => x.person.complaints),
    // A customer contacted from both units counts in each: the sum is at most the contacts.
    customersContacted,
    complaintRate: customersContacted > 0 ? sum((x) => x.person.complaints) / customersContacted : null,
    unsuitableAttempts: sum((x) => x.person.unsuitableAttempts),
    score: fromHundredths(scoreHundredths),
    contacts: sum((x) => x.person.contacts),
    attainment: mine[0]!.figures.targetHundredths ? scoreHundredths / mine[0]!.figures.targetHundredths : null,
    byUnit: ranked,
  };
}

/** One person's credits in a month: the sales behind their figures. */
export async function personCredits(pool: Queryable, staffId: string, period: string) {
  const { rows } = await pool.query(
    `SELECT customer_id, conversion_id, product_code, kind, unit_id, revenue_fen, points_hundredths, event_id, occurred_at, reversed
     FROM sc_credits WHERE staff_id = $1 AND period = $2 ORDER BY occurred_at, conversion_id, kind`,
    [staffId, period],
  );
  return rows.map((r) => ({
    customerId: r.customer_id as string,
    conversionId: r.conversion_id as string,
    productCode: r.product_code as string,
    kind: r.kind as string,
    /** The unit the credited person was in when the sale happened. */
    unitId: r.unit_id as string,
    revenue: formatFen(Number(r.revenue_fen)),
    points: fromHundredths(r.points_hundredths),
    eventId: r.event_id as string,
    occurredAt: (r.occurred_at as Date).toISOString(),
    reversed: r.reversed as boolean,
  }));
}
