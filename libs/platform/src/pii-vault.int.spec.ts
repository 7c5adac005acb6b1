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
});
