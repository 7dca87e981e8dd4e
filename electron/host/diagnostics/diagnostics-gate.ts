/**
 * Who may use diagnostics right now. A technician PIN opens one diagnostics session (a random
 * bearer token the diagnostics screens present on every call); wrong PINs count towards a
 * lockout that survives restarts; the session closes after inactivity. Every entry, refusal,
 * lockout and exit goes to the audit log.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HostError } from '../dispatcher';
import { defaultInactivityPolicy, sessionExpiry, touch, type DiagnosticsSessionTimes, type InactivityPolicy } from './inactivity';
import {
  attemptsBeforeLock,
  checkLockout,
  defaultLockoutPolicy,
  initialLockout,
  recordFailure,
  recordSuccess,
  type LockoutPolicy,
  type LockoutState,
} from './lockout';
import { TechnicianPinError, verifyTechnicianPin } from './technician-pin';

/** What the gate writes to the audit log (`{ kind: 'diagnostics', entry, detail }`). */
export type DiagnosticsAuditEntry = {
  entry: 'enter' | 'exit' | 'pin-rejected' | 'locked-out' | 'change' | 'action' | 'renderer-gone' | 'renderer-reloaded';
  /** A machine code (`[a-z0-9.:-]`), never free text. */
  detail?: string;
};
export type DiagnosticsAuditSink = (event: DiagnosticsAuditEntry) => void;

export interface LockoutStore {
  load(): LockoutState;
  save(state: LockoutState): void;
}

/** Keeps the lockout in `<dataDir>/diagnostics-lockout.json`, so restarting the kiosk does not reset it. */
export function fileLockoutStore(path: string): LockoutStore {
  return {
    load() {
      if (!existsSync(path)) return { ...initialLockout };
      try {
        const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockoutState>;
        const failures = Number.isSafeInteger(raw.failures) && raw.failures! >= 0 ? raw.failures! : 0;
        const lockedUntil = Number.isSafeInteger(raw.lockedUntil) && raw.lockedUntil! >= 0 ? raw.lockedUntil! : 0;
        return { failures, lockedUntil };
      } catch {
        // A damaged file must not unlock the keypad: treat it as one more failure than allowed.
        return { failures: defaultLockoutPolicy.freeAttempts, lockedUntil: 0 };
      }
    },
    save(state) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.tmp`;
      writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
      renameSync(temporary, path);
    },
  };
}

export function memoryLockoutStore(initial: LockoutState = initialLockout): LockoutStore & { state: LockoutState } {
  const store = {
    state: { ...initial },
    load: () => ({ ...store.state }),
    save: (state: LockoutState) => {
      store.state = { ...state };
    },
  };
  return store;
}

export type EnterResult =
  | { status: 'open'; token: string; idleTimeoutMs: number; expiresAt: number }
  | { status: 'wrong-pin'; attemptsBeforeLock: number }
  | { status: 'locked'; retryAfterMs: number }
  | { status: 'not-configured' };

export type ExitReason = 'technician' | 'inactivity' | 'max-duration' | 'replaced';

export interface DiagnosticsGateOptions {
  /** The stored scrypt hash (`diagnostics.pinHash`), or null when none was set. */
  pinHash: () => string | null;
  lockout: LockoutStore;
  audit: DiagnosticsAuditSink;
  now?: () => number;
  lockoutPolicy?: LockoutPolicy;
  inactivityPolicy?: InactivityPolicy;
}

interface OpenSession extends DiagnosticsSessionTimes {
  token: Buffer;
}

export class DiagnosticsGate {
  #session: OpenSession | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #now: () => number;
  readonly #lockoutPolicy: LockoutPolicy;
  readonly #inactivity: InactivityPolicy;

  constructor(private readonly options: DiagnosticsGateOptions) {
    this.#now = options.now ?? Date.now;
    this.#lockoutPolicy = options.lockoutPolicy ?? defaultLockoutPolicy;
    this.#inactivity = options.inactivityPolicy ?? defaultInactivityPolicy;
  }

  get idleTimeoutMs(): number {
    return this.#inactivity.idleTimeoutMs;
  }

  /** Checks a PIN. Attempts are serialized so that parallel guesses cannot outrun the lockout. */
  enter(pin: string): Promise<EnterResult> {
    const run = this.#queue.then(() => this.#enter(pin));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #enter(pin: string): Promise<EnterResult> {
    const stored = this.options.pinHash();
    if (!stored) return { status: 'not-configured' };
    const lockout = this.options.lockout.load();
    const verdict = checkLockout(lockout, this.#now());
    if (!verdict.allowed) return { status: 'locked', retryAfterMs: verdict.retryAfterMs };

    let matches: boolean;
    try {
      matches = await verifyTechnicianPin(pin, stored);
    } catch (error) {
      if (error instanceof TechnicianPinError) return { status: 'not-configured' };
      throw error;
    }
    const now = this.#now();
    if (!matches) {
      const next = recordFailure(lockout, now, this.#lockoutPolicy);
      this.options.lockout.save(next);
      const locked = checkLockout(next, now);
      if (!locked.allowed) {
        this.options.audit({ entry: 'locked-out', detail: `failures-${next.failures}` });
        return { status: 'locked', retryAfterMs: locked.retryAfterMs };
      }
      this.options.audit({ entry: 'pin-rejected', detail: `failures-${next.failures}` });
      return { status: 'wrong-pin', attemptsBeforeLock: attemptsBeforeLock(next, this.#lockoutPolicy) };
    }

    this.options.lockout.save(recordSuccess());
    if (this.#session) this.#close('replaced');
    const token = randomBytes(32);
    this.#session = { token, openedAt: now, lastActivityAt: now };
    this.options.audit({ entry: 'enter', detail: 'pin' });
    const expiry = sessionExpiry(this.#session, now, this.#inactivity);
    return { status: 'open', token: token.toString('base64url'), idleTimeoutMs: this.#inactivity.idleTimeoutMs, expiresAt: expiry.expired ? now : expiry.expiresAt };
  }

  /** Closes a session that has run out of time; the host calls it on a timer and before each call. */
  sweep(): void {
    if (!this.#session) return;
    const expiry = sessionExpiry(this.#session, this.#now(), this.#inactivity);
    if (expiry.expired) this.#close(expiry.reason);
  }

  /** For every diagnostics call: the token must be the open session's; the call counts as activity. */
  authorize(token: string): { expiresAt: number } {
    this.sweep();
    const session = this.#session;
    const presented = Buffer.from(token, 'base64url');
    if (!session || presented.length !== session.token.length || !timingSafeEqual(presented, session.token)) {
      throw new HostError('diagnostics-session-required', 'Diagnostics is closed: enter the technician PIN.');
    }
    const now = this.#now();
    this.#session = { ...session, ...touch(session, now) };
    const expiry = sessionExpiry(this.#session, now, this.#inactivity);
    return { expiresAt: expiry.expired ? now : expiry.expiresAt };
  }

  /** The technician leaves (or the screens noticed inactivity first). Unknown tokens are ignored. */
  exit(token: string, reason: ExitReason): void {
    const session = this.#session;
    if (!session) return;
    const presented = Buffer.from(token, 'base64url');
    if (presented.length === session.token.length && timingSafeEqual(presented, session.token)) this.#close(reason);
  }

  get isOpen(): boolean {
    this.sweep();
    return this.#session !== undefined;
  }

  #close(reason: ExitReason): void {
    this.#session = undefined;
    this.options.audit({ entry: 'exit', detail: reason });
  }
}
