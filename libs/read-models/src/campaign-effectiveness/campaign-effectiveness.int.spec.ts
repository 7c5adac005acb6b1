import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { buildScratch } from '../as-of/scratch';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels, type Queryable } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignEffectiveness, campaignEffectivenessFromFacts } from './campaign-effectiveness.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, productCode: string, revenue: string, occurredAt: string, campaignId: string | null) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode, amount: '1000.00', revenue, campaignId }, occurredAt);
const contact = (contactId: string, customerId: string, channel: string, occurredAt: string) =>
  ev('CustomerContacted', { contactId, campaignId: 'K', customerId, staffId: 'rm1', channel }, occurredAt);

/**
 * Campaign K (product DEP) launched 30 March 10:00 Beijing time, completed 10 April. Treatment A,
 * B (SB1, ordinary) and C (SB2, gold since 1 March); control X (SB1). Every time is written in
 * Beijing time (+08:00): the business day is cut there, so 23:30 on 31 March and 00:30 on 1 April
 * fall on two days (and two months) although both are 31 March in UTC.
 */
const HISTORY: [string, NewEvent[]][] = [
  ['customer-A', [ev('CustomerOnboarded', { customerId: 'A', homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')]],
  ['customer-B', [ev('CustomerOnboarded', { customerId: 'B', homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')]],
  ['customer-C', [ev('CustomerOnboarded', { customerId: 'C', homeUnitId: 'SB2' }, '2026-01-01T09:00:00+08:00'), ev('CustomerTierChanged', { customerId: 'C', to: 'gold' }, '2026-03-01T09:00:00+08:00')]],
  ['customer-X', [ev('CustomerOnboarded', { customerId: 'X', homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')]],
  [
    'campaign-K',
    [
      ev(
        'CampaignDrafted',
        { campaignId: 'K', name: 'Deposit spring', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone', 'sms'], budget: '5000', controlGroupPercent: 25, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } },
        '2026-03-20T09:00:00+08:00',
      ),
      ev('CampaignLaunched', { campaignId: 'K', treatmentCount: 3, controlCount: 1 }, '2026-03-30T10:00:00+08:00'),
    ],
  ],
  ...['A', 'B', 'C', 'X'].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerEnrolledInCampaign', { campaignId: 'K', customerId: id, group: id === 'X' ? 'control' : 'treatment' }, '2026-03-30T10:00:00+08:00')]]),
  ['customer-A', [contact('a1', 'A', 'phone', '2026-03-31T23:30:00+08:00'), sale('VA1', 'A', 'DEP', '100.00', '2026-03-31T23:30:00+08:00', 'K')]],
  ['customer-B', [contact('b1', 'B', 'phone', '2026-04-01T00:30:00+08:00'), sale('VB1', 'B', 'DEP', '30.00', '2026-04-01T10:00:00+08:00', 'K')]],
  ['customer-A', [sale('VA2', 'A', 'DEP', '50.00', '2026-04-01T00:30:00+08:00', 'K'), sale('VA3', 'A', 'CARD', '10.00', '2026-04-01T11:00:00+08:00', null)]],
  ['customer-X', [sale('VX1', 'X', 'DEP', '40.00', '2026-04-01T12:00:00+08:00', null)]],
  ['customer-C', [sale('VC1', 'C', 'DEP', '20.00', '2026-04-02T09:00:00+08:00', null)]],
  ['customer-A', [contact('a2', 'A', 'sms', '2026-04-02T09:00:00+08:00'), ev('ComplaintRecorded', { customerId: 'A', complaintId: 'P1', campaignId: 'K' }, '2026-04-02T10:00:00+08:00')]],
  ['campaign-K', [ev('CampaignCostRecorded', { campaignId: 'K', costId: 'cost-1', amount: '60.00', customerId: null }, '2026-04-02T18:00:00+08:00')]],
  ['customer-B', [ev('ConversionReversed', { customerId: 'B', conversionId: 'VB1' }, '2026-04-03T09:00:00+08:00')]],
  ['customer-B', [ev('CustomerTransferred', { customerId: 'B', toUnitId: 'SB2' }, '2026-04-05T09:00:00+08:00')]],
  ['campaign-K', [ev('CampaignCompleted', { campaignId: 'K' }, '2026-04-10T18:00:00+08:00')]],
  ['customer-C', [sale('VC2', 'C', 'DEP', '70.00', '2026-04-12T09:00:00+08:00', null)]], // after completion: outside the run
];

/** The end of bank day 1 April: 23:59:59.999 Beijing time. */
const END_OF_1_APRIL = new Date('2026-04-01T23:59:59.999+08:00');

describe('campaign-effectiveness counters (hand-worked)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  const project = async () => {
    // Batches of 3: the counters must not depend on where batches are cut.
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 3 });
  };
  const q = <T>(f: (rm: Queryable) => Promise<T>) => withReadModels(db.pool, [campaignEffectivenessProjection.name], f);
  const rows = (sql: string) => q(async (rm) => (await rm.query(sql)).rows);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const [stream, events] of HISTORY) await store.appendToStream(stream, events, 'any');
    await project();
  });
  afterAll(() => db.drop());

  it('counts each participant once per group, unit and tier at enrolment, with its group revenue and its square', async () => {
    // A: two DEP sales in the run, 100.00 + 50.00 = 15,000 fen (the CARD sale is no campaign product); B's only sale was
    // reversed; B's move to SB2 came after enrolment. C (gold since 1 March): 20.00 on 2 April; 70.00 after completion
    // does not count. X: 40.00.
    expect(await rows(`SELECT grp, tier, converted, revenue_fen::int AS revenue, squares::text FROM ce_tier_now_counts WHERE converted <> 0 OR revenue_fen <> 0 ORDER BY grp, tier`)).toEqual([
      { grp: 'control', tier: 'ordinary', converted: 1, revenue: 4000, squares: '16000000' }, // 4000²
      { grp: 'treatment', tier: 'gold', converted: 1, revenue: 2000, squares: '4000000' }, // C: 2000²
      { grp: 'treatment', tier: 'ordinary', converted: 1, revenue: 15000, squares: '225000000' }, // A 15000², B 0
    ]);
    // By unit at enrolment: A and B in SB1 (B moved to SB2 after enrolment: still SB1), C in SB2; X (control) in SB1.
    expect(await rows(`SELECT grp, unit_id, enrolled, converted FROM ce_unit_now_counts WHERE enrolled <> 0 ORDER BY grp, unit_id`)).toEqual([
      { grp: 'control', unit_id: 'SB1', enrolled: 1, converted: 1 },
      { grp: 'treatment', unit_id: 'SB1', enrolled: 2, converted: 1 }, // A converted, B (reversed) not
      { grp: 'treatment', unit_id: 'SB2', enrolled: 1, converted: 1 },
    ]);
    // Each stage counts from the bank day it held: all enrolled 30 March; A contacted 31 March (23:30), B 1 April (00:30).
    expect(await rows(`SELECT grp, unit_id, tier, to_char(as_of_day, 'YYYY-MM-DD') AS day, enrolled, contacted, participated FROM ce_group_counts
                       WHERE enrolled <> 0 OR contacted <> 0 ORDER BY grp, unit_id, tier, as_of_day`)).toEqual([
      { grp: 'control', unit_id: 'SB1', tier: 'ordinary', day: '2026-03-30', enrolled: 1, contacted: 0, participated: 0 },
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', day: '2026-03-30', enrolled: 2, contacted: 0, participated: 0 },
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', day: '2026-03-31', enrolled: 0, contacted: 1, participated: 0 },
      { grp: 'treatment', unit_id: 'SB1', tier: 'ordinary', day: '2026-04-01', enrolled: 0, contacted: 1, participated: 0 },
      { grp: 'treatment', unit_id: 'SB2', tier: 'gold', day: '2026-03-30', enrolled: 1, contacted: 0, participated: 0 },
    ]);
  });

  it('counts first contacts and the campaign\'s own sales on the bank day they happened (23:30 and 00:30 Beijing are two days)', async () => {
    // 31 Mar: A first contacted at 23:30, A's 100.00 sale at 23:30. 1 Apr: B first contacted at 00:30, A's 50.00 at
    // 00:30; B's 30.00 was reversed. A's sms on 2 Apr is not a first contact; untagged sales are not the campaign's own.
    // B's sale counts from 1 April and off again from 3 April (its reversal).
    expect(await rows(`SELECT to_char(day, 'YYYY-MM-DD') AS day, to_char(as_of_day, 'YYYY-MM-DD') AS from, contacted, offered, accepted, sales, revenue_fen::int AS revenue
                       FROM ce_day_counts WHERE contacted <> 0 OR sales <> 0 ORDER BY day, as_of_day`)).toEqual([
      { day: '2026-03-31', from: '2026-03-31', contacted: 1, offered: 0, accepted: 0, sales: 1, revenue: 10000 },
      { day: '2026-04-01', from: '2026-04-01', contacted: 1, offered: 0, accepted: 0, sales: 2, revenue: 8000 }, // A 50.00 + B 30.00
      { day: '2026-04-01', from: '2026-04-03', contacted: 0, offered: 0, accepted: 0, sales: -1, revenue: -3000 },
    ]);
    // Tagged sales: A's two (B's reversed); one customer; 150.00; cost 60.00; one complaint.
    expect(await rows(`SELECT campaign_id, tagged_sales, tagged_customers, tagged_revenue_fen::int AS revenue, cost_fen::int AS cost, complaints FROM ce_campaign_totals`)).toEqual([
      { campaign_id: 'K', tagged_sales: 2, tagged_customers: 1, revenue: 15000, cost: 6000, complaints: 1 },
    ]);
    expect(await rows(`SELECT channel, to_char(day, 'YYYY-MM-DD') AS day, contacts, customers FROM ce_channel_counts ORDER BY channel, day`)).toEqual([
      { channel: 'phone', day: '2026-03-31', contacts: 1, customers: 1 },
      { channel: 'phone', day: '2026-04-01', contacts: 1, customers: 1 },
      { channel: 'sms', day: '2026-04-02', contacts: 1, customers: 1 },
    ]);
  });

  it('answers from the counters', async () => {
    const e = (await q((rm) => campaignEffectiveness(rm, 'K')))!;
    expect(e.funnel).toEqual({ enrolled: { treatment: 3, control: 1 }, contacted: 2, offered: 0, accepted: 0, participated: 0, converted: 1 });
    expect([e.conversions, e.revenue, e.cost, e.complaints, e.status]).toEqual([2, '150.00', '60.00', 1, 'completed']);
    expect(e.roi).toBeCloseTo((150 - 60) / 60, 12);
    // Treatment: A (150.00) and C (20.00) of 3; control: X (40.00) of 1.
    expect(e.groups).toEqual({
      treatment: { size: 3, converted: 2, conversionRate: 2 / 3, revenue: '170.00' },
      control: { size: 1, converted: 1, conversionRate: 1, revenue: '40.00' },
    });
    expect(e.daily).toEqual([
      { date: '2026-03-31', contacted: 1, offered: 0, accepted: 0, converted: 1, revenue: '100.00' },
      { date: '2026-04-01', contacted: 1, offered: 0, accepted: 0, converted: 1, revenue: '50.00' },
    ]);
    expect(e.byUnit).toEqual([
      { unitId: 'SB1', treatment: 2, control: 1, treatmentConverted: 1, controlConverted: 1 },
      { unitId: 'SB2', treatment: 1, control: 0, treatmentConverted: 1, controlConverted: 0 },
    ]);
    expect(e.byTier).toEqual([
      { tier: 'gold', treatment: 1, control: 0, treatmentConverted: 1, controlConverted: 0 },
      { tier: 'ordinary', treatment: 2, control: 1, treatmentConverted: 1, controlConverted: 1 },
    ]);
    // Revenue per customer: treatment 17,000 / 3 = 5,666.67 fen → 56.67; control 40.00; difference 16.67.
    expect(e.revenuePerCustomer).toMatchObject({ treatment: '56.67', control: '40.00', difference: '16.67' });
  });

  describe('as of the end of 1 April (direct attribution), without a replay', () => {
    // By then: launched, not completed; A (100.00 + 50.00) and B (30.00, reversed only on 3 April) bought, tagged; X
    // bought 40.00; C's sale (2 April), the cost and the complaint (2 April) had not happened.
    const expected = {
      status: 'launched',
      closedAt: null,
      funnel: { enrolled: { treatment: 3, control: 1 }, contacted: 2, offered: 0, accepted: 0, participated: 0, converted: 2 },
      conversions: 3,
      revenue: '180.00',
      cost: '0.00',
      complaints: 0,
      groups: {
        treatment: { size: 3, converted: 2, conversionRate: 2 / 3, revenue: '180.00' },
        control: { size: 1, converted: 1, conversionRate: 1, revenue: '40.00' },
      },
      daily: [
        { date: '2026-03-31', contacted: 1, offered: 0, accepted: 0, converted: 1, revenue: '100.00' },
        { date: '2026-04-01', contacted: 1, offered: 0, accepted: 0, converted: 2, revenue: '80.00' }, // A 50.00 + B 30.00
      ],
      byChannel: [{ channel: 'phone', contacts: 2, customersContacted: 2 }],
      byUnit: [
        { unitId: 'SB1', treatment: 2, control: 1, treatmentConverted: 2, controlConverted: 1 },
        { unitId: 'SB2', treatment: 1, control: 0, treatmentConverted: 0, controlConverted: 0 },
      ],
    };

    it('gives the hand-worked figures, equal to a replay of the history up to that instant', async () => {
      const asOf = (await q((rm) => campaignEffectiveness(rm, 'K', END_OF_1_APRIL)))!;
      expect(asOf).toMatchObject(expected);
      // The end of a bank day is read from the day counters; any other instant from the campaign's rows: they agree.
      expect(await q((rm) => campaignEffectivenessFromFacts(rm, 'K', END_OF_1_APRIL))).toEqual(asOf);
      expect(await q((rm) => campaignEffectiveness(rm, 'K', new Date('2026-04-01T20:00:00+08:00')))).toMatchObject({ ...expected, daily: expected.daily });
      const scratch = await buildScratch(db.pool, store, [campaignEffectivenessProjection], { asOf: END_OF_1_APRIL });
      try {
        expect(await scratch.query((rm) => campaignEffectiveness(rm, 'K'))).toEqual(asOf);
      } finally {
        await scratch.drop();
      }
      // Before the campaign was drafted it did not exist.
      expect(await q((rm) => campaignEffectiveness(rm, 'K', new Date('2026-03-19T23:59:59.999+08:00')))).toBeNull();
    });

    it('does not change after later events', async () => {
      const before = await q((rm) => campaignEffectiveness(rm, 'K', END_OF_1_APRIL));
      await store.appendToStream('customer-A', [ev('ConversionReversed', { customerId: 'A', conversionId: 'VA1' }, '2026-04-15T09:00:00+08:00')], 'any');
      await store.appendToStream('customer-X', [ev('CustomerTierChanged', { customerId: 'X', to: 'gold' }, '2026-04-16T09:00:00+08:00'), contact('x1', 'X', 'phone', '2026-04-16T10:00:00+08:00')], 'any');
      await store.appendToStream('customer-A', [sale('VA4', 'A', 'DEP', '500.00', '2026-04-17T09:00:00+08:00', 'K')], 'any');
      await project();
      const now = (await q((rm) => campaignEffectiveness(rm, 'K')))!;
      // VA1 reversed; VA4 (after completion) is still tagged with K: VA2 50.00 + VA4 500.00. X was contacted: 3.
      expect([now.conversions, now.revenue, now.funnel.contacted]).toEqual([2, '550.00', 3]);
      expect(await q((rm) => campaignEffectiveness(rm, 'K', END_OF_1_APRIL))).toEqual(before);
    });
  });
});
