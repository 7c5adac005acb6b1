/**
 * Lockout after repeated failed sign-ins: after `maxFailures` wrong passwords in a row the account
 * refuses every sign-in, the right password included, for `lockMinutes`; a success resets the
 * count, and so does an administrator setting a new one-time password.
 */
export interface LockoutPolicy {
  readonly maxFailures: number;
  readonly lockMinutes: number;
  /** Failed sign-ins one client address (IPv6: its /64) may make per `lockMinutes` window, across accounts; none: no per-address budget. */
  readonly maxFailuresPerAddress?: number;
}

export interface LockoutState {
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
}

export function isLocked(state: LockoutState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
}

/** The state after one more wrong password. Failures while locked do not lengthen the lock. */
export function afterFailure(state: LockoutState, now: Date, policy: LockoutPolicy): LockoutState {
  if (isLocked(state, now)) return state;
  // A lock that ran out starts a fresh count.
  const failedAttempts = (state.lockedUntil ? 0 : state.failedAttempts) + 1;
  if (failedAttempts >= policy.maxFailures) return { failedAttempts, lockedUntil: new Date(now.getTime() + policy.lockMinutes * 60_000) };
  return { failedAttempts, lockedUntil: null };
}

export const UNLOCKED: LockoutState = { failedAttempts: 0, lockedUntil: null };
