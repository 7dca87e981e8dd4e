import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultReloadPolicy, isCrash, planReload } from './render-process-recovery';

describe('planReload', () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 16_000, quietPeriodMs: 60_000 };

  it('doubles the delay with each crash inside the quiet period, up to the cap', () => {
    let crashes: number[] = [];
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const plan = planReload(crashes, 1_000_000 + i * 1000, policy);
      delays.push(plan.delayMs);
      crashes = plan.recentCrashes;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 16_000, 16_000]);
  });

  it('starts over after a quiet period', () => {
    const first = planReload([], 0, policy);
    const second = planReload(first.recentCrashes, 1000, policy);
    expect(second.attempt).toBe(2);
    const later = planReload(second.recentCrashes, 1000 + policy.quietPeriodMs, policy);
    expect(later).toEqual({ delayMs: 1000, attempt: 1, recentCrashes: [1000 + policy.quietPeriodMs] });
  });

  it('keeps the history bounded and the delay within [initial, max]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 200 }), fc.integer({ min: 0, max: 10_000_000 }), (history, now) => {
        const plan = planReload(history, now, defaultReloadPolicy);
        return (
          plan.delayMs >= defaultReloadPolicy.initialDelayMs &&
          plan.delayMs <= defaultReloadPolicy.maxDelayMs &&
          plan.recentCrashes.every((t) => t <= now && now - t < defaultReloadPolicy.quietPeriodMs) &&
          plan.attempt === plan.recentCrashes.length
        );
      }),
    );
  });

  it('treats a clean exit as no crash', () => {
    expect(isCrash('clean-exit')).toBe(false);
    for (const reason of ['crashed', 'oom', 'killed', 'abnormal-exit', 'launch-failed', 'integrity-failure']) expect(isCrash(reason)).toBe(true);
  });
});
