import type { Queryable } from '../runner/read-model-position';
import type { AudienceRule } from '@app/domain';

/**
 * The customers a campaign's audience rule selects, in a stable order. `unitIds` are expanded by
 * the caller to every unit at or below the ones the rule names.
 */
export async function findAudience(pool: Queryable, rule: AudienceRule, unitSubtree: readonly string[] | null): Promise<string[]> {
  const { rows } = await pool.query<{ customer_id: string }>(
    `SELECT customer_id FROM customer_directory
     WHERE ($1::text[] IS NULL OR home_unit_id = ANY($1))
       AND (cardinality($2::text[]) = 0 OR tier = ANY($2))
       AND (cardinality($3::text[]) = 0 OR segment = ANY($3))
       AND (cardinality($4::text[]) = 0 OR gender = ANY($4))
       AND (cardinality($5::text[]) = 0 OR holdings && $5)
       AND NOT (holdings && $6::text[])
     ORDER BY customer_id`,
    [unitSubtree, rule.tiers, rule.segments, rule.genders, rule.holdsAnyOf, rule.holdsNoneOf],
  );
  return rows.map((r) => r.customer_id);
}
