import { createHash, createHmac, randomBytes } from 'node:crypto';
import { api, seedOrganisation } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { IdempotencyStore, idempotencyHashKey } from '@app/platform';

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const personalData = { phone: '+86 138 0000 1234', name: 'Lin Yao' };

describe('idempotency store', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const hashIn = async (scope: string, key: string) => {
    const { rows } = await db.pool.query<{ request_hash: string }>(`SELECT request_hash FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
    return rows[0]?.request_hash;
  };
  const age = (scope: string, days: number) => db.pool.query(`UPDATE idempotency_keys SET created_at = now() - make_interval(days => $2) WHERE scope = $1`, [scope, days]);

  it('stores a keyed hash of the body, not its plain SHA-256', async () => {
    const store = new IdempotencyStore(db.pool, randomBytes(32));
    await store.claim('rm1 POST /api/customers/B1/personal-data', 'k1', store.hash(personalData));
    const stored = await hashIn('rm1 POST /api/customers/B1/personal-data', 'k1');
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toBe(sha256(personalData));
  });

  it('hashes the same body differently under different keys', () => {
    expect(new IdempotencyStore(db.pool, randomBytes(32)).hash(personalData)).not.toBe(new IdempotencyStore(db.pool, randomBytes(32)).hash(personalData));
  });

  it('replays the first response to the same body under the same key', async () => {
    const key = randomBytes(32);
    const first = new IdempotencyStore(db.pool, key);
    expect(await first.claim('rm1 POST /a', 'k2', first.hash(personalData))).toEqual({ kind: 'new' });
    await first.complete('rm1 POST /a', 'k2', 200, { ok: true });
    const again = new IdempotencyStore(db.pool, key);
    expect(await again.claim('rm1 POST /a', 'k2', again.hash({ ...personalData }))).toEqual({ kind: 'replay', status: 200, body: { ok: true } });
  });

  it('refuses a different body with the same idempotency key', async () => {
    const store = new IdempotencyStore(db.pool, randomBytes(32));
    await store.claim('rm1 POST /b', 'k3', store.hash(personalData));
    await store.complete('rm1 POST /b', 'k3', 200, {});
    expect(await store.claim('rm1 POST /b', 'k3', store.hash({ ...personalData, phone: '+86 138 0000 9999' }))).toEqual({ kind: 'mismatch' });
  });

  it('sweeps keys older than 7 days on the next claim and keeps younger ones', async () => {
    const old = new IdempotencyStore(db.pool, randomBytes(32));
    await old.claim('sweep old', 'k', old.hash(1));
    await old.claim('sweep young', 'k', old.hash(2));
    await age('sweep old', 8);
    await age('sweep young', 6);
    const store = new IdempotencyStore(db.pool, randomBytes(32));
    await store.claim('sweep trigger', 'k', store.hash(3));
    expect(await hashIn('sweep old', 'k')).toBeUndefined();
    expect(await hashIn('sweep young', 'k')).toBeDefined();
  });

  it('treats an expired key as new even before the next sweep', async () => {
    const store = new IdempotencyStore(db.pool, randomBytes(32));
    await store.claim('expired', 'k', store.hash('first'));
    await store.complete('expired', 'k', 201, { first: true });
    await age('expired', 8);
    expect(await store.claim('expired', 'k', store.hash('second'))).toEqual({ kind: 'new' });
    expect(await hashIn('expired', 'k')).toBe(store.hash('second'));
  });
});

describe('idempotency hash key', () => {
  const config = (masterKey: Buffer) => ({ piiMasterKey: masterKey.toString('base64'), dataDir: '/nonexistent' });

  it('is derived from the PII master key: stable, and neither the master key itself nor shared across master keys', () => {
    const master = randomBytes(32);
    expect(idempotencyHashKey(config(master))).toEqual(idempotencyHashKey(config(master)));
    expect(idempotencyHashKey(config(master))).not.toEqual(master);
    expect(idempotencyHashKey(config(master))).not.toEqual(idempotencyHashKey(config(randomBytes(32))));
  });
});

describe('Idempotency-Key on the api', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedOrganisation(t);
  });
  afterAll(() => t.close());

  const post = (body: unknown) => api(t).as('admin').post('/api/customers/NOBODY/personal-data', body, { 'idempotency-key': 'pd-1' });

  it('stores an HMAC of the body under the derived key, never its SHA-256', async () => {
    const first = await post(personalData);
    expect(first.status).toBeLessThan(500);
    const { rows } = await t.db.pool.query<{ request_hash: string }>(`SELECT request_hash FROM idempotency_keys WHERE key = 'pd-1'`);
    expect(rows.map((r) => r.request_hash)).toEqual([createHmac('sha256', idempotencyHashKey(t.runtime.config)).update(JSON.stringify(personalData)).digest('hex')]);
    expect(rows[0]!.request_hash).not.toBe(sha256(personalData));
  });

  it('replays the first response to a repeat with the same body', async () => {
    const repeat = await post(personalData);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with a different body (422)', async () => {
    const r = await post({ ...personalData, phone: '+86 138 0000 9999' });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
