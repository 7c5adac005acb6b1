import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { LockoutState } from './lockout';

/**
 * Two tables so a sign-in says nothing about which staff ids exist and one address cannot lock
 * accounts wholesale: failed sign-ins per client address (a fixed window), and the lockout count of
 * ids that have no credentials (counted like a real account's, so both lock alike). Both are keyed
 * by a SHA-256 of the address or id: no attacker-chosen text, no address in clear.
 */
export class SignInThrottle1764000016095 implements MigrationInterface {
  readonly name = 'SignInThrottle1764000016095';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE auth_address_failures (address_hash text PRIMARY KEY, failures integer NOT NULL, window_started timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE auth_unknown_sign_ins (subject_hash text PRIMARY KEY, failed_attempts integer NOT NULL DEFAULT 0, locked_until timestamptz)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_unknown_sign_ins`);
    await q.query(`DROP TABLE auth_address_failures`);
  }
}

const digest = (kind: string, value: string) => createHash('sha256').update(`${kind}:${value}`).digest('hex');

/**
 * The address's budget in this window, the row locked until the transaction ends (parallel tries
 * from one address wait their turn). `spent` when it has failed `limit` times in the window.
 */
export async function addressBudget(tx: PoolClient, address: string, now: Date, windowMinutes: number, limit: number): Promise<{ spent: false } | { spent: true; until: Date }> {
  const { rows } = await tx.query<{ failures: number; window_started: Date }>(
    `INSERT INTO auth_address_failures (address_hash, failures, window_started) VALUES ($1, 0, $2)
     ON CONFLICT (address_hash) DO UPDATE SET
       failures = CASE WHEN auth_address_failures.window_started <= $2 - make_interval(mins => $3) THEN 0 ELSE auth_address_failures.failures END,
       window_started = CASE WHEN auth_address_failures.window_started <= $2 - make_interval(mins => $3) THEN $2 ELSE auth_address_failures.window_started END
     RETURNING failures, window_started`,
    [digest('address', address), now, windowMinutes],
  );
  const r = rows[0]!;
  return r.failures >= limit ? { spent: true, until: new Date(r.window_started.getTime() + windowMinutes * 60_000) } : { spent: false };
}

export async function countAddressFailure(tx: PoolClient, address: string): Promise<void> {
  await tx.query(`UPDATE auth_address_failures SET failures = failures + 1 WHERE address_hash = $1`, [digest('address', address)]);
}

/** The lockout state of an id without credentials (row locked), counted like an account's. */
export async function unknownIdState(tx: PoolClient, staffId: string): Promise<LockoutState> {
  const { rows } = await tx.query<{ failed_attempts: number; locked_until: Date | null }>(
    `INSERT INTO auth_unknown_sign_ins (subject_hash) VALUES ($1)
     ON CONFLICT (subject_hash) DO UPDATE SET subject_hash = EXCLUDED.subject_hash RETURNING failed_attempts, locked_until`,
    [digest('staff', staffId)],
  );
  return { failedAttempts: rows[0]!.failed_attempts, lockedUntil: rows[0]!.locked_until };
}

export async function saveUnknownIdState(tx: PoolClient, staffId: string, state: LockoutState): Promise<void> {
  await tx.query(`UPDATE auth_unknown_sign_ins SET failed_attempts = $2, locked_until = $3 WHERE subject_hash = $1`, [digest('staff', staffId), state.failedAttempts, state.lockedUntil]);
}
