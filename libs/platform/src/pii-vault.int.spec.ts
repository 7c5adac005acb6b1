import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { PiiVault } from './pii-vault';

describe('PII vault', () => {
  let db: TestDatabase;
  const key = randomBytes(32);
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('keeps personal data encrypted and gives it back', async () => {
    const vault = new PiiVault(db.pool, key);
    await vault.put('C1', { name: 'Lin Yao', phone: '13812345678' });
    expect(await vault.get('C1')).toEqual({ state: 'present', data: { name: 'Lin Yao', phone: '13812345678' } });
    const { rows } = await db.pool.query(`SELECT encode(ciphertext, 'escape') AS c FROM pii_vault WHERE customer_id = 'C1'`);
    expect(rows[0].c).not.toContain('Lin Yao');
  });

  it('cannot be read with another master key', async () => {
    await expect(new PiiVault(db.pool, randomBytes(32)).get('C1')).rejects.toThrow();
  });

  it('binds each record to its customer (a ciphertext moved to another id does not open)', async () => {
    const vault = new PiiVault(db.pool, key);
    await db.pool.query(`INSERT INTO pii_vault SELECT 'C2', wrapped_key, key_iv, key_tag, iv, ciphertext, tag FROM pii_vault WHERE customer_id = 'C1'`);
    await expect(vault.get('C2')).rejects.toThrow();
  });

  it('shreds on erasure: the data key is gone and writing again is refused', async () => {
    const vault = new PiiVault(db.pool, key);
    await vault.erase('C1');
    expect(await vault.get('C1')).toEqual({ state: 'erased' });
    const { rows } = await db.pool.query(`SELECT wrapped_key FROM pii_vault WHERE customer_id = 'C1'`);
    expect(rows[0].wrapped_key).toBeNull();
    await expect(vault.put('C1', { name: 'again' })).rejects.toThrow(/erased/);
  });

  it('never keeps a note written in a race with the customer\'s erasure', async () => {
    const vault = new PiiVault(db.pool, key);
    // Forty customers, each with a note written while their erasure runs: whichever goes first,
    // afterwards the customer has no note and no notes key (the note is refused, or erased).
    const customers = Array.from({ length: 40 }, (_, i) => `RACE-${i}`);
    const outcomes = await Promise.all(
      customers.map(async (c) => {
        await vault.put(c, { name: `Name ${c}` });
        const [kept] = await Promise.all([vault.notes.keep(c, 'contact:1:outcome', `said no, call ${c} later`), vault.erase(c)]);
        return kept;
      }),
    );
    const { rows: notes } = await db.pool.query(`SELECT customer_id FROM pii_notes WHERE customer_id LIKE 'RACE-%'`);
    const { rows: keys } = await db.pool.query(`SELECT customer_id FROM pii_note_keys WHERE customer_id LIKE 'RACE-%'`);
    expect(notes).toEqual([]);
    expect(keys).toEqual([]);
    expect(outcomes.every((o) => o === 'kept' || o === 'erased')).toBe(true);
    // And once erased, a note is refused outright.
    await expect(vault.notes.put('RACE-0', 'later', 'text')).rejects.toThrow(/erased/);
  });
});
