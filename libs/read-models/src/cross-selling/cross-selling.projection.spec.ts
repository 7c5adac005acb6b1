import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { crossSellingProjection } from './cross-selling.projection';

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
      units,
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
      new Map(),
    );
    expect(fold.rows('xs_monthly')[0]!.insert).toMatchObject({ unit_id: '', assets_fen: 5 });
    expect(fold.rows('xs_campaigns')[0]!.change).toEqual({ closed_month: '2026-04' });
  });
});
