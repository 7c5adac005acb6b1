import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { PostgresEventStore, START, type NewEvent, type RecordedEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { loadCeState } from './campaign-effectiveness.state';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, revenue: string, occurredAt: string) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: '1000.00', revenue, campaignId: null }, occurredAt);

/**
 * Campaign K (DEP) launched 2 March 10:00 Beijing time and completed 20 March 18:00. Treatment A,
 * B, C, E and control D, all in SB1. Every sale below is in the log before the completion:
 * A's on 5 March (in the run: still counts after the close), B's on 6 March and another on
 * 21 March 09:00 (after the close time: it counted until the close, then no longer), C's at 18:00
 * on 20 March, the close's very instant (still counts), D's on 21 March 12:00 (counted for
 * control, then no longer) and E's on 1 March, before the launch (paired, never counted).
 */
const BEFORE_CLOSE: [string, NewEvent[]][] = [
  ...['A', 'B', 'C', 'D', 'E'].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerOnboarded', { customerId: id, homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')]]),
  ['customer-E', [sale('VE0', 'E', '10.00', '2026-03-01T09:00:00+08:00')]],
  [
    'campaign-K',
    [
      ev('CampaignDrafted', { campaignId: 'K', name: 'K', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 20, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-04-01T00:00:00+08:00' } }, '2026-02-20T09:00:00+08:00'),
      ev('CampaignLaunched', { campaignId: 'K', treatmentCount: 4, controlCount: 1 }, '2026-03-02T10:00:00+08:00'),
    ],
  ],
  ...['A', 'B', 'C', 'D', 'E'].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: id, group: id === 'D' ? 'control' : 'treatment' }, '2026-03-02T10:00:00+08:00')]]),
  ['customer-A', [sale('VA1', 'A', '100.00', '2026-03-05T09:00:00+08:00')]],
  ['customer-B', [sale('VB1', 'B', '30.00', '2026-03-06T09:00:00+08:00'), sale('VB2', 'B', '45.00', '2026-03-21T09:00:00+08:00')]],
  ['customer-C', [sale('VC1', 'C', '20.00', '2026-03-20T18:00:00+08:00')]],
  ['customer-D', [sale('VD1', 'D', '40.00', '2026-03-21T12:00:00+08:00')]],
];

describe('campaign-effectiveness: a close reads only the participants it changes', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const project = () => projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 100, maxBatchWaitMs: 50 });
  const rows = (sql: string) => withReadModels(db.pool, [campaignEffectivenessProjection.name], async (rm) => (await rm.query(sql)).rows);
  const participants = (campaign = 'K') => rows(`SELECT customer_id, sales, revenue_fen::int AS revenue FROM ce_participants WHERE campaign_id = '${campaign}' ORDER BY customer_id`);
  let readAtClose: string[] = [];
  let readAtLaunch: string[] = [];
  let beforeClose: unknown;
  /**
   * The log's events matching `f`, once the store shows them: it reads only below the cluster's oldest
   * transaction in flight, so an event just appended can stay out of a read while other specs write.
   */
  const readOnceVisible = async (f: (e: RecordedEvent) => boolean): Promise<RecordedEvent[]> => {
    for (let i = 0; i < 400; i++) {
      const found = (await store.readAll({ after: START, maxCount: 1000 })).filter(f);
      if (found.length > 0) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the appended event never became visible to readAll');
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const [stream, events] of BEFORE_CLOSE) await store.appendToStream(stream, events, 'any');
    await project();
    beforeClose = await participants();
    await store.appendToStream('campaign-K', [ev('CampaignCompleted', { campaignId: 'K' }, '2026-03-20T18:00:00+08:00')], 'any');
    // What the close's batch (the completion alone) reads, against the tables as they are before it.
    const close = await readOnceVisible((e) => e.type === 'CampaignCompleted');
    const state = await withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => loadCeState(rm as unknown as PoolClient, close));
    readAtClose = [...state.participants.keys()].sort();
    await project();
    // K2 (CARD) enrols F and G before its launch at 09:00 on 25 March: F bought a CARD on 24 March (never
    // counts), G one at 09:30 on 25 March, in the log before the launch (counts from the launch on).
    await store.appendToStream('campaign-K2', [ev('CampaignDrafted', { campaignId: 'K2', name: 'K2', ownerUnitId: 'BR1', productCodes: ['CARD'], channels: ['phone'], budget: '5000', controlGroupPercent: 0, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } }, '2026-03-21T09:00:00+08:00')], 'any');
    for (const id of ['F', 'G'])
      await store.appendToStream(`customer-${id}`, [ev('CustomerOnboarded', { customerId: id, homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00'), ev('CustomerEnrolledInCampaign', { campaignId: 'K2', customerId: id, group: 'treatment' }, '2026-03-22T09:00:00+08:00')], 'any');
    await store.appendToStream('customer-F', [ev('ConversionRecorded', { conversionId: 'VF1', customerId: 'F', staffId: 'rm1', productCode: 'CARD', amount: '1.00', revenue: '15.00', campaignId: null }, '2026-03-24T09:00:00+08:00')], 'any');
    await store.appendToStream('customer-G', [ev('ConversionRecorded', { conversionId: 'VG1', customerId: 'G', staffId: 'rm1', productCode: 'CARD', amount: '1.00', revenue: '25.00', campaignId: null }, '2026-03-25T09:30:00+08:00')], 'any');
    await project();
    await store.appendToStream('campaign-K2', [ev('CampaignLaunched', { campaignId: 'K2', treatmentCount: 2, controlCount: 0 }, '2026-03-25T09:00:00+08:00')], 'any');
    const launch = await readOnceVisible((e) => e.type === 'CampaignLaunched' && (e.data as { campaignId: string }).campaignId === 'K2');
    const atLaunch = await withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => loadCeState(rm as unknown as PoolClient, launch));
    readAtLaunch = [...atLaunch.participants.keys()].sort();
    await project();
  });
  afterAll(() => db.drop());

  it('counts the sales after the close time until the close', () => {
    expect(beforeClose).toEqual([
      { customer_id: 'A', sales: 1, revenue: 10000 },
      { customer_id: 'B', sales: 2, revenue: 7500 },
      { customer_id: 'C', sales: 1, revenue: 2000 },
      { customer_id: 'D', sales: 1, revenue: 4000 },
      { customer_id: 'E', sales: 0, revenue: 0 },
    ]);
  });

  it('reads the participants with a sale paired after the close time, not A (sale in the run), C (sale at its instant, counted either way) nor E (before the launch)', () => {
    expect(readAtClose).toEqual(['B', 'D']);
  });

  it('recounts them: the sales after the close time stop counting, the one at its instant stays', async () => {
    expect(await participants()).toEqual([
      { customer_id: 'A', sales: 1, revenue: 10000 },
      { customer_id: 'B', sales: 1, revenue: 3000 },
      { customer_id: 'C', sales: 1, revenue: 2000 },
      { customer_id: 'D', sales: 0, revenue: 0 },
      { customer_id: 'E', sales: 0, revenue: 0 },
    ]);
    expect(await rows(`SELECT grp, sum(converted)::int AS converted, sum(revenue_fen)::int AS revenue FROM ce_tier_now_counts WHERE campaign_id = 'K' AND (converted <> 0 OR revenue_fen <> 0) GROUP BY grp ORDER BY grp`)).toEqual([
      // control: D no longer counts
      { grp: 'treatment', converted: 3, revenue: 15000 },
    ]);
  });

  it('at a launch reads the participants with a sale paired at or after its time (G), and G then counts', async () => {
    expect(readAtLaunch).toEqual(['G']);
    expect(await participants('K2')).toEqual([
      { customer_id: 'F', sales: 0, revenue: 0 },
      { customer_id: 'G', sales: 1, revenue: 2500 },
    ]);
  });
});
