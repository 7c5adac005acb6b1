import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { applyAgain } from '../../../../test/support/apply-again';
import { wholeLog } from '../../../../test/support/whole-log';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { pointsLedgerProjection } from '../points-ledger/points-ledger.projection';
import { customer360Projection } from './customer-360.projection';
import { customer360 } from './customer-360.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data: { customerId: 'C1', ...data },
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt, schemaVersion: 1 },
});
const snapshot = (month: string, holdings: string[], at: string) => ev('BalanceSnapshotRecorded', { month, averageDailyAssets: '1000.00', holdings }, at);
const sale = (conversionId: string, productCode: string, at: string) =>
  ev('ConversionRecorded', { conversionId, staffId: 'rm1', productCode, amount: '1.00', revenue: '1.00', campaignId: null, referrerStaffId: null, referralId: null }, at);
const reversed = (conversionId: string, at: string) => ev('ConversionReversed', { conversionId, reasonNote: null }, at);

/** What the page shows after the three passes, worked out by hand from the events below. */
const HOLDINGS = [
  { productCode: 'CARD', source: 'sale', sinceAt: '2026-03-31T16:20:00.000Z', sinceMonth: '2026-04', sinceDay: '2026-04-01', sales: 1 },
  { productCode: 'DEP', source: 'snapshot', sinceAt: '2026-02-01T17:00:00.000Z', sinceMonth: '2026-01', sinceDay: null, sales: 0 },
  // S1, S2 and S4 less S4, reversed.
  { productCode: 'GOLD', source: 'sale', sinceAt: '2026-02-28T15:50:00.000Z', sinceMonth: '2026-02', sinceDay: '2026-02-28', sales: 2 },
];
const PAST_HOLDINGS = [
  { productCode: 'CARD', source: 'snapshot', sinceAt: '2026-02-01T17:00:00.000Z', sinceMonth: '2026-01', sinceDay: null, sales: 0, closedAt: '2026-03-01T17:00:00.000Z', closedMonth: '2026-02' },
];

/** Holdings written in one projector pass and changed in the next: the state read back from the table decides. */
describe('customer 360 holdings across batches', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    const append = (events: NewEvent[]) => store.appendToStream('customer-C1', events, 'any');
    const project = () => projectToEnd(store, db.pool, [customer360Projection, pointsLedgerProjection], { batchSize: 500, timeoutMs: 20_000 });
    await append([
      ev('CustomerOnboarded', { homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: null }, '2026-01-05T02:00:00.000Z'),
      snapshot('2026-01', ['DEP', 'CARD'], '2026-02-01T17:00:00.000Z'),
      // 23:50 Beijing on 28 February (15:50 UTC).
      sale('S1', 'GOLD', '2026-02-28T15:50:00.000Z'),
    ]);
    await project();
    // Pass 2: GOLD again (the open period, now a second sale); February's snapshot drops CARD.
    await append([sale('S2', 'GOLD', '2026-03-01T16:10:00.000Z'), snapshot('2026-02', ['DEP', 'GOLD'], '2026-03-01T17:00:00.000Z')]);
    await project();
    // Pass 3: CARD sold again at 00:20 Beijing on 1 April (16:20 UTC on 31 March): its second period; a third GOLD sale
    // at 23:30 Beijing on 31 March, reversed at 00:30 Beijing on 1 April.
    await append([sale('S3', 'CARD', '2026-03-31T16:20:00.000Z'), sale('S4', 'GOLD', '2026-03-31T15:30:00.000Z'), reversed('S4', '2026-03-31T16:30:00.000Z')]);
    await project();
  });
  afterAll(() => db.drop());

  const page = async () => (await withReadModels(db.pool, ['customer-360', 'points-ledger'], (rm) => customer360(rm, 'C1')))!;

  it('counts later sales into the open period, closes what a snapshot leaves out, and opens a new period for a product held again', async () => {
    const c = await page();
    expect(c.holdings).toEqual(HOLDINGS);
    expect(c.pastHoldings).toEqual(PAST_HOLDINGS);
  });

  it('shows the same holdings when the whole history is applied again beneath the checkpoint', async () => {
    const before = await page();
    await applyAgain(db.pool, [customer360Projection, pointsLedgerProjection], await wholeLog(store));
    const after = await page();
    expect([after.holdings, after.pastHoldings]).toEqual([HOLDINGS, PAST_HOLDINGS]);
    expect(after).toEqual(before);
  });
});
