import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { endOfBusinessDay } from '@app/domain';
import { campaignEffectiveness, campaignEffectivenessAtDayEnd, campaignEffectivenessFromFacts } from './campaign-effectiveness.query';
import { campaignTotals } from './campaign-totals.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, productCode: string, revenue: string, occurredAt: string, campaignId: string | null) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode, amount: '1000.00', revenue, campaignId }, occurredAt);

const TREATMENT = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'];
const CONTROL = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5'];

/**
 * Issue 13 (lift you can defend; tests): a control group of five in which nobody converted, against
 * two of six in treatment. Campaign Z (product DEP) launched 30 March 10:00 Beijing time, completed
 * 10 April. T1 bought twice (100.00 at 23:30 on 31 March, 50.00 at 00:30 on 1 April: one converted
 * customer, 150.00), T2 once (30.00, untagged, still a campaign product). In control, Q1 bought a
 * product the campaign does not sell, Q2 bought DEP a minute before the launch and Q3 after the
 * completion: none of them counts, so control is 0 of 5.
 */
const HISTORY: [string, NewEvent[]][] = [
  ...[...TREATMENT, ...CONTROL].map((id): [string, NewEvent[]] => [`customer-${id}`, [ev('CustomerOnboarded', { customerId: id, homeUnitId: 'SB1' }, '2026-01-01T09:00:00+08:00')]]),
  ['customer-Q2', [sale('VQ2', 'Q2', 'DEP', '40.00', '2026-03-30T09:59:00+08:00', null)]],
  [
    'campaign-Z',
    [
      ev(
        'CampaignDrafted',
        { campaignId: 'Z', name: 'Deposit autumn', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 45, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } },
        '2026-03-20T09:00:00+08:00',
      ),
      ev('CampaignLaunched', { campaignId: 'Z', treatmentCount: 6, controlCount: 5 }, '2026-03-30T10:00:00+08:00'),
    ],
  ],
  ...[...TREATMENT, ...CONTROL].map((id): [string, NewEvent[]] => [
    `customer-${id}`,
    [ev('CustomerEnrolledInCampaign', { campaignId: 'Z', customerId: id, group: id.startsWith('T') ? 'treatment' : 'control' }, '2026-03-30T10:00:00+08:00')],
  ]),
  ['customer-T1', [sale('VT1a', 'T1', 'DEP', '100.00', '2026-03-31T23:30:00+08:00', 'Z'), sale('VT1b', 'T1', 'DEP', '50.00', '2026-04-01T00:30:00+08:00', 'Z')]],
  ['customer-T2', [sale('VT2', 'T2', 'DEP', '30.00', '2026-04-01T00:30:00+08:00', null)]],
  ['customer-Q1', [sale('VQ1', 'Q1', 'CARD', '10.00', '2026-04-02T09:00:00+08:00', null)]],
  ['campaign-Z', [ev('CampaignCompleted', { campaignId: 'Z' }, '2026-04-10T18:00:00+08:00')]],
  ['customer-Q3', [sale('VQ3', 'Q3', 'DEP', '60.00', '2026-04-11T09:00:00+08:00', null)]],
];

describe('campaign effectiveness with a control group of five that never converted', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const [stream, events] of HISTORY) await store.appendToStream(stream, events, 'any');
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 4 });
  });
  afterAll(() => db.drop());

  it('gives 2 of 6 against 0 of 5, with a Newcombe interval that holds 0, its p-value, and the revenue difference with a Welch interval that is not zero-width', async () => {
    const e = (await withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => campaignEffectiveness(rm, 'Z')))!;
    expect(e.groups).toEqual({
      treatment: { size: 6, converted: 2, conversionRate: 2 / 6, revenue: '180.00' },
      control: { size: 5, converted: 0, conversionRate: 0, revenue: '0.00' },
    });
    // z = 1.959964, z² = 3.841459. Wilson 2/6: centre (2 + 1.920730) / 9.841459 = 0.398389, half-width
    // 1.959964 × √(2·4/6 + 0.960365) / 9.841459 = 0.301618: [0.096771, 0.700007]. Wilson 0/5: [0, 3.841459 / 8.841459] = [0, 0.434482].
    // Newcombe: lower 1/3 − √((1/3 − 0.096771)² + (0.434482 − 0)²) = 0.333333 − 0.494709 = −0.161375;
    // upper 1/3 + √((0.700007 − 1/3)² + 0²) = 0.700007.
    expect(e.lift.absolute).toBeCloseTo(1 / 3, 12);
    expect(e.lift.confidenceInterval95![0]).toBeCloseTo(-0.161375, 5);
    expect(e.lift.confidenceInterval95![1]).toBeCloseTo(0.700007, 5);
    // The lower bound reaches 0 at z = 1.365132 (solved by hand): p = 2(1 − Φ(1.365132)) = 0.172212; not significant.
    expect(e.lift.pValue).toBeCloseTo(0.172212, 5);
    expect(e.lift.significant).toBe(false);
    expect(e.lift.incrementalConversions).toBeCloseTo(2, 12); // 1/3 × 6
    expect(e.lift.incrementalRevenue).toBe('180.00'); // (3,000 − 0 fen per customer) × 6
    // Per customer (fen): treatment 15,000, 3,000 and four 0s: mean 3,000, sample variance (234,000,000 − 18,000²/6) / 5
    // = 36,000,000; control all 0: sample variance 0. Floors (revenue per buyer m = 18,000 / 2 = 9,000): treatment
    // (4/10)(6/10) m² = 19,440,000 (below: 36,000,000 stands); control (2/9)(7/9) m² = 14,000,000 (stands for the 0).
    // va = 36,000,000 / 6 = 6,000,000; vb = 14,000,000 / 5 = 2,800,000; se = √8,800,000 = 2,966.48;
    // df = 8,800,000² / (6,000,000²/5 + 2,800,000²/4) = 8.4541; t(0.975, 8.4541) = 2.28462;
    // 3,000 ± 2.28462 × 2,966.48 = [−3,777.27, 9,777.27] fen.
    expect(e.revenuePerCustomer).toMatchObject({ treatment: '30.00', control: '0.00', difference: '30.00', confidenceInterval95: ['-37.77', '97.77'] });
    // The campaign's own (tagged) sales: T1's two.
    expect([e.conversions, e.revenue]).toEqual([2, '150.00']);
    // Everyone in SB1, ordinary: each breakdown one row, each customer once (T1's two sales: one converted customer).
    expect(e.byUnit).toEqual([{ unitId: 'SB1', treatment: 6, control: 5, treatmentConverted: 2, controlConverted: 0 }]);
    expect(e.byTier).toEqual([{ tier: 'ordinary', treatment: 6, control: 5, treatmentConverted: 2, controlConverted: 0 }]);
    expect(await withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => campaignEffectivenessFromFacts(rm, 'Z', new Date('2026-04-30T12:00:00+08:00')))).toEqual(e);
  });

  it('answers as of each day end, read up to the day or as now less the days after it, as the fact rows do: 23:30 on 31 March and 00:30 on 1 April on either side', async () => {
    const q = <T>(f: (rm: Parameters<typeof campaignEffectiveness>[0]) => Promise<T>) => withReadModels(db.pool, [campaignEffectivenessProjection.name], f);
    const dayEnd = (day: string) => new Date(endOfBusinessDay(day));
    for (const read of ['upTo', 'after'] as const) {
      // 31 March: T1's 100.00 only. 1 April: T1's 50.00 and T2's 30.00 too: 2 of 6, 180.00. Control 0 of 5 throughout.
      const march = (await q((rm) => campaignEffectivenessAtDayEnd(rm, 'Z', dayEnd('2026-03-31'), read)))!;
      expect({ read, groups: march.groups }).toEqual({ read, groups: { treatment: { size: 6, converted: 1, conversionRate: 1 / 6, revenue: '100.00' }, control: { size: 5, converted: 0, conversionRate: 0, revenue: '0.00' } } });
      const april = (await q((rm) => campaignEffectivenessAtDayEnd(rm, 'Z', dayEnd('2026-04-01'), read)))!;
      expect({ read, groups: april.groups }).toEqual({ read, groups: { treatment: { size: 6, converted: 2, conversionRate: 2 / 6, revenue: '180.00' }, control: { size: 5, converted: 0, conversionRate: 0, revenue: '0.00' } } });
      expect({ read, byUnit: april.byUnit }).toEqual({ read, byUnit: [{ unitId: 'SB1', treatment: 6, control: 5, treatmentConverted: 2, controlConverted: 0 }] });
      for (let d = 29; d <= 43; d++) {
        const day = d <= 31 ? `2026-03-${d}` : `2026-04-${String(d - 31).padStart(2, '0')}`;
        const facts = await q((rm) => campaignEffectivenessFromFacts(rm, 'Z', dayEnd(day)));
        expect({ read, day, answer: await q((rm) => campaignEffectivenessAtDayEnd(rm, 'Z', dayEnd(day), read)) }).toEqual({ read, day, answer: facts });
      }
    }
  });

  it('totals the campaign from its counters: its tagged sales once, however often it is named, never more than was sold', async () => {
    const totals = (ids: string[]) => withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => campaignTotals(rm, ids));
    // Tagged: T1's 100.00 + 50.00 = 150.00 in 2 sales. Treatment: T1 (150.00) and T2 (30.00): 2 customers, 180.00.
    // Sold in all: 40 + 100 + 50 + 30 + 10 + 60 = 290.00, more than either.
    const z = { campaigns: 1, conversions: 2, revenue: '150.00', cost: '0.00', treatmentConverted: 2, treatmentRevenue: '180.00' };
    expect(await totals(['Z'])).toEqual({ ...z, byUnit: [{ unitId: 'BR1', ...z }] });
    expect(await totals(['Z', 'Z'])).toEqual({ ...z, byUnit: [{ unitId: 'BR1', ...z }] });
    const none = { campaigns: 0, conversions: 0, revenue: '0.00', cost: '0.00', treatmentConverted: 0, treatmentRevenue: '0.00' };
    expect(await totals(['nobody'])).toEqual({ ...none, byUnit: [] });
  });
});
