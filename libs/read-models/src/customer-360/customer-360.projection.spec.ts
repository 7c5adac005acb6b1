import { saleKey } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { customer360Projection, periodKey, type HoldingPeriods, type PeriodSales, type SaleHoldings } from './customer-360.projection';

const event = (type: string, data: Record<string, unknown>, occurredAt = '2026-03-31T16:30:00.000Z') => ({ type, data: { customerId: 'C1', ...data }, metadata: { occurredAt } }) as unknown as RecordedEvent;
const state = (optedOut = new Map<string, string[]>(), holdings: HoldingPeriods = new Map(), snapshotMonths = new Map<string, string>(), periodSales: PeriodSales = new Map(), saleHoldings: SaleHoldings = new Map()) =>
  ({ optedOut, holdings, periodSales, snapshotMonths, saleHoldings });
const customerRow = (events: RecordedEvent[], optedOut = new Map<string, string[]>()) => foldEffects(customer360Projection.definition, events, state(optedOut)).rows('c360_customers')[0]!;
const byPeriod = (rows: { key: Record<string, unknown>; change: unknown; insert: unknown }[]) => Object.fromEntries(rows.map((r) => [`${r.key.product_code}/${r.key.period}`, { change: r.change, insert: r.insert }]));
const holdingRows = (events: RecordedEvent[], holdings: HoldingPeriods = new Map(), periodSales: PeriodSales = new Map()) =>
  byPeriod(foldEffects(customer360Projection.definition, events, state(new Map(), holdings, new Map(), periodSales)).rows('c360_holdings'));
const snapshot = (month: string, holdings: string[], at: string) => event('BalanceSnapshotRecorded', { month, averageDailyAssets: '50000.00', holdings }, at);
const sale = (productCode: string, at: string, conversionId = `S-${productCode}-${at}`) => event('ConversionRecorded', { conversionId, staffId: 'rm1', productCode, amount: '1000.00', revenue: '5.00', campaignId: null, referrerStaffId: null, referralId: null }, at);
const reversed = (conversionId: string, at: string) => event('ConversionReversed', { conversionId, reasonNote: null }, at);

describe('the customer 360 as effects', () => {
  it('given channels withdrawn twice and granted back in one batch, lists the ones still opted out of, sorted, once each', () => {
    const row = customerRow(
      [event('ConsentWithdrawn', { channel: 'sms' }), event('ConsentWithdrawn', { channel: 'email' }), event('ConsentWithdrawn', { channel: 'sms' }), event('ConsentGranted', { channel: 'phone' })],
      new Map([['C1', ['phone']]]),
    );
    // phone (before) + sms + email + sms again − phone = email, sms.
    expect(row.change).toEqual({ opted_out: ['email', 'sms'] });
  });

  it('given a card issued, re-tiered and cancelled in one batch, ends with no card; a customer never onboarded gets no row', () => {
    const row = customerRow([
      event('VipCardIssued', { cardId: 'V1', tier: 'gold', validUntil: '2027-03-31T16:00:00.000Z' }),
      event('VipCardTierChanged', { cardId: 'V1', to: 'platinum' }),
      event('VipCardCancelled', { cardId: 'V1' }),
    ]);
    expect(row).toMatchObject({ change: { card_id: null, card_tier: null, card_valid_until: null }, insert: null });
  });

  it('given an onboarding at 00:30 Beijing and a consent withdrawn after it in the batch, inserts the customer already opted out', () => {
    const row = customerRow([event('CustomerOnboarded', { homeUnitId: 'SB1', segment: 'retail', gender: 'F' }), event('ConsentWithdrawn', { channel: 'sms' })]);
    expect(row.insert).toEqual({ customer_id: 'C1', unit_id: 'SB1', segment: 'retail', gender: 'F', onboarded_at: '2026-03-31T16:30:00.000Z', opted_out: ['sms'] });
  });

  it('given snapshots and several sales across a Beijing month boundary, holds each product since the bank day of its sale or the snapshot month, and reopens a product a snapshot closed', () => {
    const rows = holdingRows([
      // February's snapshot, recorded 02:00 Beijing on 2 March: DEP-3M and EBANK held since February.
      snapshot('2026-02', ['EBANK', 'DEP-3M'], '2026-03-01T18:00:00.000Z'),
      // GOLD sold at 23:30 Beijing on 31 March (15:30 UTC): held since 2026-03-31, March.
      sale('GOLD', '2026-03-31T15:30:00.000Z'),
      // FUND-EQ sold at 00:30 Beijing on 1 April (16:30 UTC on 31 March): held since 2026-04-01, April — not March.
      sale('FUND-EQ', '2026-03-31T16:30:00.000Z'),
      // GOLD sold again while held: the same period, two sales.
      sale('GOLD', '2026-04-02T02:00:00.000Z'),
      // March's snapshot no longer lists EBANK: closed in March.
      snapshot('2026-03', ['DEP-3M', 'FUND-EQ', 'GOLD'], '2026-04-02T18:00:00.000Z'),
      // April's lists it again: a second EBANK period, since April (a snapshot tells no day).
      snapshot('2026-04', ['DEP-3M', 'EBANK', 'FUND-EQ', 'GOLD'], '2026-05-01T18:00:00.000Z'),
    ]);
    const opened = (productCode: string, period: number, source: string, sinceAt: string, sinceMonth: string, sinceDay: string | null, sales: number) =>
      ({ customer_id: 'C1', product_code: productCode, period, source, since_at: sinceAt, since_month: sinceMonth, since_day: sinceDay, sales });
    expect(Object.keys(rows).sort()).toEqual(['DEP-3M/1', 'EBANK/1', 'EBANK/2', 'FUND-EQ/1', 'GOLD/1']);
    expect(rows['DEP-3M/1']!.insert).toEqual(opened('DEP-3M', 1, 'snapshot', '2026-03-01T18:00:00.000Z', '2026-02', null, 0));
    expect(rows['EBANK/1']!.insert).toEqual({ ...opened('EBANK', 1, 'snapshot', '2026-03-01T18:00:00.000Z', '2026-02', null, 0), closed_at: '2026-04-02T18:00:00.000Z', closed_month: '2026-03' });
    expect(rows['EBANK/2']!.insert).toEqual(opened('EBANK', 2, 'snapshot', '2026-05-01T18:00:00.000Z', '2026-04', null, 0));
    expect(rows['GOLD/1']!.insert).toEqual(opened('GOLD', 1, 'sale', '2026-03-31T15:30:00.000Z', '2026-03', '2026-03-31', 2));
    expect(rows['FUND-EQ/1']!.insert).toEqual(opened('FUND-EQ', 1, 'sale', '2026-03-31T16:30:00.000Z', '2026-04', '2026-04-01', 1));
  });

  it('given holdings written by earlier batches, a sale of a held product only counts a sale, and a sale of a closed one opens its next period', () => {
    const before: HoldingPeriods = new Map([
      [
        'C1',
        new Map([
          ['GOLD', { period: 1, open: true, sinceMonth: '2026-05', source: 'sale' }],
          ['WM-R2', { period: 2, open: false, sinceMonth: '2026-02', source: 'snapshot' }],
        ]),
      ],
    ]);
    const rows = holdingRows([sale('GOLD', '2026-06-30T16:10:00.000Z'), sale('WM-R2', '2026-06-30T16:10:00.000Z')], before, new Map([[periodKey('C1', 'GOLD', 1), 1], [periodKey('C1', 'WM-R2', 2), 0]]));
    // GOLD/1 is in the table with 1 sale: now 2 (the count set, not 1 added), nothing inserted.
    expect(rows['GOLD/1']).toEqual({ change: { sales: 2 }, insert: null });
    // WM-R2 was held twice and closed: a third period, since 00:10 Beijing on 1 July.
    expect(rows['WM-R2/3']!.insert).toMatchObject({ period: 3, source: 'sale', since_month: '2026-07', since_day: '2026-07-01', sales: 1 });
    expect(before.get('C1')!.get('WM-R2')).toEqual({ period: 3, open: true, sinceMonth: '2026-07', source: 'sale' });
  });

  it('given April held since an earlier batch, a March snapshot recorded late changes no holding; an April sale stays open through March\'s snapshot', () => {
    // Stored: DEP open since February, the latest snapshot applied is April's.
    const before: HoldingPeriods = new Map([['C1', new Map([['DEP', { period: 1, open: true, sinceMonth: '2026-02', source: 'snapshot' }]])]]);
    const late = foldEffects(customer360Projection.definition, [snapshot('2026-03', [], '2026-05-06T01:00:00.000Z')], state(new Map(), before, new Map([['C1', '2026-04']])));
    expect([late.rows('c360_holdings'), late.rows('c360_holding_months')]).toEqual([[], []]);
    // No snapshot applied yet: a sale at 00:30 Beijing on 1 April, then March's snapshot (02:00 Beijing on 2 April) without it.
    const rows = holdingRows([sale('FUND', '2026-03-31T16:30:00.000Z'), snapshot('2026-03', ['DEP'], '2026-04-01T18:00:00.000Z')]);
    expect(rows['FUND/1']!.insert).toMatchObject({ since_month: '2026-04', since_day: '2026-04-01', sales: 1 });
    expect(rows['FUND/1']!.insert).not.toHaveProperty('closed_month');
  });

  it('given three sales of one product around two Beijing month ends, one reversed, and June closed at 00:40 Beijing on 1 July, counts the sales standing and closes only the period held since May', () => {
    const rows = holdingRows([
      // T1 at 23:30 Beijing on 31 May (15:30 UTC): WM held since May, day 2026-05-31, 1 sale.
      sale('WM', '2026-05-31T15:30:00.000Z', 'T1'),
      // T2 at 00:30 Beijing on 1 June (16:30 UTC on 31 May): the same period, 2 sales.
      sale('WM', '2026-05-31T16:30:00.000Z', 'T2'),
      // T3 at 23:30 Beijing on 30 June: 3 sales.
      sale('WM', '2026-06-30T15:30:00.000Z', 'T3'),
      // T2 reversed at 00:00 Beijing on 1 July: 2 sales (T1 and T3 stand, so the period stays).
      reversed('T2', '2026-06-30T16:00:00.000Z'),
      // T4 at 00:30 Beijing on 1 July (16:30 UTC on 30 June, the same UTC day as T3): GOLD held since July, not June.
      sale('GOLD', '2026-06-30T16:30:00.000Z', 'T4'),
      // June snapshot at 00:40 Beijing on 1 July lists DEP only: WM (since May) closes in June; GOLD (since July) is not June's to close.
      snapshot('2026-06', ['DEP'], '2026-06-30T16:40:00.000Z'),
      // T5 at 10:00 Beijing on 1 July: WM held again, its second period.
      sale('WM', '2026-07-01T02:00:00.000Z', 'T5'),
      // T3 reversed after its period closed: WM/1 back to 1 sale (T1); WM/2 keeps its 1.
      reversed('T3', '2026-07-02T02:00:00.000Z'),
    ]);
    expect(Object.keys(rows).sort()).toEqual(['DEP/1', 'GOLD/1', 'WM/1', 'WM/2']);
    const base = { customer_id: 'C1', period: 1 };
    expect(rows['WM/1']!.insert).toEqual({ ...base, product_code: 'WM', source: 'sale', since_at: '2026-05-31T15:30:00.000Z', since_month: '2026-05', since_day: '2026-05-31', sales: 1, closed_at: '2026-06-30T16:40:00.000Z', closed_month: '2026-06' });
    expect(rows['WM/2']!.insert).toEqual({ ...base, period: 2, product_code: 'WM', source: 'sale', since_at: '2026-07-01T02:00:00.000Z', since_month: '2026-07', since_day: '2026-07-01', sales: 1 });
    expect(rows['GOLD/1']!.insert).toEqual({ ...base, product_code: 'GOLD', source: 'sale', since_at: '2026-06-30T16:30:00.000Z', since_month: '2026-07', since_day: '2026-07-01', sales: 1 });
    expect(rows['DEP/1']!.insert).toEqual({ ...base, product_code: 'DEP', source: 'snapshot', since_at: '2026-06-30T16:40:00.000Z', since_month: '2026-06', since_day: null, sales: 0 });
  });

  it('given a reversal of a sale counted in a period since closed, sets that period to the count read less one and leaves the open period alone', () => {
    // Stored: WM/1 closed with 3 sales (T3 among them), WM/2 open with 1.
    const holdings: HoldingPeriods = new Map([['C1', new Map([['WM', { period: 2, open: true, sinceMonth: '2026-07', source: 'sale' }]])]]);
    const periodSales: PeriodSales = new Map([[periodKey('C1', 'WM', 1), 3], [periodKey('C1', 'WM', 2), 1]]);
    const saleHoldings: SaleHoldings = new Map([[saleKey('C1', 'T3'), { productCode: 'WM', period: 1, reversed: false }]]);
    const fold = foldEffects(customer360Projection.definition, [reversed('T3', '2026-07-02T02:00:00.000Z')], state(new Map(), holdings, new Map([['C1', '2026-06']]), periodSales, saleHoldings));
    expect(byPeriod(fold.rows('c360_holdings'))).toEqual({ 'WM/1': { change: { sales: 2 }, insert: null } });
    expect(fold.rows('c360_holding_sales')).toEqual([{ key: { customer_id: 'C1', conversion_id: 'T3' }, change: { reversed_at: '2026-07-02T02:00:00.000Z' }, insert: null, removed: false }]);
  });

  it('given sales, a reversal and a snapshot already applied (a batch applied again), writes nothing to the holdings', () => {
    // Stored after the batch: WM/1 open with 1 sale (T1; T2 reversed), June the latest snapshot.
    const holdings: HoldingPeriods = new Map([['C1', new Map([['WM', { period: 1, open: true, sinceMonth: '2026-05', source: 'sale' }]])]]);
    const periodSales: PeriodSales = new Map([[periodKey('C1', 'WM', 1), 1]]);
    const saleHoldings: SaleHoldings = new Map([
      [saleKey('C1', 'T1'), { productCode: 'WM', period: 1, reversed: false }],
      [saleKey('C1', 'T2'), { productCode: 'WM', period: 1, reversed: true }],
    ]);
    const fold = foldEffects(
      customer360Projection.definition,
      [sale('WM', '2026-05-31T15:30:00.000Z', 'T1'), sale('WM', '2026-05-31T16:30:00.000Z', 'T2'), reversed('T2', '2026-06-30T16:00:00.000Z'), snapshot('2026-06', ['DEP'], '2026-06-30T16:40:00.000Z')],
      state(new Map(), holdings, new Map([['C1', '2026-06']]), periodSales, saleHoldings),
    );
    expect([fold.rows('c360_holdings'), fold.rows('c360_holding_sales'), fold.rows('c360_holding_months')]).toEqual([[], [], []]);
    expect(periodSales.get(periodKey('C1', 'WM', 1))).toBe(1);
  });

  it('given a tier change, keeps when it was recorded', () => {
    const fold = foldEffects(
      customer360Projection.definition,
      [event('CustomerTierChanged', { month: '2026-03', from: 'ordinary', to: 'gold', threeMonthAverage: '120000.00' }, '2026-03-31T16:05:00.000Z')],
      state(),
    );
    expect(fold.rows('c360_tier_history')[0]!.insert).toEqual({ customer_id: 'C1', month: '2026-03', from_tier: 'ordinary', to_tier: 'gold', average_fen: 12_000_000, recorded_at: '2026-03-31T16:05:00.000Z' });
  });
});
