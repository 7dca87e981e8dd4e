import { createHash, randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log';
import { signCompactJws } from '../identity/compact-jws';
import type { TerminalKey } from '../identity/terminal-key';
import type { KioskStore } from '../store/database';
import { plainBodies, type BodySealer } from '../outbox/sealed-body';
import { StoreError } from '../store/errors';
import { AttestationPayload, type AttestationBiometrics, type AttestationDocument } from './schema';

export class AttestationError extends Error {
  override readonly name = 'AttestationError';
  constructor(
    readonly code: 'attestation-invalid' | 'attestation-already-decided' | 'attestation-past-submit-by',
    message: string,
  ) {
    super(message);
  }
}

export interface DecidedUpgrade {
  terminalId: string;
  authorityId: string;
  session: { session_id: string; nonce: string; policy_version: string; submit_by: string };
  sw: { name: string; version: string; build: string };
  doc: AttestationDocument;
  bio: AttestationBiometrics;
  consent: { text_version: string; at: string };
}

export interface QueuedAttestation {
  jti: string;
  attestation: string;
  payload: AttestationPayload;
}

/** Builds the §3 payload: `exp = submit_by`, a fresh UUID `jti`, the audit head at decision time. */
export function buildAttestationPayload(
  input: DecidedUpgrade,
  audit: { treeSize: number; root: Uint8Array },
  nowSeconds: number,
  jti: string = randomUUID(),
): AttestationPayload {
  const exp = Math.floor(Date.parse(input.session.submit_by) / 1000);
  if (!Number.isFinite(exp)) throw new AttestationError('attestation-invalid', 'submit_by is not an RFC 3339 time');
  const iat = Math.floor(nowSeconds);
  if (exp < iat) throw new AttestationError('attestation-past-submit-by', 'the session is past submit_by; the upgrade can no longer be delivered');
  const candidate = {
    iss: input.terminalId,
    aud: input.authorityId,
    iat,
    exp,
    jti,
    session_id: input.session.session_id,
    nonce: input.session.nonce,
    policy_version: input.session.policy_version,
    sw: input.sw,
    doc: input.doc,
    bio: input.bio,
    consent: input.consent,
    audit: { tree_size: audit.treeSize, root: Buffer.from(audit.root).toString('base64url') },
  };
  const parsed = AttestationPayload.safeParse(candidate);
  if (!parsed.success) throw new AttestationError('attestation-invalid', `attestation does not match §3: ${parsed.error.message}`);
  return parsed.data;
}

export interface QueueOptions {
  store: KioskStore;
  audit: AuditLog;
  key: TerminalKey;
  now?: () => number;
  /** How the pending body rests in the store (the runtime seals it; tests may keep it plain). */
  sealer?: BodySealer;
}

/**
 * Signs the attestation and writes it to the outbox and the audit log in ONE transaction: after
 * this returns, the decision survives any crash and will be delivered; before, it never existed.
 */
export async function queueDecidedUpgrade(input: DecidedUpgrade, options: QueueOptions): Promise<QueuedAttestation> {
  const clock = options.now ?? Date.now;
  const now = () => Math.floor(clock());
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const head = options.audit.head();
    const payload = buildAttestationPayload(input, head, now() / 1000);
    const attestation = await signCompactJws(options.key, 'kiosk-upgrade+jwt', payload as unknown as Record<string, unknown>);
    const bodySha = createHash('sha256').update(attestation).digest('base64url');
    const committed = options.store.transaction(() => {
      // Another event slipped in while we signed: the committed root must be the one we sign over.
      if (options.audit.head().treeSize !== head.treeSize) return false;
      const existing = options.store.db.prepare('SELECT jti FROM outbox WHERE session_id = ?').get(payload.session_id);
      if (existing) throw new AttestationError('attestation-already-decided', `session ${payload.session_id} already has an attestation`);
      options.store.db
        .prepare(
          `INSERT INTO outbox (jti, session_id, body, body_sha256, submit_by, state, attempts, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
        )
        .run(payload.jti, payload.session_id, (options.sealer ?? plainBodies).seal(payload.jti, attestation), bodySha, payload.exp, now(), now());
      options.audit.append({ kind: 'submission', session_id: payload.session_id, jti: payload.jti, outcome: 'queued', attestation_sha256: bodySha });
      return true;
    });
    if (committed) return { jti: payload.jti, attestation, payload };
  }
  throw new StoreError('store-unavailable', 'the audit log kept moving while the attestation was signed');
}
