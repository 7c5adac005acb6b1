import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@app/event-store';
import { runCli } from '../../apps/cli/src/program';
import { api, seedOrganisation } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 16 item 6: free text that old event versions (v1) kept in the log. Events written by an
 * older release stay in es_events; erasure rewrites the customer's ones (the one rewrite allowed,
 * recorded in es_rewrites); an import (`campaignctl import`) of v1 events puts their text in the
 * vault, never in the log. Afterwards a scan of every column of es_events finds none of it.
 */
const STORED_OUTCOME = 'Wang Fang legacy outcome: her son 王磊 answered, 13911112222';
const STORED_COMMENT = 'Wang Fang legacy comment: send letters to Room 1203, 88 Nanjing Rd';
const CAMPAIGN_COMMENT = 'legacy note about the campaign: posters came late';
const IMPORTED_DESCRIPTION = 'Wang Fang imported redemption: spa voucher for her mother 赵敏';
const IMPORTED_REASON = 'Wang Fang imported reversal: card stolen at 7-Eleven Xujiahui';
const TEXTS = [STORED_OUTCOME, STORED_COMMENT, IMPORTED_DESCRIPTION, IMPORTED_REASON];

describe('legacy (v1) free text about a customer: erased from the log, never imported into it', () => {
  let t: TestApp;
  const key = randomBytes(32).toString('base64');
  const dir = mkdtempSync(join(tmpdir(), 'legacy-text-'));
  const saved = { ...process.env };
  beforeAll(async () => {
    t = await startTestApp({ PII_MASTER_KEY: key });
    await seedOrganisation(t);
    Object.assign(process.env, { DATABASE_URL: t.db.url, PII_MASTER_KEY: key, JWT_SECRET: randomBytes(32).toString('base64'), DATA_DIR: dir, LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    process.env = saved;
    await t?.close();
  });

  const meta = (occurredAt: string) => ({ eventId: randomUUID(), correlationId: 'legacy', causationId: null, actor: 'rm1', orgUnit: 'SB1', occurredAt, schemaVersion: 1 });
  /** Every column of every row of es_events, as text. */
  const eventsTable = async () => (await t.db.pool.query(`SELECT string_agg(row_to_json(e)::text, '\n') AS t FROM es_events e`)).rows[0].t as string;
  const cli = async (args: string[]) => {
    let err = '';
    const so = jest.spyOn(process.stdout, 'write').mockImplementation((() => true) as never);
    const se = jest.spyOn(process.stderr, 'write').mockImplementation(((c: string) => ((err += String(c)), true)) as never);
    try {
      return { code: await runCli(args), err };
    } finally {
      so.mockRestore();
      se.mockRestore();
    }
  };

  it('scrubs stored v1 text on erasure and keeps imported v1 text in the vault only', async () => {
    const c = api(t);
    expect((await c.as('rm1').post('/api/customers', { customerId: 'L1', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '5000' }, personal: { name: 'Wang Fang' } })).status).toBe(201);
    // Written by an older release: a contact outcome on her stream, a comment of hers and one about
    // the campaign itself on a campaign's stream (23:59 Beijing on 31 March = 15:59 UTC).
    await t.runtime.store.appendToStream('customer-L1', [
      { type: 'CustomerContacted', data: { contactId: 'X-L1', customerId: 'L1', staffId: 'rm1', channel: 'phone', campaignId: null, outcome: STORED_OUTCOME, contactedAt: '2026-03-31T15:59:00.000Z' }, metadata: meta('2026-03-31T15:59:00.000Z') },
    ], 0);
    await t.runtime.store.appendToStream('legacy-feedback-K1', [
      { type: 'CampaignFeedbackRecorded', data: { campaignId: 'K1', feedbackId: 'F1', customerId: 'L1', rating: 2, comment: STORED_COMMENT }, metadata: meta('2026-04-01T01:00:00.000Z') },
      { type: 'CampaignFeedbackRecorded', data: { campaignId: 'K1', feedbackId: 'F2', customerId: null, rating: null, comment: CAMPAIGN_COMMENT }, metadata: meta('2026-04-01T01:00:00.000Z') },
    ], 'no_stream');

    // An export of an older release's points stream: v1 events with their text.
    const line = (streamRevision: number, type: string, data: Record<string, unknown>) => {
      const m = meta('2026-04-02T16:30:00.000Z');
      return JSON.stringify({ position: `0/${streamRevision + 1}`, eventId: m.eventId, streamId: 'points-L1', streamRevision, type, occurredAt: m.occurredAt, recordedAt: m.occurredAt, actor: 'system', orgUnit: null, correlationId: 'legacy', causationId: null, schemaVersion: 1, data });
    };
    const file = join(dir, 'legacy.ndjson');
    writeFileSync(file, [
      line(0, 'PointsRedeemed', { customerId: 'L1', redemptionId: 'R-L1', points: 100, description: IMPORTED_DESCRIPTION }),
      line(1, 'TransactionPointsReversed', { customerId: 'L1', transactionId: 'T-L1', points: 30, effectiveOn: '2026-04-03T16:00:00.000Z', reason: IMPORTED_REASON }),
    ].join('\n') + '\n');
    const imported = await cli(['import', file]);
    expect(imported).toEqual({ code: 0, err: '' });

    // Imported: the events are version 2 naming notes; the texts are in her vault, not the log.
    const { rows: points } = await t.db.pool.query(`SELECT type, data, metadata FROM es_events WHERE stream_id = 'points-L1' ORDER BY stream_position`);
    expect(points.map((r) => [r.type, r.metadata.schemaVersion])).toEqual([['PointsRedeemed', 2], ['TransactionPointsReversed', 2]]);
    const noteIds = [points[0].data.descriptionNote, points[1].data.reasonNote];
    const notes = await t.runtime.vault.notes.get('L1', noteIds);
    expect(noteIds.map((n) => notes.get(n))).toEqual([IMPORTED_DESCRIPTION, IMPORTED_REASON]);
    const before = await eventsTable();
    expect(before).not.toContain(IMPORTED_DESCRIPTION);
    expect(before).not.toContain(IMPORTED_REASON);
    expect(before).toContain(STORED_OUTCOME); // written before v2 existed: still in the table

    expect((await c.as('admin').post('/api/customers/L1/erasure', { reason: 'customer_request' })).status).toBe(200);

    const after = await eventsTable();
    for (const text of TEXTS) expect({ text, inEvents: after.includes(text) }).toEqual({ text, inEvents: false });
    // Nor anywhere else in the database (vault notes and their key are gone).
    const { rows: tables } = await t.db.pool.query(`SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
    for (const { schemaname, tablename } of tables) {
      const { rows } = await t.db.pool.query(`SELECT coalesce(string_agg(row_to_json(x)::text, '\n'), '') AS t FROM "${schemaname}"."${tablename}" x`);
      for (const text of TEXTS) expect({ table: `${schemaname}.${tablename}`, contains: rows[0].t.includes(text) }).toEqual({ table: `${schemaname}.${tablename}`, contains: false });
    }
    // The comment about the campaign itself is no one's personal data: it stays.
    expect(after).toContain(CAMPAIGN_COMMENT);
    // The two stored v1 events of hers were rewritten, to version 2 naming no note, and recorded as such.
    const { rows: rewrites } = await t.db.pool.query(`SELECT stream_id, type, from_version, to_version, reason FROM es_rewrites ORDER BY global_position`);
    expect(rewrites).toEqual([
      { stream_id: 'customer-L1', type: 'CustomerContacted', from_version: 1, to_version: 2, reason: 'erasure of customer L1' },
      { stream_id: 'legacy-feedback-K1', type: 'CampaignFeedbackRecorded', from_version: 1, to_version: 2, reason: 'erasure of customer L1' },
    ]);
    const contact = (await t.runtime.store.readStream('customer-L1')).find((e) => e.type === 'CustomerContacted')!;
    expect(contact.data).toMatchObject({ contactId: 'X-L1', outcomeNote: null });
    // The history stays whole: same events, same positions.
    expect((await t.runtime.store.readStream('customer-L1')).map((e) => e.type)).toEqual(['CustomerOnboarded', 'CustomerContacted', 'CustomerDataErased']);
  }, 60_000);

  it('finishes an erasure an earlier import stored but died before doing: the re-run erases the customer though the event is already stored', async () => {
    const c = api(t);
    expect((await c.as('rm1').post('/api/customers', { customerId: 'L9', segment: 'retail', gender: 'M', assetsByUnit: { SB1: '100' }, personal: { name: 'Li Lei' } })).status).toBe(201);
    expect((await t.runtime.vault.get('L9')).state).not.toBe('erased');
    // The erasure as an export carries it, at revision 1 of her stream (after CustomerOnboarded).
    const m = meta('2026-04-30T16:30:00.000Z');
    const erasure = { type: 'CustomerDataErased', data: { customerId: 'L9', reason: 'customer request', erasedBy: 'admin' }, metadata: { ...m, schemaVersion: 1 } };
    // What the killed import left: the event stored, the vault not erased.
    await t.runtime.store.appendToStream('customer-L9', [erasure], 0);
    const file = join(dir, 'erasure.ndjson');
    writeFileSync(file, JSON.stringify({ position: '0/2', eventId: m.eventId, streamId: 'customer-L9', streamRevision: 1, type: 'CustomerDataErased', occurredAt: m.occurredAt, recordedAt: m.occurredAt, actor: 'admin', orgUnit: null, correlationId: 'legacy', causationId: null, schemaVersion: 1, data: erasure.data }) + '\n');
    expect(await cli(['import', file])).toEqual({ code: 0, err: '' });
    // Nothing appended twice; her vault erased.
    expect((await t.runtime.store.readStream('customer-L9')).map((e) => e.type)).toEqual(['CustomerOnboarded', 'CustomerDataErased']);
    expect((await t.runtime.vault.get('L9')).state).toBe('erased');
  }, 60_000);

  it('appends an imported first-version erasure as a code: its free-text reason never reaches the log', async () => {
    const c = api(t);
    expect((await c.as('rm1').post('/api/customers', { customerId: 'L10', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '100' }, personal: { name: 'Li Mei' } })).status).toBe(201);
    const m = meta('2026-04-30T16:30:00.000Z');
    const REASON = 'Li Mei asked by phone on 3 May';
    const file = join(dir, 'erasure-v1.ndjson');
    writeFileSync(file, JSON.stringify({ position: '0/2', eventId: m.eventId, streamId: 'customer-L10', streamRevision: 1, type: 'CustomerDataErased', occurredAt: m.occurredAt, recordedAt: m.occurredAt, actor: 'admin', orgUnit: null, correlationId: 'legacy', causationId: null, schemaVersion: 1, data: { customerId: 'L10', reason: REASON, erasedBy: 'admin' } }) + '\n');
    expect(await cli(['import', file])).toEqual({ code: 0, err: '' });
    const { rows } = await t.db.pool.query(`SELECT data, metadata->>'schemaVersion' AS v FROM es_events WHERE stream_id = 'customer-L10' AND type = 'CustomerDataErased'`);
    expect(rows).toEqual([{ data: { customerId: 'L10', reasonCode: 'other', requestRef: null, erasedBy: 'admin' }, v: '2' }]);
    const { rows: anywhere } = await t.db.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE data::text LIKE '%asked by phone%'`);
    expect(anywhere[0].n).toBe(0);
    expect((await t.runtime.vault.get('L10')).state).toBe('erased');
  }, 60_000);

  it('takes a complaint\'s category as a code only; an `other` complaint\'s description goes to the vault; a v1 free-text category is scrubbed on erasure', async () => {
    const c = api(t);
    const rm = c.as('rm1');
    const DESCRIPTION = 'Chen Jing says the teller 刘强 shouted at her father';
    const LEGACY_CATEGORY = 'Chen Jing rude teller';
    expect((await rm.post('/api/customers', { customerId: 'L2', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '5000' }, personal: { name: 'Chen Jing' } })).status).toBe(201);
    // Free text as the category is refused, and so is `other` without a description; nothing appended.
    const head = async () => (await t.db.pool.query(`SELECT count(*)::int AS n FROM es_events`)).rows[0].n as number;
    const before = await head();
    expect((await rm.post('/api/interactions', { kind: 'complaint', customerId: 'L2', category: LEGACY_CATEGORY })).status).toBe(400);
    const noDescription = await rm.post('/api/interactions', { kind: 'complaint', customerId: 'L2', category: 'other' });
    expect([noDescription.status, noDescription.body.error.code]).toEqual([400, 'DESCRIPTION_REQUIRED']);
    expect(await head()).toBe(before);
    // An `other` complaint: the event holds the code and names the note; the text is in her vault.
    expect((await rm.post('/api/interactions', { kind: 'complaint', customerId: 'L2', complaintId: 'Q-L2', category: 'other', description: DESCRIPTION })).status).toBe(201);
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE type = 'ComplaintRecorded' AND data->>'customerId' = 'L2'`);
    expect(rows.map((r) => [r.data.category, r.data.descriptionNote])).toEqual([['other', 'complaint:Q-L2:description']]);
    expect((await t.runtime.vault.notes.get('L2', ['complaint:Q-L2:description'])).get('complaint:Q-L2:description')).toBe(DESCRIPTION);
    // Written by an older release: a complaint whose category was free text (version 1).
    await t.runtime.store.appendToStream('customer-L2', [
      { type: 'ComplaintRecorded', data: { complaintId: 'Q-L2-old', customerId: 'L2', category: LEGACY_CATEGORY, contactId: null, staffId: null, campaignId: null, answerDueBy: '2026-04-30T15:59:59.000Z' }, metadata: meta('2026-04-15T16:00:00.000Z') },
    ], 'stream_exists');
    expect(await eventsTable()).not.toContain(DESCRIPTION);
    expect(await eventsTable()).toContain(LEGACY_CATEGORY);

    expect((await c.as('admin').post('/api/customers/L2/erasure', { reason: 'customer_request' })).status).toBe(200);
    const after = await eventsTable();
    expect(after).not.toContain(LEGACY_CATEGORY);
    expect(after).not.toContain(DESCRIPTION);
    const old = (await t.runtime.store.readStream('customer-L2')).find((e) => e.type === 'ComplaintRecorded' && (e.data as { complaintId: string }).complaintId === 'Q-L2-old')!;
    // Rewritten to version 2: a free-text category reads as `other`, with no note.
    expect([old.metadata.schemaVersion, old.data]).toEqual([2, expect.objectContaining({ category: 'other', descriptionNote: null })]);
    expect((await t.runtime.vault.notes.get('L2', ['complaint:Q-L2:description'])).size).toBe(0);
  }, 60_000);
});
