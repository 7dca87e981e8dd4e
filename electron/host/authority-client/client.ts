import { z } from 'zod';
import type { JWK } from 'jose';
import type { TerminalKey } from '../identity/terminal-key';
import type { ConfigCache } from '../store/config-cache';
import {
  AuthorityProblemError,
  AuthorityResponseError,
  AuthorityUnreachableError,
  PROBLEM_PREFIX,
} from './errors';
import {
  BindResponse,
  CscaList,
  KeysResponse,
  OpenedSession,
  ReceiptPayload,
  SessionStatus,
  TimeResponse,
  type HeartbeatStatus,
  type SessionStateName,
} from './protocol';
import { createRequestToken } from './request-token';
import { parseStrictJson } from './strict-json';
import { SignatureRejectedError, verifyProtocolJws } from './verify-jws';

export interface AuthorityIdentity {
  terminalId: string;
  authorityId: string;
  authorityJwks: { keys: JWK[] };
}

export interface AuthorityClientOptions {
  baseUrl: string;
  key: TerminalKey;
  identity: AuthorityIdentity;
  fetch?: typeof fetch;
  /** Local clock in epoch milliseconds. */
  now?: () => number;
  requestTimeoutMs?: number;
  cache?: ConfigCache;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** What one submission attempt came to; the outbox decides what to do with it. */
export type SubmitOutcome =
  | { kind: 'accepted'; receipt: string; payload: ReceiptPayload }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'final'; status: number; problem: string; detail?: string };

/** The clock skew the protocol tolerates (Conventions). */
export const CLOCK_SKEW_ALLOWANCE_S = 120;

const encoder = new TextEncoder();

/** The kiosk's side of authority-protocol.md. Every terminal call gets a fresh request token. */
export class AuthorityClient {
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly base: URL;
  /** authority clock − local clock, in ms; 0 until measured. */
  skewMs = 0;

  constructor(private readonly options: AuthorityClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  }

  get identity(): AuthorityIdentity {
    return this.options.identity;
  }

  /** Seconds on the authority's clock as far as we know it. */
  authorityNow(): number {
    return (this.now() + this.skewMs) / 1000;
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  /** Path as the authority sees it (`htu`), including a base path prefix if the authority has one. */
  private htu(path: string): string {
    return this.url(path).pathname;
  }

  async send(
    method: string,
    path: string,
    init: { body?: string; contentType?: string; headers?: Record<string, string>; signed?: boolean; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: 'application/json, application/jose, application/problem+json', ...init.headers };
    const bodyBytes = init.body === undefined ? undefined : encoder.encode(init.body);
    if (init.signed !== false) {
      const token = await createRequestToken(this.options.key, {
        terminalId: this.identity.terminalId,
        authorityId: this.identity.authorityId,
        method,
        path: this.htu(path),
        body: bodyBytes,
        now: this.authorityNow(),
      });
      headers.authorization = `Terminal ${token}`;
    }
    if (bodyBytes !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    const timeout = AbortSignal.timeout(init.timeoutMs ?? this.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const response = await this.fetchImpl(this.url(path), { method, headers, body: bodyBytes, signal });
      return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new AuthorityUnreachableError(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** Throws AuthorityProblemError for every non-2xx answer. */
  static problemOf(answer: HttpAnswer): AuthorityProblemError {
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(answer.text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      // not a problem document: keep the status only
    }
    const type = typeof body.type === 'string' ? body.type : '';
    const problem = type.startsWith(PROBLEM_PREFIX) ? type.slice(PROBLEM_PREFIX.length) : `http-${answer.status}`;
    const retryAfter = Number(answer.headers.get('retry-after'));
    return new AuthorityProblemError(
      answer.status,
      problem,
      typeof body.detail === 'string' ? body.detail : undefined,
      body,
      Number.isFinite(retryAfter) && retryAfter >= 0 && answer.headers.has('retry-after') ? retryAfter : undefined,
    );
  }

  private async json<T>(schema: z.ZodType<T>, method: string, path: string, init: Parameters<AuthorityClient['send']>[2] = {}): Promise<T> {
    const answer = await this.send(method, path, init);
    if (answer.status < 200 || answer.status > 299) throw AuthorityClient.problemOf(answer);
    let value: unknown;
    try {
      value = answer.text.length === 0 ? undefined : parseStrictJson(answer.text);
    } catch (error) {
      throw new AuthorityResponseError(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new AuthorityResponseError(`${method} ${path}: unexpected answer: ${parsed.error.message}`);
    return parsed.data;
  }

  /** `GET /v1/time`; records the skew so request tokens carry the authority's time. */
  async measureClockSkew(): Promise<{ skewSeconds: number; withinAllowance: boolean }> {
    const before = this.now();
    const { now } = await this.json(TimeResponse, 'GET', '/v1/time', { signed: false });
    const after = this.now();
    this.skewMs = now * 1000 + 500 - (before + after) / 2;
    const skewSeconds = Math.round(this.skewMs / 1000);
    this.options.cache?.put('clock-skew', { skew_seconds: skewSeconds });
    return { skewSeconds, withinAllowance: Math.abs(skewSeconds) <= CLOCK_SKEW_ALLOWANCE_S };
  }

  openSession(): Promise<OpenedSession> {
    return this.json(OpenedSession, 'POST', '/v1/sessions', { body: '{}' }).then((session) => {
      this.options.cache?.put('session-policy', session.policy);
      return session;
    });
  }

  /** Long poll (`wait` 0..30 s): answers when the state differs from `lastState`. */
  waitSession(sessionId: string, lastState: SessionStateName | undefined, waitSeconds: number, signal?: AbortSignal): Promise<SessionStatus> {
    const wait = Math.max(0, Math.min(30, Math.floor(waitSeconds)));
    const query = new URLSearchParams({ wait: String(wait) });
    if (lastState) query.set('state', lastState);
    return this.json(SessionStatus, 'GET', `/v1/sessions/${encodeURIComponent(sessionId)}?${query.toString()}`, {
      timeoutMs: wait * 1000 + this.timeoutMs,
      signal,
    });
  }

  bindCode(sessionId: string, code: string): Promise<BindResponse> {
    return this.json(BindResponse, 'POST', `/v1/sessions/${encodeURIComponent(sessionId)}/bind-code`, {
      body: JSON.stringify({ code }),
    });
  }

  /** `GET /v1/csca`; the last good copy is cached and served when the authority cannot be reached. */
  async cscaList(): Promise<{ list: CscaList; source: 'authority' | 'cache'; fetchedAt: string }> {
    try {
      const list = await this.json(CscaList, 'GET', '/v1/csca');
      const fetchedAt = new Date(this.now()).toISOString();
      this.options.cache?.put('csca-list', list, new Date(this.now()));
      return { list, source: 'authority', fetchedAt };
    } catch (error) {
      const offline = error instanceof AuthorityUnreachableError || (error instanceof AuthorityProblemError && error.status >= 500);
      const cached = offline ? this.options.cache?.get<CscaList>('csca-list') : undefined;
      if (cached) return { list: cached.value, source: 'cache', fetchedAt: cached.updatedAt };
      throw error;
    }
  }

  async heartbeat(status: HeartbeatStatus): Promise<void> {
    const answer = await this.send('POST', `/v1/terminals/${encodeURIComponent(this.identity.terminalId)}/heartbeat`, {
      body: JSON.stringify({ status }),
    });
    if (answer.status !== 204 && answer.status !== 200) throw AuthorityClient.problemOf(answer);
  }

  /**
   * One `POST /v1/upgrades` attempt (§3). The receipt counts only if its signature verifies with
   * the authority's key by the protocol's rules and its `jti` is ours.
   */
  /**
   * `GET /v1/keys` (no auth): the authority's current keys, used when a receipt names a kid we do
   * not know (key rotation). The answer must be for the authority we enrolled with.
   */
  async refreshAuthorityKeys(): Promise<{ keys: JWK[] }> {
    const answer = await this.json(KeysResponse, 'GET', '/v1/keys', { signed: false });
    if (answer.authority_id !== this.identity.authorityId) {
      throw new AuthorityResponseError(`/v1/keys is for ${answer.authority_id}, we are enrolled with ${this.identity.authorityId}`);
    }
    const jwks = { keys: answer.keys as JWK[] };
    this.options.identity = { ...this.identity, authorityJwks: jwks };
    this.options.cache?.put('authority-keys', jwks);
    return jwks;
  }

  private async verifyReceipt(text: string): Promise<Record<string, unknown>> {
    try {
      return (await verifyProtocolJws(text, this.identity.authorityJwks.keys, 'upgrade-receipt+jwt')).payload;
    } catch (error) {
      if (!(error instanceof SignatureRejectedError) || !/is not a key of the signer/.test(error.message)) throw error;
      try {
        await this.refreshAuthorityKeys();
      } catch {
        throw error;
      }
      return (await verifyProtocolJws(text, this.identity.authorityJwks.keys, 'upgrade-receipt+jwt')).payload;
    }
  }

  async submitUpgrade(attestation: string, jti: string, expectedSessionId: string): Promise<SubmitOutcome> {
    let answer: HttpAnswer;
    try {
      answer = await this.send('POST', '/v1/upgrades', {
        body: attestation,
        contentType: 'application/jose',
        headers: { 'idempotency-key': `"${jti}"` },
      });
    } catch (error) {
      if (error instanceof AuthorityUnreachableError) return { kind: 'retry', reason: `unreachable: ${error.message}` };
      throw error;
    }
    if (answer.status === 200 || answer.status === 201) {
      try {
        const payload = await this.verifyReceipt(answer.text);
        const receipt = ReceiptPayload.safeParse(payload);
        if (!receipt.success) return { kind: 'retry', reason: `receipt-rejected: shape: ${receipt.error.message}` };
        if (receipt.data.jti !== jti) return { kind: 'retry', reason: `receipt-rejected: receipt is for jti ${receipt.data.jti}` };
        if (receipt.data.session_id !== expectedSessionId) return { kind: 'retry', reason: 'receipt-rejected: receipt is for another session' };
        return { kind: 'accepted', receipt: answer.text.trim(), payload: receipt.data };
      } catch (error) {
        if (error instanceof SignatureRejectedError) return { kind: 'retry', reason: `receipt-rejected: ${error.message}` };
        throw error;
      }
    }
    const problem = AuthorityClient.problemOf(answer);
    if (isRetryable(answer.status, problem.problem)) {
      return {
        kind: 'retry',
        reason: `${answer.status} ${problem.problem}`,
        ...(problem.retryAfterSeconds !== undefined ? { retryAfterMs: problem.retryAfterSeconds * 1000 } : {}),
      };
    }
    return { kind: 'final', status: answer.status, problem: problem.problem, ...(problem.detail ? { detail: problem.detail } : {}) };
  }
}

/**
 * §3 "Kiosk side": 408, 409 in-progress, 429 and 5xx are retried; every other 4xx is final.
 * A 429 `too-many-attempts` is a bind-code answer and final wherever it appears.
 */
export function isRetryable(status: number, problem: string): boolean {
  if (status >= 500) return true;
  if (status === 408) return true;
  if (status === 409) return problem === 'in-progress';
  if (status === 429) return problem !== 'too-many-attempts';
  return false;
}
