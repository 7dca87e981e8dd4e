import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, CompactSign, compactVerify, type JWK } from 'jose';
import { parseStrictJson, StrictJsonError } from './strict-json';

/** Why a JWS was refused; callers map these to problem codes for their endpoint. */
export type JwsErrorCode = 'jws-malformed' | 'jws-header' | 'jws-signature';

export class JwsError extends Error {
  constructor(
    readonly code: JwsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JwsError';
  }
}

export interface JwsHeader {
  alg: 'ES256';
  typ: string;
  kid: string;
  [member: string]: unknown;
}

export interface DecodedJws {
  header: JwsHeader;
  /** The payload bytes, not yet parsed: callers parse them strictly after the signature checks. */
  payload: Uint8Array;
}

const B64U = /^[A-Za-z0-9_-]*$/;

/** Splits a compact JWS and checks its header by the protocol's rules, without any key. */
export function decodeCompactJws(jws: string, expectedTyp: string): DecodedJws {
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64U.test(p)) || parts[0] === '' || parts[2] === '') {
    throw new JwsError('jws-malformed', 'not a compact JWS');
  }
  let header: unknown;
  try {
    header = parseStrictJson(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch (error) {
    if (error instanceof StrictJsonError && error.code === 'json-duplicate-member') {
      throw new JwsError('jws-header', `JWS header: ${error.message}`);
    }
    throw new JwsError('jws-malformed', 'JWS header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new JwsError('jws-malformed', 'JWS header is not a JSON object');
  }
  const h = header as Record<string, unknown>;
  // authority-protocol.md, Conventions: alg exactly ES256, never crit.
  if (h.alg !== 'ES256') throw new JwsError('jws-header', `alg ${JSON.stringify(h.alg)} refused`);
  if ('crit' in h) throw new JwsError('jws-header', 'crit header refused');
  if (h.typ !== expectedTyp) throw new JwsError('jws-header', `typ must be ${expectedTyp}`);
  if (typeof h.kid !== 'string' || h.kid === '') throw new JwsError('jws-header', 'kid missing');
  return { header: h as JwsHeader, payload: Buffer.from(parts[1]!, 'base64url') };
}

// Public keys are imported once: terminals and accounts sign many requests with the same key.
const importedKeys = new Map<string, KeyObject>();
function publicKeyObject(jwk: JWK): KeyObject {
  const id = `${jwk.x}.${jwk.y}`;
  let key = importedKeys.get(id);
  if (!key) {
    key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as never, format: 'jwk' });
    if (importedKeys.size > 10_000) importedKeys.clear();
    importedKeys.set(id, key);
  }
  return key;
}

/** Verifies the ES256 signature of a JWS already checked by decodeCompactJws. */
export async function verifyCompactJws(jws: string, publicJwk: JWK): Promise<void> {
  try {
    await compactVerify(jws, publicKeyObject(publicJwk), { algorithms: ['ES256'] });
  } catch {
    throw new JwsError('jws-signature', 'signature does not verify');
  }
}

/** Decodes the payload as strict JSON (refusing duplicate member names). */
export function parseJwsPayload(payload: Uint8Array): unknown {
  return parseStrictJson(Buffer.from(payload).toString('utf8'));
}

/** RFC 7638 thumbprint of an EC P-256 public JWK. */
export async function jwkThumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

/** Keeps only the public members of an EC P-256 JWK; refuses anything else. */
export function publicP256Jwk(candidate: unknown): JWK {
  if (typeof candidate !== 'object' || candidate === null) throw new JwsError('jws-header', 'JWK is not an object');
  const c = candidate as Record<string, unknown>;
  if (c.kty !== 'EC' || c.crv !== 'P-256' || typeof c.x !== 'string' || typeof c.y !== 'string' || 'd' in c) {
    throw new JwsError('jws-header', 'JWK must be a public EC P-256 key');
  }
  const jwk: JWK = { kty: 'EC', crv: 'P-256', x: c.x, y: c.y };
  try {
    createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch {
    throw new JwsError('jws-header', 'JWK is not a point on P-256');
  }
  return jwk;
}

export async function signCompactJws(
  payload: unknown,
  typ: string,
  kid: string,
  key: KeyObject,
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', typ, kid })
    .sign(key);
}
