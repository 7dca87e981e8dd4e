/**
 * Conformance of the reference authority to authority-protocol.md, over real HTTP on 127.0.0.1.
 * Every problem code is provoked at least once (checked by the last test).
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CitizenApp } from '../fixtures/citizen-app/citizen-app';
import { PROBLEM_STATUS, PROBLEM_TYPE_PREFIX, type ProblemCode } from './problem';
import { attestationPayload, HOLDER, icaoDoc, residentDoc, startTestAuthority, type TestAuthority } from './testing/harness';
import { type HttpAnswer, signRaw, type SessionAnswer, type TestTerminal } from './testing/test-terminal';

let t: TestAuthority;
const seen = new Set<string>();

beforeAll(async () => {
  t = await startTestAuthority();
});
afterAll(async () => t?.close());

/** Asserts an RFC 9457 problem with the code's status and type. */
function expectProblem(res: HttpAnswer, code: ProblemCode): void {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect({ status: res.status, type: res.json?.type }).toEqual({ status: PROBLEM_STATUS[code], type: PROBLEM_TYPE_PREFIX + code });
  expect(res.json.status).toBe(res.status);
  seen.add(code);
}

async function citizen(holder = HOLDER): Promise<CitizenApp> {
  return new CitizenApp(t.baseUrl, await t.newCitizenKey(holder));
}

async function boundSession(terminal: TestTerminal = t.terminal): Promise<SessionAnswer> {
  const session = await terminal.openSession();
  await (await citizen()).bind(session.qr, terminal.now());
  return session;
}

const b64u = (s: string) => Buffer.from(s).toString('base64url');

describe('JWS rules (request tokens)', () => {
  it('refuses alg none', async () => {
    const header = JSON.stringify({ alg: 'none', typ: 'kiosk-request+jwt', kid: t.terminal.kid });
    const payload = JSON.stringify({ iss: t.terminal.terminalId, aud: 'test-idauth', iat: t.terminal.now(), exp: t.terminal.now() + 30, jti: randomUUID(), htm: 'GET', htu: '/v1/csca' });
    const res = await t.terminal.call('GET', '/v1/csca', { authorization: `Terminal ${b64u(header)}.${b64u(payload)}.` });
    expectProblem(res, 'bad-signature');
  });

  it('refuses HS256 even when keyed with the terminal public key', async () => {
    const header = JSON.stringify({ alg: 'HS256', typ: 'kiosk-request+jwt', kid: t.terminal.kid });
    const payload = JSON.stringify({ iss: t.terminal.terminalId, aud: 'test-idauth', iat: t.terminal.now(), exp: t.terminal.now() + 30, jti: randomUUID(), htm: 'GET', htu: '/v1/csca' });
    const input = `${b64u(header)}.${b64u(payload)}`;
    const mac = createHmac('sha256', t.terminal.kid).update(input).digest('base64url');
    const res = await t.terminal.call('GET', '/v1/csca', { authorization: `Terminal ${input}.${mac}` });
    expectProblem(res, 'bad-signature');
  });

  it('refuses ES384, crit, a duplicate header member, and a wrong typ', async () => {
    const base = { typ: 'kiosk-request+jwt', kid: t.terminal.kid };
    for (const headerText of [
      JSON.stringify({ ...base, alg: 'ES384' }),
      JSON.stringify({ ...base, alg: 'ES256', crit: ['exp'] }),
      `{"alg":"ES256","typ":"kiosk-request+jwt","kid":"${t.terminal.kid}","alg":"ES256"}`,
      JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: t.terminal.kid }),
    ]) {
      expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { headerText } }), 'bad-signature');
    }
  });

  it('refuses a payload with duplicate member names though it is signed', async () => {
    const header = JSON.stringify({ alg: 'ES256', typ: 'kiosk-request+jwt', kid: t.terminal.kid });
    const now = t.terminal.now();
    const payload = `{"iss":"${t.terminal.terminalId}","aud":"test-idauth","iat":${now},"exp":${now + 30},"jti":"${randomUUID()}","htm":"GET","htu":"/v1/csca","htu":"/v1/keys"}`;
    const res = await t.terminal.call('GET', '/v1/csca', { authorization: `Terminal ${signRaw(header, payload, t.terminal.privateKey)}` });
    expectProblem(res, 'bad-signature');
  });

  it('refuses a signature by another key, an unknown kid, no header at all', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { signWith: other } }), 'bad-signature');
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { headerText: JSON.stringify({ alg: 'ES256', typ: 'kiosk-request+jwt', kid: 'nobody' }) } }), 'bad-signature');
    expectProblem(await t.terminal.call('GET', '/v1/csca', { authorization: null }), 'bad-signature');
  });

  it('binds the token to method, path, body and audience', async () => {
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { htm: 'POST' } }), 'bad-signature');
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { htu: '/v1/keys' } }), 'bad-signature');
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { aud: 'other-authority' } }), 'bad-signature');
    expectProblem(await t.terminal.call('POST', '/v1/sessions', { body: {}, token: { body_sha256: b64u('x') } }), 'bad-signature');
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { body_sha256: 'x' } }), 'bad-signature');
  });

  it('refuses a stale iat, a too-long lifetime and an expired token', async () => {
    const now = t.terminal.now();
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { iat: now - 121, exp: now - 100 } }), 'stale');
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { iat: now + 121 } }), 'stale');
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { iat: now, exp: now + 61 } }), 'stale');
    expect((await t.terminal.call('GET', '/v1/csca', { token: { iat: now - 120, exp: now - 60 } })).status).toBe(200);
  });

  it('refuses a replayed request jti', async () => {
    const jti = randomUUID();
    expect((await t.terminal.call('GET', '/v1/csca', { token: { jti } })).status).toBe(200);
    expectProblem(await t.terminal.call('GET', '/v1/csca', { token: { jti } }), 'replayed-request');
  });
});

describe('enrollment', () => {
  it('uses a token once', async () => {
    const token = t.authority.store.issueEnrollmentToken(0);
    const key = await (await import('./testing/test-terminal')).TestTerminal.newKey();
    const enroll = (jwk: object) =>
      fetch(new URL('/v1/terminals', t.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enrollment_token: token, public_jwk: jwk, name: 'Hall B' }),
      });
    const first = await enroll(key.publicJwk);
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ kid: key.kid, authority_id: 'test-idauth', authority_jwks: { keys: [expect.any(Object)] } });
    const again = await enroll((await (await import('./testing/test-terminal')).TestTerminal.newKey()).publicJwk);
    const body = (await again.json()) as { type: string };
    expect({ status: again.status, type: body.type }).toEqual({ status: 403, type: PROBLEM_TYPE_PREFIX + 'enrollment-token-invalid' });
    seen.add('enrollment-token-invalid');
  });
});

describe('binding', () => {
  it('second bind → 409 already-bound', async () => {
    const session = await t.terminal.openSession();
    const app = await citizen();
    expect(await app.bind(session.qr, t.terminal.now())).toMatchObject({ state: 'bound', terminal_name: 'Hall A kiosk 1' });
    const again = await (await citizen()).bind(session.qr, t.terminal.now()).catch((e: { status: number; problem: { type: string } }) => e);
    expect(again).toMatchObject({ status: 409, problem: { type: PROBLEM_TYPE_PREFIX + 'already-bound' } });
    seen.add('already-bound');
  });

  it('wrong codes count down; the 5th closes the session', async () => {
    const session = await t.terminal.openSession();
    const path = `/v1/sessions/${session.session_id}/bind-code`;
    for (let left = 4; left >= 1; left--) {
      const res = await t.terminal.call('POST', path, { body: { code: '00000000' } });
      expectProblem(res, 'bad-code');
      expect(res.json.tries_left).toBe(left);
    }
    expectProblem(await t.terminal.call('POST', path, { body: { code: '00000000' } }), 'too-many-attempts');
    const code = await (await citizen()).requestCode(t.terminal.now());
    expectProblem(await t.terminal.call('POST', path, { body: { code: code.code } }), 'session-state');
    const poll = await t.terminal.call('GET', `/v1/sessions/${session.session_id}?wait=0`);
    expect(poll.json).toEqual({ state: 'expired', account: null });
  });

  it('a good code binds once; it is then used', async () => {
    const app = await citizen();
    const { code, expires_at } = await app.requestCode(t.terminal.now());
    expect(code).toMatch(/^\d{8}$/);
    expect(Date.parse(expires_at) - t.clock.now).toBeGreaterThan(590_000);
    const s1 = await t.terminal.openSession();
    const ok = await t.terminal.call('POST', `/v1/sessions/${s1.session_id}/bind-code`, { body: { code } });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ session_id: s1.session_id, state: 'bound', terminal_name: 'Hall A kiosk 1' });
    const s2 = await t.terminal.openSession();
    const used = await t.terminal.call('POST', `/v1/sessions/${s2.session_id}/bind-code`, { body: { code } });
    expectProblem(used, 'bad-code');
    expect(used.json.tries_left).toBe(4);
  });
});

describe('POST /v1/upgrades', () => {
  it('accepts a valid attestation with a receipt signed by the authority key, and completes the session', async () => {
    const session = await boundSession();
    const payload = attestationPayload(t.terminal, session, icaoDoc(session));
    const res = await t.terminal.submit(await t.terminal.signAttestation(payload));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/jose/);
    const keys = (await (await fetch(new URL('/v1/keys', t.baseUrl))).json()) as { authority_id: string; keys: [] };
    expect(keys.authority_id).toBe('test-idauth');
    const { payload: receiptBytes, protectedHeader } = await compactVerify(res.text, createLocalJWKSet({ keys: keys.keys }), { algorithms: ['ES256'] });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'upgrade-receipt+jwt', kid: t.authority.key.kid });
    const receipt = JSON.parse(new TextDecoder().decode(receiptBytes));
    expect(receipt).toMatchObject({ jti: payload.jti, session_id: session.session_id, result: 'upgraded', receipt_id: expect.any(String) });
    const poll = await t.terminal.call('GET', `/v1/sessions/${session.session_id}?wait=0`);
    expect(poll.json).toMatchObject({ state: 'completed', account: { display_name_masked: 'A*** E*******' } });
  });

  it('same jti + same body → the same receipt (200), recorded exactly once', async () => {
    const session = await boundSession();
    const jws = await t.terminal.signAttestation(attestationPayload(t.terminal, session, icaoDoc(session)));
    const first = await t.terminal.submit(jws);
    const second = await t.terminal.submit(jws);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.text).toBe(first.text);
    expect(t.authority.store.listUpgrades().filter((u) => u.session_id === session.session_id)).toEqual([
      expect.objectContaining({ outcome: 'upgraded', count: 1 }),
    ]);
  });

  it('same jti + other body → 422 idempotency-mismatch; another jti on a completed session → 409 session-state', async () => {
    const session = await boundSession();
    const payload = attestationPayload(t.terminal, session, icaoDoc(session));
    expect((await t.terminal.submit(await t.terminal.signAttestation(payload))).status).toBe(201);
    const other = { ...payload, audit: { tree_size: 4, root: payload.audit.root } };
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation(other)), 'idempotency-mismatch');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...payload, jti: randomUUID() })), 'session-state');
  });

  it('a stored 422 is answered again for the same body', async () => {
    const session = await boundSession();
    const payload = attestationPayload(t.terminal, session, icaoDoc(session), { policy_version: 'older' });
    const jws = await t.terminal.signAttestation(payload);
    const a = await t.terminal.submit(jws);
    expectProblem(a, 'policy');
    const b = await t.terminal.submit(jws);
    expect({ status: b.status, text: b.text }).toEqual({ status: 422, text: a.text });
  });

  it('step 1: media type, JWS form, header, kid, Idempotency-Key, members', async () => {
    const session = await boundSession();
    const payload = attestationPayload(t.terminal, session, icaoDoc(session));
    const jws = await t.terminal.signAttestation(payload);
    expectProblem(await t.terminal.submit(jws, { contentType: 'application/json' }), 'bad-request');
    expectProblem(await t.terminal.submit('not-a-jws', { idempotencyKey: payload.jti }), 'bad-request');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation(payload, JSON.stringify({ alg: 'ES256', typ: 'kiosk-request+jwt', kid: t.terminal.kid }))), 'bad-signature');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation(payload, JSON.stringify({ alg: 'ES256', typ: 'kiosk-upgrade+jwt', kid: t.terminal.kid, crit: ['b64'] }))), 'bad-signature');
    // signed by another enrolled terminal, submitted by this one
    const other = await t.enrollTerminal('Hall C');
    expectProblem(await t.terminal.submit(await other.signAttestation(payload)), 'bad-signature');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...payload, iss: other.terminalId })), 'bad-signature');
    expectProblem(await t.terminal.submit(jws, { idempotencyKey: null }), 'bad-request');
    expectProblem(await t.terminal.submit(jws, { idempotencyKey: `"${randomUUID()}"` }), 'bad-request');
    expect((await t.terminal.submit(jws, { idempotencyKey: payload.jti })).status).toBe(201); // bare value accepted
    const s2 = await boundSession();
    const p2 = attestationPayload(t.terminal, s2, icaoDoc(s2));
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p2, extra: 1 })), 'bad-request');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p2, iat: String(p2.iat) })), 'bad-request');
    const { aa_signature: _aa, ...noSignature } = (p2.doc as ReturnType<typeof icaoDoc>).chip_auth;
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p2, doc: { ...p2.doc, chip_auth: noSignature } })), 'bad-request');
    const { sw: _sw, ...missing } = p2;
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation(missing)), 'bad-request');
    const dupText = JSON.stringify(p2).replace('"nonce":', `"nonce":"x","nonce":`);
    expectProblem(await t.terminal.submit(signRaw(JSON.stringify({ alg: 'ES256', typ: 'kiosk-upgrade+jwt', kid: t.terminal.kid }), dupText, t.terminal.privateKey)), 'bad-request');
  });

  it('step 2: aud and time → 401 stale', async () => {
    const session = await boundSession();
    const p = attestationPayload(t.terminal, session, icaoDoc(session));
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p, aud: 'other' })), 'stale');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p, iat: p.iat + 121 })), 'stale');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p, exp: p.iat - 121 })), 'stale');
  });

  it('step 4: unknown or foreign session → 404, unbound session or wrong nonce → 409', async () => {
    const session = await boundSession();
    const p = attestationPayload(t.terminal, session, icaoDoc(session));
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p, session_id: 'sess_nope' })), 'not-found');
    const other = await t.enrollTerminal('Hall D');
    const foreign = await other.openSession();
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p, session_id: foreign.session_id })), 'not-found');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p, nonce: 'x' })), 'session-state');
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p, exp: p.exp + 1 })), 'session-state');
    const open = await t.terminal.openSession();
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation(attestationPayload(t.terminal, open, icaoDoc(open)))), 'session-state');
  });

  it('step 5: document-invalid for a tampered DG1, a bad AA signature, a wrong claimed DSC, an unknown SAM', async () => {
    const bad = async (doc: (s: SessionAnswer) => object) => {
      const s = await boundSession();
      return t.terminal.submit(await t.terminal.signAttestation(attestationPayload(t.terminal, s, doc(s))));
    };
    expectProblem(await bad((s) => icaoDoc(s, { tamperDg1: true })), 'document-invalid');
    expectProblem(await bad((s) => icaoDoc(s, { aaSignWith: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey })), 'document-invalid');
    expectProblem(await bad((s) => ({ ...icaoDoc(s), pa: { ...icaoDoc(s).pa, dsc_sha256: b64u('other') } })), 'document-invalid');
    expectProblem(await bad((s) => ({ ...icaoDoc(s), pa: { ...icaoDoc(s).pa, result: 'invalid' } })), 'document-invalid');
    expectProblem(await bad(() => residentDoc({ samId: 'sam-unknown' })), 'document-invalid');
    // expired document: expiry 2012-04-15 in the ICAO specimen
    const expired = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' + 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
    expectProblem(await bad((s) => icaoDoc(s, { mrz: expired })), 'document-invalid');
  });

  it('step 6: holder mismatch → 422; a resident ID of the holder passes', async () => {
    const s = await t.terminal.openSession();
    await (await citizen({ ...HOLDER, birthDate: '740813' })).bind(s.qr, t.terminal.now());
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation(attestationPayload(t.terminal, s, icaoDoc(s)))), 'holder-mismatch');
    const s2 = await t.terminal.openSession();
    await (await citizen({ ...HOLDER, cnName: '李四' })).bind(s2.qr, t.terminal.now());
    expectProblem(await t.terminal.submit(await t.terminal.signAttestation(attestationPayload(t.terminal, s2, residentDoc()))), 'holder-mismatch');
    const s3 = await boundSession();
    expect((await t.terminal.submit(await t.terminal.signAttestation(attestationPayload(t.terminal, s3, residentDoc())))).status).toBe(201);
  });

  it('step 7: policy — matcher, threshold, target_fmr, score, liveness', async () => {
    const cases: ((p: ReturnType<typeof attestationPayload>) => object)[] = [
      (p) => ({ ...p, bio: { ...p.bio, matcher: { ...p.bio.matcher, version: '9.9' } } }),
      (p) => ({ ...p, bio: { ...p.bio, threshold: 0.1 } }),
      (p) => ({ ...p, bio: { ...p.bio, target_fmr: 1e-3 } }),
      (p) => ({ ...p, bio: { ...p.bio, score: 0.5 } }),
      (p) => ({ ...p, bio: { ...p.bio, liveness: { ...p.bio.liveness, result: 'spoof' } } }),
      (p) => ({ ...p, bio: { ...p.bio, decision: 'no-match' } }),
    ];
    for (const change of cases) {
      const s = await boundSession();
      expectProblem(await t.terminal.submit(await t.terminal.signAttestation(change(attestationPayload(t.terminal, s, icaoDoc(s))))), 'policy');
    }
  });

  it('the same jti while processing, or another jti for that session → 409 in-progress', async () => {
    const s = await boundSession();
    const p = attestationPayload(t.terminal, s, icaoDoc(s));
    const jws = await t.terminal.signAttestation(p);
    t.authority.faults.upgradeProcessingMs = 300;
    try {
      const first = t.terminal.submit(jws);
      await new Promise((r) => setTimeout(r, 100));
      expectProblem(await t.terminal.submit(jws), 'in-progress');
      expectProblem(await t.terminal.submit(await t.terminal.signAttestation({ ...p, jti: randomUUID() })), 'in-progress');
      expect((await first).status).toBe(201);
    } finally {
      t.authority.faults.upgradeProcessingMs = 0;
    }
  });
});

describe('revocation, availability', () => {
  it('a revoked terminal gets 403 on every call', async () => {
    const kiosk = await t.enrollTerminal('Hall E');
    const s = await kiosk.openSession();
    await (await citizen()).bind(s.qr, kiosk.now());
    const jws = await kiosk.signAttestation(attestationPayload(kiosk, s, icaoDoc(s)));
    expect(t.authority.store.revokeTerminal(kiosk.terminalId, 0)).toBe(true);
    expectProblem(await kiosk.call('POST', '/v1/sessions', { body: {} }), 'terminal-revoked');
    expectProblem(await kiosk.call('GET', `/v1/sessions/${s.session_id}`), 'terminal-revoked');
    expectProblem(await kiosk.call('GET', '/v1/csca'), 'terminal-revoked');
    expectProblem(await kiosk.submit(jws), 'terminal-revoked');
    expectProblem(await kiosk.call('POST', `/v1/terminals/${kiosk.terminalId}/heartbeat`, { body: { status: {} } }), 'terminal-revoked');
  });

  it('503 unavailable with Retry-After while switched on', async () => {
    t.authority.faults.unavailableRetryAfter = 7;
    try {
      const res = await t.terminal.call('GET', '/v1/csca');
      expectProblem(res, 'unavailable');
      expect(res.headers.get('retry-after')).toBe('7');
    } finally {
      t.authority.faults.unavailableRetryAfter = null;
    }
    expect((await t.terminal.call('GET', '/v1/csca')).status).toBe(200);
  });

  it('unknown resources are 404 not-found problems', async () => {
    expectProblem(await t.terminal.call('GET', '/v1/nothing-here'), 'not-found');
  });
});

describe('coverage', () => {
  it('every problem code of the protocol was reached', () => {
    expect([...seen].sort()).toEqual(Object.keys(PROBLEM_STATUS).sort());
  });
});
