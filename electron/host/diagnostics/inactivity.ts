/**
 * Diagnostics closes itself when the technician walks away: after `idleTimeoutMs` without a call
 * from the diagnostics screens, and in any case after `maxSessionMs`. Pure.
 */

export interface InactivityPolicy {
  idleTimeoutMs: number;
  maxSessionMs: number;
}

export const defaultInactivityPolicy: InactivityPolicy = { idleTimeoutMs: 120_000, maxSessionMs: 30 * 60_000 };

export interface DiagnosticsSessionTimes {
  openedAt: number;
  lastActivityAt: number;
}

export type SessionExpiry = { expired: false; expiresAt: number } | { expired: true; reason: 'inactivity' | 'max-duration' };

export function sessionExpiry(times: DiagnosticsSessionTimes, now: number, policy: InactivityPolicy = defaultInactivityPolicy): SessionExpiry {
  const idleEnd = times.lastActivityAt + policy.idleTimeoutMs;
  const hardEnd = times.openedAt + policy.maxSessionMs;
  if (now >= hardEnd) return { expired: true, reason: 'max-duration' };
  if (now >= idleEnd) return { expired: true, reason: 'inactivity' };
  return { expired: false, expiresAt: Math.min(idleEnd, hardEnd) };
}

/** Activity moves the idle deadline forward, never back (clocks jump; calls race). */
export function touch(times: DiagnosticsSessionTimes, now: number): DiagnosticsSessionTimes {
  return { ...times, lastActivityAt: Math.max(times.lastActivityAt, now) };
}
