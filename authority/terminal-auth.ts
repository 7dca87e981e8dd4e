import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { z } from 'zod';
import { decodeCompactJws, JwsError, parseJwsPayload, verifyCompactJws } from './jws';
import { Problem } from './problem';
import type { AuthorityStore, TerminalRow } from './store';

export const CLOCK_SKEW_SECONDS = 120;
export const REQUEST_TOKEN_MAX_LIFETIME = 60;

const RequestTokenSchema = z.strictObject({
  iss: z.string(),
  aud: z.string(),
  iat: z.int(),
  exp: z.int(),
  jti: z.string().min(1).max(200),
  htm: z.string(),
  htu: z.string(),
  body_sha256: z.string().optional(),
});

export interface TerminalRequest {
  method: string;
  /** Request path without query string. */
  path: string;
  authorization: string | undefined;
  rawBody: Uint8Array | undefined;
}

/**
 * Authenticates `Authorization: Terminal <JWS>` (authority-protocol.md, "Terminal requests").
 * Order: token form and header, kid, signature, revocation, claims, time rules, binding to the
 * request, then replay.
 */
export async function authenticateTerminal(
  req: TerminalRequest,
  store: AuthorityStore,
  authorityId: string,
  now: number,
): Promise<TerminalRow> {
  const match = /^Terminal ([A-Za-z0-9_.-]+)$/.exec(req.authorization ?? '');
  if (!match) throw new Problem('bad-signature', 'Authorization: Terminal <JWS> missing');
  const token = match[1]!;
  let kid: string;
  let payloadBytes: Uint8Array;
  try {
    const decoded = decodeCompactJws(token, 'kiosk-request+jwt');
    kid = decoded.header.kid;
    payloadBytes = decoded.payload;
  } catch (error) {
    throw new Problem('bad-signature', `request token: ${(error as Error).message}`);
  }
  const terminal = store.terminalByKid(kid);
  if (!terminal) throw new Problem('bad-signature', 'request token kid is not an enrolled terminal');
  try {
    await verifyCompactJws(token, JSON.parse(terminal.public_jwk) as JWK);
  } catch (error) {
    throw new Problem('bad-signature', `request token: ${(error as JwsError).message}`);
  }
  if (terminal.revoked_at !== null) throw new Problem('terminal-revoked', 'this terminal was revoked');
  let claims: z.infer<typeof RequestTokenSchema>;
  try {
    claims = RequestTokenSchema.parse(parseJwsPayload(payloadBytes));
  } catch {
    throw new Problem('bad-signature', 'request token claims are malformed');
  }
  if (claims.iss !== terminal.terminal_id) throw new Problem('bad-signature', 'request token iss is not the kid owner');
  if (claims.aud !== authorityId) throw new Problem('bad-signature', 'request token aud is not this authority');
  if (Math.abs(now - claims.iat) > CLOCK_SKEW_SECONDS) throw new Problem('stale', 'request token iat is outside the clock skew');
  if (claims.exp - claims.iat > REQUEST_TOKEN_MAX_LIFETIME || claims.exp < claims.iat) {
    throw new Problem('stale', 'request token lifetime exceeds 60 s');
  }
  if (now > claims.exp + CLOCK_SKEW_SECONDS) throw new Problem('stale', 'request token expired');
  if (claims.htm !== req.method) throw new Problem('bad-signature', 'request token htm is not this method');
  if (claims.htu !== req.path) throw new Problem('bad-signature', 'request token htu is not this path');
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (claims.body_sha256 !== undefined) throw new Problem('bad-signature', 'body_sha256 must be absent on GET');
  } else {
    const digest = createHash('sha256').update(req.rawBody ?? new Uint8Array()).digest('base64url');
    if (claims.body_sha256 !== digest) throw new Problem('bad-signature', 'body_sha256 does not match the body');
  }
  // Kept until no clock could still accept the token.
  const forgetAfter = Math.max(claims.exp, claims.iat) + 2 * CLOCK_SKEW_SECONDS;
  if (!store.rememberRequestJti(terminal.terminal_id, claims.jti, forgetAfter, now)) {
    throw new Problem('replayed-request', 'request token jti was seen before');
  }
  return terminal;
}
