/**
 * Test-only kiosk: enough of a terminal to drive the reference authority in tests and benchmarks.
 * The product's kiosk client lives in electron/host/; this one also forges bad tokens on purpose.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface TokenOverrides {
  iss?: string;
  aud?: string;
  iat?: number;
  exp?: number;
  jti?: string;
  htm?: string;
  htu?: string;
  body_sha256?: string | null;
  /** Raw header JSON text (for duplicate-member and alg tests). */
  headerText?: string;
  /** Sign with another key (kid stays ours). */
  signWith?: KeyObject;
}

export interface SessionAnswer {
  session_id: string;
  nonce: string;
  aa_challenge: string;
  expires_at: string;
  submit_by: string;
  qr: string;
  policy: {
    policy_version: string;
    target_fmr: number;
    matchers: { name: string; version: string; model_sha256: string; threshold: number }[];
    liveness_required: boolean;
    chip_auth_required: boolean;
  };
}

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

/** Signs any header text + payload with ES256, so tests can put anything in the header. */
export function signRaw(headerText: string, payload: string | Uint8Array, key: KeyObject): string {
  const input = `${b64u(headerText)}.${b64u(payload)}`;
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(sig)}`;
}

export class TestTerminal {
  private constructor(
    readonly baseUrl: string,
    readonly authorityId: string,
    readonly terminalId: string,
    readonly kid: string,
    readonly privateKey: KeyObject,
    readonly clock: () => number,
  ) {}

  static async newKey(): Promise<{ privateKey: KeyObject; publicJwk: JWK; kid: string }> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
    const publicJwk: JWK = { kty: kty!, crv: crv!, x: x!, y: y! };
    return { privateKey, publicJwk, kid: await calculateJwkThumbprint(publicJwk, 'sha256') };
  }

  static async enroll(baseUrl: string, enrollmentToken: string, name = 'Test kiosk', clock: () => number = Date.now): Promise<TestTerminal> {
    const { privateKey, publicJwk } = await TestTerminal.newKey();
    const res = await fetch(new URL('/v1/terminals', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrollment_token: enrollmentToken, public_jwk: publicJwk, name }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { terminal_id: string; kid: string; authority_id: string };
    if (res.status !== 201) throw new Error(`enrollment failed: ${res.status} ${JSON.stringify(body)}`);
    return new TestTerminal(baseUrl, body.authority_id, body.terminal_id, body.kid, privateKey, clock);
  }

  /** Another handle on the same terminal key (e.g. to present its kid from elsewhere). */
  withKey(privateKey: KeyObject): TestTerminal {
    return new TestTerminal(this.baseUrl, this.authorityId, this.terminalId, this.kid, privateKey, this.clock);
  }

  now(): number {
    return Math.floor(this.clock() / 1000);
  }

  async requestToken(method: string, path: string, body: Uint8Array | undefined, o: TokenOverrides = {}): Promise<string> {
    const iat = o.iat ?? this.now();
    const payload: Record<string, unknown> = {
      iss: o.iss ?? this.terminalId,
      aud: o.aud ?? this.authorityId,
      iat,
      exp: o.exp ?? iat + 30,
      jti: o.jti ?? randomUUID(),
      htm: o.htm ?? method,
      htu: o.htu ?? path.split('?')[0],
    };
    const digest = body === undefined ? undefined : createHash('sha256').update(body).digest('base64url');
    if (o.body_sha256 !== null && (o.body_sha256 ?? digest) !== undefined) payload.body_sha256 = o.body_sha256 ?? digest;
    const header = o.headerText ?? JSON.stringify({ alg: 'ES256', typ: 'kiosk-request+jwt', kid: this.kid });
    return signRaw(header, JSON.stringify(payload), o.signWith ?? this.privateKey);
  }

  async call(
    method: string,
    path: string,
    options: { body?: string | object; contentType?: string; headers?: Record<string, string>; token?: TokenOverrides; authorization?: string | null } = {},
  ): Promise<HttpAnswer> {
    let bodyBytes: Uint8Array | undefined;
    let contentType = options.contentType;
    if (options.body !== undefined) {
      const text = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      bodyBytes = new TextEncoder().encode(text);
      contentType ??= typeof options.body === 'string' ? 'application/jose' : 'application/json';
    }
    const headers: Record<string, string> = { ...(contentType ? { 'content-type': contentType } : {}), ...options.headers };
    if (options.authorization !== null) {
      headers.authorization = options.authorization ?? `Terminal ${await this.requestToken(method, path, bodyBytes, options.token)}`;
    }
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      ...(bodyBytes ? { body: bodyBytes } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  async openSession(): Promise<SessionAnswer> {
    const res = await this.call('POST', '/v1/sessions', { body: {} });
    if (res.status !== 201) throw new Error(`open session: ${res.status} ${res.text}`);
    return res.json as SessionAnswer;
  }

  /** Signs an attestation payload as this terminal (header overridable for negative tests). */
  async signAttestation(payload: object, headerText?: string): Promise<string> {
    return signRaw(headerText ?? JSON.stringify({ alg: 'ES256', typ: 'kiosk-upgrade+jwt', kid: this.kid }), JSON.stringify(payload), this.privateKey);
  }

  async submit(attestation: string, options: { idempotencyKey?: string | null; contentType?: string; token?: TokenOverrides } = {}): Promise<HttpAnswer> {
    const jti = (JSON.parse(Buffer.from(attestation.split('.')[1] ?? '', 'base64url').toString() || '{}') as { jti?: string }).jti;
    const key = options.idempotencyKey === undefined ? `"${jti}"` : options.idempotencyKey;
    return this.call('POST', '/v1/upgrades', {
      body: attestation,
      contentType: options.contentType ?? 'application/jose',
      headers: key === null ? {} : { 'idempotency-key': key },
      ...(options.token ? { token: options.token } : {}),
    });
  }
}

export function privateKeyFromJwk(jwk: JWK): KeyObject {
  return createPrivateKey({ key: jwk as never, format: 'jwk' });
}
