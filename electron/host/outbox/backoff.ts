/** Retry schedule of the outbox: exponential, capped, with "equal jitter" so kiosks don't retry in step. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 5 * 60_000 };

/** Delay before attempt `attempts + 1`, given `attempts` failed ones (≥ 1); `random` in [0, 1). */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: number, retryAfterMs?: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const delay = Math.floor(cap / 2 + random * (cap / 2));
  return retryAfterMs !== undefined ? Math.max(delay, Math.min(retryAfterMs, policy.maxMs)) : delay;
}
