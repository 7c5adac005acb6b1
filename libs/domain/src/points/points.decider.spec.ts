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
  it('accrues benefit points exactly: 100.00 growth × 0.57 = 57 points (binary floats make it 56.99… and drop a point)', () => {
    given([])
      .when(cmd({ type: 'AccrueBenefitPoints', month: '2026-03', assetChange: '100', profitParameter: '0.57' }))
      .then([
        {
          type: 'BenefitPointsAccrued',
          data: { customerId: 'C1', lotId: 'benefit-2026-03', month: '2026-03', assetChange: '100.00', profitParameter: '0.57', points: 57, expiresAt: '2028-03-31T12:00:00.000Z' },
        },
      ]);
  });

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
      .when(cmd({ type: 'ReverseTransactionPoints', transactionId: 'T1', reasonNote: 'N1' }))
      .then([
        {
          type: 'TransactionPointsReversed',
          data: { customerId: 'C1', transactionId: 'T1', points: 258, pointsReversed: 258, drawnFrom: [{ lotId: 'tx-T1', points: 258 }], effectiveOn: '2026-04-01', reasonNote: 'N1' },
        },
      ]);
    const reversed: PointsEvent = { type: 'TransactionPointsReversed', data: { customerId: 'C1', transactionId: 'T1', points: 258, effectiveOn: '2026-04-01', reasonNote: null } };
    given([earned('T1', 258), reversed]).when(cmd({ type: 'ReverseTransactionPoints', transactionId: 'T1', reasonNote: null })).thenRefuses('ALREADY_REVERSED');
  });

  it('redeems within the balance and refuses beyond it', () => {
    given([benefit('2026-01', 100), earned('T1', 50)]).when(cmd({ type: 'RedeemPoints', redemptionId: 'R1', points: 150, descriptionNote: null })).thenMatches([{ type: 'PointsRedeemed' }]);
    given([benefit('2026-01', 100), earned('T1', 50)]).when(cmd({ type: 'RedeemPoints', redemptionId: 'R1', points: 151, descriptionNote: null })).thenRefuses('INSUFFICIENT_POINTS', { available: 150 });
  });

  it('does not count expired lots in the balance, and expires them', () => {
    const old = benefit('2024-01', 70, '2026-01-31T00:00:00.000Z');
    given([old, earned('T1', 30)]).when(cmd({ type: 'RedeemPoints', redemptionId: 'R1', points: 31, descriptionNote: null })).thenRefuses('INSUFFICIENT_POINTS', { available: 30 });
    given([old, earned('T1', 30)]).when(cmd({ type: 'ExpirePoints' })).then([{ type: 'PointsExpired', data: { customerId: 'C1', lotIds: ['benefit-2024-01'], points: 70 } }]);
  });

  it('spends the oldest lots first, so later expiry takes only what is left', () => {
    const state = [benefit('2026-01', 100, '2028-01-31T00:00:00.000Z'), benefit('2026-02', 100, '2028-02-28T00:00:00.000Z'), { type: 'PointsRedeemed', data: { customerId: 'C1', redemptionId: 'R1', points: 150, descriptionNote: null } } as PointsEvent].reduce(
      pointsDecider.evolve,
      pointsDecider.initialState(),
    );
    expect(balance(state, '2028-02-01T00:00:00.000Z')).toBe(50);
  });

  it('DOMAIN Points (expire 2 years after accrual): redemption never draws on a lot past its expiry, even before the expiry command ran', () => {
    // 70 points past their date (no PointsExpired yet) and 50 live ones: 50 can be redeemed once, not three times.
    const old = benefit('2024-01', 70, '2026-01-31T00:00:00.000Z');
    const redeemed: PointsEvent = { type: 'PointsRedeemed', data: { customerId: 'C1', redemptionId: 'R1', points: 50, descriptionNote: null, drawnFrom: [{ lotId: 'tx-T1', points: 50 }] } };
    given([old, earned('T1', 50), redeemed]).when(cmd({ type: 'RedeemPoints', redemptionId: 'R2', points: 50, descriptionNote: null })).thenRefuses('INSUFFICIENT_POINTS', { available: 0 });
    given([old, earned('T1', 50)]).when(cmd({ type: 'RedeemPoints', redemptionId: 'R1', points: 50, descriptionNote: null })).then([redeemed]);
    // The lot past its date still holds all it had: the expiry takes exactly that.
    given([old, earned('T1', 50), redeemed]).when(cmd({ type: 'ExpirePoints' })).then([{ type: 'PointsExpired', data: { customerId: 'C1', lotIds: ['benefit-2024-01'], points: 70 } }]);
  });

  it('DOMAIN Points (expire 2 years after accrual): a campaign cost deduction draws only on live lots, whether or not the expiry ran', () => {
    const old = benefit('2024-01', 70, '2026-01-31T00:00:00.000Z');
    given([old, benefit('2026-01', 50)])
      .when(cmd({ type: 'DeductCampaignCost', campaignId: 'K1', costShare: '80.00' }))
      .then([{ type: 'CampaignCostPointsDeducted', data: { customerId: 'C1', campaignId: 'K1', costShare: '80.00', points: 50, drawnFrom: [{ lotId: 'benefit-2026-01', points: 50 }] } }]);
  });

  it('DOMAIN Campaigns ("participants\' benefit points are deducted by their cost share"; 004 第二十七、二十八条: benefit points pay for services, transaction points for goods): a campaign cost deduction draws on benefit lots only', () => {
    // 100.00 CNY of cost is 100 points; the customer has 30 benefit points and 500 transaction
    // points that expire sooner. Only the 30 benefit points can pay: the transaction lot is left whole.
    given([earned('T1', 500, '2027-06-30T00:00:00.000Z'), benefit('2026-01', 30)])
      .when(cmd({ type: 'DeductCampaignCost', campaignId: 'K1', costShare: '100.00' }))
      .then([{ type: 'CampaignCostPointsDeducted', data: { customerId: 'C1', campaignId: 'K1', costShare: '100.00', points: 30, drawnFrom: [{ lotId: 'benefit-2026-01', points: 30 }] } }]);
  });

  it('replays a cost deduction written before benefit-only drawing as it was decided: on the oldest lots of any kind', () => {
    const legacy = { type: 'CampaignCostPointsDeducted', data: { customerId: 'C1', campaignId: 'K0', costShare: '40.00', points: 40 } } as PointsEvent;
    const state = [earned('T1', 50, '2027-06-30T00:00:00.000Z'), benefit('2026-01', 30), legacy].reduce(pointsDecider.evolve, pointsDecider.initialState());
    expect(state.lots.map((l) => [l.lotId, l.remaining])).toEqual([
      ['tx-T1', 10],
      ['benefit-2026-01', 30],
    ]);
  });

  it('reads events written before lots were named, drawing on the oldest lots not marked expired as they did', () => {
    const legacy = { type: 'PointsRedeemed', data: { customerId: 'C1', redemptionId: 'R1', points: 30, descriptionNote: null } } as PointsEvent;
    const state = [benefit('2026-01', 100, '2028-01-31T00:00:00.000Z'), benefit('2026-02', 100, '2028-02-28T00:00:00.000Z'), legacy].reduce(pointsDecider.evolve, pointsDecider.initialState());
    expect(state.lots.map((l) => l.remaining)).toEqual([70, 100]);
  });

  it('DOMAIN Points (reversed the next day): a reversal records what it actually took back, never more than is left', () => {
    // T1's 35 points were spent; only 10 points are left anywhere, so 10 are taken back, not 35.
    const spent: PointsEvent = { type: 'PointsRedeemed', data: { customerId: 'C1', redemptionId: 'R1', points: 25, descriptionNote: null, drawnFrom: [{ lotId: 'tx-T1', points: 25 }] } };
    given([earned('T1', 35), spent])
      .when(cmd({ type: 'ReverseTransactionPoints', transactionId: 'T1', reasonNote: 'N1' }))
      .then([
        {
          type: 'TransactionPointsReversed',
          data: { customerId: 'C1', transactionId: 'T1', points: 35, pointsReversed: 10, drawnFrom: [{ lotId: 'tx-T1', points: 10 }], effectiveOn: '2026-04-01', reasonNote: 'N1' },
        },
      ]);
    const allSpent: PointsEvent = { type: 'PointsRedeemed', data: { customerId: 'C1', redemptionId: 'R1', points: 35, descriptionNote: null, drawnFrom: [{ lotId: 'tx-T1', points: 35 }] } };
    given([earned('T1', 35), allSpent]).when(cmd({ type: 'ReverseTransactionPoints', transactionId: 'T1', reasonNote: 'N1' })).thenMatches([{ data: { points: 35, pointsReversed: 0, drawnFrom: [] } }]);
  });

  it('deducts a participant\'s campaign cost share once, never below zero', () => {
    given([benefit('2026-01', 20)])
      .when(cmd({ type: 'DeductCampaignCost', campaignId: 'K1', costShare: '25.00' }))
      .then([{ type: 'CampaignCostPointsDeducted', data: { customerId: 'C1', campaignId: 'K1', costShare: '25.00', points: 20, drawnFrom: [{ lotId: 'benefit-2026-01', points: 20 }] } }]);
    const deducted: PointsEvent = { type: 'CampaignCostPointsDeducted', data: { customerId: 'C1', campaignId: 'K1', costShare: '25.00', points: 20 } };
    given([benefit('2026-01', 20), deducted]).when(cmd({ type: 'DeductCampaignCost', campaignId: 'K1', costShare: '25.00' })).then([]);
  });
});
