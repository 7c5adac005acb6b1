import { afterFailure, isLocked, UNLOCKED, type LockoutState } from './lockout';
import { passwordProblem } from './passwords';

const policy = { maxFailures: 5, lockMinutes: 15 };
const at = (minute: number) => new Date(Date.UTC(2026, 2, 31, 15, 55 + minute)); // 23:55 Beijing, across midnight

describe('lockout after repeated failed sign-ins', () => {
  const fail = (state: LockoutState, times: number, now: Date) => Array.from({ length: times }).reduce<LockoutState>((s) => afterFailure(s, now, policy), state);

  it('counts four wrong passwords without locking, and locks at the fifth for fifteen minutes', () => {
    const four = fail(UNLOCKED, 4, at(0));
    expect(four).toEqual({ failedAttempts: 4, lockedUntil: null });
    const five = afterFailure(four, at(1), policy);
    // locked from 23:56 Beijing (15:56Z) until 00:11 the next day (16:11Z)
    expect(five).toEqual({ failedAttempts: 5, lockedUntil: new Date('2026-03-31T16:11:00.000Z') });
    expect(isLocked(five, at(15))).toBe(true);
    expect(isLocked(five, at(16))).toBe(false);
  });

  it('does not lengthen the lock for wrong passwords sent while locked', () => {
    const locked = fail(UNLOCKED, 5, at(0));
    expect(fail(locked, 10, at(5))).toBe(locked);
  });

  it('starts a fresh count once the lock has run out', () => {
    const locked = fail(UNLOCKED, 5, at(0));
    expect(afterFailure(locked, at(20), policy)).toEqual({ failedAttempts: 1, lockedUntil: null });
  });
});

describe('password rules', () => {
  it('wants ten characters or more, letters and digits, and not the staff id', () => {
    expect(passwordProblem('rm1', 'abc123')).toBe('at least 10 characters');
    expect(passwordProblem('rm1', 'onlyletters here')).toBe('letters and digits both');
    expect(passwordProblem('rm1', '1234567890')).toBe('letters and digits both');
    expect(passwordProblem('head-sh', 'HEAD-SH-2026-spring')).toBe('must not contain the staff id');
    expect(passwordProblem('rm1', '春季营销活动密码2026')).toBeNull(); // Chinese letters count as letters
    expect(passwordProblem('rm1', 'spring campaign 42')).toBeNull();
  });
});
