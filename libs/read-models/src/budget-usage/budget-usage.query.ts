import type { Queryable } from '../runner/read-model-position';
import { formatFen } from '@app/domain';

/** Every unit's budget for a year: allocated, split down, committed, released, spent on costs, remaining. */
export async function budgetUsage(pool: Queryable, year: number) {
  const { rows } = await pool.query(
    `WITH units AS (
       SELECT unit_id FROM bu_budgets WHERE year = $1 UNION SELECT unit_id FROM bu_commitments WHERE year = $1)
     SELECT u.unit_id,
       COALESCE((SELECT allocated_fen FROM bu_budgets b WHERE b.unit_id = u.unit_id AND b.year = $1), 0) AS allocated,
       COALESCE((SELECT sum(amount_fen) FROM bu_splits s WHERE s.unit_id = u.unit_id AND s.year = $1), 0) AS split,
       COALESCE((SELECT sum(committed_fen) FROM bu_commitments c WHERE c.unit_id = u.unit_id AND c.year = $1), 0) AS committed,
       COALESCE((SELECT sum(released_fen) FROM bu_commitments c WHERE c.unit_id = u.unit_id AND c.year = $1), 0) AS released,
       COALESCE((SELECT sum(amount_fen) FROM bu_campaign_costs k WHERE k.owner_unit_id = u.unit_id AND k.year = $1), 0) AS spent
     FROM units u ORDER BY u.unit_id`,
    [year],
  );
  return rows.map((r) => {
    const [allocated, split, committed, released, spent] = [r.allocated, r.split, r.committed, r.released, r.spent].map(Number) as [number, number, number, number, number];
    return {
      unitId: r.unit_id as string,
      year,
      allocated: formatFen(allocated),
      splitToUnitsBelow: formatFen(split),
      committedToCampaigns: formatFen(committed),
      released: formatFen(released),
      spent: formatFen(spent),
      remaining: formatFen(allocated - split - committed + released),
    };
  });
}
