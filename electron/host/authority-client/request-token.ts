import { createHash, randomUUID } from 'node:crypto';
import { signCompactJws } from '../identity/compact-jws';
import type { TerminalKey } from '../identity/terminal-key';

export interface RequestTokenInput {
  terminalId: string;
  authorityId: string;
  method: string;
  /** Path without query string (`htu`). */
  path: string;
  body?: Uint8Array;
  /** Seconds since the epoch, on the authority's clock (local clock corrected for measured skew). */
  now: number;
}

/** Lifetime of one request token; the protocol allows at most 60 s (`exp − iat ≤ 60`). */
export const REQUEST_TOKEN_LIFETIME_S = 60;

/** `Authorization: Terminal <JWS>` — authority-protocol.md "Terminal requests"; a fresh jti every call. */
export async function createRequestToken(key: TerminalKey, input: RequestTokenInput): Promise<string> {
  const iat = Math.floor(input.now);
  const payload: Record<string, unknown> = {
    iss: input.terminalId,
    aud: input.authorityId,
    iat,
    exp: iat + REQUEST_TOKEN_LIFETIME_S,
    jti: randomUUID(),
    htm: input.method.toUpperCase(),
    htu: input.path.split('?')[0],
  };
  if (input.body !== undefined) payload.body_sha256 = createHash('sha256').update(input.body).digest('base64url');
  return signCompactJws(key, 'kiosk-request+jwt', payload);
}
