import type { AuditLog } from '../audit/audit-log';
import type { SubmitOutcome } from '../authority-client/client';
import type { KioskStore } from '../store/database';
import { guardStore } from '../store/errors';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff';
import { plainBodies, type BodySealer } from './sealed-body';

export type OutboxState = 'pending' | 'delivered' | 'rejected' | 'expired';

export interface OutboxEntry {
  jti: string;
  sessionId: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  submitBy: string;
  lastError: string | null;
  problemType: string | null;
  receiptId: string | null;
  createdAt: string;
  closedAt: string | null;
}

/** The one authority call the outbox makes (AuthorityClient.submitUpgrade). */
export interface UpgradeSubmitter {
  submitUpgrade(attestation: string, jti: string, sessionId: string): Promise<SubmitOutcome>;
}

export interface OutboxOptions {
  store: KioskStore;
  audit: AuditLog;
  submitter: UpgradeSubmitter;
  now?: () => number;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** Entries sent at the same time while draining. */
  concurrency?: number;
  /** Longest sleep of the delivery loop before it re-reads the store (another process may have queued). */
  pollMs?: number;
  /** Must match the sealer the attestations were queued with (default: plain). */
  sealer?: BodySealer;
  /** The delivery loop reports store failures here and sleeps `pollMs` instead of spinning or crashing. */
  onError?(error: unknown): void;
}

interface Row {
  jti: string;
  session_id: string;
  body: string | null;
  submit_by: number;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  problem_type: string | null;
  receipt: string | null;
  receipt_id: string | null;
  created_at: number;
  closed_at: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function toEntry(row: Row): OutboxEntry {
  return {
    jti: row.jti,
    sessionId: row.session_id,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    submitBy: iso(row.submit_by * 1000),
    lastError: row.last_error,
    problemType: row.problem_type,
    receiptId: row.receipt_id,
    createdAt: iso(row.created_at),
    closedAt: row.closed_at === null ? null : iso(row.closed_at),
  };
}

export type AttemptResult = OutboxState | 'skipped';

/**
 * Delivers queued attestations (authority-protocol.md §3 "Kiosk side"): an entry stays pending
 * until a receipt verifies; transient failures are retried with backoff until submit_by; every
 * other 4xx closes it as rejected with its problem type. All state is in the store, so a restart
 * resumes exactly where the last process stopped.
 */
export class Outbox {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly sealer: BodySealer;
  private readonly inFlight = new Set<string>();
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: OutboxOptions) {
    // Whole milliseconds: the store's columns are STRICT INTEGER.
    const clock = options.now ?? Date.now;
    this.now = () => Math.floor(clock());
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.sealer = options.sealer ?? plainBodies;
  }

  private get db() {
    return this.options.store.db;
  }

  list(state?: OutboxState): OutboxEntry[] {
    const rows = guardStore(() =>
      state
        ? this.db.prepare('SELECT * FROM outbox WHERE state = ? ORDER BY created_at, jti').all(state)
        : this.db.prepare('SELECT * FROM outbox ORDER BY created_at, jti').all(),
    ) as Row[];
    return rows.map(toEntry);
  }

  depth(): number {
    return (guardStore(() => this.db.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'pending'").get()) as { n: number }).n;
  }

  /**
   * Entries with their receipts and attestation hashes. Pending attestations themselves (they
   * carry DG1) only when asked for, for a manual delivery by staff.
   */
  export(options: { withAttestations?: boolean } = {}): Array<OutboxEntry & { attestation_sha256: string; attestation: string | null; receipt: string | null }> {
    const rows = guardStore(() => this.db.prepare('SELECT * FROM outbox ORDER BY created_at, jti').all()) as Array<Row & { body_sha256: string }>;
    return rows.map((row) => ({
      ...toEntry(row),
      attestation_sha256: row.body_sha256,
      attestation: options.withAttestations && row.body !== null ? this.sealer.open(row.jti, row.body) : null,
      receipt: row.receipt,
    }));
  }

  /** Makes pending entries (all, or one) due now. Returns how many were pending. */
  makeDue(jti?: string): number {
    const result = guardStore(() =>
      jti
        ? this.db.prepare("UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND jti = ?").run(this.now(), jti)
        : this.db.prepare("UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending'").run(this.now()),
    );
    this.wake();
    return result.changes;
  }

  /** Tells a sleeping delivery loop that something was queued. */
  wake(): void {
    this.wakeUp?.();
  }

  /** One delivery attempt of one pending entry, and the bookkeeping of its outcome. */
  async attempt(jti: string): Promise<AttemptResult> {
    if (this.inFlight.has(jti)) return 'skipped';
    const row = guardStore(() => this.db.prepare('SELECT * FROM outbox WHERE jti = ?').get(jti)) as Row | undefined;
    if (!row || row.state !== 'pending' || row.body === null) return 'skipped';
    if (this.now() > row.submit_by * 1000) {
      this.close(row, 'expired', { problem: 'submit-by-passed' });
      return 'expired';
    }
    this.inFlight.add(jti);
    try {
      let outcome: SubmitOutcome;
      try {
        outcome = await this.options.submitter.submitUpgrade(this.sealer.open(row.jti, row.body), row.jti, row.session_id);
      } catch (error) {
        outcome = { kind: 'retry', reason: `client: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (outcome.kind === 'accepted') {
        this.close(row, 'delivered', { receipt: outcome.receipt, receiptId: outcome.payload.receipt_id });
        return 'delivered';
      }
      if (outcome.kind === 'final') {
        this.close(row, 'rejected', { problem: outcome.problem, error: `${outcome.status} ${outcome.problem}${outcome.detail ? `: ${outcome.detail}` : ''}` });
        return 'rejected';
      }
      const attempts = row.attempts + 1;
      const delay = retryDelayMs(attempts, this.backoff, this.random(), outcome.retryAfterMs);
      // One last try just before submit_by rather than none at all.
      const next = Math.min(this.now() + delay, row.submit_by * 1000 - 1000);
      guardStore(() =>
        this.db
          .prepare("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE jti = ? AND state = 'pending'")
          .run(attempts, Math.max(next, this.now()), outcome.reason.slice(0, 500), row.jti),
      );
      return 'pending';
    } finally {
      this.inFlight.delete(jti);
    }
  }

  private close(row: Row, state: Exclude<OutboxState, 'pending'>, details: { receipt?: string; receiptId?: string; problem?: string; error?: string }): void {
    this.options.store.transaction(() => {
      // The attestation carries document data: once the entry is closed it is no longer kept.
      const { changes } = this.db
        .prepare(
          `UPDATE outbox SET state = ?, body = NULL, attempts = attempts + 1, receipt = ?, receipt_id = ?, problem_type = ?,
             last_error = coalesce(?, last_error), closed_at = ? WHERE jti = ? AND state = 'pending'`,
        )
        .run(state, details.receipt ?? null, details.receiptId ?? null, details.problem ?? null, details.error ?? null, this.now(), row.jti);
      // Another process (kioskctl outbox retry next to the host) closed it first: one audit leaf only.
      if (changes === 0) return;
      this.options.audit.append({
        kind: 'submission',
        session_id: row.session_id,
        jti: row.jti,
        outcome: state,
        ...(details.receiptId ? { receipt_id: details.receiptId } : {}),
        ...(details.problem ? { problem: details.problem } : {}),
      });
    });
  }

  /** Attempts every due pending entry (oldest first), `concurrency` at a time. */
  async drainDue(): Promise<{ attempted: number; delivered: number }> {
    const due = guardStore(() =>
      this.db.prepare("SELECT jti FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at").all(this.now()),
    ) as Array<{ jti: string }>;
    let delivered = 0;
    const queue = due.map((d) => d.jti);
    const worker = async () => {
      for (let jti = queue.shift(); jti !== undefined; jti = queue.shift()) {
        if ((await this.attempt(jti)) === 'delivered') delivered += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency ?? 4) }, worker));
    return { attempted: due.length, delivered };
  }

  private nextDueAt(): number | undefined {
    const row = guardStore(() => this.db.prepare("SELECT min(next_attempt_at) AS t FROM outbox WHERE state = 'pending'").get()) as { t: number | null };
    return row.t ?? undefined;
  }

  /**
   * The delivery loop: resumes whatever is pending at start (after a crash or restart), then
   * sleeps until the next entry is due, a `wake()`, or `pollMs`. Ends when `signal` aborts.
   */
  async run(signal: AbortSignal): Promise<void> {
    const pollMs = this.options.pollMs ?? 30_000;
    while (!signal.aborted) {
      let wait = pollMs;
      try {
        await this.drainDue();
        const next = this.nextDueAt();
        if (next !== undefined) wait = Math.min(pollMs, Math.max(0, next - this.now()));
      } catch (error) {
        // A full or corrupt store: nothing can be closed now; try again later rather than in a loop.
        this.options.onError?.(error);
      }
      // An abort that came while draining has already fired: don't start a wait it cannot end.
      if (signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        this.wakeUp = done;
        signal.addEventListener('abort', done, { once: true });
      });
      this.wakeUp = undefined;
    }
  }
}
