import type { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { afterFailure, isLocked, UNLOCKED, type LockoutPolicy, type LockoutState } from './lockout';
import { hashPassword, NO_PASSWORD, verifyPassword } from './passwords';
import { addressBudget, countAddressFailure, saveUnknownIdState, unknownIdState } from './sign-in-throttle';

/**
 * Staff credentials and browser sessions live in tables, not in the event log: a password hash is
 * a secret to replace or wipe, never a business fact to replay, and a session is transient. Who
 * set a one-time password, sign-ins and their refusals are in the audit log (without the password).
 */
export class StaffCredentials1764000015000 implements MigrationInterface {
  readonly name = 'StaffCredentials1764000015000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_credentials (
        staff_id        text PRIMARY KEY,
        password_hash   text NOT NULL,
        must_change     boolean NOT NULL,
        failed_attempts integer NOT NULL DEFAULT 0,
        locked_until    timestamptz,
        changed_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE auth_sessions (
        id_hash    text PRIMARY KEY,
        staff_id   text NOT NULL,
        csrf_token text NOT NULL,
        via        text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX auth_sessions_staff ON auth_sessions (staff_id)`);
    await q.query(`
      CREATE TABLE auth_oidc_requests (
        state         text PRIMARY KEY,
        code_verifier text NOT NULL,
        nonce         text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_oidc_requests`);
    await q.query(`DROP TABLE auth_sessions`);
    await q.query(`DROP TABLE staff_credentials`);
  }
}

export type SignInOutcome =
  | { readonly ok: true; readonly mustChange: boolean }
  | { readonly ok: false; readonly reason: 'invalid' }
  | { readonly ok: false; readonly reason: 'locked'; readonly lockedUntil: Date }
  /** The client address failed too often in the window: refused before any account counts the try. */
  | { readonly ok: false; readonly reason: 'throttled'; readonly retryAt: Date };

export class CredentialStore {
  constructor(
    private readonly pool: Pool,
    private readonly policy: LockoutPolicy,
  ) {}

  /** An administrator sets a one-time password: the user must change it at first sign-in; any lock is lifted. */
  async setOneTimePassword(staffId: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.pool.query(
      `INSERT INTO staff_credentials (staff_id, password_hash, must_change) VALUES ($1, $2, true)
       ON CONFLICT (staff_id) DO UPDATE SET password_hash = $2, must_change = true, failed_attempts = 0, locked_until = NULL, changed_at = now()`,
      [staffId, hash],
    );
  }

  /**
   * Checks a password and counts a failure, in one transaction (the rows are locked, so parallel
   * guesses cannot slip past the limits). First the client address's budget: an address that has
   * failed `maxFailuresPerAddress` times in the window is refused (`throttled`) before any
   * account counts the try. Then the account's lockout. An id without credentials is counted and
   * locked exactly like an account, and every path but `throttled` costs one scrypt, so neither
   * the answer nor its timing says whether the id exists.
   */
  async attempt(staffId: string, password: string, now: Date, address?: string): Promise<SignInOutcome> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const perAddress = address !== undefined && this.policy.maxFailuresPerAddress !== undefined;
      if (perAddress) {
        const budget = await addressBudget(client, address, now, this.policy.lockMinutes, this.policy.maxFailuresPerAddress!);
        if (budget.spent) {
          await client.query('COMMIT');
          return { ok: false, reason: 'throttled', retryAt: budget.until };
        }
      }
      const { rows } = await client.query(`SELECT password_hash, must_change, failed_attempts, locked_until FROM staff_credentials WHERE staff_id = $1 FOR UPDATE`, [staffId]);
      const row = rows[0] as { password_hash: string; must_change: boolean; failed_attempts: number; locked_until: Date | null } | undefined;
      const state: LockoutState = row ? { failedAttempts: row.failed_attempts, lockedUntil: row.locked_until } : await unknownIdState(client, staffId);
      const fail = async (next: LockoutState): Promise<SignInOutcome> => {
        if (next !== state) {
          if (row) await client.query(`UPDATE staff_credentials SET failed_attempts = $2, locked_until = $3 WHERE staff_id = $1`, [staffId, next.failedAttempts, next.lockedUntil]);
          else await saveUnknownIdState(client, staffId, next);
        }
        if (perAddress) await countAddressFailure(client, address);
        await client.query('COMMIT');
        return isLocked(next, now) ? { ok: false, reason: 'locked', lockedUntil: next.lockedUntil! } : { ok: false, reason: 'invalid' };
      };
      if (isLocked(state, now)) {
        await verifyPassword(password, NO_PASSWORD); // the same work as an open account's check
        return await fail(state);
      }
      if ((await verifyPassword(password, row?.password_hash ?? NO_PASSWORD)) && row) {
        await client.query(`UPDATE staff_credentials SET failed_attempts = 0, locked_until = NULL WHERE staff_id = $1`, [staffId]);
        await client.query('COMMIT');
        return { ok: true, mustChange: row.must_change };
      }
      return await fail(afterFailure(state, now, this.policy));
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The user's own new password (checked against the current one by `attempt` first). */
  async changePassword(staffId: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.pool.query(`UPDATE staff_credentials SET password_hash = $2, must_change = false, failed_attempts = 0, locked_until = NULL, changed_at = now() WHERE staff_id = $1`, [staffId, hash]);
  }

  async lockout(staffId: string): Promise<LockoutState & { exists: boolean }> {
    const { rows } = await this.pool.query(`SELECT failed_attempts, locked_until FROM staff_credentials WHERE staff_id = $1`, [staffId]);
    return rows[0] ? { exists: true, failedAttempts: rows[0].failed_attempts, lockedUntil: rows[0].locked_until } : { exists: false, ...UNLOCKED };
  }
}
