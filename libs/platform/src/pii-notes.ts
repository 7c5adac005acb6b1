import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { inTransaction } from '@app/read-models';

/**
 * Free text about a customer (a contact's outcome, a reversal's reason, feedback), which may hold
 * personal data: kept out of the event log, encrypted under a notes key of the customer's own
 * (wrapped by the master key), and destroyed with that key when the customer is erased. Events
 * carry the note's id instead of the text.
 */
export class PiiNotes1764000016060 implements MigrationInterface {
  readonly name = 'PiiNotes1764000016060';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE pii_note_keys (customer_id text PRIMARY KEY, wrapped_key bytea NOT NULL, key_iv bytea NOT NULL, key_tag bytea NOT NULL)`);
    await q.query(`CREATE TABLE pii_notes (customer_id text NOT NULL, note_id text NOT NULL, iv bytea NOT NULL, ciphertext bytea NOT NULL, tag bytea NOT NULL, PRIMARY KEY (customer_id, note_id))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pii_notes`);
    await q.query(`DROP TABLE pii_note_keys`);
  }
}

const seal = (key: Buffer, plain: Buffer, aad: string) => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
};

const open = (key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: string) => {
  const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
};

export class PiiNotes {
  constructor(
    private readonly pool: Pool,
    private readonly masterKey: Buffer,
  ) {}

  /** Keeps `text` as note `noteId` of the customer; a note kept already stays as it is (a retry writes the same). Refused once the customer is erased. */
  async put(customerId: string, noteId: string, text: string): Promise<void> {
    if ((await this.keep(customerId, noteId, text)) === 'erased') throw new Error(`personal data of ${customerId} was erased`);
  }

  /**
   * Keeps a note unless one of that id is there already (`present`) or the customer's personal data
   * was erased (`erased`, nothing kept). `kept` only when this call wrote it.
   */
  async keep(customerId: string, noteId: string, text: string): Promise<'kept' | 'present' | 'erased'> {
    return inCustomerTransaction(this.pool, customerId, async (tx) => {
      const { rows: erased } = await tx.query(`SELECT 1 FROM pii_vault WHERE customer_id = $1 AND erased_at IS NOT NULL`, [customerId]);
      if (erased.length > 0) return 'erased';
      const fresh = randomBytes(32);
      const w = seal(this.masterKey, fresh, `notes-key:${customerId}`);
      await tx.query(`INSERT INTO pii_note_keys VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id) DO NOTHING`, [customerId, w.ciphertext, w.iv, w.tag]);
      const key = (await this.key(customerId, tx))!;
      const box = seal(key, Buffer.from(text), `note:${customerId}:${noteId}`);
      const inserted = await tx.query(`INSERT INTO pii_notes VALUES ($1, $2, $3, $4, $5) ON CONFLICT (customer_id, note_id) DO NOTHING`, [
        customerId,
        noteId,
        box.iv,
        box.ciphertext,
        box.tag,
      ]);
      return inserted.rowCount === 1 ? 'kept' : 'present';
    });
  }

  /** Takes back notes this request kept, when its command was refused. */
  async remove(customerId: string, noteIds: readonly string[]): Promise<void> {
    if (noteIds.length) await this.pool.query(`DELETE FROM pii_notes WHERE customer_id = $1 AND note_id = ANY($2::text[])`, [customerId, [...noteIds]]);
  }

  /**
   * Keeps the notes a command names BEFORE its events are appended (a crash in between leaves at
   * worst a note no event names, erased with the customer; never an event whose note is lost), runs
   * the command, and takes back the notes it kept if the command is refused.
   */
  async around<T>(customerId: string, notes: readonly (readonly [string, string])[], run: () => Promise<T>): Promise<T> {
    const kept: string[] = [];
    for (const [noteId, text] of notes) if ((await this.keep(customerId, noteId, text)) === 'kept') kept.push(noteId);
    try {
      return await run();
    } catch (err) {
      await this.remove(customerId, kept).catch(() => undefined);
      throw err;
    }
  }

  /** The customer's notes by id; a note of an erased customer (or never kept) is absent. */
  async get(customerId: string, noteIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (noteIds.length === 0) return out;
    const key = await this.key(customerId);
    if (!key) return out;
    const { rows } = await this.pool.query(`SELECT note_id, iv, ciphertext, tag FROM pii_notes WHERE customer_id = $1 AND note_id = ANY($2::text[])`, [customerId, [...noteIds]]);
    for (const r of rows) out.set(r.note_id, open(key, r.iv, r.ciphertext, r.tag, `note:${customerId}:${r.note_id}`).toString());
    return out;
  }

  /** Erasure: the notes key and every note go, in the erasure's transaction (which holds the customer's lock). */
  async erase(customerId: string, tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM pii_notes WHERE customer_id = $1`, [customerId]);
    await tx.query(`DELETE FROM pii_note_keys WHERE customer_id = $1`, [customerId]);
  }

  private async key(customerId: string, db: Queryable = this.pool): Promise<Buffer | null> {
    const { rows } = await db.query(`SELECT wrapped_key, key_iv, key_tag FROM pii_note_keys WHERE customer_id = $1`, [customerId]);
    return rows[0] ? open(this.masterKey, rows[0].key_iv, rows[0].wrapped_key, rows[0].key_tag, `notes-key:${customerId}`) : null;
  }
}

/** What runs SQL: the pool, or one transaction's client. */
export type Queryable = Pick<PoolClient, 'query'>;

/**
 * Runs `work` in a transaction holding the customer's vault lock (a transaction-scoped advisory
 * lock on the customer id: a lock on a row would not do, as a customer may have no vault row, nor
 * notes key, yet). A note's writing and the customer's erasure both take it, so a note is either
 * kept before the erasure (which then deletes it) or refused after it — never kept behind it.
 */
export function inCustomerTransaction<T>(pool: Pool, customerId: string, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`pii-customer:${customerId}`]);
    return work(tx);
  });
}
