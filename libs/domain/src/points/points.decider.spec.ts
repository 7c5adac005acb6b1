import { actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import { balance, pointsDecider, type PointsCommand, type PointsEvent } from './points.decider';

const at = '2026-03-31T12:00:00.000Z';
const cmd = (c: Record<string, unknown>) => ({ customerId: 'C1', at, by: actor('rm1'), ...c }) as unknown as PointsCommand;
const given = (history: PointsEvent[]) => spec(pointsDecider).given(history);

const benefit = (month: string, points: number, expiresAt = '2028-03-31T12:00:00.000Z'): PointsEvent => ({
  type: 'BenefitPointsAccrued',
  data: { customerId: 'C1', lotId: `benefit-${month}`, month, assetChange: '0.00', profitParameter: '0.01', points, expiresAt },
});
const earned = (transactionId: string, points: number, expiresAt = '2028-03-01T00:00:00.000Z'): PointsEvent => ({
  type: 'TransactionPointsEarned',
  data: { customerId: 'C1', lotId: `tx-${transactionId}`, transactionId, spend: `${points}.00`, points, expiresAt },
});

describe('points', () => {
  it('accrues benefit points from asset growth × the profit parameter, expiring in 2 years', () => {
    // 150,000.00 growth × 0.002 = 300 points
    given([])
      .when(cmd({ type: 'AccrueBenefitPoints', month: '2026-03', assetChange: '150000', profitParameter: '0.002' }))
      .then([
        {
          type: 'BenefitPointsAccrued',
          data: { customerId: 'C1', lotId: 'benefit-2026-03', month: '2026-03', assetChange: '150000.00', profitParameter: '0.002', points: 300, expiresAt: '2028-03-31T12:00:00.000Z' },
        },
      ]);
  });

  it('gives no benefit points for a fall in assets, and accrues a month once', () => {
    given([]).when(cmd({ type: 'AccrueBenefitPoints', month: '2026-03', assetChange: '-5000', profitParameter: '0.002' })).thenMatches([{ data: { points: 0 } }]);
    given([benefit('2026-03', 1)]).when(cmd({ type: 'AccrueBenefitPoints', month: '2026-03', assetChange: '1', profitParameter: '0.002' })).thenRefuses('ALREADY_ACCRUED');
  });

  it('earns 1 point per whole CNY of POS spend', () => {
    given([]).when(cmd({ type: 'EarnTransactionPoints', transactionId: 'T1', spend: '258.99' })).thenMatches([{ type: 'TransactionPointsEarned', data: { points: 258, spend: '258.99' } }]);
  });

  it('takes back a cancelled transaction\'s points, effective the next day, once', () => {
    given([earned('T1', 258)])
      .when(cmd({ type: 'ReverseTransactionPoints', transactionId: 'T1', reason: 'disputed' }))
      .then([{ type: 'TransactionPointsReversed', data: { customerId: 'C1', transactionId: 'T1', points: 258, effectiveOn: '2026-04-01', reason: 'disputed' } }]);
    const reversed: PointsEvent = { type: 'TransactionPointsReversed', data: { customerId: 'C1', transactionId: 'T1', points: 258, effectiveOn: '2026-04-01', reason: 'x' } };
    given([earned('T1', 258), reversed]).when(cmd({ type: 'ReverseTransactionPoints', transactionId: 'T1', reason: 'again' })).thenRefuses('ALREADY_REVERSED');
  });

  it('redeems within the balance and refuses beyond it', () => {
    given([benefit('2026-01', 100), earned('T1', 50)]).when(cmd({ type: 'RedeemPoints', redemptionId: 'R1', points: 150, description: 'gift' })).thenMatches([{ type: 'PointsRedeemed' }]);
    given([benefit('2026-01', 100), earned('T1', 50)]).when(cmd({ type: 'RedeemPoints', redemptionId: 'R1', points: 151, description: 'gift' })).thenRefuses('INSUFFICIENT_POINTS', { available: 150 });
  });

  it('does not count expired lots in the balance, and expires them', () => {
    const old = benefit('2024-01', 70, '2026-01-31T00:00:00.000Z');
    given([old, earned('T1', 30)]).when(cmd({ type: 'RedeemPoints', redemptionId: 'R1', points: 31, description: 'x' })).thenRefuses('INSUFFICIENT_POINTS', { available: 30 });
    given([old, earned('T1', 30)]).when(cmd({ type: 'ExpirePoints' })).then([{ type: 'PointsExpired', data: { customerId: 'C1', lotIds: ['benefit-2024-01'], points: 70 } }]);
  });

  it('spends the oldest lots first, so later expiry takes only what is left', () => {
    const state = [benefit('2026-01', 100, '2028-01-31T00:00:00.000Z'), benefit('2026-02', 100, '2028-02-28T00:00:00.000Z'), { type: 'PointsRedeemed', data: { customerId: 'C1', redemptionId: 'R1', points: 150, description: 'x' } } as PointsEvent].reduce(
      pointsDecider.evolve,
      pointsDecider.initialState(),
    );
    expect(balance(state, '2028-02-01T00:00:00.000Z')).toBe(50);
  });

  it('deducts a participant\'s campaign cost share once, never below zero', () => {
    given([benefit('2026-01', 20)])
      .when(cmd({ type: 'DeductCampaignCost', campaignId: 'K1', costShare: '25.00' }))
      .then([{ type: 'CampaignCostPointsDeducted', data: { customerId: 'C1', campaignId: 'K1', costShare: '25.00', points: 20 } }]);
    const deducted: PointsEvent = { type: 'CampaignCostPointsDeducted', data: { customerId: 'C1', campaignId: 'K1', costShare: '25.00', points: 20 } };
    given([benefit('2026-01', 20), deducted]).when(cmd({ type: 'DeductCampaignCost', campaignId: 'K1', costShare: '25.00' })).then([]);
  });
});
