import type { Queryable } from '../runner/read-model-position';
import { personRow, scorecard, whoOf, type PeoplePage, type PeopleReader } from './staff-scorecard.query';

/**
 * The scorecard as it was answered before the adherence counters (staff-scorecard v6): customers
 * contacted and maintenance adherence recounted per request from the fact rows — every customer a
 * person contacted in the month, and every assignment interval of theirs, each checked against
 * the month's contacts. Kept as the same-run baseline of the benchmark and as the independent
 * recount the counters are checked against; the API never calls it.
 */
const recountPeople: PeopleReader = async (pool, period, where) => {
  const { who, params } = whoOf(period, where);
  const { rows } = await pool.query(
    `WITH who AS (${who})
     SELECT w.staff_id, w.unit_id, s.display_name, s.role,
       COALESCE(m.conversions, 0) AS conversions, COALESCE(m.referrals, 0) AS referrals, COALESCE(m.revenue_fen, 0) AS revenue_fen,
       COALESCE(m.points_hundredths, 0) AS points, COALESCE(m.shadow_hundredths, 0) AS shadow, COALESCE(m.penalty_hundredths, 0) AS penalties,
       COALESCE(m.contacts, 0) AS contacts, COALESCE(m.complaints, 0) AS complaints, COALESCE(m.unsuitable, 0) AS unsuitable,
       (SELECT count(*) FROM sc_contacted x WHERE x.period = $1 AND x.staff_id = w.staff_id AND x.unit_id = w.unit_id) AS customers_contacted,
       a.assigned, a.assigned_contacted, t.points_hundredths AS target
     FROM who w
     JOIN sc_staff s ON s.staff_id = w.staff_id
     LEFT JOIN sc_person_month m ON m.period = $1 AND m.unit_id = w.unit_id AND m.staff_id = w.staff_id
     LEFT JOIN sc_targets t ON t.subject_id = w.staff_id AND t.period = $1
     -- the customers assigned to them at any time in the month, and of those the ones contacted in it
     LEFT JOIN LATERAL (
       SELECT count(DISTINCT g.customer_id) AS assigned,
              count(DISTINCT g.customer_id) FILTER (WHERE EXISTS (SELECT 1 FROM sc_contacted x WHERE x.period = $1 AND x.customer_id = g.customer_id)) AS assigned_contacted
       FROM sc_assignments g
       WHERE g.manager_id = w.staff_id AND g.valid_from < $4 AND (g.valid_to IS NULL OR (g.valid_to > $3 AND g.valid_to > g.valid_from))) a ON true
     ORDER BY w.staff_id, w.unit_id`,
    params,
  );
  return rows.map(personRow);
};

/** Staff and unit scorecards for a month, customers contacted and adherence recounted from the fact rows. */
export const scorecardRecounted = (pool: Queryable, period: string, orgUnit?: string, page: PeoplePage = {}) => scorecard(pool, period, orgUnit, page, recountPeople);
