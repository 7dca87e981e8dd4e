import { randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import { z } from 'zod';
import { type AuthorityKey, loadOrCreateAuthorityKey } from './authority-key';
import type { AuthorityConfig } from './config';
import { openDatabase } from './database';
import { createDocumentCheck, type DocumentCheck } from './document-check';
import { hardwarePorts } from './document-check-wiring';
import { decodeCompactJws, type JwsError, jwkThumbprint, parseJwsPayload, publicP256Jwk, verifyCompactJws } from './jws';
import { Problem } from './problem';
import { type AccountRow, AuthorityStore, effectiveState, type SessionState, type TerminalRow } from './store';
import { parseStrictJson } from './strict-json';
import { authenticateTerminal, CLOCK_SKEW_SECONDS } from './terminal-auth';
import { loadTrustAnchors, type TrustAnchors } from './trust-store';
import type { SessionPolicy } from './upgrade-policy';
import { UpgradeSubmissions } from './upgrade-submission';

export const MAX_WRONG_CODES = 5;
export const UPGRADE_CODE_TTL_SECONDS = 600;
export const MAX_WAIT_SECONDS = 30;

/** Fault injection for tests and demos (also reachable as POST /_test/faults with test_controls). */
export interface Faults {
  /** When set, every call answers 503 `unavailable` with this Retry-After (seconds). */
  unavailableRetryAfter: number | null;
  /** Added before every request is handled. */
  latencyMs: number;
  /** Held inside POST /v1/upgrades after the submission is marked in progress. */
  upgradeProcessingMs: number;
}

export interface AuthorityOptions {
  /** Milliseconds since the epoch; tests pass a fake clock. */
  clock?: () => number;
  /** Step 5; defaults to hardware/icao passive and active authentication (document-check-wiring). */
  documentCheck?: DocumentCheck;
  logger?: boolean;
}

export interface Authority {
  app: FastifyInstance;
  config: AuthorityConfig;
  store: AuthorityStore;
  db: Database;
  key: AuthorityKey;
  faults: Faults;
  /** Starts listening on config.host:config.port; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const EnrollmentSchema = z.strictObject({
  enrollment_token: z.string().min(1),
  public_jwk: z.record(z.string(), z.unknown()),
  name: z.string().max(200),
});
const BindSchema = z.strictObject({ session_id: z.string(), nonce: z.string(), account_id: z.string(), iat: z.int() });
const CodeRequestSchema = z.strictObject({ account_id: z.string(), iat: z.int() });
const BindCodeSchema = z.strictObject({ code: z.string() });
const HeartbeatSchema = z.strictObject({
  status: z.strictObject({
    app_version: z.string().max(100),
    reader: z.string().max(200),
    camera: z.string().max(200),
    outbox_depth: z.int().nonnegative(),
    audit_tree_size: z.int().nonnegative(),
  }),
});
const FaultsSchema = z.strictObject({
  unavailable_retry_after: z.int().positive().nullable().optional(),
  latency_ms: z.int().nonnegative().max(60_000).optional(),
  upgrade_processing_ms: z.int().nonnegative().max(60_000).optional(),
});

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function pathOf(req: FastifyRequest): string {
  return req.url.split('?')[0]!;
}

function rawBody(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function jsonBody<T>(req: FastifyRequest, schema: z.ZodType<T>): T {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new Problem('bad-request', 'Content-Type must be application/json');
  let value: unknown;
  try {
    value = parseStrictJson(rawBody(req).toString('utf8'));
  } catch (error) {
    throw new Problem('bad-request', (error as Error).message);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Problem('bad-request', `member ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function sessionPolicy(config: AuthorityConfig): SessionPolicy {
  const p = config.policy;
  return {
    policy_version: p.policy_version,
    target_fmr: p.target_fmr,
    matchers: p.matchers.map(({ name, version, model_sha256, threshold }) => ({ name, version, model_sha256, threshold })),
    liveness_required: p.liveness_required,
    chip_auth_required: p.chip_auth_required,
  };
}

export async function createAuthority(config: AuthorityConfig, options: AuthorityOptions = {}): Promise<Authority> {
  const clock = options.clock ?? Date.now;
  const now = () => Math.floor(clock() / 1000);
  const key = await loadOrCreateAuthorityKey(config.key_file);
  const db = openDatabase(config.db_path);
  const store = new AuthorityStore(db);
  const faults: Faults = { unavailableRetryAfter: null, latencyMs: 0, upgradeProcessingMs: 0 };
  const knownSamIds = new Set(config.known_sam_ids);
  const documentCheck =
    options.documentCheck ??
    createDocumentCheck(hardwarePorts({ requireCrl: config.pa_require_crl }));

  // Trust anchors are re-read when the folder changes (admin CLI imports while the server runs).
  let trust: TrustAnchors = loadTrustAnchors(config.trust_dir);
  let trustStamp = statSync(config.trust_dir).mtimeMs;
  const currentTrust = (): TrustAnchors => {
    const stamp = statSync(config.trust_dir).mtimeMs;
    if (stamp !== trustStamp) {
      trust = loadTrustAnchors(config.trust_dir);
      trustStamp = stamp;
    }
    return trust;
  };

  const sessionChanges = new EventEmitter();
  sessionChanges.setMaxListeners(0);
  const closing = new AbortController();
  const onSessionChange = (id: string) => sessionChanges.emit(id);

  const upgrades = new UpgradeSubmissions({
    store,
    authorityId: config.authority_id,
    key,
    documentCheck,
    trust: currentTrust,
    knownSamIds,
    now,
    processingDelay: () => (faults.upgradeProcessingMs > 0 ? sleep(faults.upgradeProcessingMs) : Promise.resolve()),
    onSessionChange,
  });

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 512 * 1024, return503OnClosing: true, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const sendProblem = (reply: FastifyReply, problem: Problem) =>
    reply.code(problem.status).headers(problem.headers).type('application/problem+json').send(JSON.stringify(problem.toBody()));

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof Problem) return sendProblem(reply, error);
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendProblem(reply, new Problem('bad-request', (error as Error).message));
    }
    req.log.error({ err: error }, 'unexpected error');
    return reply.code(500).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title: 'internal error', status: 500 }));
  });
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, new Problem('not-found', 'no such resource')));

  app.addHook('onRequest', async (req) => {
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.unavailableRetryAfter !== null && !req.url.startsWith('/_test/')) {
      throw new Problem('unavailable', 'the authority is not serving now', {}, { 'retry-after': String(faults.unavailableRetryAfter) });
    }
  });

  const terminal = (req: FastifyRequest): Promise<TerminalRow> =>
    authenticateTerminal(
      { method: req.method, path: pathOf(req), authorization: req.headers.authorization, rawBody: rawBody(req) },
      store,
      config.authority_id,
      now(),
    );

  /** An app-signed JWS body (bind, upgrade-codes): header, kid → account, signature, claims, iat. */
  async function appRequest<T extends { account_id: string; iat: number }>(
    req: FastifyRequest,
    typ: string,
    schema: z.ZodType<T>,
  ): Promise<{ account: AccountRow; claims: T }> {
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/jose') throw new Problem('bad-request', 'Content-Type must be application/jose');
    const jws = rawBody(req).toString('utf8').trim();
    let decoded;
    try {
      decoded = decodeCompactJws(jws, typ);
    } catch (error) {
      const code = (error as JwsError).code === 'jws-malformed' ? 'bad-request' : 'bad-signature';
      throw new Problem(code, (error as Error).message);
    }
    const account = store.accountByKid(decoded.header.kid);
    if (!account) throw new Problem('bad-signature', 'kid is not an account app key');
    try {
      await verifyCompactJws(jws, JSON.parse(account.public_jwk) as JWK);
    } catch {
      throw new Problem('bad-signature', 'signature does not verify');
    }
    let raw: unknown;
    try {
      raw = parseJwsPayload(decoded.payload);
    } catch (error) {
      throw new Problem('bad-request', (error as Error).message);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Problem('bad-request', `payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    if (parsed.data.account_id !== account.account_id) throw new Problem('bad-signature', 'account_id is not the key owner');
    if (Math.abs(now() - parsed.data.iat) > CLOCK_SKEW_SECONDS) throw new Problem('stale', 'iat is outside the clock skew');
    return { account, claims: parsed.data };
  }

  const terminalName = (id: string) => store.terminal(id)?.name || config.default_terminal_name;

  /** Binds, or explains why the session cannot be bound. */
  function bind(sessionId: string, accountId: string): { session_id: string; state: 'bound'; terminal_name: string } {
    const session = store.session(sessionId)!;
    const state = effectiveState(session, now());
    if (state === 'bound') throw new Problem('already-bound', 'the session is already bound');
    if (state !== 'open') throw new Problem('session-state', `session is ${state}`);
    if (!store.bindSession(sessionId, accountId, now())) throw new Problem('already-bound', 'the session is already bound');
    onSessionChange(sessionId);
    return { session_id: sessionId, state: 'bound', terminal_name: terminalName(session.terminal_id) };
  }

  // Keys and time (no auth)
  app.get('/v1/keys', async () => ({ authority_id: config.authority_id, keys: [key.publicJwk] }));
  app.get('/v1/time', async () => ({ now: now() }));

  // Enrollment (no auth header)
  app.post('/v1/terminals', async (req, reply) => {
    const body = jsonBody(req, EnrollmentSchema);
    let jwk: JWK;
    try {
      jwk = publicP256Jwk(body.public_jwk);
    } catch (error) {
      throw new Problem('bad-request', (error as Error).message);
    }
    const kid = await jwkThumbprint(jwk);
    if (store.terminalByKid(kid)) throw new Problem('bad-request', 'this key is already enrolled');
    const terminalId = `term_${randomUUID()}`;
    const ok = store.enrollTerminal(body.enrollment_token, {
      terminal_id: terminalId,
      kid,
      public_jwk: JSON.stringify(jwk),
      name: body.name,
      enrolled_at: now(),
    });
    if (!ok) throw new Problem('enrollment-token-invalid', 'unknown or used enrollment token');
    return reply.code(201).send({ terminal_id: terminalId, kid, authority_id: config.authority_id, authority_jwks: { keys: [key.publicJwk] } });
  });

  app.post<{ Params: { id: string } }>('/v1/terminals/:id/heartbeat', async (req, reply) => {
    const caller = await terminal(req);
    if (req.params.id !== caller.terminal_id) throw new Problem('not-found', 'heartbeat only for the caller itself');
    const body = jsonBody(req, HeartbeatSchema);
    store.recordHeartbeat(caller.terminal_id, now(), body.status);
    return reply.code(204).send();
  });

  // 1. Sessions
  app.post('/v1/sessions', async (req, reply) => {
    const caller = await terminal(req);
    jsonBody(req, z.strictObject({}));
    const t = now();
    const sessionId = `sess_${randomUUID()}`;
    const nonce = randomBytes(32).toString('base64url');
    const policy = sessionPolicy(config);
    const row = {
      session_id: sessionId,
      terminal_id: caller.terminal_id,
      nonce,
      aa_challenge: randomBytes(8).toString('hex'),
      created_at: t,
      expires_at: t + config.session_ttl_seconds,
      submit_by: t + config.submit_window_seconds,
      policy,
    };
    store.createSession(row);
    const qr = `ikup:1?a=${encodeURIComponent(config.authority_id)}&s=${encodeURIComponent(sessionId)}&n=${encodeURIComponent(nonce)}`;
    return reply.code(201).send({
      session_id: sessionId,
      nonce,
      aa_challenge: row.aa_challenge,
      expires_at: iso(row.expires_at),
      submit_by: iso(row.submit_by),
      qr,
      policy,
    });
  });

  app.get<{ Params: { id: string }; Querystring: { n?: string } }>('/v1/sessions/:id/public', async (req) => {
    const session = store.session(req.params.id);
    const n = typeof req.query.n === 'string' ? req.query.n : '';
    if (!session || !sameSecret(n, session.nonce)) throw new Problem('not-found', 'no such session');
    return { terminal_name: terminalName(session.terminal_id), expires_at: iso(session.expires_at), state: effectiveState(session, now()) };
  });

  // 2. Binding
  app.post<{ Params: { id: string } }>('/v1/sessions/:id/bind', async (req) => {
    const { account, claims } = await appRequest(req, 'upgrade-bind+jwt', BindSchema);
    if (claims.session_id !== req.params.id) throw new Problem('bad-request', 'session_id is not the session in the path');
    const session = store.session(req.params.id);
    if (!session || !sameSecret(claims.nonce, session.nonce)) throw new Problem('not-found', 'no such session');
    return bind(session.session_id, account.account_id);
  });

  app.post('/v1/upgrade-codes', async (req, reply) => {
    const { account } = await appRequest(req, 'upgrade-code+jwt', CodeRequestSchema);
    const t = now();
    const code = store.issueUpgradeCode(account.account_id, t, UPGRADE_CODE_TTL_SECONDS, () => String(randomInt(0, 100_000_000)).padStart(8, '0'));
    return reply.code(201).send({ code, expires_at: iso(t + UPGRADE_CODE_TTL_SECONDS) });
  });

  app.post<{ Params: { id: string } }>('/v1/sessions/:id/bind-code', async (req) => {
    const caller = await terminal(req);
    const { code } = jsonBody(req, BindCodeSchema);
    const session = store.session(req.params.id);
    if (!session || session.terminal_id !== caller.terminal_id) throw new Problem('not-found', 'no such session for this terminal');
    const state = effectiveState(session, now());
    if (state === 'bound') throw new Problem('already-bound', 'the session is already bound');
    if (state !== 'open') throw new Problem('session-state', `session is ${state}`);
    const accountId = /^\d{8}$/.test(code) ? store.useUpgradeCode(code, now()) : undefined;
    if (accountId === undefined) {
      const wrong = store.countWrongCode(session.session_id, MAX_WRONG_CODES);
      if (wrong >= MAX_WRONG_CODES) {
        onSessionChange(session.session_id);
        throw new Problem('too-many-attempts', 'too many wrong codes: the session is closed');
      }
      throw new Problem('bad-code', 'wrong, used or expired code', { tries_left: MAX_WRONG_CODES - wrong });
    }
    return bind(session.session_id, accountId);
  });

  app.get<{ Params: { id: string }; Querystring: { wait?: string; state?: string } }>('/v1/sessions/:id', async (req) => {
    const caller = await terminal(req);
    const waitText = req.query.wait ?? '0';
    if (!/^\d{1,2}$/.test(waitText) || Number(waitText) > MAX_WAIT_SECONDS) throw new Problem('bad-request', 'wait must be 0..30');
    const seen = req.query.state as SessionState | undefined;
    const read = () => {
      const s = store.session(req.params.id);
      if (!s || s.terminal_id !== caller.terminal_id) throw new Problem('not-found', 'no such session for this terminal');
      return s;
    };
    let session = read();
    // The wait is real time; session expiry follows the authority clock (a fake one in tests).
    const deadline = performance.now() + Number(waitText) * 1000;
    while (seen !== undefined && effectiveState(session, now()) === seen && performance.now() < deadline && !closing.signal.aborted) {
      // Wake on a change, at the deadline, or when time alone would expire the session.
      const expiry = (session.state === 'open' ? session.expires_at : session.submit_by) * 1000 + 1000;
      const until = Math.max(1, Math.min(deadline - performance.now(), expiry - clock()));
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sessionChanges.off(session.session_id, done);
          closing.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, until);
        sessionChanges.on(session.session_id, done);
        closing.signal.addEventListener('abort', done);
      });
      session = read();
    }
    const state = effectiveState(session, now());
    const account = session.account_id ? store.account(session.account_id) : undefined;
    return {
      state,
      account: account ? { account_id: account.account_id, display_name_masked: account.display_name_masked } : null,
    };
  });

  // 3. Upgrades
  app.post('/v1/upgrades', async (req, reply) => {
    const caller = await terminal(req);
    const idem = req.headers['idempotency-key'];
    const answer = await upgrades.submit({
      caller,
      contentType: req.headers['content-type'],
      idempotencyKey: Array.isArray(idem) ? idem[0] : idem,
      rawBody: rawBody(req),
    });
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });

  // 4. Other endpoints
  app.get('/v1/csca', async (req) => {
    await terminal(req);
    const t = currentTrust();
    const b64u = (d: Uint8Array) => Buffer.from(d).toString('base64url');
    return { version: t.version, certificates: t.certificates.map(b64u), crls: t.crls.map(b64u) };
  });

  if (config.test_controls) {
    app.post('/_test/faults', async (req) => {
      const body = jsonBody(req, FaultsSchema);
      if (body.unavailable_retry_after !== undefined) faults.unavailableRetryAfter = body.unavailable_retry_after;
      if (body.latency_ms !== undefined) faults.latencyMs = body.latency_ms;
      if (body.upgrade_processing_ms !== undefined) faults.upgradeProcessingMs = body.upgrade_processing_ms;
      return faults;
    });
  }

  await app.ready();
  let closed = false;
  return {
    app,
    config,
    store,
    db,
    key,
    faults,
    async listen() {
      return app.listen({ host: config.host, port: config.port });
    },
    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      await app.close();
      db.close();
    },
  };
}
