import { api, seedOrganisation } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Personal data stays out of everything but the vault, and leaves the vault for good on erasure;
 * secrets and personal data never reach the logs; each token has its own request budget.
 */
const NAME = 'Zhang Xiuying';
const PHONE = '+86 139 8765 4321';
const ID_NUMBER = '310101198003152345';
const NEW_PHONE = '+86 137 1111 2222';

describe('privacy and hardening', () => {
  let t: TestApp;
  const logLines: string[] = [];
  const secrets = { jwt: Buffer.alloc(32, 7).toString('base64'), pii: Buffer.alloc(32, 9).toString('base64') };

  /** Every text, json and bytea value in every table of every schema, as one searchable string per table. */
  async function databaseText(): Promise<Map<string, string>> {
    const { rows: tables } = await t.db.pool.query(
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const out = new Map<string, string>();
    for (const { table_schema: schema, table_name: table } of tables) {
      const { rows } = await t.db.pool.query(`SELECT row_to_json(x)::text AS j FROM ${quote(schema)}.${quote(table)} x`);
      out.set(`${schema}.${table}`, rows.map((r) => r.j).join('\n'));
    }
    return out;
  }
  const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'trace', JWT_SECRET: secrets.jwt, PII_MASTER_KEY: secrets.pii }, { log: { write: (line: string) => void logLines.push(line) } });
    await seedOrganisation(t);
  });
  afterAll(() => t?.close());

  it('keeps personal data only encrypted, and after erasure nowhere: API, database, logs', async () => {
    const c = api(t);
    const rm = c.as('rm1');
    expect((await rm.post('/api/customers', { customerId: 'P1', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1000' }, personal: { name: NAME, phone: PHONE, idNumber: ID_NUMBER } })).status).toBe(201);
    // rm1 manages P1: personal data is in clear (and written) only by the customer's own manager and the heads above.
    expect((await c.as('head-br1').post('/api/customers/P1/manager', { staffId: 'rm1' })).status).toBe(200);
    expect((await rm.post('/api/customers/P1/personal-data', { phone: NEW_PHONE })).status).toBe(200);
    // a refused correction that carries personal data in its body: the data goes nowhere
    expect((await rm.post('/api/customers/P1/personal-data', { phone: NEW_PHONE, extra: NAME })).status).toBe(400);
    await t.runtime.projector!.catchUp();

    const before = await c.as('rm1').get('/api/customers/P1');
    expect(before.body.personal).toMatchObject({ name: NAME, phone: NEW_PHONE, idNumber: ID_NUMBER });
    // before erasure the database holds it only encrypted: no table has it in plaintext
    for (const [table, text] of await databaseText()) {
      for (const value of [NAME, PHONE, NEW_PHONE, ID_NUMBER]) expect({ table, contains: text.includes(value) }).toEqual({ table, contains: false });
    }

    const erased = await c.as('admin').post('/api/customers/P1/erasure', { reason: 'customer_request' });
    expect(erased.status).toBe(200);
    await t.runtime.projector!.catchUp();

    for (const who of ['admin', 'rm1', 'head-br1']) {
      const res = await c.as(who).get('/api/customers/P1');
      expect(res.status).toBe(200);
      expect(res.body.personal).toBeNull();
      expect(res.body.personalDataErased).toBe(true);
      for (const value of [NAME, PHONE, NEW_PHONE, ID_NUMBER]) expect(JSON.stringify(res.body)).not.toContain(value);
    }
    const vault = await t.db.pool.query(`SELECT wrapped_key FROM pii_vault WHERE customer_id = 'P1'`);
    expect(vault.rows[0].wrapped_key).toBeNull(); // the data key is gone: the ciphertext is unreadable
    await expect(t.runtime.vault.get('P1')).resolves.toEqual({ state: 'erased' });
    // a correction after erasure is refused and writes nothing back
    expect((await rm.post('/api/customers/P1/personal-data', { name: NAME })).status).toBe(409);
    for (const [table, text] of await databaseText()) {
      for (const value of [NAME, PHONE, NEW_PHONE, ID_NUMBER]) expect({ table, contains: text.includes(value) }).toEqual({ table, contains: false });
    }
    // the history stays, anonymous
    const { rows } = await t.db.pool.query(`SELECT type FROM es_events WHERE stream_id = 'customer-P1' ORDER BY stream_position`);
    expect(rows.map((r) => r.type)).toEqual(['CustomerOnboarded', 'CustomerAssignedToManager', 'CustomerPersonalDataCorrected', 'CustomerDataErased']);
  });

  it('keeps free text about a customer (a contact outcome, a reversal reason) out of the event log, in the vault, and after erasure nowhere (issue 16)', async () => {
    const c = api(t);
    const rm = c.as('rm1');
    const OUTCOME = 'Zhang Xiuying says her deposit matures next month, call 13900001111';
    const REASON = 'Zhang Xiuying disputed the sale: her husband 李明 was not told';
    expect((await rm.post('/api/customers', { customerId: 'P3', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1000' }, personal: { name: NAME } })).status).toBe(201);
    expect((await rm.post('/api/interactions', { kind: 'contact', customerId: 'P3', staffId: 'rm1', channel: 'phone', outcome: OUTCOME })).status).toBe(201);
    expect((await rm.post('/api/interactions', { kind: 'conversion', customerId: 'P3', conversionId: 'V-P3', staffId: 'rm1', productCode: 'DEP-1Y', amount: '1000', revenue: '10' })).status).toBe(201);
    expect((await rm.post('/api/interactions', { kind: 'reversal', customerId: 'P3', conversionId: 'V-P3', reason: REASON })).status).toBe(201);
    await t.runtime.projector!.catchUp();
    const eventsText = async () => (await t.db.pool.query(`SELECT string_agg(data::text || metadata::text, '\n') AS t FROM es_events`)).rows[0].t as string;
    // Not in the log even before erasure: the events name vault notes.
    expect(await eventsText()).not.toContain('13900001111');
    expect(await eventsText()).not.toContain('李明');
    // Whoever sees the customer's personal data in clear reads the outcome; the others see it masked.
    expect((await c.as('head-br1').get('/api/customers/P3')).body.lastContacts[0].outcome).toBe(OUTCOME);
    expect((await c.as('admin').get('/api/customers/P3')).body.lastContacts[0].outcome).toBe('***');
    for (const [table, text] of await databaseText()) {
      for (const value of ['13900001111', '李明']) expect({ table, contains: text.includes(value) }).toEqual({ table, contains: false });
    }

    expect((await c.as('admin').post('/api/customers/P3/erasure', { reason: 'customer_request' })).status).toBe(200);
    await t.runtime.projector!.catchUp();
    expect(await eventsText()).not.toContain('13900001111');
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM pii_notes WHERE customer_id = 'P3'`)).rows[0].n).toBe(0);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM pii_note_keys WHERE customer_id = 'P3'`)).rows[0].n).toBe(0);
    const after = await c.as('head-br1').get('/api/customers/P3');
    expect(after.body.lastContacts[0].outcome).toBeNull();
    expect(JSON.stringify(after.body)).not.toContain('13900001111');
  });

  it('keeps the erasure\'s reason and a correction\'s reason as codes: no prose about the customer in the log, before or after erasure (issue 16, item 6)', async () => {
    const c = api(t);
    const admin = c.as('admin');
    const ERASE_WHY = 'Zhang Xiuying rang on 13700009999 after her divorce';
    const CORRECT_WHY = 'Zhang Xiuying sale keyed late, her son 王小明 complained';
    expect((await c.as('rm1').post('/api/customers', { customerId: 'P7', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1000' }, personal: { name: NAME } })).status).toBe(201);
    // A correction's reason in prose is refused before anything is recorded (it would sit in the events' metadata).
    const prose = await admin.post('/api/interactions', { kind: 'conversion', customerId: 'P7', staffId: 'rm1', productCode: 'DEP-1Y', amount: '1000', revenue: '10' }, { 'correction-reason': encodeURIComponent(CORRECT_WHY) });
    expect({ status: prose.status, code: prose.body.error.code }).toEqual({ status: 400, code: 'INVALID_CORRECTION_REASON' });
    // So is an erasure's reason in prose, and a reference that is a sentence.
    const proseErasure = await admin.post('/api/customers/P7/erasure', { reason: ERASE_WHY });
    expect(proseErasure.status).toBe(400);
    expect((await admin.post('/api/customers/P7/erasure', { reason: 'other', requestRef: 'rang on 13700009999' })).status).toBe(400);
    // The erasure records a code and a ticket number: the audit keeps the ground, nothing personal.
    expect((await admin.post('/api/customers/P7/erasure', { reason: 'customer_request', requestRef: 'DPO-2026-0042' })).status).toBe(200);
    await t.runtime.projector!.catchUp();
    const { rows } = await t.db.pool.query(`SELECT data, metadata FROM es_events WHERE stream_id = 'customer-P7' AND type = 'CustomerDataErased'`);
    expect(rows.map((r) => ({ ...r.data, schemaVersion: r.metadata.schemaVersion }))).toEqual([{ customerId: 'P7', reasonCode: 'customer_request', requestRef: 'DPO-2026-0042', erasedBy: 'admin', schemaVersion: 2 }]);
    for (const [table, text] of await databaseText()) {
      for (const value of ['13700009999', 'divorce', '王小明', 'keyed late']) expect({ table, contains: text.includes(value) }).toEqual({ table, contains: false });
    }
  });

  it('keeps a claim rejection\'s reason out of the event log, in the customer\'s vault, and after erasure nowhere (issue 16)', async () => {
    const c = api(t);
    const REJECTION = 'Wang Fang of SB2 already serves her, mobile 13811112222';
    const claim = (claimId: string) => c.as('rm1').post('/api/customers/claims', { claimId, customerId: 'P4', segment: 'retail', gender: 'F', birthYear: 1980, assetsByUnit: { SB1: '250000' } });
    expect((await claim('CL-P4-1')).status).toBe(201);
    expect((await c.as('head-br1').post('/api/customers/P4/claims/CL-P4-1/decision', { approve: false, reason: REJECTION })).status).toBe(200);
    const eventsText = async () => (await t.db.pool.query(`SELECT string_agg(data::text || metadata::text, '\n') AS t FROM es_events`)).rows[0].t as string;
    expect(await eventsText()).not.toContain('13811112222');
    const { rows } = await t.db.pool.query(`SELECT data FROM es_events WHERE stream_id = 'customer-P4' AND type = 'CustomerClaimRejected'`);
    // the note is the decision's own: the claim's id and a random UUID
    expect(rows[0].data.reasonNote).toMatch(/^claim:CL-P4-1:rejection:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await t.runtime.vault.notes.get('P4', [rows[0].data.reasonNote])).get(rows[0].data.reasonNote)).toBe(REJECTION);
    // A second claim is approved: the customer is onboarded, then erased; the rejection's reason goes with them.
    expect((await claim('CL-P4-2')).status).toBe(201);
    expect((await c.as('head-br1').post('/api/customers/P4/claims/CL-P4-2/decision', { approve: true })).status).toBe(200);
    await t.runtime.projector!.catchUp();
    expect((await c.as('admin').post('/api/customers/P4/erasure', { reason: 'customer_request' })).status).toBe(200);
    await t.runtime.projector!.catchUp();
    for (const [table, text] of await databaseText()) expect({ table, contains: text.includes('13811112222') }).toEqual({ table, contains: false });
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM pii_notes WHERE customer_id = 'P4'`)).rows[0].n).toBe(0);
  });

  it('keeps VIP card refusal and cancellation reasons out of the event log, in the customer\'s vault, and after erasure nowhere (issue 16)', async () => {
    const c = api(t);
    const REFUSAL = 'her brother Zhang Wei works at SB1, conflict';
    const CANCEL = 'moved to Hangzhou, 13722223333';
    expect((await c.as('rm1').post('/api/customers', { customerId: 'P5', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1000' } })).status).toBe(201);
    expect((await c.as('admin').post('/api/customers/P5/balances', { month: '2026-01', averageDailyAssets: '300000' })).status).toBe(201);
    // platinum is above her tier: a special card, which head office refuses with a reason
    expect((await c.as('rm1').post('/api/customers/P5/vip-card/applications', { applicationId: 'A-P5-1', tier: 'platinum' })).status).toBe(201);
    expect((await c.as('admin').post('/api/customers/P5/vip-card/applications/A-P5-1/decision', { approve: false, reason: REFUSAL })).status).toBe(200);
    expect((await c.as('rm1').post('/api/customers/P5/vip-card/applications', { applicationId: 'A-P5-2', tier: 'standard' })).status).toBe(201);
    expect((await c.as('rm1').post('/api/customers/P5/vip-card/issue', { cardId: 'CARD-P5' })).status).toBe(201);
    expect((await c.as('rm1').post('/api/customers/P5/vip-card/cancel', { reason: CANCEL })).status).toBe(200);
    const { rows } = await t.db.pool.query(`SELECT type, data FROM es_events WHERE stream_id = 'customer-P5' AND type IN ('VipCardApplicationRefused', 'VipCardCancelled') ORDER BY stream_position`);
    expect(rows.map((r) => [r.type, r.data.reason])).toEqual([['VipCardApplicationRefused', undefined], ['VipCardCancelled', undefined]]);
    const notes = await t.runtime.vault.notes.get('P5', rows.map((r) => r.data.reasonNote));
    expect([...notes.values()].sort()).toEqual([REFUSAL, CANCEL].sort());
    const texts = ['Zhang Wei', '13722223333'];
    const eventsText = (await t.db.pool.query(`SELECT string_agg(data::text || metadata::text, '\n') AS t FROM es_events`)).rows[0].t as string;
    for (const value of texts) expect({ value, inEvents: eventsText.includes(value) }).toEqual({ value, inEvents: false });
    expect((await c.as('admin').post('/api/customers/P5/erasure', { reason: 'customer_request' })).status).toBe(200);
    await t.runtime.projector!.catchUp();
    for (const [table, text] of await databaseText()) for (const value of texts) expect({ table, value, contains: text.includes(value) }).toEqual({ table, value, contains: false });
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM pii_notes WHERE customer_id = 'P5'`)).rows[0].n).toBe(0);
  });

  it('keeps points reversal reasons and redemption descriptions out of the event log, in the customer\'s vault, and after erasure nowhere (issue 16)', async () => {
    const c = api(t);
    const admin = c.as('admin');
    const REVERSAL = 'card used by her son Zhang Lei without consent';
    const REDEMPTION = 'gift basket sent to 88 Nanjing Road, flat 1203';
    expect((await c.as('rm1').post('/api/customers', { customerId: 'P6', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1000' } })).status).toBe(201);
    expect((await admin.post('/api/points/P6/transactions', { transactionId: 'T-P6', spend: '300.00' })).status).toBe(201);
    expect((await admin.post('/api/points/P6/redemptions', { redemptionId: 'R-P6', points: 100, description: REDEMPTION })).status).toBe(201);
    // a refused redemption (over the balance: 300 earned − 100 redeemed = 200 left) keeps no note
    expect((await admin.post('/api/points/P6/redemptions', { redemptionId: 'R-P6-2', points: 201, description: 'refused: Flat 9' })).status).toBe(422);
    expect((await admin.post('/api/points/P6/transactions/T-P6/reversal', { reason: REVERSAL })).status).toBe(201);
    const { rows } = await t.db.pool.query(`SELECT type, data FROM es_events WHERE stream_id = 'points-P6' AND type IN ('PointsRedeemed', 'TransactionPointsReversed') ORDER BY stream_position`);
    expect(rows.map((r) => [r.type, r.data.reasonNote ?? r.data.descriptionNote])).toEqual([
      ['PointsRedeemed', 'redemption:R-P6:description'],
      ['TransactionPointsReversed', 'points-reversal:T-P6:reason'],
    ]);
    const notes = await t.runtime.vault.notes.get('P6', ['redemption:R-P6:description', 'points-reversal:T-P6:reason', 'redemption:R-P6-2:description']);
    expect(Object.fromEntries(notes)).toEqual({ 'redemption:R-P6:description': REDEMPTION, 'points-reversal:T-P6:reason': REVERSAL });
    const texts = ['Zhang Lei', 'Nanjing Road', 'Flat 9'];
    await t.runtime.projector!.catchUp();
    for (const [table, text] of await databaseText()) {
      if (table === 'public.pii_notes') continue; // sealed there
      for (const value of texts) expect({ table, value, contains: text.includes(value) }).toEqual({ table, value, contains: false });
    }
    expect((await admin.post('/api/customers/P6/erasure', { reason: 'customer_request' })).status).toBe(200);
    await t.runtime.projector!.catchUp();
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM pii_notes WHERE customer_id = 'P6'`)).rows[0].n).toBe(0);
  });

  it('writes no secret and no personal data to the logs', async () => {
    const c = api(t);
    // more traffic that could leak: a token in a header, personal data in a failing body, a 404 path
    await c.as('rm1').post('/api/customers', { customerId: 'P2', segment: 'retail', gender: 'F', assetsByUnit: { SB1: '1' }, personal: { name: NAME, phone: 'not a phone' } });
    await c.as('rm1').get(`/api/customers/${encodeURIComponent(NAME)}`);
    const token = t.runtime.tokens.issue('admin').token;
    await fetch(`${t.url}/api/audit`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${t.url}/api/audit`, { headers: { authorization: `Bearer ${token}x` } });
    await new Promise((r) => setTimeout(r, 200)); // audit records and logs are written after the response
    const logs = logLines.join("");
    expect(logs).toContain('"route":"/api/customers/:customerId"'); // the capture works: requests are logged, by route
    const password = new URL(t.db.url).password;
    for (const secret of [NAME, encodeURIComponent(NAME), PHONE, NEW_PHONE, ID_NUMBER, token, secrets.jwt, secrets.pii, ...(password ? [password] : [])]) {
      expect({ secret: secret.slice(0, 6), found: logs.includes(secret) }).toEqual({ secret: secret.slice(0, 6), found: false });
    }
  });

  it('limits requests per token: one token over its budget gets 429, another token is unaffected', async () => {
    const limited = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      await seedOrganisationWithin(limited);
      const a = limited.runtime.tokens.issue('admin').token;
      const b = limited.runtime.tokens.issue('admin').token;
      const get = (token: string) => fetch(`${limited.url}/api/org`, { headers: { authorization: `Bearer ${token}` } });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await get(a)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const refused = await get(a);
      expect(await refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      expect(refused.headers.get('ratelimit')).toMatch(/r=0/);
      expect((await get(b)).status).toBe(200);
      // made-up tokens share their sender's budget: they do not buy more requests
      const forged = await Promise.all(Array.from({ length: 7 }, (_, i) => get(`${b.slice(0, -4)}AAA${i}`)));
      expect(forged.map((r) => r.status)).toContain(429);
      expect((await fetch(`${limited.url}/health`)).status).toBe(200); // health checks are not limited
    } finally {
      await limited.close();
    }
  });

  it('refuses oversized and non-JSON bodies with the error shape', async () => {
    const token = t.runtime.tokens.issue('rm1').token;
    const post = (body: string, type = 'application/json') => fetch(`${t.url}/api/interactions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
    const huge = await post(JSON.stringify({ kind: 'contact', outcome: 'x'.repeat(2_000_000) }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const malformed = await post('{"kind": "contact",');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
  });
});

/** The organisation of `seedOrganisation`, for a second app in the same file. */
async function seedOrganisationWithin(app: TestApp) {
  await fetch(`${app.url}/api/org/bootstrap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ headOffice: { unitId: 'HO', name: 'Head office' }, admin: { staffId: 'admin', displayName: 'Admin' } }),
  });
}
