import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignTotals } from './campaign-totals.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type, data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (id: string, c: string, occurredAt: string) => ev('ConversionRecorded', { conversionId: id, customerId: c, staffId: 'rm1', productCode: 'DEP', amount: '1.00', revenue: '10.00', campaignId: null }, occurredAt);
const draft = (k: string) => ev('CampaignDrafted', { campaignId: k, name: k, ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 0, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } }, '2026-02-20T09:00:00+08:00');
/** As an imported log may carry it: the time as given, finer than the millisecond (`ev` keeps milliseconds). */
const imported = (e: NewEvent, occurredAt: string): NewEvent => ({ ...e, metadata: { ...e.metadata, occurredAt } });
const launch = (k: string, at: string) => ev('CampaignLaunched', { campaignId: k, treatmentCount: 1, controlCount: 0 }, at);

/**
 * A launch or close that moves a bound already set (an imported or rewritten log: the decider lets each bound move
 * once) recounts the participants whose sales it changes: the state read takes sales at or after the earlier of a
 * launch's new and old time, and strictly after the earlier of a close's (a sale at either close instant counts both
 * before and after it). Each campaign has one customer with one sale; the last column is the move.
 */
// [campaign, customer, sale time, first bound events, the moving event]
const CASES: [string, string, string, NewEvent[], NewEvent][] = [
  ['K1', 'A', '2026-03-03T09:00:00+08:00', [launch('K1', '2026-03-02T10:00:00+08:00')], launch('K1', '2026-03-05T10:00:00+08:00')], // relaunch later: stops
  ['K2', 'B', '2026-03-03T09:00:00+08:00', [launch('K2', '2026-03-05T10:00:00+08:00')], launch('K2', '2026-03-02T10:00:00+08:00')], // relaunch earlier: starts
  ['K3', 'C', '2026-03-12T09:00:00+08:00', [launch('K3', '2026-03-02T10:00:00+08:00'), ev('CampaignCompleted', { campaignId: 'K3' }, '2026-03-10T10:00:00+08:00')], ev('CampaignCancelled', { campaignId: 'K3' }, '2026-03-15T10:00:00+08:00')], // close later: starts
  ['K4', 'D', '2026-03-12T09:00:00+08:00', [launch('K4', '2026-03-02T10:00:00+08:00'), ev('CampaignCompleted', { campaignId: 'K4' }, '2026-03-15T10:00:00+08:00')], ev('CampaignCancelled', { campaignId: 'K4' }, '2026-03-10T10:00:00+08:00')], // close earlier: stops
  ['K5', 'E', '2026-03-02T10:00:00+08:00', [], launch('K5', '2026-03-02T10:00:00+08:00')], // sale at the launch instant: starts
  ['K6', 'F', '2026-03-02T10:00:00.000+08:00', [launch('K6', '2026-03-01T10:00:00+08:00')], ev('CampaignCompleted', { campaignId: 'K6' }, '2026-03-02T09:59:59.999+08:00')], // 1 ms after close: stops
  // Imported times finer than the millisecond, at 00:00 Beijing on 3 March (16:00 UTC on 2 March): the sale 0.3 ms
  // before the launch, in its millisecond, is at the launch's instant to the millisecond: starts, as E.
  ['K7', 'G', '2026-03-03T00:00:00.000200+08:00', [], imported(launch('K7', '2026-03-03T00:00:00+08:00'), '2026-03-03T00:00:00.000500+08:00')],
];

async function build(split: boolean) {
  const db = await createTestDatabase();
  const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
  const project = () => projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: split ? 100 : 10000, maxBatchWaitMs: 50 });
  for (const [k, c, at, first] of CASES) {
    await store.appendToStream(`campaign-${k}`, [draft(k), ...first], 'any');
    await store.appendToStream(`customer-${c}`, [ev('CustomerOnboarded', { customerId: c, homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00'), ev('CustomerEnrolledInCampaign', { campaignId: k, customerId: c, group: 'treatment' }, '2026-03-01T00:00:00+08:00'), imported(sale(`V${c}`, c, at), at)], 'any');
  }
  if (split) await project();
  for (const [k, , , , move] of CASES) {
    await store.appendToStream(`campaign-${k}`, [move], 'any');
    if (split) await project();
  }
  await project();
  const rows = await withReadModels(db.pool, [campaignEffectivenessProjection.name], async (rm) => (await rm.query(`SELECT campaign_id, customer_id, sales, sale_at::text[] AS steps FROM ce_participants ORDER BY 1`)).rows);
  // The totals count a campaign's sales in the database, comparing the stored times themselves.
  const totals = await withReadModels(db.pool, [campaignEffectivenessProjection.name], async (rm) => Promise.all(CASES.map(async ([k]) => [k, (await campaignTotals(rm, [k])).treatmentConverted])));
  await db.drop();
  return { rows, totals };
}

describe('campaign-effectiveness: a bound moved again', () => {
  it('recounts in its own batch as a one-batch rebuild does: A stops, B starts, C starts, D stops, E (at the launch instant) counts, F (1 ms after the close) stops, G (0.3 ms before the launch, in its millisecond) counts', async () => {
    const [split, whole] = [await build(true), await build(false)];
    expect(split.rows.map((r: { customer_id: string; sales: number }) => [r.customer_id, r.sales])).toEqual([
      ['A', 0],
      ['B', 1],
      ['C', 1],
      ['D', 0],
      ['E', 1],
      ['F', 0],
      ['G', 1],
    ]);
    expect(split).toEqual(whole);
    // The database counts as the fold: G's sale too.
    expect(whole.totals).toEqual(split.rows.map((r: { campaign_id: string; sales: number }) => [r.campaign_id, r.sales]));
  }, 120_000);
});
