import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignEffectiveness } from './campaign-effectiveness.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const drafted = (campaignId: string) =>
  ev(
    'CampaignDrafted',
    { campaignId, name: campaignId, ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '1000', controlGroupPercent: 10, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } },
    '2026-03-20T09:00:00+08:00',
  );
const cost = (campaignId: string, costId: string, amount: string, occurredAt: string) => ev('CampaignCostRecorded', { campaignId, costId, amount, customerId: null }, occurredAt);
const complaint = (customerId: string, complaintId: string, campaignId: string, occurredAt: string) =>
  ev('ComplaintRecorded', { customerId, complaintId, category: 'too_many_calls', campaignId }, occurredAt);

/**
 * Ids may hold ':'. Campaign 'a:b' with cost 'c' and campaign 'a' with cost 'b:c' are two costs, as are customer
 * 'a:b' with complaint 'c' and customer 'a' with complaint 'b:c' (each id unique only within its campaign or
 * customer); joined with ':' each pair reads 'a:b:c', so a key of joined text kept one of each and lost the other.
 * Times either side of midnight Beijing time on 31 March / 1 April (both 31 March in UTC).
 */
describe('campaign-effectiveness: costs and complaints keyed by their pairs, not by joined text', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const rows = (sql: string) => withReadModels(db.pool, [campaignEffectivenessProjection.name], async (rm) => (await rm.query(sql)).rows);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('campaign-a:b', [drafted('a:b'), cost('a:b', 'c', '10.00', '2026-03-31T23:30:00+08:00')], 'any');
    await store.appendToStream('campaign-a', [drafted('a'), cost('a', 'b:c', '25.50', '2026-04-01T00:30:00+08:00')], 'any');
    await store.appendToStream('customer-a:b', [ev('CustomerOnboarded', { customerId: 'a:b', homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00'), complaint('a:b', 'c', 'a', '2026-03-31T23:30:00+08:00')], 'any');
    await store.appendToStream('customer-a', [ev('CustomerOnboarded', { customerId: 'a', homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00'), complaint('a', 'b:c', 'a:b', '2026-04-01T00:30:00+08:00')], 'any');
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 100 });
  });
  afterAll(() => db.drop());

  it('keeps both costs and both complaints, each under its own pair', async () => {
    expect(await rows(`SELECT campaign_id, cost_id, amount_fen::int AS amount FROM ce_costs ORDER BY campaign_id, cost_id`)).toEqual([
      { campaign_id: 'a', cost_id: 'b:c', amount: 2550 },
      { campaign_id: 'a:b', cost_id: 'c', amount: 1000 },
    ]);
    expect(await rows(`SELECT customer_id, complaint_id, campaign_id FROM ce_complaints ORDER BY customer_id, complaint_id`)).toEqual([
      { customer_id: 'a', complaint_id: 'b:c', campaign_id: 'a:b' },
      { customer_id: 'a:b', complaint_id: 'c', campaign_id: 'a' },
    ]);
  });

  it('counts each in its campaign, on its bank day', async () => {
    // a: cost 25.50 (00:30 on 1 April), the complaint of customer a:b (23:30 on 31 March); a:b: cost 10.00 (31 March),
    // the complaint of customer a (1 April).
    expect(await rows(`SELECT campaign_id, cost_fen::int AS cost, complaints FROM ce_campaign_totals ORDER BY campaign_id`)).toEqual([
      { campaign_id: 'a', cost: 2550, complaints: 1 },
      { campaign_id: 'a:b', cost: 1000, complaints: 1 },
    ]);
    expect(await rows(`SELECT campaign_id, to_char(day, 'YYYY-MM-DD') AS day, cost_fen::int AS cost FROM ce_day_counts WHERE cost_fen <> 0 ORDER BY campaign_id, day`)).toEqual([
      { campaign_id: 'a', day: '2026-04-01', cost: 2550 },
      { campaign_id: 'a:b', day: '2026-03-31', cost: 1000 },
    ]);
    expect(await rows(`SELECT campaign_id, to_char(day, 'YYYY-MM-DD') AS day, complaints FROM ce_reaction_counts WHERE complaints <> 0 ORDER BY campaign_id, day`)).toEqual([
      { campaign_id: 'a', day: '2026-03-31', complaints: 1 },
      { campaign_id: 'a:b', day: '2026-04-01', complaints: 1 },
    ]);
    const answer = async (campaignId: string) => {
      const e = (await withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => campaignEffectiveness(rm, campaignId)))!;
      return [e.cost, e.complaints];
    };
    expect([await answer('a'), await answer('a:b')]).toEqual([
      ['25.50', 1],
      ['10.00', 1],
    ]);
  });
});
