import type { RecordedEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { applyInEveryCut, cutLog } from '../../../../test/support/batch-cuts';
import { customer360Projection } from './customer-360.projection';

const event = (type: string, data: Record<string, unknown>, occurredAt: string, customerId = 'C1') => ({ type, data: { customerId, ...data }, metadata: { occurredAt } }) as unknown as RecordedEvent;
const snapshot = (month: string, holdings: string[], at: string, customerId?: string) => event('BalanceSnapshotRecorded', { month, averageDailyAssets: '50000.00', holdings }, at, customerId);
const sale = (conversionId: string, productCode: string, at: string, customerId?: string) =>
  event('ConversionRecorded', { conversionId, staffId: 'rm1', productCode, amount: '1000.00', revenue: '5.00', campaignId: null, referrerStaffId: null, referralId: null }, at, customerId);
const reversed = (conversionId: string, at: string, customerId?: string) => event('ConversionReversed', { conversionId, reasonNote: null }, at, customerId);

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
  // C2: several sales of one product around two Beijing month ends, two of them reversed.
  // 13. T1: WM sold at 23:30 Beijing on 31 May (15:30 UTC): WM/1 since May (day 2026-05-31), 1 sale.
  sale('T1', 'WM', '2026-05-31T15:30:00.000Z', 'C2'),
  // 14. T2: WM sold at 00:30 Beijing on 1 June (16:30 UTC on 31 May): in WM/1, 2 sales.
  sale('T2', 'WM', '2026-05-31T16:30:00.000Z', 'C2'),
  // 15. May's snapshot, recorded at 23:30 Beijing on 1 June, lists WM: it stays open (and is spoken for).
  snapshot('2026-05', ['WM'], '2026-06-01T15:30:00.000Z', 'C2'),
  // 16. T3: WM sold at 23:30 Beijing on 30 June: WM/1, 3 sales.
  sale('T3', 'WM', '2026-06-30T15:30:00.000Z', 'C2'),
  // 17. T2 reversed at 00:00 Beijing on 1 July: WM/1, 2 sales.
  reversed('T2', '2026-06-30T16:00:00.000Z', 'C2'),
  // 18. T4: GOLD sold at 00:30 Beijing on 1 July (16:30 UTC on 30 June, the UTC day of T3): GOLD/1 since July.
  sale('T4', 'GOLD', '2026-06-30T16:30:00.000Z', 'C2'),
  // 19. June's snapshot at 00:40 Beijing on 1 July lists DEP only: WM/1 (since May) closes in June, GOLD (since July)
  //     stays open, DEP/1 opens since June.
  snapshot('2026-06', ['DEP'], '2026-06-30T16:40:00.000Z', 'C2'),
  // 20. T5: WM sold at 10:00 Beijing on 1 July: WM held again, WM/2 since July, 1 sale.
  sale('T5', 'WM', '2026-07-01T02:00:00.000Z', 'C2'),
  // 21. T3 reversed after WM/1 closed: WM/1 back to 1 sale (T1 alone stands), WM/2 keeps 1.
  reversed('T3', '2026-07-02T02:00:00.000Z', 'C2'),
  // C3: sales in month M recorded before and after M's snapshot.
  // 22. U1: FUND sold at 23:50 Beijing on 31 July (15:50 UTC): FUND/1 since July (day 2026-07-31), 1 sale.
  sale('U1', 'FUND', '2026-07-31T15:50:00.000Z', 'C3'),
  // 23. July's snapshot at 00:10 Beijing on 1 August lists DEP only: FUND/1, held since July itself, closes in July
  //     (a snapshot of the month it was first held speaks for it); DEP/1 opens since July.
  snapshot('2026-07', ['DEP'], '2026-07-31T16:10:00.000Z', 'C3'),
  // 24. U2: GOLD sold at 23:55 Beijing on 31 July, recorded after July's snapshot (a late booking): GOLD/1 since July,
  //     day 2026-07-31, 1 sale, and open: July's snapshot, applied before it, never saw it.
  sale('U2', 'GOLD', '2026-07-31T15:55:00.000Z', 'C3'),
  // 25. U3: FUND sold at 00:05 Beijing on 1 September (16:05 UTC on 31 August): FUND/2 since September, 1 sale.
  sale('U3', 'FUND', '2026-08-31T16:05:00.000Z', 'C3'),
  // 26. August's snapshot at 00:20 Beijing on 1 September lists DEP only: GOLD/1 (since July) closes in August;
  //     FUND/2 (since September) is not August's to close.
  snapshot('2026-08', ['DEP'], '2026-08-31T16:20:00.000Z', 'C3'),
  // 27. U1 reversed at 10:00 Beijing on 2 September, after FUND/1 closed: FUND/1 back to 0 sales, FUND/2 keeps 1.
  reversed('U1', '2026-09-02T02:00:00.000Z', 'C3'),
];

const cut = (sizes: number[]) => cutLog(LOG, sizes);
/** Each batch applied twice in a row, as a projector would without its checkpoint guard (these schemas have no checkpoint). */
const twice = (batches: RecordedEvent[][]) => batches.flatMap((b) => [b, b]);
const CUTS: Record<string, RecordedEvent[][]> = {
  whole: cut([LOG.length]),
  singles: cut(LOG.map(() => 1)),
  threes: cut([3, 3, 3, 3, 3, 3, 3, 3, 3]),
  uneven: cut([5, 1, 1, 5, 2, 7, 2, 4]),
  pairs: cut([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]),
  // A batch applied again, beneath the checkpoint: every event twice in a row, every batch of three twice, and the
  // whole log once more after it was applied in uneven batches.
  singles_twice: twice(cut(LOG.map(() => 1))),
  threes_twice: twice(cut([3, 3, 3, 3, 3, 3, 3, 3, 3])),
  uneven_then_whole: [...cut([5, 1, 1, 5, 2, 7, 2, 4]), LOG],
};

describe('customer 360 holdings with late snapshots and reversed sales, however the batches are cut and when a batch is applied again', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await applyInEveryCut(db.pool, customer360Projection, 'rm_c360', CUTS);
  });
  afterAll(() => db.drop());

  it.each(Object.keys(CUTS))('cut %s: closes only what a snapshot speaks for, and takes reversed sales off', async (name) => {
    const { rows } = await db.pool.query(
      `SELECT product_code, period, source, since_month, since_day, sales, closed_month FROM rm_c360_${name}.c360_holdings WHERE customer_id = 'C1' ORDER BY product_code, period`,
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

  it.each(Object.keys(CUTS))('cut %s: counts several sales of one product less the reversed ones, and closes the period held since May at 00:40 Beijing on 1 July', async (name) => {
    const { rows } = await db.pool.query(
      `SELECT product_code, period, source, since_at, since_month, since_day, sales, closed_at, closed_month FROM rm_c360_${name}.c360_holdings WHERE customer_id = 'C2' ORDER BY product_code, period`,
    );
    const period = (product_code: string, period: number, source: string, since_at: string, since_month: string, since_day: string | null, sales: number, closed: [string, string] | null = null) =>
      ({ product_code, period, source, since_at: new Date(since_at), since_month, since_day, sales, closed_at: closed && new Date(closed[0]), closed_month: closed && closed[1] });
    expect(rows).toEqual([
      period('DEP', 1, 'snapshot', '2026-06-30T16:40:00.000Z', '2026-06', null, 0),
      period('GOLD', 1, 'sale', '2026-06-30T16:30:00.000Z', '2026-07', '2026-07-01', 1),
      // T1, T2, T3 less T2 and T3.
      period('WM', 1, 'sale', '2026-05-31T15:30:00.000Z', '2026-05', '2026-05-31', 1, ['2026-06-30T16:40:00.000Z', '2026-06']),
      period('WM', 2, 'sale', '2026-07-01T02:00:00.000Z', '2026-07', '2026-07-01', 1),
    ]);
  });

  it.each(Object.keys(CUTS))('cut %s: closes a product sold late in July by the July snapshot after it, and one whose July sale was recorded after that snapshot only by August', async (name) => {
    const { rows } = await db.pool.query(
      `SELECT product_code, period, source, since_at, since_month, since_day, sales, closed_at, closed_month FROM rm_c360_${name}.c360_holdings WHERE customer_id = 'C3' ORDER BY product_code, period`,
    );
    const period = (product_code: string, period: number, source: string, since_at: string, since_month: string, since_day: string | null, sales: number, closed: [string, string] | null = null) =>
      ({ product_code, period, source, since_at: new Date(since_at), since_month, since_day, sales, closed_at: closed && new Date(closed[0]), closed_month: closed && closed[1] });
    expect(rows).toEqual([
      period('DEP', 1, 'snapshot', '2026-07-31T16:10:00.000Z', '2026-07', null, 0),
      // U1 (reversed after the period closed), closed by July's snapshot: held since July, July speaks for it.
      period('FUND', 1, 'sale', '2026-07-31T15:50:00.000Z', '2026-07', '2026-07-31', 0, ['2026-07-31T16:10:00.000Z', '2026-07']),
      period('FUND', 2, 'sale', '2026-08-31T16:05:00.000Z', '2026-09', '2026-09-01', 1),
      period('GOLD', 1, 'sale', '2026-07-31T15:55:00.000Z', '2026-07', '2026-07-31', 1, ['2026-08-31T16:20:00.000Z', '2026-08']),
    ]);
  });

  it.each(Object.keys(CUTS))('cut %s: keeps the period of each sale, reversed ones marked, and the latest snapshot month', async (name) => {
    expect((await db.pool.query(`SELECT customer_id, conversion_id, product_code, period, reversed_at FROM rm_c360_${name}.c360_holding_sales ORDER BY customer_id, conversion_id`)).rows).toEqual([
      { customer_id: 'C1', conversion_id: 'S1', product_code: 'FUND', period: 1, reversed_at: null },
      // S2 counted in the GOLD period it alone opened, taken back when it was reversed; S5 opened GOLD/1 afresh.
      { customer_id: 'C1', conversion_id: 'S2', product_code: 'GOLD', period: 1, reversed_at: new Date('2026-04-03T02:00:00.000Z') },
      { customer_id: 'C1', conversion_id: 'S3', product_code: 'DEP', period: 1, reversed_at: new Date('2026-04-03T03:00:00.000Z') },
      { customer_id: 'C1', conversion_id: 'S4', product_code: 'WM', period: 1, reversed_at: new Date('2026-05-02T02:00:00.000Z') },
      { customer_id: 'C1', conversion_id: 'S5', product_code: 'GOLD', period: 1, reversed_at: null },
      { customer_id: 'C2', conversion_id: 'T1', product_code: 'WM', period: 1, reversed_at: null },
      { customer_id: 'C2', conversion_id: 'T2', product_code: 'WM', period: 1, reversed_at: new Date('2026-06-30T16:00:00.000Z') },
      { customer_id: 'C2', conversion_id: 'T3', product_code: 'WM', period: 1, reversed_at: new Date('2026-07-02T02:00:00.000Z') },
      { customer_id: 'C2', conversion_id: 'T4', product_code: 'GOLD', period: 1, reversed_at: null },
      { customer_id: 'C2', conversion_id: 'T5', product_code: 'WM', period: 2, reversed_at: null },
      { customer_id: 'C3', conversion_id: 'U1', product_code: 'FUND', period: 1, reversed_at: new Date('2026-09-02T02:00:00.000Z') },
      { customer_id: 'C3', conversion_id: 'U2', product_code: 'GOLD', period: 1, reversed_at: null },
      { customer_id: 'C3', conversion_id: 'U3', product_code: 'FUND', period: 2, reversed_at: null },
    ]);
    expect((await db.pool.query(`SELECT customer_id, month FROM rm_c360_${name}.c360_holding_months ORDER BY customer_id`)).rows).toEqual([
      { customer_id: 'C1', month: '2026-04' },
      { customer_id: 'C2', month: '2026-06' },
      { customer_id: 'C3', month: '2026-08' },
    ]);
  });
});

/**
 * Ids may hold any character: customer `A` with conversion `B:C` and customer `A:B` with conversion
 * `C` are two sales, in one batch too (joined with ':' they were one key, and the second sale was
 * taken for the first applied again).
 */
describe('customer 360 sales whose ids hold the separator', () => {
  let db: TestDatabase;
  const BATCH = [
    // 10:00 Beijing on 1 August: customer A buys FUND (conversion B:C), customer A:B buys GOLD (conversion C).
    sale('B:C', 'FUND', '2026-08-01T02:00:00.000Z', 'A'),
    sale('C', 'GOLD', '2026-08-01T02:00:00.000Z', 'A:B'),
    // A's sale reversed at 23:59 Beijing the same day: FUND was held by it alone, with no snapshot since: taken back.
    reversed('B:C', '2026-08-01T15:59:00.000Z', 'A'),
  ];
  beforeAll(async () => {
    db = await createTestDatabase();
    await applyInEveryCut(db.pool, customer360Projection, 'rm_c360_ids', { one_batch: [BATCH], twice: [BATCH, BATCH] });
  });
  afterAll(() => db.drop());

  it.each(['one_batch', 'twice'])('cut %s: keeps both sales apart, and reverses only the one named', async (name) => {
    expect((await db.pool.query(`SELECT customer_id, product_code, period, since_day, sales FROM rm_c360_ids_${name}.c360_holdings ORDER BY customer_id`)).rows).toEqual([
      { customer_id: 'A:B', product_code: 'GOLD', period: 1, since_day: '2026-08-01', sales: 1 },
    ]);
    expect((await db.pool.query(`SELECT customer_id, conversion_id, product_code, reversed_at FROM rm_c360_ids_${name}.c360_holding_sales ORDER BY customer_id`)).rows).toEqual([
      { customer_id: 'A', conversion_id: 'B:C', product_code: 'FUND', reversed_at: new Date('2026-08-01T15:59:00.000Z') },
      { customer_id: 'A:B', conversion_id: 'C', product_code: 'GOLD', reversed_at: null },
    ]);
  });
});
