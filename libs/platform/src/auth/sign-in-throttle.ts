import { createHmac, hkdfSync } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { PoolClient } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { LockoutState } from './lockout';

/**
 * Two tables so a sign-in says nothing about which staff ids exist and one address cannot lock
 * accounts wholesale: failed sign-ins per client address (a fixed window), and the lockout count of
 * ids that have no credentials (counted like a real account's, so both lock alike). Both are keyed
 * by a SHA-256 of the address or id: no attacker-chosen text, no address in clear.
 * (Re-keyed with an HMAC, per /64 for IPv6, by SignInThrottleKeyed1764000018160.)
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

/**
 * The throttle's rows keyed by an HMAC under a server secret (an unsalted SHA-256 of an IPv4
 * address is undone by hashing all 2³² of them), and a table of where each account signs in: an
 * account that signed in from an address is not refused there when others' failures fill the
 * address's budget. The old rows are short-lived counts keyed the old way: they are dropped.
 */
export class SignInThrottleKeyed1764000018160 implements MigrationInterface {
  readonly name = 'SignInThrottleKeyed1764000018160';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_address_failures`);
    await q.query(`CREATE TABLE auth_address_failures (address_key text PRIMARY KEY, failures integer NOT NULL, window_started timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE auth_known_addresses (pair_key text PRIMARY KEY, last_success timestamptz NOT NULL)`);
    await q.query(`TRUNCATE auth_unknown_sign_ins`);
    await q.query(`ALTER TABLE auth_unknown_sign_ins RENAME COLUMN subject_hash TO subject_key`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`TRUNCATE auth_unknown_sign_ins`);
    await q.query(`ALTER TABLE auth_unknown_sign_ins RENAME COLUMN subject_key TO subject_hash`);
    await q.query(`DROP TABLE auth_known_addresses`);
    await q.query(`DROP TABLE auth_address_failures`);
    await q.query(`CREATE TABLE auth_address_failures (address_hash text PRIMARY KEY, failures integer NOT NULL, window_started timestamptz NOT NULL)`);
  }
}

/**
 * A lockout count of its own for each account at each address it signs in from (review: five wrong
 * passwords from anywhere locked the account everywhere, so anyone could keep a colleague out).
 * Failures at an address the account is known at count there; failures elsewhere count on the
 * account's own row. `staff_key` lets an administrator's reset lift every one of them.
 */
export class KnownAddressLockout1764000018200 implements MigrationInterface {
  readonly name = 'KnownAddressLockout1764000018200';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth_known_addresses ADD COLUMN staff_key text, ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz`);
    await q.query(`CREATE INDEX auth_known_addresses_staff_idx ON auth_known_addresses (staff_key)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX auth_known_addresses_staff_idx`);
    await q.query(`ALTER TABLE auth_known_addresses DROP COLUMN staff_key, DROP COLUMN failed_attempts, DROP COLUMN locked_until`);
  }
}

/** The throttle's secret, derived from the master key (PII_MASTER_KEY or DATA_DIR/keys/pii-master.key). */
export function signInThrottleKeyFrom(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'sign-in-throttle', 32));
}

/**
 * The unit an address is throttled by: an IPv4 address as it is (an IPv4-mapped IPv6 one too), an
 * IPv6 address by its /64 (one host is given a whole /64 and picks any address in it). Anything
 * else (no address known) as given.
 */
export function addressBucket(address: string): string {
  const a = address.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1]!;
  if (isIPv4(a) || !isIPv6(a)) return a;
  return `${ipv6Groups(a).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let a = address;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const [p, q, r, s] = v4.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, v4.index)}${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
  }
  const [head, tail] = a.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16));
}

/** The rows' keys: HMACs under the server's throttle secret, never an address or id in clear. */
export class ThrottleKeys {
  constructor(private readonly secret: Buffer) {}
  private mac(kind: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${kind}\0${value}`).digest('hex');
  }
  address(bucket: string): string {
    return this.mac('address', bucket);
  }
  pair(staffId: string, bucket: string): string {
    return this.mac('staff-at-address', `${staffId}\0${bucket}`);
  }
  staff(staffId: string): string {
    return this.mac('staff', staffId);
  }
}

/**
 * The address's budget in this window, the row locked until the transaction ends (parallel tries
 * from one address wait their turn). `spent` when it has failed `limit` times in the window.
 */
export async function addressBudget(tx: PoolClient, addressKey: string, now: Date, windowMinutes: number, limit: number): Promise<{ spent: false } | { spent: true; until: Date }> {
  const { rows } = await tx.query<{ failures: number; window_started: Date }>(
    `INSERT INTO auth_address_failures (address_key, failures, window_started) VALUES ($1, 0, $2)
     ON CONFLICT (address_key) DO UPDATE SET
       failures = CASE WHEN auth_address_failures.window_started <= $2 - make_interval(mins => $3) THEN 0 ELSE auth_address_failures.failures END,
       window_started = CASE WHEN auth_address_failures.window_started <= $2 - make_interval(mins => $3) THEN $2 ELSE auth_address_failures.window_started END
     RETURNING failures, window_started`,
    [addressKey, now, windowMinutes],
  );
  const r = rows[0]!;
  return r.failures >= limit ? { spent: true, until: new Date(r.window_started.getTime() + windowMinutes * 60_000) } : { spent: false };
}

export async function countAddressFailure(tx: PoolClient, addressKey: string): Promise<void> {
  await tx.query(`UPDATE auth_address_failures SET failures = failures + 1 WHERE address_key = $1`, [addressKey]);
}

/**
 * The account's lockout at this address when it signed in from it within `days` (row locked), else
 * undefined: the account is not known there and its own row's lockout applies.
 */
export async function knownAt(tx: PoolClient, pairKey: string, now: Date, days: number): Promise<LockoutState | undefined> {
  const { rows } = await tx.query<{ failed_attempts: number; locked_until: Date | null }>(
    `SELECT failed_attempts, locked_until FROM auth_known_addresses WHERE pair_key = $1 AND last_success > $2::timestamptz - make_interval(days => $3::int) FOR UPDATE`,
    [pairKey, now, days],
  );
  return rows[0] ? { failedAttempts: rows[0].failed_attempts, lockedUntil: rows[0].locked_until } : undefined;
}

export async function saveKnownAddressState(tx: PoolClient, pairKey: string, state: LockoutState): Promise<void> {
  await tx.query(`UPDATE auth_known_addresses SET failed_attempts = $2, locked_until = $3 WHERE pair_key = $1`, [pairKey, state.failedAttempts, state.lockedUntil]);
}

/** A success at this address: remembered, and its count there starts again. */
export async function rememberSuccess(tx: PoolClient, pairKey: string, staffKey: string, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO auth_known_addresses (pair_key, staff_key, last_success) VALUES ($1, $2, $3)
     ON CONFLICT (pair_key) DO UPDATE SET last_success = GREATEST(auth_known_addresses.last_success, $3), staff_key = $2, failed_attempts = 0, locked_until = NULL`,
    [pairKey, staffKey, now],
  );
}

/** An administrator's reset (or the user's new password) lifts the account's locks at every address. */
export async function unlockEverywhere(q: { query: PoolClient['query'] }, staffKey: string): Promise<void> {
  await q.query(`UPDATE auth_known_addresses SET failed_attempts = 0, locked_until = NULL WHERE staff_key = $1 AND (failed_attempts > 0 OR locked_until IS NOT NULL)`, [staffKey]);
}

/** The lockout state of an id without credentials (row locked), counted like an account's. */
export async function unknownIdState(tx: PoolClient, staffKey: string): Promise<LockoutState> {
  const { rows } = await tx.query<{ failed_attempts: number; locked_until: Date | null }>(
    `INSERT INTO auth_unknown_sign_ins (subject_key) VALUES ($1)
     ON CONFLICT (subject_key) DO UPDATE SET subject_key = EXCLUDED.subject_key RETURNING failed_attempts, locked_until`,
    [staffKey],
  );
  return { failedAttempts: rows[0]!.failed_attempts, lockedUntil: rows[0]!.locked_until };
}

export async function saveUnknownIdState(tx: PoolClient, staffKey: string, state: LockoutState): Promise<void> {
  await tx.query(`UPDATE auth_unknown_sign_ins SET failed_attempts = $2, locked_until = $3 WHERE subject_key = $1`, [staffKey, state.failedAttempts, state.lockedUntil]);
}
