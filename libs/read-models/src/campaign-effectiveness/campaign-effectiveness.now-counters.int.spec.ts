import { randomUUID } from 'node:crypto';
import { endOfBusinessDay } from '@app/domain';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels, type Queryable } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignEffectiveness, campaignEffectivenessAtDayEnd, campaignEffectivenessFromFacts, campaignEffectivenessNowFromDays } from './campaign-effectiveness.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (conversionId: string, customerId: string, revenue: string, occurredAt: string, campaignId: string | null) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: '1000.00', revenue, campaignId }, occurredAt);
const contact = (contactId: string, customerId: string, at: string) =>
  ev('CustomerContacted', { contactId, customerId, staffId: 'rm1', channel: 'phone', campaignId: 'K', outcomeNote: null, contactedAt: at }, at);
const offer = (type: 'OfferPresented' | 'OfferAccepted', customerId: string, at: string) => ev(type, { offerId: `O-${customerId}`, customerId, staffId: 'rm1', productCode: 'DEP', campaignId: 'K' }, at);
const onboarded = (customerId: string, unitId: string, at = '2026-01-01T09:00:00+08:00') => ev('CustomerOnboarded', { customerId, homeUnitId: unitId }, at);
const enrolled = (customerId: string, group: string) => ev('CustomerEnrolledInCampaign', { campaignId: 'K', customerId, group }, '2026-03-28T10:00:00+08:00');

/**
 * Campaign K (DEP), launched 28 March 10:00 Beijing time, everyone enrolled then. Times in Beijing time: 23:30 on
 * 31 March and 00:30 on 1 April are two bank days and two months.
 *
 *   A  treatment, SB1 ordinary. Contacted 31 Mar 23:30; offered and accepted 1 Apr 00:30 (accepting is taking part).
 *      VA1 100.00 31 Mar 23:30 (tagged K), reversed 2 Apr 10:00; VA2 50.00 1 Apr 00:30 (tagged K): converted, 50.00.
 *   B  treatment, SB1 ordinary at enrolment; moved to SB2 on 5 Apr and made gold on 6 Apr (after enrolment: still
 *      SB1 ordinary in the breakdowns). Contacted 1 Apr 00:30. VB1 30.00 2 Apr 11:00: converted, 30.00.
 *   C  treatment, SB2, gold since 1 Mar. Took part (attended) 31 Mar 23:30. No sale.
 *   D  treatment, onboarded only on 2 Apr 09:00 into SB3 (a backdated onboarding: no unit known before that day;
 *      now SB3). Contacted 2 Apr 09:30. VD1 10.00 2 Apr 12:00: converted, 10.00.
 *   X  control, SB1. VX1 40.00 1 Apr 23:30, VX2 5.00 3 Apr 00:30 (two sales, one customer): converted, 45.00.
 *   Y  control, SB1. Nothing.
 */
const HISTORY: [string, NewEvent[]][] = [
  ...['A', 'B', 'X', 'Y'].map((id): [string, NewEvent[]] => [`customer-${id}`, [onboarded(id, 'SB1')]]),
  ['customer-C', [onboarded('C', 'SB2'), ev('CustomerTierChanged', { customerId: 'C', to: 'gold' }, '2026-03-01T09:00:00+08:00')]],
  [
    'campaign-K',
    [
      ev(
        'CampaignDrafted',
        { campaignId: 'K', name: 'Deposit spring', ownerUnitId: 'BR1', productCodes: ['DEP'], channels: ['phone'], budget: '5000', controlGroupPercent: 33, period: { start: '2026-03-01T00:00:00+08:00', end: '2026-05-01T00:00:00+08:00' } },
        '2026-03-20T09:00:00+08:00',
      ),
      ev('CampaignLaunched', { campaignId: 'K', treatmentCount: 4, controlCount: 2 }, '2026-03-28T10:00:00+08:00'),
    ],
  ],
  ...['A', 'B', 'C', 'D', 'X', 'Y'].map((id): [string, NewEvent[]] => [`customer-${id}`, [enrolled(id, id === 'X' || id === 'Y' ? 'control' : 'treatment')]]),
  ['customer-A', [contact('ca', 'A', '2026-03-31T23:30:00+08:00'), sale('VA1', 'A', '100.00', '2026-03-31T23:30:00+08:00', 'K')]],
  ['customer-C', [ev('CustomerTookPartInCampaign', { campaignId: 'K', customerId: 'C', how: 'attended' }, '2026-03-31T23:30:00+08:00')]],
  ['customer-A', [offer('OfferPresented', 'A', '2026-04-01T00:30:00+08:00'), offer('OfferAccepted', 'A', '2026-04-01T00:30:00+08:00'), sale('VA2', 'A', '50.00', '2026-04-01T00:30:00+08:00', 'K')]],
  ['customer-B', [contact('cb', 'B', '2026-04-01T00:30:00+08:00')]],
  ['customer-X', [sale('VX1', 'X', '40.00', '2026-04-01T23:30:00+08:00', null)]],
  ['customer-D', [onboarded('D', 'SB3', '2026-04-02T09:00:00+08:00'), contact('cd', 'D', '2026-04-02T09:30:00+08:00')]],
  ['customer-A', [ev('ConversionReversed', { customerId: 'A', conversionId: 'VA1' }, '2026-04-02T10:00:00+08:00')]],
  ['customer-B', [sale('VB1', 'B', '30.00', '2026-04-02T11:00:00+08:00', null)]],
  ['customer-D', [sale('VD1', 'D', '10.00', '2026-04-02T12:00:00+08:00', null)]],
  ['customer-X', [sale('VX2', 'X', '5.00', '2026-04-03T00:30:00+08:00', null)]],
  ['customer-B', [ev('CustomerTransferred', { customerId: 'B', toUnitId: 'SB2' }, '2026-04-05T09:00:00+08:00'), ev('CustomerTierChanged', { customerId: 'B', to: 'gold' }, '2026-04-06T09:00:00+08:00')]],
];

const dayEnd = (day: string) => new Date(endOfBusinessDay(day));
const STAGES = ['enrolled', 'contacted', 'offered', 'accepted', 'participated'] as const;

describe('campaign effectiveness now: the counters without the day agree with the day counters', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const q = <T>(f: (rm: Queryable) => Promise<T>) => withReadModels(db.pool, [campaignEffectivenessProjection.name], f);
  const rows = (sql: string) => q(async (rm) => (await rm.query(sql)).rows);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    for (const [stream, events] of HISTORY) await store.appendToStream(stream, events, 'any');
    // Batches of 3: the counters must not depend on where batches are cut.
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 3, timeoutMs: 240_000 });
  }, 300_000);
  afterAll(() => db.drop());

  it('keeps one row per group and tier, and one per group and unit, at enrolment, as worked out by hand', async () => {
    expect(
      await rows(`SELECT grp, tier, ${STAGES.join(', ')}, converted, revenue_fen::int AS revenue, squares::text FROM ce_tier_now_counts
                  WHERE campaign_id = 'K' AND enrolled <> 0 ORDER BY grp, tier`),
    ).toEqual([
      // X 4000 + 500 = 4500; 4500² = 20,250,000. Y nothing.
      { grp: 'control', tier: 'ordinary', enrolled: 2, contacted: 0, offered: 0, accepted: 0, participated: 0, converted: 1, revenue: 4500, squares: '20250000' },
      // C: gold since 1 March, took part, no sale.
      { grp: 'treatment', tier: 'gold', enrolled: 1, contacted: 0, offered: 0, accepted: 0, participated: 1, converted: 0, revenue: 0, squares: '0' },
      // A (5000: VA1 reversed), B (3000; made gold after enrolment: ordinary here), D (1000): contacted all three, A offered,
      // accepted and so took part. 5000 + 3000 + 1000 = 9000; 5000² + 3000² + 1000² = 25,000,000 + 9,000,000 + 1,000,000.
      { grp: 'treatment', tier: 'ordinary', enrolled: 3, contacted: 3, offered: 1, accepted: 1, participated: 1, converted: 3, revenue: 9000, squares: '35000000' },
    ]);
    expect(await rows(`SELECT grp, unit_id, enrolled, converted FROM ce_unit_now_counts WHERE campaign_id = 'K' AND enrolled <> 0 ORDER BY grp, unit_id`)).toEqual([
      { grp: 'control', unit_id: 'SB1', enrolled: 2, converted: 1 }, // X (two sales: once), Y
      { grp: 'treatment', unit_id: 'SB1', enrolled: 2, converted: 2 }, // A, B (moved to SB2 after enrolment: still SB1)
      { grp: 'treatment', unit_id: 'SB2', enrolled: 1, converted: 0 }, // C
      { grp: 'treatment', unit_id: 'SB3', enrolled: 1, converted: 1 }, // D: its only unit row starts after enrolment, and now it is known
    ]);
  });

  it('holds what the day counters hold summed over every as-of day (stages, converted, revenue), by tier and by unit', async () => {
    const sums = (cols: readonly string[]) => cols.map((c) => `sum(${c})::bigint AS ${c}`).join(', ');
    const nonZero = (cols: readonly string[]) => cols.map((c) => `sum(${c}) <> 0`).join(' OR ');
    const byTier = await rows(`SELECT grp, tier, ${sums(STAGES)} FROM ce_group_counts WHERE campaign_id = 'K' GROUP BY 1, 2 HAVING ${nonZero(STAGES)} ORDER BY 1, 2`);
    expect(await rows(`SELECT grp, tier, ${sums(STAGES)} FROM ce_tier_now_counts WHERE campaign_id = 'K' GROUP BY 1, 2 HAVING ${nonZero(STAGES)} ORDER BY 1, 2`)).toEqual(byTier);
    expect(byTier).toHaveLength(3);
    // By unit: D's '' (before its unit row's day) nets out over every day.
    const byUnit = await rows(`SELECT grp, unit_id, sum(enrolled)::bigint AS enrolled FROM ce_group_counts WHERE campaign_id = 'K' GROUP BY 1, 2 HAVING sum(enrolled) <> 0 ORDER BY 1, 2`);
    expect(await rows(`SELECT grp, unit_id, enrolled::bigint AS enrolled FROM ce_unit_now_counts WHERE campaign_id = 'K' AND enrolled <> 0 ORDER BY 1, 2`)).toEqual(byUnit);
    expect(byUnit).toHaveLength(4);
    const converted = (table: string, key: string) => rows(`SELECT grp, ${key}, sum(converted)::int AS converted FROM ${table} WHERE campaign_id = 'K' GROUP BY 1, 2 HAVING sum(converted) <> 0 ORDER BY 1, 2`);
    expect(await converted('ce_tier_now_counts', 'tier')).toEqual(await converted('ce_converted_counts', 'tier'));
    expect(await converted('ce_unit_now_counts', 'unit_id')).toEqual(await converted('ce_converted_counts', 'unit_id'));
    expect(await rows(`SELECT grp, sum(revenue_fen)::int AS revenue, sum(squares)::text AS squares FROM ce_tier_now_counts WHERE campaign_id = 'K' GROUP BY 1 ORDER BY 1`)).toEqual(
      await rows(`SELECT grp, sum(revenue_fen)::int AS revenue, sum(squares)::text AS squares FROM ce_revenue_counts WHERE campaign_id = 'K' GROUP BY 1 ORDER BY 1`),
    );
  });

  it('answers now as worked out by hand: breakdowns by unit and tier at enrolment, several sales one customer, the reversed sale left out', async () => {
    const now = (await q((rm) => campaignEffectiveness(rm, 'K')))!;
    expect(now.funnel).toEqual({ enrolled: { treatment: 4, control: 2 }, contacted: 3, offered: 1, accepted: 1, participated: 2, converted: 1 });
    expect(now.groups).toEqual({
      treatment: { size: 4, converted: 3, conversionRate: 0.75, revenue: '90.00' },
      control: { size: 2, converted: 1, conversionRate: 0.5, revenue: '45.00' },
    });
    expect(now.conversions).toBe(1); // VA2; VA1 reversed
    expect(now.revenue).toBe('50.00');
    expect(now.byUnit).toEqual([
      { unitId: 'SB1', treatment: 2, control: 2, treatmentConverted: 2, controlConverted: 1 },
      { unitId: 'SB2', treatment: 1, control: 0, treatmentConverted: 0, controlConverted: 0 },
      { unitId: 'SB3', treatment: 1, control: 0, treatmentConverted: 1, controlConverted: 0 },
    ]);
    expect(now.byTier).toEqual([
      { tier: 'gold', treatment: 1, control: 0, treatmentConverted: 0, controlConverted: 0 },
      { tier: 'ordinary', treatment: 3, control: 2, treatmentConverted: 3, controlConverted: 1 },
    ]);
  });

  it('answers now exactly as the day counters summed, as of the end of a later day, and as of an instant from the facts', async () => {
    const now = await q((rm) => campaignEffectiveness(rm, 'K'));
    expect(await q((rm) => campaignEffectivenessNowFromDays(rm, 'K'))).toEqual(now);
    expect(await q((rm) => campaignEffectiveness(rm, 'K', dayEnd('2026-04-30')))).toEqual(now);
    expect(await q((rm) => campaignEffectivenessFromFacts(rm, 'K', new Date('2026-04-30T12:00:00+08:00')))).toEqual(now);
  });

  it('still answers as of a day from the day counters: 23:30 and 00:30 fall on either side of the month', async () => {
    const march = (await q((rm) => campaignEffectiveness(rm, 'K', dayEnd('2026-03-31'))))!;
    // 31 Mar: A contacted (23:30), C took part (23:30); VA1 stands (A converted). D has no unit yet ('').
    expect(march.funnel).toEqual({ enrolled: { treatment: 4, control: 2 }, contacted: 1, offered: 0, accepted: 0, participated: 1, converted: 1 });
    expect(march.byUnit.map((u) => u.unitId)).toEqual(['', 'SB1', 'SB2']);
    const april = (await q((rm) => campaignEffectiveness(rm, 'K', dayEnd('2026-04-01'))))!;
    // 1 Apr: B contacted (00:30), A offered and accepted (00:30, so A takes part too).
    expect(april.funnel).toEqual({ enrolled: { treatment: 4, control: 2 }, contacted: 2, offered: 1, accepted: 1, participated: 2, converted: 1 });
  });

  it('answers as of each day end the same read up to the day or as the now counters less the days after it, and as the fact rows', async () => {
    // 31 Mar, read as now less the days after: 1 Apr (B contacted, A offered and accepted), 2 Apr (D contacted, its unit
    // row from then, VA1 reversed, VB1 and VD1), 3 Apr (VX2) taken off. Treatment converted: A (VA1 standing) only.
    const march = (await q((rm) => campaignEffectivenessAtDayEnd(rm, 'K', dayEnd('2026-03-31'), 'after')))!;
    expect(march.groups.treatment).toEqual({ size: 4, converted: 1, conversionRate: 0.25, revenue: '100.00' });
    expect(march.groups.control).toEqual({ size: 2, converted: 0, conversionRate: 0, revenue: '0.00' });
    expect(march.byUnit).toEqual([
      { unitId: '', treatment: 1, control: 0, treatmentConverted: 0, controlConverted: 0 }, // D: no unit known yet
      { unitId: 'SB1', treatment: 2, control: 2, treatmentConverted: 1, controlConverted: 0 },
      { unitId: 'SB2', treatment: 1, control: 0, treatmentConverted: 0, controlConverted: 0 },
    ]);
    for (let d = 27; d <= 38; d++) {
      const day = d <= 31 ? `2026-03-${d}` : `2026-04-${String(d - 31).padStart(2, '0')}`;
      const facts = await q((rm) => campaignEffectivenessFromFacts(rm, 'K', dayEnd(day)));
      expect({ day, answer: await q((rm) => campaignEffectivenessAtDayEnd(rm, 'K', dayEnd(day), 'upTo')) }).toEqual({ day, answer: facts });
      expect({ day, answer: await q((rm) => campaignEffectivenessAtDayEnd(rm, 'K', dayEnd(day), 'after')) }).toEqual({ day, answer: facts });
    }
  });
  it('answers from a live schema of a version before the now counters (blue/green: v13 serves while v14 builds), as worked out by hand', async () => {
    const before = await q((rm) => campaignEffectiveness(rm, 'K'));
    const lateApril = await q((rm) => campaignEffectiveness(rm, 'K', dayEnd('2026-04-30')));
    const { rows: [{ schema_name: schema }] } = await db.pool.query(`SELECT schema_name FROM projection_checkpoints WHERE name = $1`, [campaignEffectivenessProjection.name]);
    // The tables only v14 has go; their trigger function would fail on a write, but nothing is written after this.
    await db.pool.query(`DROP TABLE "${schema}".ce_tier_now_counts, "${schema}".ce_unit_now_counts CASCADE`);
    const now = (await q((rm) => campaignEffectiveness(rm, 'K')))!;
    // The same hand-worked figures as above: treatment A, B, D converted of 4 (90.00), control X of 2 (45.00).
    expect(now.groups).toEqual({
      treatment: { size: 4, converted: 3, conversionRate: 0.75, revenue: '90.00' },
      control: { size: 2, converted: 1, conversionRate: 0.5, revenue: '45.00' },
    });
    expect(now.byUnit.map((u) => [u.unitId, u.treatment, u.control])).toEqual([['SB1', 2, 2], ['SB2', 1, 0], ['SB3', 1, 0]]);
    expect(now).toEqual(before);
    // 30 April is after every day of K's daily series (its later half): read up to the day, not as now less the days after.
    expect(await q((rm) => campaignEffectiveness(rm, 'K', dayEnd('2026-04-30')))).toEqual(lateApril);
  });
});
