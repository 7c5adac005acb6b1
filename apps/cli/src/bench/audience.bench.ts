import type { Pool } from 'pg';
import { fold, minimumDetectableLift, organisationDecider, splitAudience, type AudiencePlan, type OrganisationEvent } from '@app/domain';
import type { EventStore } from '@app/event-store';
import { campaignAudience, customerDirectoryProjection, ProjectionRunner, withReadModels, type Queryable } from '@app/read-models';
import { percentiles, timed } from './percentiles';

const silent = { info: () => undefined, error: (o: object, m: string) => console.error(m, o) };
const BRANCHES = ['BR1', 'BR2', 'BR3'];
const SUB_BRANCHES = BRANCHES.flatMap((b) => [1, 2, 3, 4].map((i) => `${b}-SB${i}`));

/** A bank of 3 branches and 12 sub-branches, with a risk-bearing fund (R3). */
const ORG = fold(organisationDecider, [
  { type: 'OrgUnitOpened', data: { unitId: 'HO', name: 'HO', level: 'head_office', parentId: null, wealthCentre: false } },
  ...BRANCHES.map((unitId) => ({ type: 'OrgUnitOpened', data: { unitId, name: unitId, level: 'branch', parentId: 'HO', wealthCentre: false } })),
  ...SUB_BRANCHES.map((unitId) => ({ type: 'OrgUnitOpened', data: { unitId, name: unitId, level: 'sub_branch_1', parentId: unitId.slice(0, 3), wealthCentre: false } })),
  { type: 'ProductDefined', data: { productCode: 'FUND', name: 'FUND', category: 'fund', riskLevel: 'R3', riskBearing: true, weight: '1.00' } },
] as OrganisationEvent[]);

/** The whole bank, every criterion and exclusion switched on: the most the preview's query has to do. */
const PLAN: AudiencePlan = {
  ownerUnitId: 'HO',
  productCodes: ['FUND'],
  channels: ['phone', 'sms'],
  period: { start: '2026-01-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z' },
  audience: {
    tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: ['GOLD'],
    ageBand: { min: 30, max: 60 }, suitableOnly: true, excludeContactCapReached: true, excludeOverlappingCampaigns: true, dormantMonths: 1,
  },
};
const AT = '2026-03-15T02:00:00.000Z';

/**
 * The audience preview's work (the shared selection over the customer directory, the seeded split
 * and the minimum detectable lift) at `customers` synthetic directory rows, against a baseline
 * measured on the same rows in the same run: reading the ids of every customer of the owner's
 * subtree, the least any selection must do.
 */
export async function audienceBench(pool: Pool, store: EventStore, customers: number, runs: number) {
  const runner = new ProjectionRunner(store, pool, [customerDirectoryProjection], silent, { batchSize: 2000 });
  await runner.start();
  await runner.catchUp(60_000);
  await runner.stop();
  const write = (f: (db: Queryable) => Promise<unknown>) => withReadModels(pool, [customerDirectoryProjection.name], f, { readOnly: false });
  await write(async (db) => {
    await db.query(`TRUNCATE customer_directory, directory_campaigns`);
    await db.query(`INSERT INTO directory_campaigns VALUES ('KRUN', 'launched', '2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')`);
  });
  // In slices of 100,000 rows: each statement stays well inside the read models' statement timeout.
  for (let from = 1; from <= customers; from += 100_000) {
    await write(async (db) => {
      // Every 7th customer is in KRUN (every 21st in its control group), every 50th was contacted three times lately,
      // 2% erased, 5% opted out of both channels, tolerances R1–R5 evenly, 10% never assessed.
      await db.query(
        `INSERT INTO customer_directory (customer_id, home_unit_id, segment, gender, tier, manager_id, holdings, opted_out, erased, birth_year,
           risk_tolerance, risk_valid_until, last_active_at, campaign_contacts, enrolled_in, control_in)
         SELECT 'C' || lpad(i::text, 8, '0'), ($2::text[])[1 + i % 12], 'retail', CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
           (ARRAY['ordinary','ordinary','ordinary','standard','platinum','black'])[1 + i % 6], NULL,
           CASE WHEN i % 9 = 0 THEN ARRAY['GOLD'] ELSE ARRAY['DEP-1Y'] END,
           CASE WHEN i % 20 = 0 THEN ARRAY['phone','sms'] ELSE '{}' END, i % 50 = 1, 1940 + i % 70,
           CASE WHEN i % 10 = 0 THEN NULL ELSE 'R' || (1 + i % 5) END, '2026-12-31T00:00:00Z',
           timestamptz '2026-03-15T00:00:00Z' - (i % 90) * interval '1 day',
           CASE WHEN i % 50 = 2 THEN '{"a":"2026-03-01T00:00:00Z","b":"2026-03-08T00:00:00Z","c":"2026-03-14T00:00:00Z"}'::jsonb ELSE '{}' END,
           CASE WHEN i % 7 = 0 THEN ARRAY['KRUN'] ELSE '{}' END, CASE WHEN i % 21 = 0 THEN ARRAY['KRUN'] ELSE '{}' END
         FROM generate_series($3::int, $1::int) AS i`,
        [Math.min(customers, from + 99_999), SUB_BRANCHES, from],
      );
    });
  }
  await write((db) => db.query('ANALYZE customer_directory'));
  const sample = async (f: (db: Queryable) => Promise<unknown>) => {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) t.push((await timed(() => withReadModels(pool, [customerDirectoryProjection.name], f)))[1]);
    return percentiles(t);
  };
  let shown = { audienceSize: 0, excluded: {} as Record<string, number> };
  const preview = await sample(async (db) => {
    const audience = await campaignAudience(db, PLAN, 'KNEW', ORG, AT);
    const split = splitAudience('KNEW', audience.customerIds, 10);
    const control = split.filter((x) => x.group === 'control').length;
    minimumDetectableLift({ baselineRate: 0.05, treatment: split.length - control, control });
    shown = { audienceSize: audience.customerIds.length, excluded: audience.excluded };
  });
  const baseline = await sample((db) => db.query(`SELECT customer_id FROM customer_directory WHERE home_unit_id = ANY($1::text[])`, [[...ORG.units.keys()]]));
  return { customers, runs, ...shown, previewMs: preview, baselineMs: baseline, p95Ratio: Math.round((preview.p95 / baseline.p95) * 10) / 10 };
}
