import { randomUUID } from 'node:crypto';
import { LEGACY_CORRECTION_REASON_REWRITE, LegacyCorrectionReasons1764000019720, redactLegacyCorrectionReasons } from '@app/platform';
import { PROJECTIONS } from '@app/read-models';
import { api, seedOrganisation } from '../support/api';
import { logRewrite } from '../support/log-rewrite';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 16 leftovers: before the Correction-Reason codes an admin's correction of a closed month kept
 * its reason as free text in the events' metadata (`correction`). The period-corrections read model
 * reads such a reason as its code (first word when it is one, else `other`), and the one-off
 * migration LegacyCorrectionReasons1764000019720 writes that code into es_events, keeping ids,
 * streams, positions, data and the rest of the metadata; a second run changes nothing.
 */
const PROSE = 'Mrs Chen (13700001111) came back on 1 April: her deposit was keyed late';
const PROSE_AFTER_CODE = 'late_booking: Mr Wu signed on 31 March 23:50, mobile 13500002222';
const MIGRATION = 'LegacyCorrectionReasons1764000019720';

describe('legacy correction reasons (free text in metadata) redacted in the log, once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
  });
  afterAll(() => t?.close());

  const { eventsTable, readModels, runAgain, caughtUp } = logRewrite(() => t, MIGRATION);
  const corrections = async () => {
    const { rows: [{ schema_name }] } = await t.db.pool.query(`SELECT schema_name FROM projection_checkpoints WHERE name = 'period-corrections'`);
    return (await t.db.pool.query(`SELECT reason FROM "${schema_name}".pc_corrections ORDER BY occurred_at, event_id`)).rows.map((r) => r.reason);
  };

  it('reads and rewrites a free-text correction as its code, leaves coded ones alone, records it, and a second run changes nothing', async () => {
    expect((await api(t).as('rm1').post('/api/customers', { customerId: 'P1', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '8000' }, personal: { name: 'Chen Jing' } })).status).toBe(201);
    // Written by an older release, as an admin's corrections of March: contacts at 23:50, 23:55 and
    // 23:58 Beijing on 31 March (15:50Z…), the first two with prose, the third coded with a reference.
    const contact = (n: number, minute: number, correction: string | undefined) => ({
      type: 'CustomerContacted',
      data: { contactId: `P1-C${n}`, customerId: 'P1', staffId: 'rm1', channel: 'phone', campaignId: null, outcomeNote: null, contactedAt: `2026-03-31T15:${minute}:00.000Z` },
      metadata: { eventId: randomUUID(), correlationId: 'legacy', causationId: null, actor: 'admin', orgUnit: 'HO', occurredAt: `2026-03-31T15:${minute}:00.000Z`, schemaVersion: 2, ...(correction ? { correction } : {}) },
    });
    const revision = (await t.runtime.store.readStream('customer-P1')).length - 1;
    // …and at 23:59 one whose "reference" is the customer's mobile number (the old pattern let it pass).
    await t.runtime.store.appendToStream('customer-P1', [contact(1, 50, PROSE), contact(2, 55, PROSE_AFTER_CODE), contact(3, 58, 'audit_finding AUD-2026/03.17'), contact(4, 59, undefined), contact(5, 59, 'other 13900003333')], revision);
    await caughtUp('the contacts');

    // The scorecard's corrections read the codes already, never the text.
    expect(await corrections()).toEqual(['other', 'late_booking', 'audit_finding AUD-2026/03.17', 'other']);
    const identity = `SELECT global_position::text, transaction_id::text, stream_id, stream_position::text, event_id::text, type, data, metadata - 'correction' AS metadata, recorded_at FROM es_events ORDER BY global_position`;
    const before = { identity: (await t.db.pool.query(identity)).rows, readModels: await readModels() };
    expect(await eventsTable()).toContain('13700001111');

    // In batches of 3 positions, each its own transaction (review: no one transaction over the log).
    LegacyCorrectionReasons1764000019720.batches = { batchSize: 3 };
    expect(await runAgain()).toEqual([MIGRATION]);

    const after = await eventsTable();
    for (const text of ['13700001111', 'Mrs Chen', '13500002222', 'Mr Wu', '13900003333']) expect({ text, inEvents: after.includes(text) }).toEqual({ text, inEvents: false });
    const { rows: stored } = await t.db.pool.query(`SELECT data->>'contactId' AS contact, metadata->>'correction' AS correction FROM es_events WHERE stream_id = 'customer-P1' AND type = 'CustomerContacted' ORDER BY stream_position`);
    expect(stored).toEqual([
      { contact: 'P1-C1', correction: 'other' },
      { contact: 'P1-C2', correction: 'late_booking' },
      { contact: 'P1-C3', correction: 'audit_finding AUD-2026/03.17' },
      { contact: 'P1-C4', correction: null },
      { contact: 'P1-C5', correction: 'other' },
    ]);
    // Everything else as it was: ids, positions, data, the rest of the metadata.
    expect((await t.db.pool.query(identity)).rows).toEqual(before.identity);
    const { rows: rewrites } = await t.db.pool.query(`SELECT stream_id, type, from_version, to_version, reason FROM es_rewrites ORDER BY global_position`);
    expect(rewrites).toEqual([
      { stream_id: 'customer-P1', type: 'CustomerContacted', from_version: 2, to_version: 2, reason: LEGACY_CORRECTION_REASON_REWRITE },
      { stream_id: 'customer-P1', type: 'CustomerContacted', from_version: 2, to_version: 2, reason: LEGACY_CORRECTION_REASON_REWRITE },
      { stream_id: 'customer-P1', type: 'CustomerContacted', from_version: 2, to_version: 2, reason: LEGACY_CORRECTION_REASON_REWRITE },
    ]);

    // Read models: as they were, and rebuilt from the rewritten log they come out the same.
    expect(await readModels()).toEqual(before.readModels);
    await t.runtime.projector!.rebuildAll(PROJECTIONS.map((p) => p.name));
    expect(await readModels()).toEqual(before.readModels);

    // Twice: nothing more is rewritten nor recorded.
    expect(await runAgain()).toEqual([MIGRATION]);
    expect(await eventsTable()).toBe(after);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM es_rewrites`)).rows[0].n).toBe(3);
  }, 120_000);

  it('rewrites batch by batch in short transactions; a batch held up by a lock fails alone, and a second run finishes the rest', async () => {
    expect((await api(t).as('rm1').post('/api/customers', { customerId: 'P2', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '3000' }, personal: { name: 'Lin Tao' } })).status).toBe(201);
    const contact = (n: number) => ({
      type: 'CustomerContacted',
      data: { contactId: `P2-C${n}`, customerId: 'P2', staffId: 'rm1', channel: 'phone', campaignId: null, outcomeNote: null, contactedAt: '2026-04-30T15:58:00.000Z' },
      metadata: { eventId: randomUUID(), correlationId: 'legacy', causationId: null, actor: 'admin', orgUnit: 'HO', occurredAt: '2026-04-30T15:58:00.000Z', schemaVersion: 2, correction: `system_fault: Mr Lin rang 1370000${1000 + n}` },
    });
    const revision = (await t.runtime.store.readStream('customer-P2')).length - 1;
    await t.runtime.store.appendToStream('customer-P2', [1, 2, 3, 4].map(contact), revision);
    const { rows: positions } = await t.db.pool.query(`SELECT global_position::text AS p FROM es_events WHERE stream_id = 'customer-P2' AND type = 'CustomerContacted' ORDER BY global_position`);
    const legacy = async () => (await t.db.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = 'customer-P2' AND metadata->>'correction' <> 'system_fault'`)).rows[0].n;

    // Another transaction holds the last of the four rows.
    const holder = await t.db.pool.connect();
    const client = await t.db.pool.connect();
    const statements: string[] = [];
    const query = async (sql: string, params?: unknown[]) => {
      statements.push(sql.trim().split(/\s+/)[0]!.toUpperCase());
      return (await client.query(sql, params)).rows;
    };
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM es_events WHERE global_position = $1 FOR UPDATE`, [positions[3].p]);
      const batchSize = 1;
      await expect(redactLegacyCorrectionReasons(query, { batchSize, lockTimeoutMs: 100, attempts: 2 })).rejects.toMatchObject({ code: '55P03' });
      // The batches before it committed on their own: three of the four are code already.
      expect(await legacy()).toBe(1);
      // Every batch was its own transaction: as many BEGINs as COMMITs plus the two failed attempts.
      const begins = statements.filter((x) => x === 'BEGIN').length;
      expect(statements.filter((x) => x === 'ROLLBACK').length).toBe(2);
      expect(begins).toBe(statements.filter((x) => x === 'COMMIT').length + 2);
      expect(begins).toBeGreaterThan(4);
      await holder.query('ROLLBACK');
      // Started again, it finds only what is left.
      expect(await redactLegacyCorrectionReasons(query, { batchSize: 2 })).toBe(1);
      expect(await legacy()).toBe(0);
      expect(await redactLegacyCorrectionReasons(query)).toBe(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
      client.release();
    }
  }, 120_000);
});
