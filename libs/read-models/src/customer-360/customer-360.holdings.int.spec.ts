import type { RecordedEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { applyInEveryCut, cutLog } from '../../../../test/support/batch-cuts';
import { customer360Projection } from './customer-360.projection';

const event = (type: string, data: Record<string, unknown>, occurredAt: string) => ({ type, data: { customerId: 'C1', ...data }, metadata: { occurredAt } }) as unknown as RecordedEvent;
const snapshot = (month: string, holdings: string[], at: string) => event('BalanceSnapshotRecorded', { month, averageDailyAssets: '50000.00', holdings }, at);
const sale = (conversionId: string, productCode: string, at: string) =>
  event('ConversionRecorded', { conversionId, staffId: 'rm1', productCode, amount: '1000.00', revenue: '5.00', campaignId: null, referrerStaffId: null, referralId: null }, at);
const reversed = (conversionId: string, at: string) => event('ConversionReversed', { conversionId, reasonNote: null }, at);

/** Times in UTC; Beijing is 8 hours ahead. */
const LOG = [
  // 1. February's snapshot (02:00 Beijing 2 March): DEP and EBANK held since February.
  snapshot('2026-02', ['DEP', 'EBANK'], '2026-03-01T18:00:00.000Z'),
  // 2. FUND sold at 00:30 Beijing on 1 April: held since April (day 2026-04-01).
  sale('S1', 'FUND', '2026-03-31T16:30:00.000Z'),
  // 3. GOLD sold at 00:40 Beijing on 1 April: held since April — until its sale is reversed (6).
  sale('S2', 'GOLD', '2026-03-31T16:40:00.000Z'),
  // 4. DEP sold again at 10:00 Beijing on 1 April: one sale in DEP's open period.
  sale('S3', 'DEP', '2026-04-01T02:00:00.000Z'),
  // 5. March's snapshot, recorded 02:00 Beijing on 2 April, lists DEP only: EBANK (since February) closes in March;
  //    FUND and GOLD, held since April, are not March's to close.
  snapshot('2026-03', ['DEP'], '2026-04-01T18:00:00.000Z'),
  // 6. S2 reversed: GOLD was held by that sale alone and no snapshot has spoken for April: the period is taken back.
  reversed('S2', '2026-04-03T02:00:00.000Z'),
  // 7. S3 reversed: DEP (held by the snapshots) stays, its sales back to 0.
  reversed('S3', '2026-04-03T03:00:00.000Z'),
  // 8. WM sold at 10:00 Beijing on 10 April.
  sale('S4', 'WM', '2026-04-10T02:00:00.000Z'),
  // 9. April's snapshot lists DEP, FUND and WM: all held.
  snapshot('2026-04', ['DEP', 'FUND', 'WM'], '2026-05-01T18:00:00.000Z'),
  // 10. S4 reversed after April's snapshot listed WM: WM stays held (the snapshot says so), with 0 sales.
  reversed('S4', '2026-05-02T02:00:00.000Z'),
  // 11. GOLD sold at 10:00 Beijing on 5 May: its first period (the taken-back one never was), since May.
  sale('S5', 'GOLD', '2026-05-05T02:00:00.000Z'),
  // 12. A March snapshot recorded late, listing nothing: older than April's, it changes nothing now.
  snapshot('2026-03', [], '2026-05-06T01:00:00.000Z'),
];

const cut = (sizes: number[]) => cutLog(LOG, sizes);
const CUTS: Record<string, RecordedEvent[][]> = {
  whole: cut([LOG.length]),
  singles: cut(LOG.map(() => 1)),
  threes: cut([3, 3, 3, 3]),
  uneven: cut([5, 1, 1, 5]),
  pairs: cut([2, 2, 2, 2, 2, 2]),
};

describe('customer 360 holdings with late snapshots and reversed sales, however the batches are cut', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await applyInEveryCut(db.pool, customer360Projection, 'rm_c360', CUTS);
  });
  afterAll(() => db.drop());

  it.each(Object.keys(CUTS))('cut %s: closes only what a snapshot speaks for, and takes reversed sales off', async (name) => {
    const { rows } = await db.pool.query(
      `SELECT product_code, period, source, since_month, since_day, sales, closed_month FROM rm_c360_${name}.c360_holdings ORDER BY product_code, period`,
    );
    const period = (product_code: string, source: string, since_month: string, since_day: string | null, sales: number, closed_month: string | null = null) =>
      ({ product_code, period: 1, source, since_month, since_day, sales, closed_month });
    expect(rows).toEqual([
      period('DEP', 'snapshot', '2026-02', null, 0),
      period('EBANK', 'snapshot', '2026-02', null, 0, '2026-03'),
      period('FUND', 'sale', '2026-04', '2026-04-01', 1),
      period('GOLD', 'sale', '2026-05', '2026-05-05', 1),
      period('WM', 'sale', '2026-04', '2026-04-10', 0),
    ]);
  });

  it.each(Object.keys(CUTS))('cut %s: keeps the period of each sale standing and the latest snapshot month', async (name) => {
    expect((await db.pool.query(`SELECT conversion_id, product_code, period FROM rm_c360_${name}.c360_holding_sales ORDER BY conversion_id`)).rows).toEqual([
      { conversion_id: 'S1', product_code: 'FUND', period: 1 },
      { conversion_id: 'S5', product_code: 'GOLD', period: 1 },
    ]);
    expect((await db.pool.query(`SELECT customer_id, month FROM rm_c360_${name}.c360_holding_months`)).rows).toEqual([{ customer_id: 'C1', month: '2026-04' }]);
  });
});
