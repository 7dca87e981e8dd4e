import { calculateJwkThumbprint, compactVerify, importJWK, type JWK } from 'jose';
import { parseStrictJson } from './strict-json';

/** A signature from the authority (or any party) that fails the protocol's verification rules. */
export class SignatureRejectedError extends Error {
  override readonly name = 'SignatureRejectedError';
  readonly code = 'signature-rejected';
}

export interface VerifiedJws<T> {
  header: Record<string, unknown>;
  payload: T;
  kid: string;
}

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new SignatureRejectedError(`${what} is not base64url`);
  let value: unknown;
  try {
    value = parseStrictJson(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch (error) {
    throw new SignatureRejectedError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SignatureRejectedError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Verifies a compact JWS by the protocol's rules (authority-protocol.md, Conventions): `alg`
 * exactly ES256, no `crit`, the expected `typ`, no duplicate member names in header or payload,
 * and a `kid` that is the RFC 7638 thumbprint of one of `keys`.
 */
export async function verifyProtocolJws<T = Record<string, unknown>>(
  compact: string,
  keys: readonly JWK[],
  expectedTyp: string,
): Promise<VerifiedJws<T>> {
  const parts = compact.trim().split('.');
  if (parts.length !== 3) throw new SignatureRejectedError('not a compact JWS');
  const [h = '', p = '', s = ''] = parts;
  const header = decodeSegment(h, 'JWS header');
  if (header.alg !== 'ES256') throw new SignatureRejectedError(`alg ${JSON.stringify(header.alg)} refused; only ES256`);
  if ('crit' in header) throw new SignatureRejectedError('crit header refused');
  if (header.typ !== expectedTyp) throw new SignatureRejectedError(`typ ${JSON.stringify(header.typ)}, expected ${expectedTyp}`);
  if (typeof header.kid !== 'string') throw new SignatureRejectedError('kid missing');
  if (Buffer.from(s, 'base64url').length !== 64) throw new SignatureRejectedError('ES256 signature is not 64 bytes');
  const payload = decodeSegment(p, 'JWS payload');
  let match: JWK | undefined;
  for (const jwk of keys) {
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') continue;
    if ((await calculateJwkThumbprint(jwk, 'sha256')) === header.kid) match = jwk;
  }
  if (!match) throw new SignatureRejectedError(`kid ${header.kid} is not a key of the signer`);
  try {
    const key = await importJWK({ kty: 'EC', crv: 'P-256', x: match.x, y: match.y }, 'ES256');
    await compactVerify(compact.trim(), key, { algorithms: ['ES256'] });
  } catch (error) {
    throw new SignatureRejectedError(`signature does not verify: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { header, payload: payload as T, kid: header.kid };
}
