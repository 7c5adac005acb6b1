import { AUDIENCE_EXCLUSIONS, audienceSelection, splitAudience, type AudienceExclusion, type AudiencePlan, type Organisation } from '@app/domain';
import { directoryCampaigns, type Queryable } from '@app/read-models';

/**
 * The audience preview as it was before it counted in the database (main at c763abb), kept as the
 * benchmark's same-run baseline: the launch's query then (every included id sorted into arrays by
 * unit and tier, the contact cap's subquery run on every row), all ids moved into Node, split there.
 */
export async function previewBefore(db: Queryable, plan: AudiencePlan, campaignId: string, org: Organisation, at: string, seed: string, controlGroupPercent: number) {
  const s = audienceSelection(plan, campaignId, org, await directoryCampaigns(db), at);
  const caps = s.contactCaps ? [...s.contactCaps] : null;
  const { rows } = await db.query<{ unit_id: string; tier: string; reason: AudienceExclusion | null; n: number; ids: string[] | null }>(
    `WITH matched AS (
       SELECT d.customer_id, d.home_unit_id, d.tier,
         CASE
           WHEN d.erased THEN 'DATA_ERASED'
           WHEN (CASE WHEN $11 THEN d.opted_out && $10::text[] ELSE d.opted_out @> $10::text[] END) THEN 'OPTED_OUT'
           WHEN $12::text[] IS NOT NULL AND NOT coalesce(d.risk_tolerance = ANY($12::text[]) AND d.risk_valid_until > $13::timestamptz, false) THEN 'NOT_SUITABLE'
           WHEN cap.max IS NOT NULL AND (SELECT count(*) FROM jsonb_each_text(d.campaign_contacts) c WHERE c.value::timestamptz > $16::timestamptz) >= cap.max
             THEN 'CONTACT_LIMIT_REACHED'
           WHEN d.control_in && $17::text[] THEN 'IN_ANOTHER_CONTROL_GROUP'
           WHEN $18::text[] IS NOT NULL AND d.enrolled_in && $18::text[] THEN 'IN_OVERLAPPING_CAMPAIGN'
         END AS reason
       FROM customer_directory d
       LEFT JOIN unnest($14::text[], $15::int[]) AS cap(unit_id, max) ON cap.unit_id = d.home_unit_id
       WHERE d.home_unit_id = ANY($1::text[])
         AND (cardinality($2::text[]) = 0 OR d.tier = ANY($2))
         AND (cardinality($3::text[]) = 0 OR d.segment = ANY($3))
         AND (cardinality($4::text[]) = 0 OR d.gender = ANY($4))
         AND (cardinality($5::text[]) = 0 OR d.holdings && $5)
         AND NOT (d.holdings && $6::text[])
         AND ($7::int IS NULL OR d.birth_year >= $7)
         AND ($8::int IS NULL OR d.birth_year <= $8)
         AND ($9::timestamptz IS NULL OR d.last_active_at < $9)
     )
     SELECT home_unit_id AS unit_id, tier, reason, count(*)::int AS n,
       CASE WHEN reason IS NULL THEN array_agg(customer_id ORDER BY customer_id) END AS ids
     FROM matched GROUP BY home_unit_id, tier, reason`,
    [
      s.unitIds, s.tiers, s.segments, s.genders, s.holdsAnyOf, s.holdsNoneOf, s.birthYearFrom, s.birthYearTo, s.lastActiveBefore, s.channels, s.consentAllChannels,
      s.suitableTolerances, s.at, caps ? caps.map(([u]) => u) : [], caps ? caps.map(([, max]) => max) : [], s.contactsSince, s.controlGroupsInForce, s.overlappingCampaigns,
    ],
  );
  const excluded = Object.fromEntries(AUDIENCE_EXCLUSIONS.map((r) => [r, 0])) as Record<AudienceExclusion, number>;
  const customerIds: string[] = [];
  for (const r of rows) {
    if (r.reason === null) customerIds.push(...r.ids!);
    else excluded[r.reason] += r.n;
  }
  const split = splitAudience(seed, customerIds, controlGroupPercent);
  const control = split.filter((x) => x.group === 'control').length;
  return { audienceSize: customerIds.length, excluded, treatment: split.length - control, control };
}
