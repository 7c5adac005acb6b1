import { createHmac, hkdfSync } from 'node:crypto';
import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { AppConfig } from './config';
import { resolvePiiMasterKey } from './pii-vault';

/**
 * First responses to commands sent with an `Idempotency-Key`: a repeat with the same key (same
 * actor, method and path) gets the stored response back and changes nothing.
 */
export class IdempotencyKeys1764000003000 implements MigrationInterface {
  readonly name = 'IdempotencyKeys1764000003000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope        text NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        status       integer,
        body         jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/**
 * The key for request hashes, derived (HKDF) from the PII master key: bodies hold personal data,
 * and a plain hash of a phone number or a name is brute-forced in seconds, even after erasure.
 * Deriving it means no new secret to configure, back up or lose.
 */
export function idempotencyHashKey(config: Pick<AppConfig, 'piiMasterKey' | 'dataDir'>): Buffer {
  return idempotencyHashKeyFrom(resolvePiiMasterKey(config.piiMasterKey, config.dataDir));
}

/** The same key, from a master key already at hand (the runtime resolves it once). */
export function idempotencyHashKeyFrom(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'idempotency-request-hash', 32));
}

/** Keys older than this are forgotten: a repeat after that runs as a new request. */
const RETENTION = '7 days';
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export class IdempotencyStore {
  private lastSweep = -Infinity;

  constructor(
    private readonly pool: Pool,
    private readonly hashKey: Buffer,
  ) {
    if (hashKey.length < 32) throw new RangeError('the idempotency hash key must be at least 32 bytes');
  }

  /** HMAC-SHA256 of the request body under the server's key: matches repeats, reveals nothing. */
  hash(value: unknown): string {
    return createHmac('sha256', this.hashKey).update(JSON.stringify(value ?? null)).digest('hex');
  }

  /** Claims the key for this request, or says what became of the first one. */
  async claim(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    await this.sweepIfDue();
    // An expired key not yet swept counts as absent, so expiry does not wait for the sweep.
    const inserted = await this.pool.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = NULL, body = NULL, created_at = now()
       WHERE idempotency_keys.created_at < now() - $4::interval
       RETURNING 1`,
      [scope, key, requestHash, RETENTION],
    );
    if (inserted.rowCount === 1) return { kind: 'new' };
    const { rows } = await this.pool.query<{ request_hash: string; status: number | null; body: unknown }>(
      `SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    const row = rows[0];
    if (!row) return this.claim(scope, key, requestHash);
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.status === null) return { kind: 'in_progress' };
    return { kind: 'replay', status: row.status, body: row.body };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.pool.query(`UPDATE idempotency_keys SET status = $3, body = $4 WHERE scope = $1 AND key = $2`, [scope, key, status, JSON.stringify(body)]);
  }

  /** The first attempt failed in a way worth retrying (5xx): free the key. */
  async release(scope: string, key: string): Promise<void> {
    await this.pool.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL`, [scope, key]);
  }

  /** Retention without a scheduler: at most once an hour, the next claim deletes expired keys. */
  private async sweepIfDue(): Promise<void> {
    const previous = this.lastSweep;
    if (Date.now() - previous < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    try {
      await this.pool.query(`DELETE FROM idempotency_keys WHERE created_at < now() - $1::interval`, [RETENTION]);
    } catch (err) {
      this.lastSweep = previous;
      throw err;
    }
  }
}
