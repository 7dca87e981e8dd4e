/**
 * Interoperability: the kiosk's own authority client (electron/host/authority-client) against this
 * reference authority, so the two readings of authority-protocol.md cannot drift apart unnoticed.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorityClient } from '../electron/host/authority-client/client';
import { FileTerminalKey } from '../electron/host/identity/terminal-key';
import { CitizenApp } from '../fixtures/citizen-app/citizen-app';
import { attestationPayload, HOLDER, icaoDoc, startTestAuthority, type TestAuthority } from './testing/harness';
import { signRaw } from './testing/test-terminal';

let t: TestAuthority;
let client: AuthorityClient;
let privateKey: KeyObject;
let terminalId: string;
let kid: string;

beforeAll(async () => {
  t = await startTestAuthority();
  privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const key = await FileTerminalKey.fromKeyObject(privateKey);
  const res = await fetch(new URL('/v1/terminals', t.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrollment_token: t.authority.store.issueEnrollmentToken(0), public_jwk: key.publicJwk, name: 'Interop kiosk' }),
  });
  const enrolled = (await res.json()) as { terminal_id: string; authority_id: string; kid: string; authority_jwks: { keys: [] } };
  expect(enrolled.kid).toBe(key.kid);
  kid = key.kid;
  terminalId = enrolled.terminal_id;
  client = new AuthorityClient({
    baseUrl: t.baseUrl,
    key,
    identity: { terminalId, authorityId: enrolled.authority_id, authorityJwks: enrolled.authority_jwks },
    now: () => t.clock.now,
  });
});
afterAll(async () => t?.close());

describe('electron/host AuthorityClient ↔ reference authority', () => {
  it('opens a session, follows it to bound, submits and gets a verified receipt (twice, same receipt)', async () => {
    expect((await client.measureClockSkew()).withinAllowance).toBe(true);
    const session = await client.openSession();
    const app = new CitizenApp(t.baseUrl, await t.newCitizenKey());
    const waiting = client.waitSession(session.session_id, 'open', 10);
    await app.bind(session.qr, Math.floor(t.clock.now / 1000));
    expect((await waiting).state).toBe('bound');
    const payload = attestationPayload(t.terminal, session as never, icaoDoc(session as never), { iss: terminalId });
    const jws = signRaw(JSON.stringify({ alg: 'ES256', typ: 'kiosk-upgrade+jwt', kid }), JSON.stringify(payload), privateKey);
    const first = await client.submitUpgrade(jws, payload.jti, session.session_id);
    expect(first.kind).toBe('accepted');
    const again = await client.submitUpgrade(jws, payload.jti, session.session_id);
    expect(again).toEqual(first);
  });

  it('binds with a one-time code, fetches the CSCA list and sends a heartbeat', async () => {
    const session = await client.openSession();
    const app = new CitizenApp(t.baseUrl, await t.newCitizenKey());
    const { code } = await app.requestCode(Math.floor(t.clock.now / 1000));
    expect(await client.bindCode(session.session_id, code)).toMatchObject({ state: 'bound', terminal_name: 'Interop kiosk' });
    expect((await client.cscaList()).source).toBe('authority');
    await client.heartbeat({ app_version: '0.1.0', reader: 'ok', camera: 'ok', outbox_depth: 0, audit_tree_size: 1 });
    expect(t.authority.store.heartbeat(terminalId)).toBeDefined();
  });

  it('a holder mismatch is final for the kiosk; 503 is retried', async () => {
    const session = await client.openSession();
    await new CitizenApp(t.baseUrl, await t.newCitizenKey({ ...HOLDER, documentNumber: 'X0000000' })).bind(
      session.qr,
      Math.floor(t.clock.now / 1000),
    );
    const payload = attestationPayload(t.terminal, session as never, icaoDoc(session as never), { iss: terminalId });
    const jws = signRaw(JSON.stringify({ alg: 'ES256', typ: 'kiosk-upgrade+jwt', kid }), JSON.stringify(payload), privateKey);
    expect(await client.submitUpgrade(jws, payload.jti, session.session_id)).toMatchObject({ kind: 'final', status: 422, problem: 'holder-mismatch' });
    t.authority.faults.unavailableRetryAfter = 2;
    try {
      expect(await client.submitUpgrade(jws, payload.jti, session.session_id)).toMatchObject({ kind: 'retry', retryAfterMs: 2000 });
    } finally {
      t.authority.faults.unavailableRetryAfter = null;
    }
  });
});
