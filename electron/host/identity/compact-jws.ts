import type { TerminalKey } from './terminal-key';

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
  const header = b64u(JSON.stringify({ alg: 'ES256', typ, kid: key.kid }));
  const body = b64u(payload instanceof Uint8Array ? payload : JSON.stringify(payload));
  const signingInput = `${header}.${body}`;
  const signature = await key.sign(encoder.encode(signingInput));
  if (signature.length !== 64) throw new Error(`ES256 signature must be 64 bytes, the key returned ${signature.length}`);
  return `${signingInput}.${b64u(signature)}`;
}
