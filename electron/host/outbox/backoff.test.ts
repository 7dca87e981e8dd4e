import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('doubles per attempt up to the cap, jittered within [cap/2, cap]', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 0)).toBe(1000);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 0.999)).toBeLessThanOrEqual(2000);
    expect(retryDelayMs(3, DEFAULT_BACKOFF, 0)).toBe(4000);
    expect(retryDelayMs(50, DEFAULT_BACKOFF, 0.5)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
  });

  it('honours Retry-After without exceeding the cap', () => {
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 0, 30_000)).toBe(30_000);
    expect(retryDelayMs(1, DEFAULT_BACKOFF, 0, 10 * 60_000)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('is always within bounds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempts, random) => {
        const d = retryDelayMs(attempts, DEFAULT_BACKOFF, random);
        expect(d).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.baseMs / 2);
        expect(d).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
      }),
    );
  });
});
