/**
 * PIN lockout: the first 5 wrong PINs are free; from then on every wrong PIN locks the keypad
 * for a delay that doubles (30 s, 1 min, 2 min … capped at 1 h). A correct PIN clears it. Pure:
 * the gate stores the state (and persists it, so a restart does not reset the count).
 */

export interface LockoutPolicy {
  freeAttempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const defaultLockoutPolicy: LockoutPolicy = { freeAttempts: 5, firstDelayMs: 30_000, maxDelayMs: 60 * 60_000 };

export interface LockoutState {
  failures: number;
  /** Epoch ms until which no PIN is checked; 0 when not locked. */
  lockedUntil: number;
}

export const initialLockout: LockoutState = { failures: 0, lockedUntil: 0 };

export type LockoutVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export function checkLockout(state: LockoutState, now: number): LockoutVerdict {
  return now < state.lockedUntil ? { allowed: false, retryAfterMs: state.lockedUntil - now } : { allowed: true };
}

/** The delay the n-th consecutive failure (1-based) imposes. */
export function lockoutDelayMs(failures: number, policy: LockoutPolicy = defaultLockoutPolicy): number {
  if (failures < policy.freeAttempts) return 0;
  const exponent = Math.min(failures - policy.freeAttempts, 30);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** exponent);
}

export function recordFailure(state: LockoutState, now: number, policy: LockoutPolicy = defaultLockoutPolicy): LockoutState {
  const failures = state.failures + 1;
  const delay = lockoutDelayMs(failures, policy);
  return { failures, lockedUntil: delay > 0 ? now + delay : 0 };
}

export function recordSuccess(): LockoutState {
  return { ...initialLockout };
}

/** Wrong PINs left before the next one locks the keypad (0 once locking has begun). */
export function attemptsBeforeLock(state: LockoutState, policy: LockoutPolicy = defaultLockoutPolicy): number {
  return Math.max(0, policy.freeAttempts - 1 - state.failures);
}
