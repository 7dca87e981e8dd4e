/**
 * When the renderer dies (`render-process-gone`), the kiosk reloads it, but a renderer that
 * crashes on load must not spin: the delay doubles with every crash inside the window, up to a
 * cap, and falls back to the first step after a quiet period. Pure: main.ts keeps the crash
 * times and calls `planReload`.
 */

export interface ReloadPolicy {
  /** Delay before the first reload after a quiet period. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Crashes older than this no longer count towards the backoff. */
  quietPeriodMs: number;
}

export const defaultReloadPolicy: ReloadPolicy = { initialDelayMs: 1000, maxDelayMs: 60_000, quietPeriodMs: 5 * 60_000 };

export interface ReloadPlan {
  /** How long to wait before reloading. */
  delayMs: number;
  /** 1 for the first crash in the window, 2 for the second… */
  attempt: number;
  /** The crash history to keep (only the crashes still inside the quiet period, this one included). */
  recentCrashes: number[];
}

/** Reasons Electron reports that are not crashes (a clean exit when the window closes). */
export function isCrash(reason: string): boolean {
  return reason !== 'clean-exit';
}

export function planReload(previousCrashes: readonly number[], now: number, policy: ReloadPolicy = defaultReloadPolicy): ReloadPlan {
  const recentCrashes = [...previousCrashes.filter((t) => t <= now && now - t < policy.quietPeriodMs), now];
  const attempt = recentCrashes.length;
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  return { delayMs, attempt, recentCrashes };
}
