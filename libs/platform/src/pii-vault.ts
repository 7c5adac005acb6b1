import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { resolveKey } from './keys';
import { inCustomerTransaction, PiiNotes } from './pii-notes';

/**
 * Personal data lives here, never in events: one row per customer, encrypted with AES-256-GCM
 * under a data key of the customer's own, which is itself encrypted ("wrapped") by the master
 * key from configuration. Erasure destroys the wrapped data key (crypto-shredding): the
 * ciphertext stays and can no longer be read by anyone.
 */
export interface PersonalData {
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
  readonly idNumber?: string;
  readonly address?: string;
}

export class PiiVault1764000008000 implements MigrationInterface {
  readonly name = 'PiiVault1764000008000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pii_vault (
        customer_id text PRIMARY KEY,
        wrapped_key bytea,
        key_iv      bytea,
        key_tag     bytea,
        iv          bytea NOT NULL,
        ciphertext  bytea NOT NULL,
        tag         bytea NOT NULL,
        erased_at   timestamptz,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pii_vault`);
  }
}

const seal = (key: Buffer, plain: Buffer, aad: string) => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
};

const open = (key: Buffer, box: { iv: Buffer; ciphertext: Buffer; tag: Buffer }, aad: string) => {
  const decipher = createDecipheriv('aes-256-gcm', key, box.iv);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(box.tag);
  return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
};

export type VaultRead = { readonly state: 'present'; readonly data: PersonalData } | { readonly state: 'erased' } | { readonly state: 'absent' };

export class PiiVault {
  /** Free text about the customer, under a key of their own, erased with them. */
  readonly notes: PiiNotes;

  constructor(
    private readonly pool: Pool,
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new RangeError('the PII master key must be 32 bytes');
    this.notes = new PiiNotes(pool, masterKey);
  }

  /** Stores (or replaces) a customer's personal data under a fresh data key. Refused after erasure. */
  async put(customerId: string, data: PersonalData): Promise<void> {
    const dataKey = randomBytes(32);
    const box = seal(dataKey, Buffer.from(JSON.stringify(data)), `pii:${customerId}`);
    const wrapped = seal(this.masterKey, dataKey, `key:${customerId}`);
    const { rowCount } = await this.pool.query(
      `INSERT INTO pii_vault (customer_id, wrapped_key, key_iv, key_tag, iv, ciphertext, tag) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (customer_id) DO UPDATE SET wrapped_key = EXCLUDED.wrapped_key, key_iv = EXCLUDED.key_iv, key_tag = EXCLUDED.key_tag,
         iv = EXCLUDED.iv, ciphertext = EXCLUDED.ciphertext, tag = EXCLUDED.tag, updated_at = now()
       WHERE pii_vault.erased_at IS NULL`,
      [customerId, wrapped.ciphertext, wrapped.iv, wrapped.tag, box.iv, box.ciphertext, box.tag],
    );
    if (rowCount === 0) throw new Error(`personal data of ${customerId} was erased`);
  }

  async get(customerId: string): Promise<VaultRead> {
    const { rows } = await this.pool.query(`SELECT * FROM pii_vault WHERE customer_id = $1`, [customerId]);
    const r = rows[0];
    if (!r) return { state: 'absent' };
    if (r.erased_at || !r.wrapped_key) return { state: 'erased' };
    const dataKey = open(this.masterKey, { iv: r.key_iv, ciphertext: r.wrapped_key, tag: r.key_tag }, `key:${customerId}`);
    return { state: 'present', data: JSON.parse(open(dataKey, { iv: r.iv, ciphertext: r.ciphertext, tag: r.tag }, `pii:${customerId}`).toString()) };
  }

  /**
   * Crypto-shredding: the wrapped data key is destroyed (the ciphertext can never be opened again),
   * the notes and their key are deleted, and `alongside` (the event store's scrub of the customer's
   * legacy free text, when the store can rewrite) runs in the same transaction: all of it or none.
   * The transaction holds the customer's vault lock, so no note is written behind the erasure.
   */
  /** Of these customers, those whose vault is not erased (no row yet counts as not erased). */
  async notErased(customerIds: readonly string[]): Promise<string[]> {
    if (customerIds.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM unnest($1::text[]) AS ids(id) WHERE NOT EXISTS (SELECT 1 FROM pii_vault v WHERE v.customer_id = ids.id AND v.erased_at IS NOT NULL)`,
      [customerIds],
    );
    return rows.map((r) => r.id);
  }

  async erase<T = void>(customerId: string, alongside?: (tx: PoolClient) => Promise<T>): Promise<T | undefined> {
    return inCustomerTransaction(this.pool, customerId, async (tx) => {
      await this.notes.erase(customerId, tx);
      await tx.query(
        `INSERT INTO pii_vault (customer_id, iv, ciphertext, tag, erased_at) VALUES ($1, '\\x', '\\x', '\\x', now())
         ON CONFLICT (customer_id) DO UPDATE SET wrapped_key = NULL, key_iv = NULL, key_tag = NULL, erased_at = COALESCE(pii_vault.erased_at, now()), updated_at = now()`,
        [customerId],
      );
      return alongside ? alongside(tx) : undefined;
    });
  }
}

/** The master key: PII_MASTER_KEY (base64, 32 bytes), or one generated under DATA_DIR/keys. */
export function resolvePiiMasterKey(configured: string | undefined, dataDir: string): Buffer {
  return resolveKey(configured, dataDir, 'pii-master.key');
}
