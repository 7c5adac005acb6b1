import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type NewEvent } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { projectToEnd } from '../../../../test/support/project-to-end';
import { withReadModels } from '../runner/read-model-position';
import { customerDirectoryProjection } from './customer-directory.projection';

const ev = (type: string, data: object, occurredAt: string): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'a', orgUnit: null, occurredAt: new Date(occurredAt).toISOString(), schemaVersion: 1 },
});
const onboarded = (customerId: string, at: string) => ev('CustomerOnboarded', { customerId, homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 }, at);
const enrolled = (campaignId: string, customerId: string, group: string, at: string) => ev('CustomerEnrolledInCampaign', { campaignId, customerId, group }, at);

/**
 * A launch's batch holds enrolments only: the directory adds each campaign to the rows' two sets in
 * the database, without reading them. A was in K8 and in K9's control group before (and bought a DEP at 23:30
 * Beijing time, 15:30 UTC); the batch enrols A in K10 (treatment) and K11 (control), again in K9
 * (a repeated event), B (onboarded before, in no campaign) in K10's control group, and N, never
 * onboarded. A later batch onboards C and enrols them in K10 together (read whole, as before).
 */
describe('customer-directory: a batch of enrolments only (a launch) adds to the sets without reading the rows', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const project = () => projectToEnd(store, db.pool, [customerDirectoryProjection], { batchSize: 100, maxBatchWaitMs: 50 });
  const rows = (sql: string) => withReadModels(db.pool, [customerDirectoryProjection.name], async (rm) => (await rm.query(sql)).rows);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    await store.appendToStream('customer-A', [
      onboarded('A', '2026-01-05T09:00:00+08:00'),
      enrolled('K8', 'A', 'treatment', '2026-02-01T00:00:00+08:00'),
      enrolled('K9', 'A', 'control', '2026-03-01T00:00:00+08:00'),
      ev('ConversionRecorded', { conversionId: 'V1', customerId: 'A', staffId: 'rm1', productCode: 'DEP', amount: '1000.00', revenue: '10.00', campaignId: null }, '2026-04-02T23:30:00+08:00'),
    ], 'any');
    await store.appendToStream('customer-B', [onboarded('B', '2026-01-06T09:00:00+08:00')], 'any');
    await project();
    // The launch: its enrolments alone, in one append and one batch.
    const at = '2026-06-20T00:00:00+08:00';
    await store.appendToStreams([
      { streamId: 'customer-A', events: [enrolled('K10', 'A', 'treatment', at), enrolled('K11', 'A', 'control', at), enrolled('K9', 'A', 'control', at)], expectedRevision: 'any' },
      { streamId: 'customer-B', events: [enrolled('K10', 'B', 'control', at)], expectedRevision: 'any' },
      { streamId: 'customer-N', events: [enrolled('K10', 'N', 'treatment', at)], expectedRevision: 'any' },
    ]);
    await project();
    await store.appendToStream('customer-C', [onboarded('C', '2026-06-20T08:00:00+08:00'), enrolled('K10', 'C', 'treatment', '2026-06-20T09:00:00+08:00')], 'any');
    await project();
  });
  afterAll(() => db.drop());

  it('keeps each campaign once in each set, in code point order, and leaves every other column as it was', async () => {
    expect(await rows(`SELECT customer_id, enrolled_in, control_in, holdings, home_unit_id, last_active_at FROM customer_directory ORDER BY customer_id`)).toEqual([
      // 'K10' and 'K11' sort before 'K8'; A's sale (23:30 on 2 April Beijing) is still its last activity.
      { customer_id: 'A', enrolled_in: ['K10', 'K11', 'K8', 'K9'], control_in: ['K11', 'K9'], holdings: ['DEP'], home_unit_id: 'SB1', last_active_at: new Date('2026-04-02T15:30:00Z') },
      { customer_id: 'B', enrolled_in: ['K10'], control_in: ['K10'], holdings: [], home_unit_id: 'SB1', last_active_at: new Date('2026-01-06T01:00:00Z') },
      // Onboarded and enrolled in one batch: written whole; N, never onboarded, has no row.
      { customer_id: 'C', enrolled_in: ['K10'], control_in: [], holdings: [], home_unit_id: 'SB1', last_active_at: new Date('2026-06-20T00:00:00Z') },
    ]);
  });
});

/**
 * The union of a launch's batch is sorted in the database, and must come out in the order the
 * projection sorts a row it writes whole (code point, `sortedUnion`) whatever the database's own
 * collation: here a database whose default is linguistic (ICU root, where 'k10' sorts before 'K8',
 * letters compared before case), as a server initialised with a language's locale has. The test
 * server's default is C, where the two orders agree anyway.
 */
describe('customer-directory: the sets of a launch in a database with a linguistic default collation', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const project = () => projectToEnd(store, db.pool, [customerDirectoryProjection], { batchSize: 100, maxBatchWaitMs: 50 });

  beforeAll(async () => {
    db = await createTestDatabase({ icuLocale: 'und' });
    store = new PostgresEventStore(db.pool, { connectionString: db.url, maxPollIntervalMs: 20 });
    // Onboarded at 23:50 Beijing on 31 January (15:50 UTC), in K8's treatment group at 00:10 on 1 February: written whole.
    await store.appendToStream('customer-A', [onboarded('A', '2026-01-31T23:50:00+08:00'), enrolled('K8', 'A', 'treatment', '2026-02-01T00:10:00+08:00')], 'any');
    // B in K8; C in k10 (control); D in K8 and k10; E in K8 (control): each written whole, in code point order.
    await store.appendToStream('customer-B', [onboarded('B', '2026-01-31T23:50:00+08:00'), enrolled('K8', 'B', 'treatment', '2026-02-01T00:10:00+08:00')], 'any');
    await store.appendToStream('customer-C', [onboarded('C', '2026-01-31T23:50:00+08:00'), enrolled('k10', 'C', 'control', '2026-02-01T00:10:00+08:00')], 'any');
    await store.appendToStream('customer-D', [onboarded('D', '2026-01-31T23:50:00+08:00'), enrolled('k10', 'D', 'treatment', '2026-02-01T00:10:00+08:00'), enrolled('K8', 'D', 'treatment', '2026-02-01T00:10:00+08:00')], 'any');
    await store.appendToStream('customer-E', [onboarded('E', '2026-01-31T23:50:00+08:00'), enrolled('K8', 'E', 'control', '2026-02-01T00:10:00+08:00')], 'any');
    // F in K8 and k9: where a lowercase campaign goes between the two in code point order (K < a < k), but before both linguistically.
    await store.appendToStream('customer-F', [onboarded('F', '2026-01-31T23:50:00+08:00'), enrolled('K8', 'F', 'treatment', '2026-02-01T00:10:00+08:00'), enrolled('k9', 'F', 'treatment', '2026-02-01T00:10:00+08:00')], 'any');
    await project();
    // A launch at 00:00 Beijing on 20 June: enrolments only, so the sets are added to in the database.
    const at = '2026-06-20T00:00:00+08:00';
    await store.appendToStreams([
      // Two campaigns for A in one batch.
      { streamId: 'customer-A', events: [enrolled('k10', 'A', 'control', at), enrolled('K9', 'A', 'treatment', at)], expectedRevision: 'any' },
      // One campaign each: after the last (B: k10 after K8, where the linguistic order puts it first), before the
      // first (C: K8 before k10, linguistically after it), between two (D: K9), and one there already (E: K8 again).
      { streamId: 'customer-B', events: [enrolled('k10', 'B', 'control', at)], expectedRevision: 'any' },
      { streamId: 'customer-C', events: [enrolled('K8', 'C', 'control', at)], expectedRevision: 'any' },
      { streamId: 'customer-D', events: [enrolled('K9', 'D', 'treatment', at)], expectedRevision: 'any' },
      { streamId: 'customer-E', events: [enrolled('K8', 'E', 'control', at)], expectedRevision: 'any' },
      // Between two in code point order, before the first linguistically: the "before the first" test must compare in "C" too.
      { streamId: 'customer-F', events: [enrolled('a', 'F', 'treatment', at)], expectedRevision: 'any' },
    ]);
    await project();
  });
  afterAll(() => db.drop());

  it('is linguistic here: the database itself sorts k10 before K8', async () => {
    expect((await db.pool.query(`SELECT array_agg(x ORDER BY x) AS xs FROM unnest(ARRAY['K8', 'k10', 'K9']) AS x`)).rows[0].xs).toEqual(['k10', 'K8', 'K9']);
  });

  it('keeps the sets in code point order (K before k), as a row written whole has them', async () => {
    const rows = await withReadModels(db.pool, [customerDirectoryProjection.name], async (rm) => (await rm.query(`SELECT customer_id, enrolled_in, control_in FROM customer_directory ORDER BY customer_id COLLATE "C"`)).rows);
    // U+004B 'K' < U+006B 'k': K8, K9, then k10; each campaign once.
    expect(rows).toEqual([
      { customer_id: 'A', enrolled_in: ['K8', 'K9', 'k10'], control_in: ['k10'] },
      { customer_id: 'B', enrolled_in: ['K8', 'k10'], control_in: ['k10'] },
      { customer_id: 'C', enrolled_in: ['K8', 'k10'], control_in: ['K8', 'k10'] },
      { customer_id: 'D', enrolled_in: ['K8', 'K9', 'k10'], control_in: [] },
      { customer_id: 'E', enrolled_in: ['K8'], control_in: ['K8'] },
      { customer_id: 'F', enrolled_in: ['K8', 'a', 'k9'], control_in: [] },
    ]);
  });
});
