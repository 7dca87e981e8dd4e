import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionExpiry, touch } from './inactivity';

const policy = { idleTimeoutMs: 60_000, maxSessionMs: 600_000 };

describe('inactivity', () => {
  it('expires after the idle timeout without activity', () => {
    const times = { openedAt: 0, lastActivityAt: 0 };
    expect(sessionExpiry(times, 59_999, policy)).toEqual({ expired: false, expiresAt: 60_000 });
    expect(sessionExpiry(times, 60_000, policy)).toEqual({ expired: true, reason: 'inactivity' });
  });

  it('activity postpones the idle deadline but never past the maximum session length', () => {
    let times = { openedAt: 0, lastActivityAt: 0 };
    for (let t = 50_000; t < 600_000; t += 50_000) {
      times = touch(times, t);
      expect(sessionExpiry(times, t, policy).expired).toBe(false);
    }
    expect(sessionExpiry(touch(times, 599_000), 599_000, policy)).toEqual({ expired: false, expiresAt: 600_000 });
    expect(sessionExpiry(touch(times, 600_000), 600_000, policy)).toEqual({ expired: true, reason: 'max-duration' });
  });

  it('a late or out-of-order touch never moves the deadline back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 50 }), (stamps) => {
        let times = { openedAt: 0, lastActivityAt: 0 };
        let max = 0;
        for (const stamp of stamps) {
          times = touch(times, stamp);
          max = Math.max(max, stamp);
          if (times.lastActivityAt !== max) return false;
        }
        return true;
      }),
    );
  });
});
