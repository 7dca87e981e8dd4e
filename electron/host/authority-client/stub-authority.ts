/**
 * A small in-process authority for the kiosk's own tests and benchmarks (NOT the reference
 * authority in authority/): a real fastify server on 127.0.0.1 that checks request tokens and
 * attestations like the protocol says, stores receipts by jti, and can be told to misbehave.
 * Test support only; product code never imports it.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { importJWK, compactVerify, type JWK } from 'jose';
import { b64u, signCompactJws } from '../identity/compact-jws';
import { FileTerminalKey } from '../identity/terminal-key';
import { PROBLEM_PREFIX } from './errors';
import { parseStrictJson } from './strict-json';

export type UpgradeFault =
  | 'none'
  | 'drop'
  | 'drop-response'
  | '503'
  | '500'
  | '408'
  | '429'
  | '409-in-progress'
  | '422-policy'
  | '422-document'
  | '400-bad-request'
  | 'bad-receipt-signature'
  | 'receipt-alg-none'
  | 'receipt-hs256'
  | 'receipt-other-jti';

export interface StubSession {
  session_id: string;
  nonce: string;
  terminal_id: string;
  state: 'open' | 'bound' | 'completed' | 'expired';
  submit_by: number;
  account_id: string | null;
  completed_jti: string | null;
  codes_tried: number;
}

export interface StubAuthorityOptions {
  authorityId?: string;
  /** ms spent "processing" an upgrade before the receipt is stored (makes 409 in-progress observable). */
  processingMs?: number;
  submitBySeconds?: number;
  /** Skip request-token checks (benchmarks measuring the kiosk side only). Default false. */
  lenientTokens?: boolean;
}

const problem = (reply: FastifyReply, status: number, code: string, extra: Record<string, unknown> = {}) =>
  reply
    .code(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `${PROBLEM_PREFIX}${code}`, title: code, status, ...extra }));

export async function startStubAuthority(options: StubAuthorityOptions = {}) {
  const authorityId = options.authorityId ?? 'stub-authority';
  let signer = await FileTerminalKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const enrollmentTokens = new Set<string>();
  const terminals = new Map<string, { jwk: JWK; kid: string; name: string; revoked: boolean }>();
  const sessions = new Map<string, StubSession>();
  const seenRequestJtis = new Set<string>();
  /** jti → the final answer given (status, content type, body) and the body it answered. */
  const finals = new Map<string, { status: number; type: string; body: string; bodySha: string }>();
  const processing = new Set<string>();
  const processingSessions = new Set<string>();
  const counters = { upgradeRequests: 0, accepted: new Map<string, number>(), heartbeats: 0 };
  let csca = { version: '1', certificates: [b64u('cert')], crls: [] as string[] };
  let faults: (request: { jti: string; attempt: number }) => UpgradeFault = () => 'none';
  const attemptsByJti = new Map<string, number>();

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  type Caller = { terminalId: string } | { error: [number, string] };
  async function authenticate(request: FastifyRequest): Promise<Caller> {
    const header = request.headers.authorization ?? '';
    const match = /^Terminal ([A-Za-z0-9_.-]+)$/.exec(header);
    if (!match?.[1]) return { error: [401, 'bad-signature'] };
    const token = match[1];
    try {
      const h = parseStrictJson(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
      const terminal = [...terminals.entries()].find(([, t]) => t.kid === h.kid);
      if (!terminal || h.alg !== 'ES256' || h.typ !== 'kiosk-request+jwt' || 'crit' in h) return { error: [401, 'bad-signature'] };
      const [terminalId, t] = terminal;
      if (t.revoked) return { error: [403, 'terminal-revoked'] };
      const { payload } = await compactVerify(token, await importJWK(t.jwk, 'ES256'), { algorithms: ['ES256'] });
      const p = parseStrictJson(new TextDecoder().decode(payload)) as Record<string, unknown>;
      const now = Date.now() / 1000;
      const body = typeof request.body === 'string' ? request.body : undefined;
      const bodySha = body === undefined || body.length === 0 ? undefined : createHash('sha256').update(body).digest('base64url');
      if (p.iss !== terminalId || p.aud !== authorityId) return { error: [401, 'bad-signature'] };
      if (p.htm !== request.method || p.htu !== request.url.split('?')[0] || p.body_sha256 !== bodySha) return { error: [401, 'bad-signature'] };
      const iat = Number(p.iat);
      const exp = Number(p.exp);
      if (Math.abs(now - iat) > 120 || exp - iat > 60 || now > exp + 120) return { error: [401, 'stale'] };
      if (typeof p.jti !== 'string' || seenRequestJtis.has(p.jti)) return { error: [401, 'replayed-request'] };
      seenRequestJtis.add(p.jti);
      return { terminalId };
    } catch {
      return { error: [401, 'bad-signature'] };
    }
  }

  const authorityJwks = () => ({ keys: [signer.publicJwk] });

  app.get('/v1/keys', async () => ({ authority_id: authorityId, keys: [signer.publicJwk] }));
  app.get('/v1/time', async () => ({ now: Math.floor(Date.now() / 1000) }));

  app.post('/v1/terminals', async (request, reply) => {
    const body = JSON.parse(String(request.body)) as { enrollment_token?: string; public_jwk?: JWK; name?: string };
    if (!body.enrollment_token || !enrollmentTokens.delete(body.enrollment_token) || !body.public_jwk) {
      return problem(reply, 403, 'enrollment-token-invalid');
    }
    const terminalId = `t-${randomUUID()}`;
    const { calculateJwkThumbprint } = await import('jose');
    const kid = await calculateJwkThumbprint(body.public_jwk, 'sha256');
    terminals.set(terminalId, { jwk: body.public_jwk, kid, name: body.name ?? '', revoked: false });
    return reply.code(201).send({ terminal_id: terminalId, kid, authority_id: authorityId, authority_jwks: authorityJwks() });
  });

  app.post('/v1/sessions', async (request, reply) => {
    const caller = await authenticate(request);
    if ('error' in caller) return problem(reply, ...caller.error);
    const session: StubSession = {
      session_id: randomUUID(),
      nonce: randomBytes(32).toString('base64url'),
      terminal_id: caller.terminalId,
      state: 'open',
      submit_by: Math.floor(Date.now() / 1000) + (options.submitBySeconds ?? 86_400),
      account_id: null,
      completed_jti: null,
      codes_tried: 0,
    };
    sessions.set(session.session_id, session);
    return reply.code(201).send({
      session_id: session.session_id,
      nonce: session.nonce,
      aa_challenge: randomBytes(8).toString('hex'),
      expires_at: new Date(Date.now() + 600_000).toISOString(),
      submit_by: new Date(session.submit_by * 1000).toISOString(),
      qr: `ikup:1?a=${encodeURIComponent(authorityId)}&s=${session.session_id}&n=${session.nonce}`,
      policy: {
        policy_version: 'p1',
        target_fmr: 0.0001,
        matchers: [{ name: 'test-matcher', version: '1', model_sha256: b64u(createHash('sha256').update('model').digest()), threshold: 0.5 }],
        liveness_required: true,
        chip_auth_required: true,
      },
    });
  });

  app.get<{ Params: { id: string } }>('/v1/sessions/:id', async (request, reply) => {
    const caller = await authenticate(request);
    if ('error' in caller) return problem(reply, ...caller.error);
    const session = sessions.get(request.params.id);
    if (!session || session.terminal_id !== caller.terminalId) return problem(reply, 404, 'not-found');
    return {
      state: session.state,
      account: session.account_id ? { account_id: session.account_id, display_name_masked: 'Z** S**' } : null,
    };
  });

  app.post<{ Params: { id: string } }>('/v1/sessions/:id/bind-code', async (request, reply) => {
    const caller = await authenticate(request);
    if ('error' in caller) return problem(reply, ...caller.error);
    const session = sessions.get(request.params.id);
    if (!session || session.terminal_id !== caller.terminalId) return problem(reply, 404, 'not-found');
    if (session.state !== 'open') return problem(reply, 409, 'session-state');
    const { code } = JSON.parse(String(request.body)) as { code: string };
    if (code !== '12345678') {
      session.codes_tried += 1;
      if (session.codes_tried >= 5) {
        session.state = 'expired';
        return problem(reply, 429, 'too-many-attempts');
      }
      return problem(reply, 422, 'bad-code', { tries_left: 5 - session.codes_tried });
    }
    session.state = 'bound';
    session.account_id = 'acct-1';
    return { session_id: session.session_id, state: 'bound', terminal_name: 'kiosk' };
  });

  app.get('/v1/csca', async (request, reply) => {
    const caller = await authenticate(request);
    if ('error' in caller) return problem(reply, ...caller.error);
    return csca;
  });

  app.post<{ Params: { id: string } }>('/v1/terminals/:id/heartbeat', async (request, reply) => {
    const caller = await authenticate(request);
    if ('error' in caller) return problem(reply, ...caller.error);
    if (caller.terminalId !== request.params.id) return problem(reply, 404, 'not-found');
    counters.heartbeats += 1;
    return reply.code(204).send();
  });

  app.post('/v1/upgrades', async (request, reply) => {
    counters.upgradeRequests += 1;
    const body = typeof request.body === 'string' ? request.body : '';
    const jtiHeader = String(request.headers['idempotency-key'] ?? '').replace(/^"(.*)"$/, '$1');
    const attempt = (attemptsByJti.get(jtiHeader) ?? 0) + 1;
    attemptsByJti.set(jtiHeader, attempt);
    const fault = faults({ jti: jtiHeader, attempt });
    if (fault === 'drop') {
      request.raw.socket.destroy();
      return reply;
    }
    if (fault === '503') return problem(reply.header('retry-after', '0'), 503, 'unavailable');
    if (fault === '500') return reply.code(500).send('boom');
    if (fault === '408') return reply.code(408).send('');
    if (fault === '429') return problem(reply, 429, 'rate-limited');
    if (fault === '409-in-progress') return problem(reply, 409, 'in-progress');
    if (!options.lenientTokens) {
      const caller = await authenticate(request);
      if ('error' in caller) return problem(reply, ...caller.error);
    }
    if (!String(request.headers['content-type'] ?? '').startsWith('application/jose')) return problem(reply, 400, 'bad-request');
    const parts = body.split('.');
    if (parts.length !== 3) return problem(reply, 400, 'bad-request');
    let payload: Record<string, unknown>;
    try {
      const header = parseStrictJson(Buffer.from(parts[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
      const terminal = [...terminals.values()].find((t) => t.kid === header.kid);
      if (!terminal || header.typ !== 'kiosk-upgrade+jwt') return problem(reply, 401, 'bad-signature');
      const verified = await compactVerify(body, await importJWK(terminal.jwk, 'ES256'), { algorithms: ['ES256'] });
      payload = parseStrictJson(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
    } catch {
      return problem(reply, 401, 'bad-signature');
    }
    const jti = String(payload.jti);
    if (jtiHeader !== jti) return problem(reply, 400, 'bad-request');
    const bodySha = createHash('sha256').update(body).digest('base64url');
    const stored = finals.get(jti);
    if (stored) {
      if (stored.bodySha !== bodySha) return problem(reply, 422, 'idempotency-mismatch');
      return reply.code(stored.status === 201 ? 200 : stored.status).type(stored.type).send(stored.body);
    }
    if (processing.has(jti)) return problem(reply, 409, 'in-progress');
    const session = sessions.get(String(payload.session_id));
    const sessionKey = String(payload.session_id);
    if (processingSessions.has(sessionKey)) return problem(reply, 409, 'in-progress');
    processing.add(jti);
    processingSessions.add(sessionKey);
    try {
      if (options.processingMs) await new Promise((resolve) => setTimeout(resolve, options.processingMs));
      if (!session) return problem(reply, 404, 'not-found');
      if (session.state === 'completed' || session.state !== 'bound' || session.nonce !== payload.nonce) {
        return problem(reply, 409, 'session-state');
      }
      const storeFinal = (status: number, type: string, text: string) => finals.set(jti, { status, type, body: text, bodySha });
      if (fault === '422-policy' || fault === '422-document' || fault === '400-bad-request') {
        const [status, code] = fault === '400-bad-request' ? [400, 'bad-request'] : [422, fault === '422-policy' ? 'policy' : 'document-invalid'];
        const text = JSON.stringify({ type: `${PROBLEM_PREFIX}${code}`, title: code, status, detail: `stub says ${code}` });
        if (status === 422) storeFinal(422, 'application/problem+json', text);
        return reply.code(status).type('application/problem+json').send(text);
      }
      const receiptPayload = {
        receipt_id: randomUUID(),
        jti: fault === 'receipt-other-jti' ? randomUUID() : jti,
        session_id: session.session_id,
        account_id: session.account_id ?? 'acct',
        result: 'upgraded',
        iat: Math.floor(Date.now() / 1000),
      };
      let receipt = await signCompactJws(signer, 'upgrade-receipt+jwt', receiptPayload);
      if (fault === 'bad-receipt-signature') {
        const [h, p, s] = receipt.split('.');
        const sig = Buffer.from(s ?? '', 'base64url');
        sig[10] = (sig[10] ?? 0) ^ 0xff;
        receipt = `${h}.${p}.${sig.toString('base64url')}`;
      } else if (fault === 'receipt-alg-none') {
        receipt = `${b64u(JSON.stringify({ alg: 'none', typ: 'upgrade-receipt+jwt', kid: signer.kid }))}.${b64u(JSON.stringify(receiptPayload))}.`;
      } else if (fault === 'receipt-hs256') {
        const input = `${b64u(JSON.stringify({ alg: 'HS256', typ: 'upgrade-receipt+jwt', kid: signer.kid }))}.${b64u(JSON.stringify(receiptPayload))}`;
        const { createHmac } = await import('node:crypto');
        receipt = `${input}.${createHmac('sha256', 'secret').update(input).digest('base64url')}`;
      } else {
        // Only a genuine receipt completes the session and counts as an arrival.
        session.state = 'completed';
        session.completed_jti = jti;
        counters.accepted.set(jti, (counters.accepted.get(jti) ?? 0) + 1);
        storeFinal(201, 'application/jose', receipt);
        if (fault === 'drop-response') {
          // Processed and stored, but the answer never reaches the kiosk.
          request.raw.socket.destroy();
          return reply;
        }
      }
      return reply.code(201).type('application/jose').send(receipt);
    } finally {
      processing.delete(jti);
      processingSessions.delete(sessionKey);
    }
  });

  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    authorityId,
    get signer() {
      return signer;
    },
    /** Key rotation: receipts are signed with a new key, which GET /v1/keys then lists. */
    async rotateSigner(): Promise<void> {
      signer = await FileTerminalKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    },
    sessions,
    counters,
    terminals,
    finals,
    issueEnrollmentToken(): string {
      // Like the reference authority's: a fixed prefix, so it never reads as a CLI option.
      const token = `et_${randomBytes(16).toString('base64url')}`;
      enrollmentTokens.add(token);
      return token;
    },
    /** Registers a terminal directly (no enrollment round trip). */
    async registerTerminal(jwk: JWK, name = 'kiosk'): Promise<{ terminalId: string }> {
      const { calculateJwkThumbprint } = await import('jose');
      const terminalId = `t-${randomUUID()}`;
      terminals.set(terminalId, { jwk, kid: await calculateJwkThumbprint(jwk, 'sha256'), name, revoked: false });
      return { terminalId };
    },
    /** Creates a bound session for `terminalId` as the citizen app would. */
    createBoundSession(terminalId: string, submitBySeconds = options.submitBySeconds ?? 86_400): StubSession {
      const session: StubSession = {
        session_id: randomUUID(),
        nonce: randomBytes(32).toString('base64url'),
        terminal_id: terminalId,
        state: 'bound',
        submit_by: Math.floor(Date.now() / 1000) + submitBySeconds,
        account_id: `acct-${randomUUID()}`,
        completed_jti: null,
        codes_tried: 0,
      };
      sessions.set(session.session_id, session);
      return session;
    },
    bind(sessionId: string, accountId = 'acct-1'): void {
      const s = sessions.get(sessionId);
      if (s) {
        s.state = 'bound';
        s.account_id = accountId;
      }
    },
    setFaults(fn: (request: { jti: string; attempt: number }) => UpgradeFault): void {
      faults = fn;
    },
    setCsca(list: typeof csca): void {
      csca = list;
    },
    authorityJwks,
    close: () => app.close(),
  };
}

export type StubAuthority = Awaited<ReturnType<typeof startStubAuthority>>;
