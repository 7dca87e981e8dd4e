import type { JWK } from 'jose';
import { AuthorityClient } from '../authority-client/client';
import { AuthorityResponseError, AuthorityUnreachableError, NotEnrolledError } from '../authority-client/errors';
import { EnrollmentResponse } from '../authority-client/protocol';
import { parseStrictJson } from '../authority-client/strict-json';
import type { KioskStore } from '../store/database';
import { guardStore } from '../store/errors';
import type { TerminalKey } from './terminal-key';

export interface TerminalIdentity {
  terminalId: string;
  authorityId: string;
  authorityUrl: string;
  kid: string;
  authorityJwks: { keys: JWK[] };
  name: string;
  enrolledAt: string;
}

export function readIdentity(store: KioskStore): TerminalIdentity | undefined {
  const row = guardStore(() => store.db.prepare('SELECT * FROM terminal_identity WHERE id = 1').get()) as
    | { terminal_id: string; authority_id: string; authority_url: string; kid: string; authority_jwks: string; name: string; enrolled_at: string }
    | undefined;
  if (!row) return undefined;
  return {
    terminalId: row.terminal_id,
    authorityId: row.authority_id,
    authorityUrl: row.authority_url,
    kid: row.kid,
    authorityJwks: JSON.parse(row.authority_jwks) as { keys: JWK[] },
    name: row.name,
    enrolledAt: row.enrolled_at,
  };
}

export function requireIdentity(store: KioskStore): TerminalIdentity {
  const identity = readIdentity(store);
  if (!identity) throw new NotEnrolledError();
  return identity;
}

export interface EnrollOptions {
  authorityUrl: string;
  enrollmentToken: string;
  name: string;
  key: TerminalKey;
  store: KioskStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** `POST /v1/terminals` (no auth header): registers this kiosk's public key, stores what comes back. */
export async function enroll(options: EnrollOptions): Promise<TerminalIdentity> {
  const url = new URL('v1/terminals', options.authorityUrl.endsWith('/') ? options.authorityUrl : `${options.authorityUrl}/`);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
      body: JSON.stringify({ enrollment_token: options.enrollmentToken, public_jwk: options.key.publicJwk, name: options.name }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new AuthorityUnreachableError(`enrollment: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = await response.text();
  if (response.status !== 201) throw AuthorityClient.problemOf({ status: response.status, headers: response.headers, text });
  const parsed = EnrollmentResponse.safeParse(parseStrictJson(text));
  if (!parsed.success) throw new AuthorityResponseError(`enrollment answer: ${parsed.error.message}`);
  if (parsed.data.kid !== options.key.kid) throw new AuthorityResponseError('the authority registered another kid than our key thumbprint');
  const identity: TerminalIdentity = {
    terminalId: parsed.data.terminal_id,
    authorityId: parsed.data.authority_id,
    authorityUrl: options.authorityUrl,
    kid: parsed.data.kid,
    authorityJwks: { keys: parsed.data.authority_jwks.keys as JWK[] },
    name: options.name,
    enrolledAt: new Date().toISOString(),
  };
  options.store.transaction(() => {
    options.store.db
      .prepare(
        `INSERT INTO terminal_identity (id, terminal_id, authority_id, authority_url, kid, authority_jwks, name, enrolled_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET terminal_id = excluded.terminal_id, authority_id = excluded.authority_id,
           authority_url = excluded.authority_url, kid = excluded.kid, authority_jwks = excluded.authority_jwks,
           name = excluded.name, enrolled_at = excluded.enrolled_at`,
      )
      .run(identity.terminalId, identity.authorityId, identity.authorityUrl, identity.kid, JSON.stringify(identity.authorityJwks), identity.name, identity.enrolledAt);
  });
  return identity;
}
