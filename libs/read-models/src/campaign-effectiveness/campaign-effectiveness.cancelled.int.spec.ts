import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { endOfBusinessDay } from '@app/domain';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignConversions, campaignEffectiveness, campaignEffectivenessFromFacts } from './campaign-effectiveness.query';
import { campaignTotals } from './campaign-totals.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const tagged = (conversionId: string, customerId: string, revenue: string, occurredAt: string) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: '1000.00', revenue, campaignId: 'K' }, occurredAt);

/**
 * "A tagged sale after cancellation still counts": it does not. A campaign sells only while it runs (the
 * decider refuses a sale tagged for a campaign that is not launched: CAMPAIGN_NOT_RUNNING; README, "A
 * campaign acts only within its period"), so a sale tagged with it after its cancellation (only an
 * imported log holds one) is not its own sale, as it is in none of its group figures.
 *
 * K (DEP) launched 2 March 10:00 Beijing, cancelled 20 March 18:00. Treatment A and B. Sales tagged K:
 *   VA1 A 100.00  5 March 09:00   in the run: K's
 *   VA2 A  40.00 20 March 18:00   the cancellation's instant: still K's (as a group sale at the close's instant)
 *   VB1 B  30.00 21 March 00:30   after it, but in the log before the cancellation (an import ordered by stream): not K's
 *   VB2 B  25.00 22 March 10:00   after it, in the log after it: not K's
 */
const HISTORY: [string, NewEvent[]][] = [
  ...['A', 'B'].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerOnboarded', { customerId: id, homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')]]),
  [
    'campaign-K',
    [
      ev('CampaignDrafted', { campaignId: 'K', name: 'K', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 0, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00' } }, '2026-02-20T09:00:00+08:00'),
      ev('CampaignLaunched', { campaignId: 'K', treatmentCount: 2, controlCount: 0 }, '2026-03-02T10:00:00+08:00'),
    ],
  ],
  ...['A', 'B'].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: id, group: 'treatment' }, '2026-03-02T10:00:00+08:00')]]),
  ['customer-A', [tagged('VA1', 'A', '100.00', '2026-03-05T09:00:00+08:00'), tagged('VA2', 'A', '40.00', '2026-03-20T18:00:00+08:00')]],
  ['customer-B', [tagged('VB1', 'B', '30.00', '2026-03-21T00:30:00+08:00')]],
  ['campaign-K', [ev('CampaignCancelled', { campaignId: 'K' }, '2026-03-20T18:00:00+08:00')]],
  ['customer-B', [tagged('VB2', 'B', '25.00', '2026-03-22T10:00:00+08:00')]],
];

async function built(batchSize: number): Promise<TestDatabase> {
  const db = await createTestDatabase();
  const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
  for (const [stream, events] of HISTORY) await store.appendToStream(stream, events, 'any');
  await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize });
  return db;
}

describe('campaign effectiveness: a sale tagged with a campaign after its cancellation', () => {
  const dbs: TestDatabase[] = [];
  beforeAll(async () => {
    // Batches of 2 (VB1 projected before the cancellation that takes it out) and the whole log in one.
    dbs.push(await built(2), await built(1000));
  }, 120_000);
  afterAll(() => Promise.all(dbs.map((db) => db.drop())));
  const q = <T>(db: TestDatabase, f: (rm: Parameters<typeof campaignTotals>[0]) => Promise<T>) => withReadModels(db.pool, [campaignEffectivenessProjection.name], f);

  it('counts only the tagged sales inside the run as the campaign own: 2 sales, 140.00, in its figures, its sales list and the list totals', async () => {
    const answers = [];
    for (const db of dbs) {
      const k = (await q(db, (rm) => campaignEffectiveness(rm, 'K')))!;
      // Own (tagged): VA1 100.00 + VA2 40.00 = 140.00 in 2 sales. Treatment: A (140.00) of 2; B bought only after the cancellation.
      expect([k.status, k.conversions, k.revenue, k.groups.treatment]).toEqual(['cancelled', 2, '140.00', { size: 2, converted: 1, conversionRate: 0.5, revenue: '140.00' }]);
      const list = await q(db, (rm) => campaignConversions(rm, 'K', { limit: 10 }));
      expect(list.conversions.map((c) => [c.conversionId, c.revenue])).toEqual([['VA1', '100.00'], ['VA2', '40.00']]);
      expect(await q(db, (rm) => campaignTotals(rm, ['K']))).toMatchObject({ conversions: 2, revenue: '140.00', treatmentConverted: 1, treatmentRevenue: '140.00' });
      // As of the end of 21 March (VB1 at 00:30 that day): the same 2 sales, from the day counters and from the fact rows alike.
      const dayEnd = new Date(endOfBusinessDay('2026-03-21'));
      const asOf = (await q(db, (rm) => campaignEffectiveness(rm, 'K', dayEnd)))!;
      expect([asOf.conversions, asOf.revenue]).toEqual([2, '140.00']);
      expect(await q(db, (rm) => campaignEffectivenessFromFacts(rm, 'K', dayEnd))).toEqual(asOf);
      answers.push({ k, list, asOf });
    }
    // However the batches were cut.
    expect(answers[0]).toEqual(answers[1]);
  });
});
