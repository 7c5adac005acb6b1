import { AUDIENCE_EXCLUSIONS, audienceSelection, countControl, type AudienceExclusion, type AudiencePlan, type Organisation } from '@app/domain';
import { directoryCampaigns, type Queryable } from '@app/read-models';

/**
 * The audience preview as it was before the contact cap became a subscript of `contact_times`
 * (main at fcda740), kept as the benchmark's same-run baseline: the same counts, but the cap a
 * correlated subquery over `campaign_contacts` per customer with recent contacts and the CTE fenced
 * (`OFFSET 0`), which keeps the whole selection in one process (no parallel workers).
 */
export async function previewBefore(db: Queryable, plan: AudiencePlan, campaignId: string, org: Organisation, at: string, seed: string, controlGroupPercent: number) {
  const s = audienceSelection(plan, campaignId, org, await directoryCampaigns(db), at);
  const caps = s.contactCaps ? [...s.contactCaps] : [];
  await db.query(`SELECT set_config('work_mem', '64MB', true)`);
  const { rows } = await db.query<{ unit_id: string; tier: string; reason: AudienceExclusion | null; n: number; ids: string | null }>(
    `WITH matched AS (
       SELECT d.customer_id, d.home_unit_id, d.tier,
         CASE
           WHEN d.erased THEN 'DATA_ERASED'
           WHEN (CASE WHEN cardinality(d.opted_out) = 0 THEN NOT $11 AND cardinality($10::text[]) = 0
                      WHEN $11 THEN d.opted_out && $10::text[] ELSE d.opted_out @> $10::text[] END) THEN 'OPTED_OUT'
           WHEN $12::text[] IS NOT NULL AND NOT coalesce(d.risk_tolerance = ANY($12::text[]) AND d.risk_valid_until > $13::timestamptz, false) THEN 'NOT_SUITABLE'
           WHEN $19 AND (CASE WHEN d.campaign_contacts = '{}' THEN d.home_unit_id = ANY($20::text[])
               ELSE (SELECT count(*) FROM jsonb_each_text(d.campaign_contacts) c WHERE c.value::timestamptz > $16::timestamptz)
                 >= (SELECT cap.max FROM unnest($14::text[], $15::int[]) AS cap(unit_id, max) WHERE cap.unit_id = d.home_unit_id) END)
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
       OFFSET 0
     )
     SELECT home_unit_id AS unit_id, tier, reason, count(*)::int AS n,
       string_agg(customer_id, E'\\n') FILTER (WHERE reason IS NULL) AS ids
     FROM matched GROUP BY home_unit_id, tier, reason`,
    [
      s.unitIds, s.tiers, s.segments, s.genders, s.holdsAnyOf, s.holdsNoneOf, s.birthYearFrom, s.birthYearTo, s.lastActiveBefore, s.channels, s.consentAllChannels,
      s.suitableTolerances, s.at, caps.map(([u]) => u), caps.map(([, max]) => max), s.contactsSince, s.controlGroupsInForce, s.overlappingCampaigns,
      s.contactCaps !== null, caps.filter(([, max]) => max <= 0).map(([u]) => u),
    ],
  );
  const excluded = Object.fromEntries(AUDIENCE_EXCLUSIONS.map((r) => [r, 0])) as Record<AudienceExclusion, number>;
  let audienceSize = 0;
  let control = 0;
  for (const r of rows) {
    if (r.reason !== null) excluded[r.reason] += r.n;
    else {
      audienceSize += r.n;
      control += countControl(seed, r.ids!, '\n', controlGroupPercent).control;
    }
  }
  return { audienceSize, excluded, treatment: audienceSize - control, control };
}
