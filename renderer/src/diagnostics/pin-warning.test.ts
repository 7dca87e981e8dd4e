import { describe, expect, it } from 'vitest';
import { wrongPinsUntilLock } from './pin-warning';

describe('wrongPinsUntilLock', () => {
  it('counts down to the wrong PIN that locks: with 5 free attempts the host reports 3, 2, 1, 0 after failures 1–4', () => {
    // The host side of this (lockout.ts) is tested there; e2e/diagnostics.spec.ts runs both together.
    expect([3, 2, 1, 0].map(wrongPinsUntilLock)).toEqual([4, 3, 2, 1]);
  });

  it('never tells a technician zero: with no free attempt left the next one locks', () => {
    expect(wrongPinsUntilLock(0)).toBe(1);
    expect(wrongPinsUntilLock(-2)).toBe(1);
  });
});
