/** Test and benchmark support: a kiosk (store, key, audit log, client, outbox) wired to a stub authority. */
import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log';
import { AuthorityClient } from '../authority-client/client';
import type { StubAuthority } from '../authority-client/stub-authority';
import { queueDecidedUpgrade } from '../attestation/attestation';
import { sampleDecidedUpgrade } from '../attestation/sample-upgrade';
import { loadOrCreatePseudonymSecret } from '../identity/pseudonym-secret';
import { FileTerminalKey } from '../identity/terminal-key';
import { openStore } from '../store/database';
import type { BackoffPolicy } from './backoff';
import { Outbox } from './outbox';
import { AesGcmBodySealer, loadOrCreateOutboxKey } from './sealed-body';

export interface HarnessOptions {
  dataDir: string;
  authorityUrl: string;
  terminalId: string;
  authorityId: string;
  authorityJwks: { keys: import('jose').JWK[] };
  now?: () => number;
  backoff?: BackoffPolicy;
  concurrency?: number;
  requestTimeoutMs?: number;
}

export async function openKiosk(options: HarnessOptions) {
  const store = openStore(join(options.dataDir, 'kiosk.db'));
  const { key } = await FileTerminalKey.loadOrCreate(join(options.dataDir, 'terminal-key.pem'));
  const audit = new AuditLog(store, key, loadOrCreatePseudonymSecret(join(options.dataDir, 'pseudonym.key')));
  const sealer = new AesGcmBodySealer(loadOrCreateOutboxKey(join(options.dataDir, 'outbox.key')));
  const client = new AuthorityClient({
    baseUrl: options.authorityUrl,
    key,
    identity: { terminalId: options.terminalId, authorityId: options.authorityId, authorityJwks: options.authorityJwks },
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
  });
  const outbox = new Outbox({
    store,
    audit,
    submitter: client,
    sealer,
    ...(options.now ? { now: options.now } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  const queue = (session: { session_id: string; nonce: string; submit_by: number }) =>
    queueDecidedUpgrade(
      sampleDecidedUpgrade({
        terminalId: options.terminalId,
        authorityId: options.authorityId,
        session: { session_id: session.session_id, nonce: session.nonce, policy_version: 'p1', submit_by: new Date(session.submit_by * 1000).toISOString() },
      }),
      { store, audit, key, sealer },
    );
  return { store, key, audit, client, outbox, queue, sealer, close: () => store.close() };
}

/** Generates the terminal key in `dataDir` and registers it with the stub (as enrollment would). */
export async function registerKiosk(stub: StubAuthority, dataDir: string) {
  const { key } = await FileTerminalKey.loadOrCreate(join(dataDir, 'terminal-key.pem'));
  const { terminalId } = await stub.registerTerminal(key.publicJwk);
  return { terminalId, authorityId: stub.authorityId, authorityJwks: stub.authorityJwks(), authorityUrl: stub.url };
}
