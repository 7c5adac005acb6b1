import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@app/read-models';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { afterFailure, isLocked, UNLOCKED, type LockoutPolicy, type LockoutState } from './lockout';
import { hashPassword, NO_PASSWORD, verifyPassword } from './passwords';
import { addressBucket, addressBudget, countAddressFailure, knownAt, rememberSuccess, saveKnownAddressState, saveUnknownIdState, ThrottleKeys, unknownIdState, unlockEverywhere } from './sign-in-throttle';

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

export type PasswordCheck =
  | { readonly ok: true; readonly mustChange: boolean }
  | { readonly ok: false; readonly reason: 'invalid' }
  | { readonly ok: false; readonly reason: 'locked'; readonly lockedUntil: Date };

export type SignInOutcome =
  | PasswordCheck
  /** The client address failed too often in the window and the account has not signed in from it: refused before any account counts the try. */
  | { readonly ok: false; readonly reason: 'throttled'; readonly retryAt: Date };

/** How long a successful sign-in from an address keeps the account signing in there past the address's budget. */
const KNOWN_ADDRESS_DAYS = 30;

export class CredentialStore {
  private readonly keys: ThrottleKeys;

  constructor(
    private readonly pool: Pool,
    private readonly policy: LockoutPolicy,
    /** The throttle's secret (`signInThrottleKeyFrom`): its rows are keyed by HMACs under it. */
    throttleSecret: Buffer,
  ) {
    this.keys = new ThrottleKeys(throttleSecret);
  }

  /** An administrator sets a one-time password: the user must change it at first sign-in; any lock is lifted. */
  async setOneTimePassword(staffId: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.pool.query(
      `INSERT INTO staff_credentials (staff_id, password_hash, must_change) VALUES ($1, $2, true)
       ON CONFLICT (staff_id) DO UPDATE SET password_hash = $2, must_change = true, failed_attempts = 0, locked_until = NULL, changed_at = now()`,
      [staffId, hash],
    );
    await unlockEverywhere(this.pool, this.keys.staff(staffId));
  }

  /**
   * A sign-in: checks a password and counts a failure, in one transaction (the rows are locked,
   * so parallel guesses cannot slip past the limits). First the client address's budget (IPv6 by
   * its /64): once the address has failed `maxFailuresPerAddress` times in the window, across
   * accounts (spraying), it is refused (`throttled`) before any account counts the try — except
   * for an account that signed in from that address in the last 30 days, which goes on to its own
   * check, so a correct password is never refused for other accounts' failures from the same
   * address (a branch behind one NAT). Then the lockout: at an address the account signed in from
   * in the last 30 days, the account's count *at that address*; anywhere else, the account's own
   * count. So wrong passwords sent from elsewhere lock the account elsewhere only, and never keep
   * its owner out at the desk they use.
   */
  async attempt(staffId: string, password: string, now: Date, address?: string): Promise<SignInOutcome> {
    return inTransaction(this.pool, async (client) => {
      const bucket = address === undefined ? undefined : addressBucket(address);
      const pairKey = bucket === undefined ? undefined : this.keys.pair(staffId, bucket);
      const known = pairKey === undefined ? undefined : await knownAt(client, pairKey, now, KNOWN_ADDRESS_DAYS);
      const addressKey = bucket !== undefined && this.policy.maxFailuresPerAddress !== undefined ? this.keys.address(bucket) : undefined;
      if (addressKey) {
        const budget = await addressBudget(client, addressKey, now, this.policy.lockMinutes, this.policy.maxFailuresPerAddress!);
        if (budget.spent && !known) return { ok: false, reason: 'throttled', retryAt: budget.until };
      }
      const atAddress = known && pairKey ? { state: known, save: (next: LockoutState) => saveKnownAddressState(client, pairKey, next) } : undefined;
      const outcome = await this.checkPassword(client, staffId, password, now, atAddress);
      if (!outcome.ok && addressKey) await countAddressFailure(client, addressKey);
      if (outcome.ok && pairKey !== undefined) await rememberSuccess(client, pairKey, this.keys.staff(staffId), now);
      return outcome;
    });
  }

  /**
   * The current password of a signed-in user who changes it: only the account's lockout applies
   * (a wrong one counts towards it, a locked account is refused), not the address's budget — the
   * caller is signed in already, and their tries say nothing of others' accounts.
   */
  async checkCurrentPassword(staffId: string, password: string, now: Date): Promise<PasswordCheck> {
    return inTransaction(this.pool, (client) => this.checkPassword(client, staffId, password, now));
  }

  /**
   * The account's lockout and the password: a failure is counted (the row is locked). An id
   * without credentials is counted and locked exactly like an account, and every path costs one
   * scrypt, so neither the answer nor its timing says whether the id exists.
   */
  private async checkPassword(
    client: PoolClient,
    staffId: string,
    password: string,
    now: Date,
    /** The account's lockout at a known address, counted there instead of on the account's row. */
    atAddress?: { state: LockoutState; save(next: LockoutState): Promise<void> },
  ): Promise<PasswordCheck> {
    const { rows } = await client.query(`SELECT password_hash, must_change, failed_attempts, locked_until FROM staff_credentials WHERE staff_id = $1 FOR UPDATE`, [staffId]);
    const row = rows[0] as { password_hash: string; must_change: boolean; failed_attempts: number; locked_until: Date | null } | undefined;
    const staffKey = this.keys.staff(staffId);
    const here = row ? atAddress : undefined;
    const state: LockoutState = here ? here.state : row ? { failedAttempts: row.failed_attempts, lockedUntil: row.locked_until } : await unknownIdState(client, staffKey);
    const fail = async (next: LockoutState): Promise<PasswordCheck> => {
      if (next !== state) {
        if (here) await here.save(next);
        else if (row) await client.query(`UPDATE staff_credentials SET failed_attempts = $2, locked_until = $3 WHERE staff_id = $1`, [staffId, next.failedAttempts, next.lockedUntil]);
        else await saveUnknownIdState(client, staffKey, next);
      }
      return isLocked(next, now) ? { ok: false, reason: 'locked', lockedUntil: next.lockedUntil! } : { ok: false, reason: 'invalid' };
    };
    if (isLocked(state, now)) {
      await verifyPassword(password, NO_PASSWORD); // the same work as an open account's check
      return fail(state);
    }
    if ((await verifyPassword(password, row?.password_hash ?? NO_PASSWORD)) && row) {
      // At a known address the success resets that address's count (rememberSuccess); the account's own count stays for where it was run up.
      if (!here) await client.query(`UPDATE staff_credentials SET failed_attempts = 0, locked_until = NULL WHERE staff_id = $1`, [staffId]);
      return { ok: true, mustChange: row.must_change };
    }
    return fail(afterFailure(state, now, this.policy));
  }

  /** The user's own new password (checked against the current one by `checkCurrentPassword` first). */
  async changePassword(staffId: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.pool.query(`UPDATE staff_credentials SET password_hash = $2, must_change = false, failed_attempts = 0, locked_until = NULL, changed_at = now() WHERE staff_id = $1`, [staffId, hash]);
    await unlockEverywhere(this.pool, this.keys.staff(staffId));
  }

  async lockout(staffId: string): Promise<LockoutState & { exists: boolean }> {
    const { rows } = await this.pool.query(`SELECT failed_attempts, locked_until FROM staff_credentials WHERE staff_id = $1`, [staffId]);
    return rows[0] ? { exists: true, failedAttempts: rows[0].failed_attempts, lockedUntil: rows[0].locked_until } : { exists: false, ...UNLOCKED };
  }
}
