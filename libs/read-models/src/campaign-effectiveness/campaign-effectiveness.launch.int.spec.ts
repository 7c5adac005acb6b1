import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, productCode: string, revenue: string, occurredAt: string) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode, amount: '1000.00', revenue, campaignId: null }, occurredAt);
const drafted = (campaignId: string, productCodes: string[], at: string) =>
  ev('CampaignDrafted', { campaignId, name: campaignId, ownerUnitId: 'BR1', productCodes, channels: ['phone'], budget: '1000', controlGroupPercent: 10, period: { start: '2026-01-01T00:00:00+08:00', end: '2026-12-31T00:00:00+08:00' } }, at);
const enrolled = (campaignId: string, customerId: string, group: string, at: string) => ev('CustomerEnrolledInCampaign', { campaignId, customerId, group }, at);

/**
 * A launch's batch holds enrolments only, of customers with a past: A took part in K0 (CARD) and
 * bought a CARD (counted there) and, a few minutes after K1 (DEP) launched at midnight Beijing
 * time, a DEP; B bought a DEP ten minutes before that midnight (paired with K1, not counted: before
 * its run), turned gold on 1 March and moved to SB2 at 23:30 on 2 April, the night before the launch enrolled them.
 */
describe('campaign-effectiveness: a batch of enrolments only (a launch) reads what enrolments need', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const project = async () => {
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 100, maxBatchWaitMs: 50 });
  };
  const rows = (sql: string) => withReadModels(db.pool, [campaignEffectivenessProjection.name], async (rm) => (await rm.query(sql)).rows);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('campaign-K0', [drafted('K0', ['CARD'], '2026-01-20T09:00:00+08:00'), ev('CampaignLaunched', { campaignId: 'K0', treatmentCount: 1, controlCount: 0 }, '2026-02-01T00:00:00+08:00')], 'any');
    await store.appendToStream('customer-A', [ev('CustomerOnboarded', { customerId: 'A', homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00'), enrolled('K0', 'A', 'treatment', '2026-02-01T00:00:00+08:00')], 'any');
    await store.appendToStream('customer-B', [ev('CustomerOnboarded', { customerId: 'B', homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00'), ev('CustomerTierChanged', { customerId: 'B', to: 'gold' }, '2026-03-01T00:00:00+08:00')], 'any');
    await store.appendToStream('campaign-K1', [drafted('K1', ['DEP'], '2026-03-20T09:00:00+08:00'), ev('CampaignLaunched', { campaignId: 'K1', treatmentCount: 1, controlCount: 1 }, '2026-04-01T00:00:00+08:00')], 'any');
    await store.appendToStream('customer-A', [sale('VA-CARD', 'A', 'CARD', '25.00', '2026-02-10T09:00:00+08:00'), sale('VA-DEP', 'A', 'DEP', '88.50', '2026-04-01T00:10:00+08:00')], 'any');
    await store.appendToStream('customer-B', [sale('VB-DEP', 'B', 'DEP', '60.00', '2026-03-31T23:50:00+08:00'), ev('CustomerTransferred', { customerId: 'B', toUnitId: 'SB2' }, '2026-04-02T23:30:00+08:00')], 'any');
    await project();
    // The launch: its enrolments alone, in one append and one batch; then B's enrolment again (a repeated event).
    await store.appendToStreams([
      { streamId: 'customer-A', events: [enrolled('K1', 'A', 'treatment', '2026-04-03T09:00:00+08:00')], expectedRevision: 'any' },
      { streamId: 'customer-B', events: [enrolled('K1', 'B', 'control', '2026-04-03T09:00:00+08:00')], expectedRevision: 'any' },
    ]);
    await project();
    await store.appendToStream('customer-B', [enrolled('K1', 'B', 'control', '2026-04-03T09:05:00+08:00')], 'any');
    await project();
  });
  afterAll(() => db.drop());

  it('places each participant where they stood at enrolment and counts the sales of the campaign product made in its run before they enrolled', async () => {
    expect(await rows(`SELECT campaign_id, customer_id, grp, unit_id, unit_from, tier, sales, revenue_fen::int AS revenue FROM ce_participants ORDER BY campaign_id, customer_id`)).toEqual([
      { campaign_id: 'K0', customer_id: 'A', grp: 'treatment', unit_id: 'SB1', unit_from: new Date('2026-01-01T01:00:00Z'), tier: 'ordinary', sales: 1, revenue: 2500 },
      // A's DEP at 00:10 on 1 April Beijing (31 March in UTC) is in K1's run.
      { campaign_id: 'K1', customer_id: 'A', grp: 'treatment', unit_id: 'SB1', unit_from: new Date('2026-01-01T01:00:00Z'), tier: 'ordinary', sales: 1, revenue: 8850 },
      // B: SB2 since 23:30 on 2 April Beijing (15:30 UTC), gold; the DEP ten minutes before K1's launch does not count.
      { campaign_id: 'K1', customer_id: 'B', grp: 'control', unit_id: 'SB2', unit_from: new Date('2026-04-02T15:30:00Z'), tier: 'gold', sales: 0, revenue: 0 },
    ]);
    // Each DEP paired with K1 (the CARD only with K0, where it was paired when it was sold).
    expect(await rows(`SELECT campaign_id, customer_id, conversion_id, grp FROM ce_group_conversions ORDER BY campaign_id, customer_id`)).toEqual([
      { campaign_id: 'K0', customer_id: 'A', conversion_id: 'VA-CARD', grp: 'treatment' },
      { campaign_id: 'K1', customer_id: 'A', conversion_id: 'VA-DEP', grp: 'treatment' },
      { campaign_id: 'K1', customer_id: 'B', conversion_id: 'VB-DEP', grp: 'control' },
    ]);
  });

  it('counts each once (the repeated enrolment adds nothing), in its group, unit and tier at enrolment', async () => {
    expect(await rows(`SELECT campaign_id, grp, tier, converted, revenue_fen::int AS revenue FROM ce_tier_now_counts WHERE converted <> 0 OR revenue_fen <> 0 ORDER BY campaign_id, grp`)).toEqual([
      { campaign_id: 'K0', grp: 'treatment', tier: 'ordinary', converted: 1, revenue: 2500 },
      { campaign_id: 'K1', grp: 'treatment', tier: 'ordinary', converted: 1, revenue: 8850 },
    ]);
    expect(await rows(`SELECT campaign_id, grp, unit_id, enrolled, converted FROM ce_unit_now_counts WHERE enrolled <> 0 ORDER BY campaign_id, grp`)).toEqual([
      { campaign_id: 'K0', grp: 'treatment', unit_id: 'SB1', enrolled: 1, converted: 1 },
      { campaign_id: 'K1', grp: 'control', unit_id: 'SB2', enrolled: 1, converted: 0 },
      { campaign_id: 'K1', grp: 'treatment', unit_id: 'SB1', enrolled: 1, converted: 1 },
    ]);
    expect(await rows(`SELECT campaign_id, grp, unit_id, tier, to_char(as_of_day, 'YYYY-MM-DD') AS day, enrolled FROM ce_group_counts WHERE enrolled <> 0 ORDER BY campaign_id, grp`)).toEqual([
      { campaign_id: 'K0', grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', day: '2026-02-01', enrolled: 1 },
      { campaign_id: 'K1', grp: 'control', unit_id: 'SB2', tier: 'gold', day: '2026-04-03', enrolled: 1 },
      { campaign_id: 'K1', grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', day: '2026-04-03', enrolled: 1 },
    ]);
  });
});

/**
 * A launch's participants counted in groups (the counters group the batch's rows before they
 * unfold): K2 launches on 1 June and enrols five customers at 09:00 Beijing time (01:00 UTC). P
 * and Q (gold since March) were onboarded in SB1 long before, R too (control). S's onboarding is
 * dated 3 June: their unit is known only from then. T's is dated 00:30 on 2 June Beijing time,
 * still 1 June in UTC: the next bank day, so T too has no unit on 1 June.
 */
describe('campaign-effectiveness: a launch batch counts its participants by the day their unit is known', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const project = () => projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 100, maxBatchWaitMs: 50 });
  const rows = (sql: string) => withReadModels(db.pool, [campaignEffectivenessProjection.name], async (rm) => (await rm.query(sql)).rows);
  const at = '2026-06-01T09:00:00+08:00';

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('campaign-K2', [drafted('K2', ['DEP'], '2026-05-20T09:00:00+08:00'), ev('CampaignLaunched', { campaignId: 'K2', treatmentCount: 4, controlCount: 1 }, '2026-06-01T00:00:00+08:00')], 'any');
    const onboarded = (customerId: string, occurredAt: string) => ev('CustomerOnboarded', { customerId, homeUnitId: 'SB1' }, occurredAt);
    await store.appendToStream('customer-P', [onboarded('P', '2026-01-01T09:00:00+08:00')], 'any');
    await store.appendToStream('customer-Q', [onboarded('Q', '2026-01-02T09:00:00+08:00'), ev('CustomerTierChanged', { customerId: 'Q', to: 'gold' }, '2026-03-01T00:00:00+08:00')], 'any');
    await store.appendToStream('customer-R', [onboarded('R', '2026-01-03T09:00:00+08:00')], 'any');
    await store.appendToStream('customer-S', [onboarded('S', '2026-06-03T10:00:00+08:00')], 'any');
    await store.appendToStream('customer-T', [onboarded('T', '2026-06-02T00:30:00+08:00')], 'any');
    await project();
    await store.appendToStreams(
      (
        [
          ['P', 'treatment'],
          ['Q', 'treatment'],
          ['R', 'control'],
          ['S', 'treatment'],
          ['T', 'treatment'],
        ] as const
      ).map(([customerId, group]) => ({ streamId: `customer-${customerId}`, events: [enrolled('K2', customerId, group, at)], expectedRevision: 'any' as const })),
    );
    await project();
  });
  afterAll(() => db.drop());

  it('counts S and T without a unit until the bank day it is known, then in SB1; the others in SB1 from the launch day, by tier', async () => {
    expect(await rows(`SELECT grp, unit_id, tier, to_char(as_of_day, 'YYYY-MM-DD') AS day, enrolled FROM ce_group_counts WHERE campaign_id = 'K2' AND enrolled <> 0 ORDER BY grp, unit_id, tier, as_of_day`)).toEqual([
      { grp: 'control', unit_id: 'SB1', tier: 'ordinary', day: '2026-06-01', enrolled: 1 },
      // S and T: no unit ('') as of 1 June; T in SB1 from 2 June, S from 3 June.
      { grp: 'treatment', unit_id: '', tier: 'ordinary', day: '2026-06-01', enrolled: 2 },
      { grp: 'treatment', unit_id: '', tier: 'ordinary', day: '2026-06-02', enrolled: -1 },
      { grp: 'treatment', unit_id: '', tier: 'ordinary', day: '2026-06-03', enrolled: -1 },
      { grp: 'treatment', unit_id: 'SB1', tier: 'gold', day: '2026-06-01', enrolled: 1 },
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', day: '2026-06-01', enrolled: 1 },
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', day: '2026-06-02', enrolled: 1 },
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', day: '2026-06-03', enrolled: 1 },
    ]);
  });
});
