import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { saleKey } from '@app/domain';
import { crossSellingProjection, referralKey, type ReferralSales } from './cross-selling.projection';

const noSales = (): ReferralSales => ({ live: new Map(), referralOf: new Map() });

const event = (type: string, data: Record<string, unknown>, occurredAt = '2026-03-31T15:30:00.000Z') => ({ type, data, metadata: { occurredAt } }) as unknown as RecordedEvent;
const snapshot = (month: string, holdings: string[]) => event('BalanceSnapshotRecorded', { customerId: 'C1', month, holdings, averageDailyAssets: '1234.56' });

describe('cross-selling as effects', () => {
  it('given a customer transferred twice in one batch, files each monthly snapshot under the unit the customer was in when it was recorded', () => {
    const units = new Map([['C1', 'SB1']]);
    const fold = foldEffects(
      crossSellingProjection.definition,
      [
        snapshot('2026-01', ['DEP', 'DEP', 'GOLD']),
        event('CustomerTransferred', { customerId: 'C1', toUnitId: 'SB2' }),
        snapshot('2026-02', ['DEP']),
        event('CustomerTransferred', { customerId: 'C1', toUnitId: 'SB3' }),
        snapshot('2026-03', []),
      ],
      { units, referralSales: noSales() },
    );
    // Holdings counted once per product (DEP twice is one); 1,234.56 yuan is 123,456 fen.
    expect(fold.rows('xs_monthly').map((r) => r.insert)).toEqual([
      { customer_id: 'C1', month: '2026-01', unit_id: 'SB1', products: 2, assets_fen: 123456 },
      { customer_id: 'C1', month: '2026-02', unit_id: 'SB2', products: 1, assets_fen: 123456 },
      { customer_id: 'C1', month: '2026-03', unit_id: 'SB3', products: 0, assets_fen: 123456 },
    ]);
    expect(fold.rows('xs_customers')).toEqual([{ key: { customer_id: 'C1' }, change: { unit_id: 'SB3' }, insert: null, removed: false }]);
  });

  it('given a snapshot of a customer never onboarded, files it under no unit; a campaign closed at 00:30 Beijing on 1 April closes in April', () => {
    const fold = foldEffects(
      crossSellingProjection.definition,
      [event('BalanceSnapshotRecorded', { customerId: 'X', month: '2026-03', holdings: ['DEP'], averageDailyAssets: '0.05' }), event('CampaignCompleted', { campaignId: 'K1' }, '2026-03-31T16:30:00.000Z')],
      { units: new Map(), referralSales: noSales() },
    );
    expect(fold.rows('xs_monthly')[0]!.insert).toMatchObject({ unit_id: '', assets_fen: 5 });
    expect(fold.rows('xs_campaigns')[0]!.change).toEqual({ closed_month: '2026-04' });
  });

  it('given two referred sales, one reversed in the batch and one reversed later, takes each conversion back; a reversal of an unreferred sale changes nothing', () => {
    const referred = (referralId: string) => event('CrossSellReferred', { customerId: 'C1', referralId, referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'GOLD' });
    const sale = (conversionId: string, referralId: string | null) =>
      event('ConversionRecorded', { conversionId, customerId: 'C1', staffId: 'rm1', productCode: 'GOLD', amount: '1000.00', revenue: '5.00', campaignId: null, referrerStaffId: referralId && 'rm2', referralId });
    const reversed = (conversionId: string) => event('ConversionReversed', { conversionId, customerId: 'C1', reasonNote: null });
    // RF-OLD was converted by S-OLD in an earlier batch (the state read from the table says so).
    const state = { units: new Map(), referralSales: { live: new Map([[referralKey('C1', 'RF-OLD'), new Set(['S-OLD'])]]), referralOf: new Map([[saleKey('C1', 'S-OLD'), 'RF-OLD']]) } };
    const fold = foldEffects(
      crossSellingProjection.definition,
      [referred('RF1'), sale('S1', 'RF1'), referred('RF2'), sale('S2', 'RF2'), reversed('S1'), reversed('S-OLD'), sale('S3', null), reversed('S3')],
      state,
    );
    const rows = Object.fromEntries(fold.rows('xs_referrals').map((r) => [r.key.referral_id, r]));
    // RF1: referred, converted by S1, S1 reversed → not converted.
    expect(rows.RF1!.insert).toMatchObject({ referral_id: 'RF1', converted: false });
    // RF2: converted by S2, which stands.
    expect(rows.RF2!.insert).toMatchObject({ referral_id: 'RF2', converted: true });
    // RF-OLD is in the table: only the change.
    expect(rows['RF-OLD']).toMatchObject({ change: { converted: false }, insert: null });
    expect(Object.keys(rows).sort()).toEqual(['RF-OLD', 'RF1', 'RF2']);
    expect([...state.referralSales.referralOf.entries()]).toEqual([[saleKey('C1', 'S2'), 'RF2']]);
    // The sales standing: S2 only (S1 inserted and removed in the batch writes nothing; S-OLD's row is deleted).
    expect(fold.rows('xs_referral_sales').map((r) => [r.key.conversion_id, r.removed, r.insert])).toEqual([
      ['S1', true, null],
      ['S2', false, { customer_id: 'C1', conversion_id: 'S2', referral_id: 'RF2' }],
      ['S-OLD', true, null],
    ]);
  });

  it('given customer A referral X:1 and customer A:X referral 1 (ids may hold a colon), each sold, reversing A sale takes back only A referral', () => {
    const referred = (customerId: string, referralId: string) => event('CrossSellReferred', { customerId, referralId, referrerStaffId: 'rm2', sellerStaffId: 'rm1', productCode: 'GOLD' });
    const sale = (customerId: string, conversionId: string, referralId: string) =>
      event('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'GOLD', amount: '1000.00', revenue: '5.00', campaignId: null, referrerStaffId: 'rm2', referralId });
    const fold = foldEffects(
      crossSellingProjection.definition,
      [referred('A', 'X:1'), referred('A:X', '1'), sale('A', 'S:1', 'X:1'), sale('A:X', '1', '1'), event('ConversionReversed', { conversionId: 'S:1', customerId: 'A', reasonNote: null })],
      { units: new Map(), referralSales: noSales() },
    );
    // A's referral X:1: its only sale reversed → not converted. A:X's referral 1: its sale stands → converted.
    expect(fold.rows('xs_referrals').map((r) => ({ customer: r.key.customer_id, referral: r.key.referral_id, converted: r.insert?.converted }))).toEqual([
      { customer: 'A', referral: 'X:1', converted: false },
      { customer: 'A:X', referral: '1', converted: true },
    ]);
  });
});
