import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log';
import { queueDecidedUpgrade, type DecidedUpgrade } from '../attestation/attestation';
import { AuthorityClient } from '../authority-client/client';
import { readIdentity, type TerminalIdentity } from '../identity/enrollment';
import { loadOrCreatePseudonymSecret } from '../identity/pseudonym-secret';
import { FileTerminalKey, type TerminalKey } from '../identity/terminal-key';
import { ConfigCache } from '../store/config-cache';
import { openStore, type KioskStore } from '../store/database';
import type { BackoffPolicy } from '../outbox/backoff';
import { Outbox } from '../outbox/outbox';
import { AesGcmBodySealer, loadOrCreateOutboxKey, type BodySealer } from '../outbox/sealed-body';
import type { DecisionRecorder, DeliveryResult } from './services';

/** Files of the kiosk's data directory. The key and the pseudonym secret are 0600. */
export const dataFiles = (dataDir: string) => ({
  database: join(dataDir, 'kiosk.db'),
  terminalKey: join(dataDir, 'terminal-key.pem'),
  pseudonymSecret: join(dataDir, 'pseudonym.key'),
  outboxKey: join(dataDir, 'outbox.key'),
});

export interface KioskRuntime {
  dataDir: string;
  store: KioskStore;
  key: TerminalKey;
  audit: AuditLog;
  cache: ConfigCache;
  /** Seals pending attestations at rest (outbox.key, 0600). */
  sealer: BodySealer;
  identity: TerminalIdentity | undefined;
  /** Present once enrolled. */
  client: AuthorityClient | undefined;
  outbox: Outbox | undefined;
  recorder: DecisionRecorder | undefined;
  close(): void;
}

export interface OpenRuntimeOptions {
  dataDir: string;
  fetch?: typeof fetch;
  now?: () => number;
  backoff?: BackoffPolicy;
  /** Authority URL override (e.g. a test authority); defaults to the one enrolled with. */
  authorityUrl?: string;
  /** Store failures met by the outbox delivery loop (it backs off and carries on). */
  onOutboxError?(error: unknown): void;
}

/** Opens the store (typed errors on full/corrupt), the terminal key and, when enrolled, the authority side. */
export async function openKioskRuntime(options: OpenRuntimeOptions): Promise<KioskRuntime> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const files = dataFiles(options.dataDir);
  const store = openStore(files.database);
  try {
    const { key } = await FileTerminalKey.loadOrCreate(files.terminalKey);
    const audit = new AuditLog(store, key, loadOrCreatePseudonymSecret(files.pseudonymSecret), options.now);
    const cache = new ConfigCache(store);
    const sealer = new AesGcmBodySealer(loadOrCreateOutboxKey(files.outboxKey));
    const enrolled = readIdentity(store);
    // Keys learnt after a rotation (GET /v1/keys) are kept in the cache, next to the enrolled ones.
    const rotated = cache.get<{ keys: import('jose').JWK[] }>('authority-keys')?.value.keys ?? [];
    const identity = enrolled && { ...enrolled, authorityJwks: { keys: [...rotated, ...enrolled.authorityJwks.keys] } };
    let client: AuthorityClient | undefined;
    let outbox: Outbox | undefined;
    let recorder: DecisionRecorder | undefined;
    if (identity) {
      client = new AuthorityClient({
        baseUrl: options.authorityUrl ?? identity.authorityUrl,
        key,
        identity,
        cache,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      // The last measured skew holds until the next `measureClockSkew()` (which the host runs at start and hourly).
      const skew = cache.get<{ skew_seconds: number }>('clock-skew');
      if (skew && !options.now) client.skewMs = skew.value.skew_seconds * 1000;
      // Attestation times and submit_by are judged on the authority's clock: use it, corrected for measured skew.
      const authorityClock = options.now ?? ((c: AuthorityClient) => () => Math.round(c.authorityNow() * 1000))(client);
      outbox = new Outbox({ store, audit, submitter: client, now: authorityClock,
        sealer,
        ...(options.backoff ? { backoff: options.backoff } : {}),
        ...(options.onOutboxError ? { onError: options.onOutboxError } : {}),
      });
      recorder = new StoreDecisionRecorder(store, audit, key, outbox, identity.terminalId, authorityClock, sealer);
    }
    return { dataDir: options.dataDir, store, key, audit, cache, sealer, identity, client, outbox, recorder, close: () => store.close() };
  } catch (error) {
    store.close();
    throw error;
  }
}

/** The session's DecisionRecorder over the store: audit log, attestation + outbox, immediate delivery. */
export class StoreDecisionRecorder implements DecisionRecorder {
  constructor(
    private readonly store: KioskStore,
    private readonly audit: AuditLog,
    private readonly key: TerminalKey,
    private readonly outbox: Outbox,
    private readonly terminalId: string,
    private readonly now: () => number = Date.now,
    private readonly sealer?: BodySealer,
  ) {}

  record(event: Parameters<DecisionRecorder['record']>[0]): void {
    this.audit.append(event);
  }

  pseudonym(value: string): string {
    return this.audit.pseudonym(value);
  }

  async queue(upgrade: DecidedUpgrade): Promise<{ jti: string }> {
    const queued = await queueDecidedUpgrade(upgrade, { store: this.store, audit: this.audit, key: this.key, now: this.now, ...(this.sealer ? { sealer: this.sealer } : {}) });
    // A signed head over the log including this submission, for later proofs.
    await this.audit.checkpoint(this.terminalId);
    return { jti: queued.jti };
  }

  async deliverNow(jti: string): Promise<DeliveryResult> {
    await this.outbox.attempt(jti);
    const entry = this.outbox.list().find((e) => e.jti === jti);
    if (!entry || entry.state === 'pending') {
      this.outbox.wake();
      return { state: 'pending' };
    }
    if (entry.state === 'delivered') return { state: 'delivered', receiptId: entry.receiptId ?? '' };
    if (entry.state === 'rejected') return { state: 'rejected', problem: entry.problemType ?? 'unknown' };
    return { state: 'expired' };
  }
}
