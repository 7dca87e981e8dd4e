import { CompactSign } from 'jose';
import type { KeyObject } from 'node:crypto';
import type { TerminalKey } from './terminal-key';

/** A TerminalKey whose private key is in this process (the PKCS#8 file key): jose signs with it. */
export interface JoseSigningKey {
  readonly joseKey: KeyObject;
}

const hasJoseKey = (key: TerminalKey): key is TerminalKey & JoseSigningKey => 'joseKey' in key;

const encoder = new TextEncoder();

export function b64u(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === 'string' ? encoder.encode(bytes) : bytes).toString('base64url');
}

/**
 * RFC 7515 §7.1 compact serialization signed by a TerminalKey (which may live on a token, so the
 * signing input is built here and only the raw ES256 signature comes from the key).
 */
export async function signCompactJws(
  key: TerminalKey,
  typ: string,
  payload: Record<string, unknown> | Uint8Array,
): Promise<string> {
  const payloadBytes = payload instanceof Uint8Array ? payload : encoder.encode(JSON.stringify(payload));
  if (hasJoseKey(key)) {
    return new CompactSign(payloadBytes).setProtectedHeader({ alg: 'ES256', typ, kid: key.kid }).sign(key.joseKey);
  }
  // A token-held key: build the signing input here, only the raw r‖s comes from the token.
  const header = b64u(JSON.stringify({ alg: 'ES256', typ, kid: key.kid }));
  const body = b64u(payloadBytes);
  const signingInput = `${header}.${body}`;
  const signature = await key.sign(encoder.encode(signingInput));
  if (signature.length !== 64) throw new Error(`ES256 signature must be 64 bytes, the key returned ${signature.length}`);
  return `${signingInput}.${b64u(signature)}`;
}
