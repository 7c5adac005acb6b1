import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { campaignEffectivenessProjection } from './campaign-effectiveness.projection';
import { campaignConversions, decodeConversionCursor, encodeConversionCursor } from './campaign-effectiveness.query';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const sale = (customerId: string, conversionId: string, revenue: string, campaignId: string, at: string) =>
  ev('ConversionRecorded', { conversionId, customerId, staffId: 'rm1', productCode: 'DEP', amount: '1000.00', revenue, campaignId }, at);

/**
 * The sales list a page at a time. Customers A and B each have a sale S1 at the same instant (23:30 Beijing time on
 * 31 March): conversion ids are unique per customer only, so the order (and the cursor) must hold the customer too,
 * or a page boundary between them loses or repeats one. A has three sales (one reversed, one at 00:30 on 1 April);
 * customer "A:S1" exists to catch a cursor of joined text; a sale of campaign K9 is never listed under K1.
 */
describe('campaign-effectiveness: the sales behind the figures, paged by a cursor', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const page = (limit: number, after?: string | null) =>
    withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => campaignConversions(rm, 'K1', { limit, after: after ? decodeConversionCursor(after) : null }));
  const keys = (p: { conversions: { customerId: string; conversionId: string; revenue: string; reversed: boolean }[] }) =>
    p.conversions.map((c) => `${c.customerId}/${c.conversionId} ${c.revenue}${c.reversed ? ' reversed' : ''}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('customer-B', [sale('B', 'S1', '20.00', 'K1', '2026-03-31T23:30:00+08:00')], 'any');
    await store.appendToStream('customer-A', [
      sale('A', 'S2', '5.00', 'K1', '2026-04-01T00:30:00+08:00'),
      sale('A', 'S1', '10.00', 'K1', '2026-03-31T23:30:00+08:00'),
      sale('A', 'S3', '7.00', 'K1', '2026-03-30T09:00:00+08:00'),
      ev('ConversionReversed', { customerId: 'A', conversionId: 'S3' }, '2026-04-02T09:00:00+08:00'),
      sale('A', 'S4', '99.00', 'K9', '2026-03-31T23:30:00+08:00'),
    ], 'any');
    await store.appendToStream('customer-A:S1', [sale('A:S1', 'X', '1.00', 'K1', '2026-03-31T23:30:00+08:00')], 'any');
    await projectToEnd(store, db.pool, [campaignEffectivenessProjection], { batchSize: 100 });
  });
  afterAll(() => db.drop());

  // By hand: 30 March A/S3; then at 23:30 on 31 March, by customer: "A" < "A:S1" < "B"; then A/S2 at 00:30 on 1 April.
  const ALL = ['A/S3 7.00 reversed', 'A/S1 10.00', 'A:S1/X 1.00', 'B/S1 20.00', 'A/S2 5.00'];

  it('gives every sale of the campaign once, in order of time, customer and conversion, over pages of 2', async () => {
    const first = await page(2);
    expect(keys(first)).toEqual(ALL.slice(0, 2));
    expect(first.next).not.toBeNull();
    const second = await page(2, first.next);
    expect(keys(second)).toEqual(ALL.slice(2, 4));
    const third = await page(2, second.next);
    expect(keys(third)).toEqual(ALL.slice(4));
    expect(third.next).toBeNull();
  });

  it('ends with next null when the last page is exactly full, and gives all in one page when it fits', async () => {
    const first = await page(4);
    expect(keys(first)).toEqual(ALL.slice(0, 4));
    const last = await page(1, first.next);
    expect(keys(last)).toEqual(ALL.slice(4));
    expect(last.next).toBeNull();
    expect(keys(await page(5))).toEqual(ALL);
    expect((await page(5)).next).toBeNull();
  });

  it('pages from between the two sales with the same instant and id (A/S1, then A:S1/X and B/S1)', async () => {
    const cursor = encodeConversionCursor({ occurredAt: '2026-03-31T15:30:00.000000Z', customerId: 'A', conversionId: 'S1' });
    expect(keys(await page(10, cursor))).toEqual(ALL.slice(2));
  });

  it('reads a cursor it handed out and nothing else', () => {
    const c = { occurredAt: '2026-03-31T15:30:00.123456Z', customerId: 'A:S1', conversionId: 'X' };
    expect(decodeConversionCursor(encodeConversionCursor(c))).toEqual(c);
    const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const bad of [
      '',
      'xyz',
      cursorOf([1, 2, 3]),
      cursorOf(['2026-03-31', 'A', 'S1']),
      cursorOf(['2026-03-31T15:30:00.000Z', 'A', 'S1']), // milliseconds only: not one this API hands out
      cursorOf(['2026-02-30T00:00:00.000000Z', 'A', 'S1']), // not in the calendar
      cursorOf(['0001-01-01T00:00:00.000000Z', 'A', 'S1']), // the database would refuse it (a 500, not a 400)
    ]) {
      expect(decodeConversionCursor(bad)).toBeNull();
    }
  });

  it('never gives a sale twice when its time holds microseconds (an imported log), even a page of one at a time', async () => {
    // Set as a log imported before times were cut to the millisecond would have left it: 23:30:00.123456 Beijing time.
    await withReadModels(db.pool, [campaignEffectivenessProjection.name], (rm) => rm.query(`UPDATE ce_conversions SET occurred_at = '2026-03-31T15:30:00.123456Z' WHERE customer_id = 'A' AND conversion_id = 'S1'`), { readOnly: false });
    const seen: string[] = [];
    let next: string | null = null;
    for (let i = 0; i < 10; i++) {
      const p = await page(1, next);
      seen.push(...keys(p));
      next = p.next;
      if (!next) break;
    }
    // A/S1 is now 123.456 ms after the others of 23:30, so last of them.
    expect(seen).toEqual(['A/S3 7.00 reversed', 'A:S1/X 1.00', 'B/S1 20.00', 'A/S1 10.00', 'A/S2 5.00']);
  });
});
