import type { RecordedEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { applyInEveryCut, cutLog } from '../../../../test/support/batch-cuts';
import { crossSellingProjection } from './cross-selling.projection';

const event = (type: string, data: Record<string, unknown>) => ({ type, data, metadata: { occurredAt: '2026-03-31T16:30:00.000Z' } }) as unknown as RecordedEvent;
const referred = (customerId: string, referralId: string) => event('CrossSellReferred', { customerId, referralId, referrerStaffId: 'teller', sellerStaffId: 'rm1', productCode: 'GOLD' });
const sale = (customerId: string, conversionId: string, referralId: string | null) =>
  event('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'GOLD', amount: '1000.00', revenue: '5.00', campaignId: null, referrerStaffId: referralId && 'teller', referralId });
const reversed = (customerId: string, conversionId: string) => event('ConversionReversed', { conversionId, customerId, reasonNote: null });

/** Several sales naming one referral (the domain allows it), some reversed. */
const LOG = [
  // C1: S1 and S2 name R; S1 is reversed. S2 stands: R is converted.
  referred('C1', 'R'),
  sale('C1', 'S1', 'R'),
  sale('C1', 'S2', 'R'),
  reversed('C1', 'S1'),
  // C2: T1 and T2 name Q; T2 (the later one) is reversed. T1 stands: Q is converted.
  referred('C2', 'Q'),
  sale('C2', 'T1', 'Q'),
  sale('C2', 'T2', 'Q'),
  reversed('C2', 'T2'),
  // C3: U1 and U2 name P; both reversed: P is not converted. W1 names no referral: nothing.
  referred('C3', 'P'),
  sale('C3', 'U1', 'P'),
  sale('C3', 'U2', 'P'),
  reversed('C3', 'U1'),
  reversed('C3', 'U2'),
  sale('C3', 'W1', null),
  reversed('C3', 'W1'),
];

const cut = (sizes: number[]) => cutLog(LOG, sizes);
const CUTS: Record<string, RecordedEvent[][]> = {
  whole: cut([LOG.length]),
  singles: cut(LOG.map(() => 1)),
  // Both sales in one batch, their reversal in the next (the reversal reads the sales from the table).
  threes: cut([3, 3, 3, 3, 3]),
  pairs: cut([2, 2, 2, 2, 2, 2, 2, 1]),
  uneven: cut([4, 1, 6, 4]),
};

describe('cross-selling referrals with several sales, however the batches are cut', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await applyInEveryCut(db.pool, crossSellingProjection, 'rm_xs', CUTS);
  });
  afterAll(() => db.drop());

  it.each(Object.keys(CUTS))('cut %s: a referral is converted while a sale naming it stands', async (name) => {
    const { rows } = await db.pool.query(`SELECT customer_id, referral_id, converted FROM rm_xs_${name}.xs_referrals ORDER BY customer_id`);
    expect(rows).toEqual([
      { customer_id: 'C1', referral_id: 'R', converted: true },
      { customer_id: 'C2', referral_id: 'Q', converted: true },
      { customer_id: 'C3', referral_id: 'P', converted: false },
    ]);
  });

  it.each(Object.keys(CUTS))('cut %s: keeps the sales standing per referral', async (name) => {
    const { rows } = await db.pool.query(`SELECT customer_id, conversion_id, referral_id FROM rm_xs_${name}.xs_referral_sales ORDER BY customer_id`);
    expect(rows).toEqual([
      { customer_id: 'C1', conversion_id: 'S2', referral_id: 'R' },
      { customer_id: 'C2', conversion_id: 'T1', referral_id: 'Q' },
    ]);
  });
});
