import { createHash, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { type Attestation, AttestationSchema } from './attestation';
import type { DocumentCheck, DocumentFacts } from './document-check';
import { DocumentInvalid } from './document-check';
import { matchIcaoHolder, matchResidentHolder, type HolderMismatch } from './holder-match';
import { decodeCompactJws, JwsError, parseJwsPayload, signCompactJws, verifyCompactJws } from './jws';
import { Problem } from './problem';
import { accountHolder, type AuthorityStore, effectiveState, type TerminalRow } from './store';
import { CLOCK_SKEW_SECONDS } from './terminal-auth';
import type { TrustAnchors } from './trust-store';
import { policyViolation, type SessionPolicy } from './upgrade-policy';
import type { AuthorityKey } from './authority-key';

export interface UpgradeAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface UpgradeContext {
  store: AuthorityStore;
  authorityId: string;
  key: AuthorityKey;
  documentCheck: DocumentCheck;
  trust: () => TrustAnchors;
  knownSamIds: ReadonlySet<string>;
  now: () => number;
  /** Fault injection: held after the submission is marked in progress. */
  processingDelay: () => Promise<void>;
  onSessionChange: (sessionId: string) => void;
}

export interface UpgradeRequest {
  caller: TerminalRow;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
  rawBody: Uint8Array;
}

/** RFC 8941 sf-string ("…"), or the bare value. */
export function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(v);
  return quoted ? quoted[1]!.replace(/\\(["\\])/g, '$1') : v;
}

const HOLDER_DETAIL: Record<HolderMismatch, string> = {
  'document-number': 'document number does not match the account',
  'birth-date': 'birth date does not match the account',
  name: 'name does not match the account',
  'id-number': 'ID number does not match the account',
  'no-identity': 'the account has no identity of this document kind',
};

/**
 * POST /v1/upgrades: the checks of authority-protocol.md §3 in their order, answering with the
 * first failure. Only one submission per jti and per session runs at a time.
 */
export class UpgradeSubmissions {
  private readonly jtisInProgress = new Set<string>();
  private readonly sessionsInProgress = new Set<string>();

  constructor(private readonly ctx: UpgradeContext) {}

  async submit(req: UpgradeRequest): Promise<UpgradeAnswer> {
    const { ctx } = this;
    // Step 1: media type and a compact JWS with a decodable header.
    const mediaType = req.contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/jose') throw new Problem('bad-request', 'Content-Type must be application/jose');
    const jws = Buffer.from(req.rawBody).toString('utf8').trim();
    let kid: string;
    let payloadBytes: Uint8Array;
    try {
      const decoded = decodeCompactJws(jws, 'kiosk-upgrade+jwt');
      kid = decoded.header.kid;
      payloadBytes = decoded.payload;
    } catch (error) {
      const code = (error as JwsError).code === 'jws-malformed' ? 'bad-request' : 'bad-signature';
      throw new Problem(code, `attestation: ${(error as Error).message}`);
    }
    const signer = ctx.store.terminalByKid(kid);
    if (!signer) throw new Problem('bad-signature', 'attestation kid is not an enrolled terminal');
    if (signer.terminal_id !== req.caller.terminal_id) throw new Problem('bad-signature', 'attestation kid is not the caller');
    try {
      await verifyCompactJws(jws, JSON.parse(signer.public_jwk) as JWK);
    } catch {
      throw new Problem('bad-signature', 'attestation signature does not verify');
    }
    if (signer.revoked_at !== null) throw new Problem('terminal-revoked', 'this terminal was revoked');
    let raw: unknown;
    try {
      raw = parseJwsPayload(payloadBytes);
    } catch (error) {
      throw new Problem('bad-request', `attestation payload: ${(error as Error).message}`);
    }
    const rawIss = (raw as { iss?: unknown } | null)?.iss;
    if (typeof rawIss === 'string' && rawIss !== signer.terminal_id) throw new Problem('bad-signature', 'attestation iss is not the kid owner');
    const idempotencyKey = parseIdempotencyKey(req.idempotencyKey);
    if (idempotencyKey === undefined || idempotencyKey === '') throw new Problem('bad-request', 'Idempotency-Key missing');
    if (idempotencyKey !== (raw as { jti?: unknown } | null)?.jti) throw new Problem('bad-request', 'Idempotency-Key is not the attestation jti');
    const parsed = AttestationSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new Problem('bad-request', `attestation member ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
    }
    const a = parsed.data;

    // Step 2: audience and time.
    const now = ctx.now();
    if (a.aud !== ctx.authorityId) throw new Problem('stale', 'aud is not this authority');
    if (a.iat > now + CLOCK_SKEW_SECONDS) throw new Problem('stale', 'iat is in the future');
    if (now > a.exp + CLOCK_SKEW_SECONDS) throw new Problem('stale', 'attestation expired');

    // Step 3: idempotency keyed by jti.
    const bodySha256 = createHash('sha256').update(req.rawBody).digest('base64url');
    if (this.jtisInProgress.has(a.jti)) throw new Problem('in-progress', 'this submission is being processed');
    const stored = ctx.store.upgrade(a.jti);
    if (stored) {
      if (stored.body_sha256 !== bodySha256) throw new Problem('idempotency-mismatch', 'this jti was submitted with another body');
      return { status: stored.status === 201 ? 200 : stored.status, contentType: stored.content_type, body: stored.response };
    }
    if (this.sessionsInProgress.has(a.session_id)) throw new Problem('in-progress', 'another submission for this session is being processed');

    this.jtisInProgress.add(a.jti);
    this.sessionsInProgress.add(a.session_id);
    try {
      await ctx.processingDelay();
      return await this.judge(a, req.caller, bodySha256);
    } finally {
      this.jtisInProgress.delete(a.jti);
      this.sessionsInProgress.delete(a.session_id);
    }
  }

  private async judge(a: Attestation, caller: TerminalRow, bodySha256: string): Promise<UpgradeAnswer> {
    const { ctx } = this;
    // Step 4: the session.
    const session = ctx.store.session(a.session_id);
    if (!session || session.terminal_id !== caller.terminal_id) throw new Problem('not-found', 'no such session for this terminal');
    const now = ctx.now();
    const state = effectiveState(session, now);
    if (state !== 'bound') throw new Problem('session-state', `session is ${state}`);
    if (a.nonce !== session.nonce) throw new Problem('session-state', 'nonce is not the session nonce');
    if (now > session.submit_by) throw new Problem('session-state', 'submit_by has passed');
    if (a.exp > session.submit_by) throw new Problem('session-state', 'exp is after submit_by');
    const account = ctx.store.account(session.account_id!);
    if (!account) throw new Problem('session-state', 'the bound account no longer exists');

    const refuse = (problem: Problem): UpgradeAnswer => {
      const answer = { status: problem.status, contentType: 'application/problem+json', body: JSON.stringify(problem.toBody()) };
      ctx.store.recordRefusal({
        jti: a.jti,
        session_id: a.session_id,
        terminal_id: caller.terminal_id,
        body_sha256: bodySha256,
        status: answer.status,
        outcome: problem.code,
        content_type: answer.contentType,
        response: answer.body,
        decided_at: ctx.now(),
      });
      return answer;
    };

    // Step 5: the document.
    let facts: DocumentFacts;
    try {
      facts = await ctx.documentCheck.check(a.doc, {
        iat: a.iat,
        aaChallenge: new Uint8Array(Buffer.from(session.aa_challenge, 'hex')),
        trust: ctx.trust(),
        knownSamIds: ctx.knownSamIds,
      });
    } catch (error) {
      if (error instanceof DocumentInvalid) return refuse(new Problem('document-invalid', error.message));
      throw error;
    }

    // Step 6: the holder.
    const holder = accountHolder(account);
    const mismatch = facts.kind === 'icao9303' ? matchIcaoHolder(holder, facts.dg1) : matchResidentHolder(holder, facts.text);
    if (mismatch) return refuse(new Problem('holder-mismatch', HOLDER_DETAIL[mismatch]));

    // Step 7: the session's policy.
    const violation = policyViolation(a, JSON.parse(session.policy) as SessionPolicy);
    if (violation) return refuse(new Problem('policy', violation));

    const receiptId = `rcpt_${randomUUID()}`;
    const receipt = await signCompactJws(
      { receipt_id: receiptId, jti: a.jti, session_id: a.session_id, account_id: account.account_id, result: 'upgraded', iat: ctx.now() },
      'upgrade-receipt+jwt',
      ctx.key.kid,
      ctx.key.privateKey,
    );
    ctx.store.recordUpgrade({
      jti: a.jti,
      session_id: a.session_id,
      terminal_id: caller.terminal_id,
      body_sha256: bodySha256,
      status: 201,
      outcome: 'upgraded',
      content_type: 'application/jose',
      response: receipt,
      receipt_id: receiptId,
      decided_at: ctx.now(),
      account_id: account.account_id,
    });
    ctx.onSessionChange(a.session_id);
    return { status: 201, contentType: 'application/jose', body: receipt };
  }
}
