import type { Pool } from 'pg';
import { fold, minimumDetectableLift, organisationDecider, type AudiencePlan, type OrganisationEvent } from '@app/domain';
import type { EventStore, NewEvent, StreamAppend } from '@app/event-store';
import { campaignAudienceCounts, customerDirectoryProjection, ProjectionRunner, withReadModels, type Queryable } from '@app/read-models';
import { percentiles, timed } from './percentiles';
import { previewBefore } from './audience-before';

const silent = { info: () => undefined, error: (o: object, m: string) => console.error(m, o) };
const BRANCHES = ['BR1', 'BR2', 'BR3'];
const SUB_BRANCHES = BRANCHES.flatMap((b) => [1, 2, 3, 4].map((i) => `${b}-SB${i}`));

/** A bank of 3 branches and 12 sub-branches, with a risk-bearing fund (R3). */
export const ORG = fold(organisationDecider, [
  { type: 'OrgUnitOpened', data: { unitId: 'HO', name: 'HO', level: 'head_office', parentId: null, wealthCentre: false } },
  ...BRANCHES.map((unitId) => ({ type: 'OrgUnitOpened', data: { unitId, name: unitId, level: 'branch', parentId: 'HO', wealthCentre: false } })),
  ...SUB_BRANCHES.map((unitId) => ({ type: 'OrgUnitOpened', data: { unitId, name: unitId, level: 'sub_branch_1', parentId: unitId.slice(0, 3), wealthCentre: false } })),
  { type: 'ProductDefined', data: { productCode: 'FUND', name: 'FUND', category: 'fund', riskLevel: 'R3', riskBearing: true, weight: '1.00' } },
] as OrganisationEvent[]);

/** The whole bank, every criterion and exclusion switched on: the most the preview's query has to do. */
export const PLAN: AudiencePlan = {
  ownerUnitId: 'HO',
  productCodes: ['FUND'],
  channels: ['phone', 'sms'],
  period: { start: '2026-01-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z' },
  audience: {
    tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: ['GOLD'],
    ageBand: { min: 30, max: 60 }, suitableOnly: true, excludeContactCapReached: true, excludeOverlappingCampaigns: true, dormantMonths: 1,
  },
};
/** The whole bank with no criterion: every customer matched, all but the left-out ids to split. */
export const BROAD: AudiencePlan = {
  ...PLAN,
  audience: { tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [], suitableOnly: false, excludeContactCapReached: false, excludeOverlappingCampaigns: false, dormantMonths: null },
};
const AT = '2026-03-15T02:00:00.000Z';

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const day = (from: string, days: number) => new Date(Date.parse(from) + days * 86_400_000).toISOString();

/**
 * The history behind the bench's directory, as the product would have stored it: customers
 * `from`..`to` (1-based) with every fact an audience rule looks at. Every 7th customer is in KRUN
 * (every 21st in its control group), every 50th was contacted three times lately, 2% erased, 5%
 * opted out of both channels, tolerances R1–R5 evenly, 10% never assessed, every 9th holds GOLD,
 * half above the ordinary tier, last active 0–89 days before 15 March.
 */
export function* audienceHistory(from: number, to: number): Generator<StreamAppend[]> {
  let n = from * 16;
  const ev = (type: string, data: Record<string, unknown>, occurredAt: string): NewEvent => ({
    type,
    data,
    metadata: { eventId: uuid(n++), correlationId: 'bench', causationId: null, actor: 'bench', orgUnit: null, occurredAt, schemaVersion: 1 },
  });
  if (from === 1) {
    const plan = { campaignId: 'KRUN', name: 'KRUN', objective: '', ownerUnitId: 'HO', productCodes: ['FUND'], channels: ['phone'], audience: { tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [] }, budget: '1.00', period: { start: '2026-01-01T00:00:00.000Z', end: '2026-12-31T00:00:00.000Z' }, controlGroupPercent: 33, targets: { conversions: null, revenue: null }, draftedBy: 'm' };
    yield [{ streamId: 'campaign-KRUN', expectedRevision: 'no_stream', events: [ev('CampaignDrafted', plan, '2026-01-01T00:00:00.000Z'), ev('CampaignLaunched', { campaignId: 'KRUN', launchedBy: 'm', audienceSize: 0, treatmentCount: 0, controlCount: 0, randomisationSeed: 'KRUN', budgetCommitted: '1.00' }, '2026-01-01T00:00:00.000Z')] }];
  }
  let batch: StreamAppend[] = [];
  for (let i = from; i <= to; i++) {
    const customerId = `C${String(i).padStart(8, '0')}`;
    const onboarded = day('2026-03-15T00:00:00.000Z', -(i % 90));
    const events = [ev('CustomerOnboarded', { customerId, homeUnitId: SUB_BRANCHES[i % 12], segment: 'retail', gender: i % 2 === 0 ? 'F' : 'M', birthYear: 1940 + (i % 70) }, onboarded)];
    const tier = (['ordinary', 'ordinary', 'ordinary', 'standard', 'platinum', 'black'] as const)[i % 6]!;
    if (tier !== 'ordinary') events.push(ev('CustomerTierChanged', { customerId, month: '2026-02', from: 'ordinary', to: tier, threeMonthAverage: '0.00', thresholds: { standard: '1', platinum: '2', black: '3' } }, onboarded));
    if (i % 9 === 0) events.push(ev('BalanceSnapshotRecorded', { customerId, month: '2026-02', averageDailyAssets: '1.00', holdings: ['GOLD'] }, onboarded));
    if (i % 10 !== 0) events.push(ev('RiskProfileAssessed', { customerId, tolerance: `R${1 + (i % 5)}`, assessedAt: onboarded, validUntil: '2026-12-31T00:00:00.000Z' }, onboarded));
    if (i % 20 === 0) for (const channel of ['phone', 'sms']) events.push(ev('ConsentWithdrawn', { customerId, channel }, onboarded));
    if (i % 7 === 0) events.push(ev('CustomerEnrolledInCampaign', { campaignId: 'KRUN', customerId, group: i % 21 === 0 ? 'control' : 'treatment' }, onboarded));
    if (i % 50 === 2) {
      for (const [k, at] of ['2026-03-01', '2026-03-08', '2026-03-14'].entries()) {
        events.push(ev('CustomerContacted', { contactId: `${customerId}-${k}`, customerId, staffId: 'rm', channel: 'phone', campaignId: 'KRUN', outcomeNote: null, contactedAt: `${at}T02:00:00.000Z` }, `${at}T02:00:00.000Z`));
      }
    }
    if (i % 50 === 1) events.push(ev('CustomerDataErased', { customerId, reason: 'asked', erasedBy: 'admin' }, onboarded));
    batch.push({ streamId: `customer-${customerId}`, events, expectedRevision: 'no_stream' });
    if (batch.length === 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * The audience preview's work (the shared selection over the customer directory, the seeded split
 * and the minimum detectable lift) at `customers` customers, appended to the event store and
 * projected into the directory by its projection (customers already there from a smaller size are
 * kept), against a baseline measured on the same rows in the same run: reading the ids of every
 * customer of the owner's subtree, the least any selection that moves ids must do.
 */
export async function audienceBench(pool: Pool, store: EventStore, customers: number, runs: number, from = 1) {
  const [, appendMs] = await timed(async () => {
    for (const batch of audienceHistory(from, customers)) await store.appendToStreams(batch);
  });
  const runner = new ProjectionRunner(store, pool, [customerDirectoryProjection], silent, { batchSize: 2000 });
  const [, projectMs] = await timed(async () => {
    await runner.start();
    if (!(await runner.catchUp(3_600_000))) throw new Error('the customer directory did not catch up');
  });
  await runner.stop();
  const write = (f: (db: Queryable) => Promise<unknown>) => withReadModels(pool, [customerDirectoryProjection.name], f, { readOnly: false });
  // Fresh tables have no planner statistics yet; a live system gets them from autovacuum.
  await write((db) => db.query('ANALYZE customer_directory'));
  const sample = async (f: (db: Queryable) => Promise<unknown>) => {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) t.push((await timed(() => withReadModels(pool, [customerDirectoryProjection.name], f)))[1]);
    return percentiles(t);
  };
  const plans = { everyCriterion: PLAN, wholeBank: BROAD };
  const results: Record<string, unknown> = {};
  for (const [name, plan] of Object.entries(plans)) {
    // Before: every included id into Node, split there. Now: counted in the database, the split counted from one string.
    let before = { audienceSize: 0, excluded: {} as Record<string, number>, treatment: 0, control: 0 };
    let now = before;
    // Interleaved, so that both see the same load on a shared machine.
    const t = { before: [] as number[], now: [] as number[] };
    for (let i = 0; i < runs; i++) {
      t.before.push((await timed(() => withReadModels(pool, [customerDirectoryProjection.name], async (db) => (before = await previewBefore(db, plan, 'KNEW', ORG, AT, 'KNEW', 10)))))[1]);
      t.now.push(
        (await timed(() => withReadModels(pool, [customerDirectoryProjection.name], async (db) => {
          const a = await campaignAudienceCounts(db, { ...plan, controlGroupPercent: 10 }, 'KNEW', ORG, AT, 'KNEW');
          minimumDetectableLift({ baselineRate: 0.05, treatment: a.treatment, control: a.control });
          now = { audienceSize: a.audienceSize, excluded: a.excluded, treatment: a.treatment, control: a.control };
        })))[1],
      );
    }
    // The bench measures nothing if the two disagree.
    if (JSON.stringify(now) !== JSON.stringify(before)) throw new Error(`the preview's counts differ from before's: ${JSON.stringify({ now, before })}`);
    const beforeMs = percentiles(t.before);
    const nowMs = percentiles(t.now);
    results[name] = { ...now, beforeMs, nowMs, p95Speedup: Math.round((beforeMs.p95 / nowMs.p95) * 10) / 10 };
  }
  const baseline = await sample((db) => db.query(`SELECT customer_id FROM customer_directory WHERE home_unit_id = ANY($1::text[])`, [[...ORG.units.keys()]]));
  return { customers, runs, buildSeconds: { append: Math.round(appendMs / 100) / 10, project: Math.round(projectMs / 100) / 10 }, ...results, baselineMs: baseline };
}
