import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptsBeforeLock, checkLockout, defaultLockoutPolicy, initialLockout, lockoutDelayMs, recordFailure, recordSuccess } from './lockout';

describe('lockout', () => {
  it('allows four wrong PINs, locks on the fifth, and doubles the delay after that', () => {
    let state = initialLockout;
    const now = 1_000_000;
    const left: number[] = [];
    for (let i = 0; i < 4; i++) {
      state = recordFailure(state, now);
      expect(checkLockout(state, now)).toEqual({ allowed: true });
      left.push(attemptsBeforeLock(state));
    }
    expect(left).toEqual([3, 2, 1, 0]);
    state = recordFailure(state, now);
    expect(checkLockout(state, now)).toEqual({ allowed: false, retryAfterMs: 30_000 });
    expect(checkLockout(state, now + 29_999).allowed).toBe(false);
    expect(checkLockout(state, now + 30_000)).toEqual({ allowed: true });
    expect([5, 6, 7, 8].map((n) => lockoutDelayMs(n))).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it('caps the delay', () => {
    expect(lockoutDelayMs(1000)).toBe(defaultLockoutPolicy.maxDelayMs);
  });

  it('clears on success', () => {
    const locked = recordFailure({ failures: 9, lockedUntil: 0 }, 0);
    expect(recordSuccess()).toEqual(initialLockout);
    expect(locked.lockedUntil).toBeGreaterThan(0);
  });

  it('never shortens a lock and never lets more than freeAttempts-1 failures pass unlocked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1e12 }), (failures, now) => {
        const next = recordFailure({ failures, lockedUntil: 0 }, now);
        const delay = lockoutDelayMs(failures + 1);
        const lockedNow = !checkLockout(next, now).allowed;
        return next.failures === failures + 1 && lockedNow === failures + 1 >= defaultLockoutPolicy.freeAttempts && lockoutDelayMs(failures + 2) >= delay;
      }),
    );
  });
});
