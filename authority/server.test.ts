import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CitizenApp, CitizenAppError } from '../fixtures/citizen-app/citizen-app';
import { PROBLEM_TYPE_PREFIX } from './problem';
import { startTestAuthority, type TestAuthority, TEST_MATCHER } from './testing/harness';

let t: TestAuthority;
beforeAll(async () => {
  t = await startTestAuthority();
});
afterAll(async () => t?.close());

const get = async (path: string) => {
  const res = await fetch(new URL(path, t.baseUrl));
  return { status: res.status, json: (await res.json()) as any };
};
const citizen = async () => new CitizenApp(t.baseUrl, await t.newCitizenKey());

describe('keys and time', () => {
  it('GET /v1/keys is a JWKS with authority_id; kid is the RFC 7638 thumbprint', async () => {
    const { status, json } = await get('/v1/keys');
    expect(status).toBe(200);
    expect(json.authority_id).toBe('test-idauth');
    expect(json.keys).toHaveLength(1);
    expect(json.keys[0]).not.toHaveProperty('d');
    expect(json.keys[0].kid).toBe(await calculateJwkThumbprint(json.keys[0], 'sha256'));
  });

  it('GET /v1/time follows the authority clock', async () => {
    expect((await get('/v1/time')).json).toEqual({ now: Math.floor(t.clock.now / 1000) });
  });
});

describe('sessions', () => {
  it('POST /v1/sessions answers the protocol shape with the configured policy', async () => {
    const s = await t.terminal.openSession();
    expect(s.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.aa_challenge).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(s.expires_at) - t.clock.now).toBeGreaterThan(595_000);
    expect(Date.parse(s.submit_by) - t.clock.now).toBeGreaterThan(86_395_000);
    expect(s.qr).toBe(`ikup:1?a=test-idauth&s=${encodeURIComponent(s.session_id)}&n=${encodeURIComponent(s.nonce)}`);
    expect(s.policy).toEqual({
      policy_version: 'test-policy-1',
      target_fmr: 1e-4,
      matchers: [TEST_MATCHER],
      liveness_required: true,
      chip_auth_required: true,
    });
  });

  it('refuses a session body that is not {}', async () => {
    const res = await t.terminal.call('POST', '/v1/sessions', { body: { hello: 1 } });
    expect(res.json.type).toBe(PROBLEM_TYPE_PREFIX + 'bad-request');
  });

  it('/public needs the nonce and shows the terminal name', async () => {
    const s = await t.terminal.openSession();
    const app = await citizen();
    expect(await app.fetchPublic(s.qr)).toEqual({ terminal_name: 'Hall A kiosk 1', expires_at: s.expires_at, state: 'open' });
    const wrong = await get(`/v1/sessions/${s.session_id}/public?n=nope`);
    expect(wrong).toMatchObject({ status: 404, json: { type: PROBLEM_TYPE_PREFIX + 'not-found' } });
  });

  it('the citizen app refuses a QR of another authority', async () => {
    const app = await citizen();
    await expect(app.fetchPublic('ikup:1?a=elsewhere&s=x&n=y')).rejects.toMatchObject({ code: 'wrong-authority' });
  });

  it('bind: stale iat, wrong nonce, another account key', async () => {
    const s = await t.terminal.openSession();
    const app = await citizen();
    await expect(app.bind(s.qr, t.terminal.now() - 121)).rejects.toMatchObject({ status: 401, problem: { type: PROBLEM_TYPE_PREFIX + 'stale' } });
    const wrongNonce = s.qr.replace(/n=[^&]+$/, 'n=AAAA');
    await expect(app.bind(wrongNonce, t.terminal.now())).rejects.toMatchObject({ status: 404 });
    // an app key claiming someone else's account
    const other = await citizen();
    const jws = await other.sign('upgrade-bind+jwt', { session_id: s.session_id, nonce: s.nonce, account_id: app.keyFile.account_id, iat: t.terminal.now() });
    const res = await fetch(new URL(`/v1/sessions/${s.session_id}/bind`, t.baseUrl), { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws });
    expect(res.status).toBe(401);
  });

  it('an open session expires after 10 minutes and can no longer be bound', async () => {
    const s = await t.terminal.openSession();
    t.clock.advance(601);
    try {
      const app = await citizen();
      const err = (await app.bind(s.qr, t.terminal.now()).catch((e: unknown) => e)) as CitizenAppError;
      expect(err.problem).toMatchObject({ type: PROBLEM_TYPE_PREFIX + 'session-state' });
      expect((await t.terminal.call('GET', `/v1/sessions/${s.session_id}`)).json).toEqual({ state: 'expired', account: null });
    } finally {
      t.clock.advance(-601);
    }
  });

  it('long poll answers at once when the state differs, and wakes on a bind', async () => {
    const s = await t.terminal.openSession();
    const path = `/v1/sessions/${s.session_id}`;
    expect((await t.terminal.call('GET', `${path}?wait=30&state=bound`)).json).toEqual({ state: 'open', account: null });
    const started = Date.now();
    const poll = t.terminal.call('GET', `${path}?wait=30&state=open`);
    await new Promise((r) => setTimeout(r, 150));
    const app = await citizen();
    await app.bind(s.qr, t.terminal.now());
    const res = await poll;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.json).toEqual({ state: 'bound', account: { account_id: app.keyFile.account_id, display_name_masked: 'A*** E*******' } });
  });

  it('long poll returns the unchanged state after wait seconds; wait is 0..30', async () => {
    const s = await t.terminal.openSession();
    const path = `/v1/sessions/${s.session_id}`;
    const started = Date.now();
    expect((await t.terminal.call('GET', `${path}?wait=1&state=open`)).json.state).toBe('open');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await t.terminal.call('GET', `${path}?wait=31`)).json.type).toBe(PROBLEM_TYPE_PREFIX + 'bad-request');
  });

  it("another terminal's session is not-found", async () => {
    const s = await t.terminal.openSession();
    const other = await t.enrollTerminal('Hall Z');
    expect((await other.call('GET', `/v1/sessions/${s.session_id}`)).status).toBe(404);
    expect((await other.call('POST', `/v1/sessions/${s.session_id}/bind-code`, { body: { code: '12345678' } })).status).toBe(404);
  });
});

describe('heartbeat and CSCA', () => {
  it('heartbeat: 204 for the caller itself, stored without personal data; 404 for another id', async () => {
    const status = { app_version: '0.1.0', reader: 'ok', camera: 'ok', outbox_depth: 2, audit_tree_size: 40 };
    const res = await t.terminal.call('POST', `/v1/terminals/${t.terminal.terminalId}/heartbeat`, { body: { status } });
    expect(res.status).toBe(204);
    expect(JSON.parse(t.authority.store.heartbeat(t.terminal.terminalId)!.status)).toEqual(status);
    expect((await t.terminal.call('POST', '/v1/terminals/term_other/heartbeat', { body: { status } })).status).toBe(404);
    expect((await t.terminal.call('POST', `/v1/terminals/${t.terminal.terminalId}/heartbeat`, { body: { status: { ...status, name: 'x' } } })).status).toBe(400);
  });

  it('GET /v1/csca serves the trust folder and changes version when it changes', async () => {
    const before = (await t.terminal.call('GET', '/v1/csca')).json;
    expect(before).toMatchObject({ certificates: [], crls: [] });
    const der = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]);
    writeFileSync(join(t.authority.config.trust_dir, 'utopia-csca.der'), der);
    const after = (await t.terminal.call('GET', '/v1/csca')).json;
    expect(after.certificates).toEqual([der.toString('base64url')]);
    expect(after.version).not.toBe(before.version);
  });
});

describe('fault injection over HTTP (test_controls)', () => {
  it('switches 503 on and off and injects latency', async () => {
    const post = (body: object) =>
      fetch(new URL('/_test/faults', t.baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ unavailable_retry_after: 3 })).status).toBe(200);
    const res = await fetch(new URL('/v1/time', t.baseUrl));
    expect({ status: res.status, retry: res.headers.get('retry-after') }).toEqual({ status: 503, retry: '3' });
    await post({ unavailable_retry_after: null, latency_ms: 200 });
    const started = Date.now();
    expect((await fetch(new URL('/v1/time', t.baseUrl))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    await post({ latency_ms: 0 });
  });
});
