import { randomUUID } from 'node:crypto';
import { LEGACY_ERASURE_REASON_REWRITE, finishErasures } from '@app/platform';
import { PROJECTIONS } from '@app/read-models';
import { api, seedOrganisation } from '../support/api';
import { logRewrite } from '../support/log-rewrite';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 16 leftovers: version 1 of CustomerDataErased kept the erasure's reason as free text in the
 * log (prose that may name the customer). The one-off migration LegacyErasureReasons1764000019710
 * rewrites each such reason in es_events to the code the v1 upcaster reads it as (`other` unless it
 * is a code already), keeping ids, streams and positions, records each rewrite in es_rewrites and
 * that it ran in schema_migrations; a second run changes nothing.
 */
const PROSE = 'Zhou Min phoned on 2026-03-31 23:50 (13800138000): delete everything, she moved to Chengdu';
const MIGRATION = 'LegacyErasureReasons1764000019710';

describe('legacy erasure reasons (v1 prose) redacted in the log, once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
  });
  afterAll(() => t?.close());

  const { eventsTable, readModels, runAgain, caughtUp } = logRewrite(() => t, MIGRATION);

  it('rewrites a v1 prose reason to its code in place, leaves codes and v2 alone, records it, and a second run changes nothing', async () => {
    const c = api(t);
    for (const [customerId, name] of [['E1', 'Zhou Min'], ['E2', 'Sun Li'], ['E3', 'Qian Yu']] as const) {
      expect((await c.as('rm1').post('/api/customers', { customerId, segment: 'retail', gender: 'F', assetsByUnit: { SB1: '2000' }, personal: { name } })).status).toBe(201);
    }
    // Written by an older release (v1): E1's reason is prose; E2's happens to be a code. 23:55
    // Beijing on 31 March is 15:55 UTC, the last minutes of the business month.
    const v1 = (customerId: string, reason: string) => ({
      type: 'CustomerDataErased',
      data: { customerId, reason, erasedBy: 'admin' },
      metadata: { eventId: randomUUID(), correlationId: 'legacy', causationId: null, actor: 'admin', orgUnit: 'HO', occurredAt: '2026-03-31T15:55:00.000Z', schemaVersion: 1 },
    });
    await t.runtime.store.appendToStream('customer-E1', [v1('E1', PROSE)], 0);
    await t.runtime.store.appendToStream('customer-E2', [v1('E2', 'legal_order')], 0);
    // …which erased their personal data in the vault too (as the start of any release finishes it).
    expect((await finishErasures(t.runtime)).sort()).toEqual(['E1', 'E2']);
    // E3 erased by this release: version 2, a code and a reference.
    expect((await c.as('admin').post('/api/customers/E3/erasure', { reason: 'customer_request' })).status).toBe(200);
    await caughtUp('the erasures');

    const identity = `SELECT global_position::text, transaction_id::text, stream_id, stream_position::text, event_id::text, type, metadata, recorded_at FROM es_events ORDER BY global_position`;
    const before = { identity: (await t.db.pool.query(identity)).rows, readModels: await readModels(), events: await eventsTable() };
    expect(before.events).toContain(PROSE);
    const erasures = async () => (await t.db.pool.query(`SELECT stream_id, data FROM es_events WHERE type = 'CustomerDataErased' ORDER BY stream_id`)).rows;
    const v2 = (await erasures()).find((r) => r.stream_id === 'customer-E3')!.data;

    expect(await runAgain()).toEqual([MIGRATION]);

    const after = await eventsTable();
    expect(after).not.toContain('13800138000');
    expect(after).not.toContain('Zhou Min');
    // E1's reason is now the code the upcaster read it as all along; E2's code and E3's v2 are as they were.
    expect(await erasures()).toEqual([
      { stream_id: 'customer-E1', data: { customerId: 'E1', reason: 'other', erasedBy: 'admin' } },
      { stream_id: 'customer-E2', data: { customerId: 'E2', reason: 'legal_order', erasedBy: 'admin' } },
      { stream_id: 'customer-E3', data: v2 },
    ]);
    // Same events, ids, streams, positions, metadata (still version 1): only E1's data changed.
    expect((await t.db.pool.query(identity)).rows).toEqual(before.identity);
    const { rows: rewrites } = await t.db.pool.query(`SELECT stream_id, type, from_version, to_version, reason FROM es_rewrites ORDER BY global_position`);
    expect(rewrites).toEqual([{ stream_id: 'customer-E1', type: 'CustomerDataErased', from_version: 1, to_version: 1, reason: LEGACY_ERASURE_REASON_REWRITE }]);
    expect((await t.db.pool.query(`SELECT name FROM schema_migrations WHERE name = $1`, [MIGRATION])).rows).toEqual([{ name: MIGRATION }]);
    // The API reads E1 as before.
    const read = async (id: string) => {
      const r = await c.as('admin').get(`/api/customers/${id}`);
      return { status: r.status, personalDataErased: r.body?.personalDataErased };
    };
    expect(await read('E1')).toEqual({ status: 200, personalDataErased: true });
    expect(await read('E2')).toEqual({ status: 200, personalDataErased: true });

    // Read models: as they were, and rebuilt from the rewritten log they come out the same.
    expect(await readModels()).toEqual(before.readModels);
    await t.runtime.projector!.rebuildAll(PROJECTIONS.map((p) => p.name));
    expect(await readModels()).toEqual(before.readModels);

    // Twice: nothing more is rewritten nor recorded.
    expect(await runAgain()).toEqual([MIGRATION]);
    expect(await eventsTable()).toBe(after);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM es_rewrites`)).rows[0].n).toBe(1);
  }, 120_000);
});
