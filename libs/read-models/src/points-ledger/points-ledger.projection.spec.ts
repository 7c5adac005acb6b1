import type { RecordedEvent } from '@app/event-store';
import { foldEffects } from '../runner/effects';
import { pointsLedgerProjection } from './points-ledger.projection';

const event = (type: string, data: Record<string, unknown>, occurredAt = '2026-03-31T16:30:00.000Z') => ({ type, data: { customerId: 'C1', ...data }, metadata: { occurredAt } }) as unknown as RecordedEvent;

describe('the points ledger as effects', () => {
  it('given points earned, partly spent, then the transaction reversed (twice), books one signed entry per fact, the reversal at what was taken back', () => {
    const rows = foldEffects(
      pointsLedgerProjection.definition,
      [
        event('TransactionPointsEarned', { lotId: 'L1', points: 120, transactionId: 'T1', expiresAt: '2027-03-31T16:00:00.000Z' }),
        event('PointsRedeemed', { redemptionId: 'R1', points: 100 }),
        event('TransactionPointsReversed', { transactionId: 'T1', points: 120, pointsReversed: 20 }),
        event('TransactionPointsReversed', { transactionId: 'T1', points: 120, pointsReversed: 20 }),
        // Written before `pointsReversed` existed: booked at the points earned.
        event('TransactionPointsReversed', { transactionId: 'T0', points: 7 }),
      ],
      undefined,
    )
      .rows('pl_entries')
      .map((r) => [r.insert!.entry_key, r.insert!.points]);
    // 120 earned − 100 redeemed − 20 taken back = 0 left of T1; the repeated reversal is one entry; T0 −7.
    expect(rows).toEqual([
      ['L1', 120],
      ['redemption-R1', -100],
      ['reversal-T1', -20],
      ['reversal-T0', -7],
    ]);
  });
});
