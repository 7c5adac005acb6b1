import { randomBytes, randomUUID } from 'node:crypto';
import { LEGACY_FREE_TEXT } from '@app/domain';
import { PostgresEventStore, type NewEvent, type SqlTransaction } from '@app/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { ERASURE_INDEXED_TYPES, finishErasures, UNFINISHED_ERASURES_SQL } from './erasure';
import { createLogger } from './logger';
import { PiiVault } from './pii-vault';

const ev = (type: string, data: Record<string, unknown>, schemaVersion: number): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), correlationId: 'c', causationId: null, actor: 'rm1', orgUnit: 'SB1', occurredAt: '2026-03-31T15:59:00.000Z', schemaVersion },
});
const contact = (customerId: string, n: number, schemaVersion: 1 | 2): NewEvent =>
  ev(
    'CustomerContacted',
    schemaVersion === 1
      ? { contactId: `X-${customerId}-${n}`, customerId, staffId: 'rm1', channel: 'phone', campaignId: null, outcome: `her husband answered (${n})`, contactedAt: '2026-03-31T15:59:00.000Z' }
      : { contactId: `X-${customerId}-${n}`, customerId, staffId: 'rm1', channel: 'phone', campaignId: null, outcomeNote: null, contactedAt: '2026-03-31T15:59:00.000Z' },
    schemaVersion,
  );

/** The index names a plan uses, wherever they sit in it. */
function indexesIn(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(indexesIn);
  if (plan && typeof plan === 'object') {
    const node = plan as Record<string, unknown>;
    return [...(typeof node['Index Name'] === 'string' ? [node['Index Name']] : []), ...Object.values(node).flatMap(indexesIn)];
  }
  return [];
}

/**
 * Erasure reads the log by customer: finishing interrupted erasures and rewriting a customer's
 * legacy free text must go through an index of those few event types, not scan (and hold a
 * snapshot over) a log of millions of other events.
 */
describe('erasure reads of the log on PostgreSQL', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let vault: PiiVault;
  const OTHERS = 30_000;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { connectionString: db.url });
    vault = new PiiVault(db.pool, randomBytes(32));
    // 30,000 unrelated events (sales of 3,000 customers, ten each) ...
    for (let batch = 0; batch < OTHERS / 1_000; batch++) {
      await store.appendToStreams(
        Array.from({ length: 100 }, (_, i) => {
          const customerId = `C-${batch * 100 + i}`;
          return { streamId: `customer-${customerId}`, events: Array.from({ length: 10 }, (_, n) => ev('SaleRecorded', { customerId, saleId: `S-${customerId}-${n}`, amount: 100 + n }, 1)), expectedRevision: 'no_stream' as const };
        }),
      );
    }
    // ... and the few erasure is about. E-1: erased, and its vault erased. E-2: erased in the log only
    // (an interrupted import), with two version-1 contacts holding text and one version-2 contact.
    // C-7: contacts of version 1 but no erasure.
    await store.appendToStream('erasure-E-1', [ev('CustomerDataErased', { customerId: 'E-1', requestedBy: 'admin' }, 1)], 'no_stream');
    await vault.erase('E-1');
    await store.appendToStream('erasure-E-2', [ev('CustomerDataErased', { customerId: 'E-2', requestedBy: 'admin' }, 1)], 'no_stream');
    await store.appendToStream('contacts-E-2', [contact('E-2', 1, 1), contact('E-2', 2, 2), contact('E-2', 3, 1)], 'no_stream');
    await store.appendToStream('contacts-C-7', [contact('C-7', 1, 1)], 'no_stream');
    await db.pool.query('ANALYZE es_events');
  }, 120_000);
  afterAll(() => db.drop());

  it('indexes every legacy free-text type and the erasure itself', () => {
    expect([...ERASURE_INDEXED_TYPES].sort()).toEqual([...new Set([...LEGACY_FREE_TEXT.map((l) => l.type), 'CustomerDataErased'])].sort());
  });

  it('finds the unfinished erasures through the partial index, not a scan of the log', async () => {
    const { rows } = await db.pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${UNFINISHED_ERASURES_SQL}`);
    expect(indexesIn(rows[0]!['QUERY PLAN'])).toContain('es_events_erasure_idx');
  });

  it("rewrites the customer's legacy events through the index, matching type and version in SQL", async () => {
    const plans: string[][] = [];
    // The rewrite's own statements, each explained before it runs.
    const explaining = (tx: SqlTransaction): SqlTransaction => ({
      async query(text: string, values?: unknown[]) {
        if (/^\s*SELECT/i.test(text) && /FROM es_events/.test(text)) {
          const plan = await tx.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
          plans.push(indexesIn(plan.rows[0]!['QUERY PLAN']));
        }
        return tx.query(text, values);
      },
    });
    const runtime = {
      vault: new Proxy(vault, {
        get: (target, prop) =>
          prop === 'erase'
            ? (customerId: string, alongside?: (tx: SqlTransaction) => Promise<unknown>) => target.erase(customerId, alongside && ((tx) => alongside(explaining(tx))))
            : (Reflect.get(target, prop) as unknown),
      }) as PiiVault,
      store,
      log: createLogger('silent'),
      db: { pool: db.pool },
    };
    // E-1 is done already; E-2 is the one left; C-7 was never erased.
    expect(await finishErasures(runtime)).toEqual(['E-2']);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toContain('es_events_erasure_idx');
    // E-2's two version-1 contacts were rewritten (to version 2, text gone), its version-2 one and C-7's left alone.
    const { rows } = await db.pool.query<{ stream_id: string; from_version: number; to_version: number }>(`SELECT stream_id, from_version, to_version FROM es_rewrites ORDER BY global_position`);
    expect(rows).toEqual([
      { stream_id: 'contacts-E-2', from_version: 1, to_version: 2 },
      { stream_id: 'contacts-E-2', from_version: 1, to_version: 2 },
    ]);
    const stored = await db.pool.query<{ stream_id: string; data: string }>(`SELECT stream_id, data::text AS data FROM es_events WHERE type = 'CustomerContacted' ORDER BY global_position`);
    expect(stored.rows.map((r) => [r.stream_id, r.data.includes('her husband')])).toEqual([
      ['contacts-E-2', false],
      ['contacts-E-2', false],
      ['contacts-E-2', false],
      ['contacts-C-7', true],
    ]);
    expect(await vault.notErased(['E-1', 'E-2', 'C-7'])).toEqual(['C-7']);
    // Run again: nothing is left to finish.
    expect(await finishErasures(runtime)).toEqual([]);
  });
});
