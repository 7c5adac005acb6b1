import type { Queryable } from '../runner/read-model-position';
import type { AudienceRule, Channel } from '@app/domain';

/**
 * The customers a campaign's audience rule selects, in a stable order. `unitIds` are expanded by
 * the caller to every unit at or below the ones the rule names. Customers the campaign could not
 * reach are left out: those whose data was erased, and those opted out of every one of its
 * `channels` (the customer's decider refuses to enrol them too, and stays the authority).
 */
export async function findAudience(pool: Queryable, rule: AudienceRule, unitSubtree: readonly string[] | null, channels: readonly Channel[]): Promise<string[]> {
  const { rows } = await pool.query<{ customer_id: string }>(
    `SELECT customer_id FROM customer_directory
     WHERE ($1::text[] IS NULL OR home_unit_id = ANY($1))
       AND (cardinality($2::text[]) = 0 OR tier = ANY($2))
       AND (cardinality($3::text[]) = 0 OR segment = ANY($3))
       AND (cardinality($4::text[]) = 0 OR gender = ANY($4))
       AND (cardinality($5::text[]) = 0 OR holdings && $5)
       AND NOT (holdings && $6::text[])
       AND NOT erased
       AND NOT (opted_out @> $7::text[])
     ORDER BY customer_id`,
    [unitSubtree, rule.tiers, rule.segments, rule.genders, rule.holdsAnyOf, rule.holdsNoneOf, channels],
  );
  return rows.map((r) => r.customer_id);
}
