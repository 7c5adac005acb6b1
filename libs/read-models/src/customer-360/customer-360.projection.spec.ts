import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { customer360Projection, type HoldingPeriods } from './customer-360.projection';

const event = (type: string, data: Record<string, unknown>, occurredAt = '2026-03-31T16:30:00.000Z') => ({ type, data: { customerId: 'C1', ...data }, metadata: { occurredAt } }) as unknown as RecordedEvent;
const state = (optedOut = new Map<string, string[]>(), holdings: HoldingPeriods = new Map(), snapshotMonths = new Map<string, string>()) => ({ optedOut, holdings, snapshotMonths, saleHoldings: new Map() });
const customerRow = (events: RecordedEvent[], optedOut = new Map<string, string[]>()) => foldEffects(customer360Projection.definition, events, state(optedOut)).rows('c360_customers')[0]!;
const holdingRows = (events: RecordedEvent[], holdings: HoldingPeriods = new Map()) =>
  Object.fromEntries(foldEffects(customer360Projection.definition, events, state(new Map(), holdings)).rows('c360_holdings').map((r) => [`${r.key.product_code}/${r.key.period}`, { change: r.change, insert: r.insert }]));
const snapshot = (month: string, holdings: string[], at: string) => event('BalanceSnapshotRecorded', { month, averageDailyAssets: '50000.00', holdings }, at);
const sale = (productCode: string, at: string) => event('ConversionRecorded', { conversionId: `S-${at}`, staffId: 'rm1', productCode, amount: '1000.00', revenue: '5.00', campaignId: null, referrerStaffId: null, referralId: null }, at);

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
          ['GOLD', { period: 1, open: true, sinceMonth: '2026-05', source: 'sale', sales: 1 }],
          ['WM-R2', { period: 2, open: false, sinceMonth: '2026-02', source: 'snapshot', sales: 0 }],
        ]),
      ],
    ]);
    const rows = holdingRows([sale('GOLD', '2026-06-30T16:10:00.000Z'), sale('WM-R2', '2026-06-30T16:10:00.000Z')], before);
    // GOLD/1 is in the table: one more sale, nothing inserted.
    expect(rows['GOLD/1']).toEqual({ change: { sales: 1 }, insert: null });
    // WM-R2 was held twice and closed: a third period, since 00:10 Beijing on 1 July.
    expect(rows['WM-R2/3']!.insert).toMatchObject({ period: 3, source: 'sale', since_month: '2026-07', since_day: '2026-07-01', sales: 1 });
    expect(before.get('C1')!.get('WM-R2')).toEqual({ period: 3, open: true, sinceMonth: '2026-07', source: 'sale', sales: 1 });
  });

  it('given April held since an earlier batch, a March snapshot recorded late changes no holding; an April sale stays open through March\'s snapshot', () => {
    // Stored: DEP open since February, the latest snapshot applied is April's.
    const before: HoldingPeriods = new Map([['C1', new Map([['DEP', { period: 1, open: true, sinceMonth: '2026-02', source: 'snapshot', sales: 0 }]])]]);
    const late = foldEffects(customer360Projection.definition, [snapshot('2026-03', [], '2026-05-06T01:00:00.000Z')], state(new Map(), before, new Map([['C1', '2026-04']])));
    expect([late.rows('c360_holdings'), late.rows('c360_holding_months')]).toEqual([[], []]);
    // No snapshot applied yet: a sale at 00:30 Beijing on 1 April, then March's snapshot (02:00 Beijing on 2 April) without it.
    const rows = holdingRows([sale('FUND', '2026-03-31T16:30:00.000Z'), snapshot('2026-03', ['DEP'], '2026-04-01T18:00:00.000Z')]);
    expect(rows['FUND/1']!.insert).toMatchObject({ since_month: '2026-04', since_day: '2026-04-01', sales: 1 });
    expect(rows['FUND/1']!.insert).not.toHaveProperty('closed_month');
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
