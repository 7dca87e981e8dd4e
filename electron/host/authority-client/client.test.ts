import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enroll, readIdentity } from '../identity/enrollment';
import { FileTerminalKey } from '../identity/terminal-key';
import { ConfigCache } from '../store/config-cache';
import { openStore, type KioskStore } from '../store/database';
import { scratchDirectory } from '../store/test-support';
import { AuthorityClient, isRetryable } from './client';
import { AuthorityProblemError, AuthorityUnreachableError } from './errors';
import { startStubAuthority, type StubAuthority } from './stub-authority';

describe('AuthorityClient against a stub authority', () => {
  let stub: StubAuthority;
  let dir: ReturnType<typeof scratchDirectory>;
  let store: KioskStore;
  let key: FileTerminalKey;
  let client: AuthorityClient;
  beforeAll(async () => {
    stub = await startStubAuthority();
  });
  afterAll(() => stub.close());
  beforeEach(async () => {
    dir = scratchDirectory();
    store = openStore(join(dir.path, 'kiosk.db'));
    key = (await FileTerminalKey.loadOrCreate(join(dir.path, 'terminal-key.pem'))).key;
    const identity = await enroll({ authorityUrl: stub.url, enrollmentToken: stub.issueEnrollmentToken(), name: 'lobby-1', key, store });
    client = new AuthorityClient({ baseUrl: stub.url, key, identity, cache: new ConfigCache(store) });
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  it('enrolls once per token and stores terminal_id, authority_id and the authority JWKS', async () => {
    const identity = readIdentity(store);
    expect(identity).toMatchObject({ authorityId: stub.authorityId, kid: key.kid, name: 'lobby-1', authorityUrl: stub.url });
    expect(identity?.authorityJwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const token = stub.issueEnrollmentToken();
    await enroll({ authorityUrl: stub.url, enrollmentToken: token, name: 'x', key, store });
    await expect(enroll({ authorityUrl: stub.url, enrollmentToken: token, name: 'x', key, store })).rejects.toMatchObject({
      status: 403,
      problem: 'enrollment-token-invalid',
    });
  });

  it('opens a session (signed request accepted), follows it and binds with a code', async () => {
    const session = await client.openSession();
    expect(session.qr).toContain(session.session_id);
    expect(await client.waitSession(session.session_id, undefined, 0)).toEqual({ state: 'open', account: null });
    await expect(client.bindCode(session.session_id, '00000000')).rejects.toMatchObject({ status: 422, problem: 'bad-code', body: { tries_left: 4 } });
    expect(await client.bindCode(session.session_id, '12345678')).toMatchObject({ state: 'bound' });
    expect((await client.waitSession(session.session_id, 'open', 1)).state).toBe('bound');
    expect(new ConfigCache(store).get('session-policy')?.value).toMatchObject({ policy_version: 'p1' });
  });

  it('the 5th wrong code is 429 too-many-attempts, and that is final', async () => {
    const session = await client.openSession();
    let last: unknown;
    for (let i = 0; i < 5; i += 1) last = await client.bindCode(session.session_id, '00000000').catch((e: unknown) => e);
    expect(last).toBeInstanceOf(AuthorityProblemError);
    expect(last).toMatchObject({ status: 429, problem: 'too-many-attempts' });
    expect(isRetryable(429, 'too-many-attempts')).toBe(false);
  });

  it('caches the CSCA list and serves the last good copy while the authority is unreachable', async () => {
    const online = await client.cscaList();
    expect(online.source).toBe('authority');
    const offline = new AuthorityClient({ baseUrl: 'http://127.0.0.1:9', key, identity: client.identity, cache: new ConfigCache(store), requestTimeoutMs: 2000 });
    const cached = await offline.cscaList();
    expect(cached).toMatchObject({ source: 'cache', list: online.list });
    const empty = openStore(join(dir.path, 'empty.db'));
    const noCache = new AuthorityClient({ baseUrl: 'http://127.0.0.1:9', key, identity: client.identity, cache: new ConfigCache(empty), requestTimeoutMs: 2000 });
    await expect(noCache.cscaList()).rejects.toBeInstanceOf(AuthorityUnreachableError);
    empty.close();
  });

  it('measures clock skew and uses the authority time in request tokens', async () => {
    const skewed = new AuthorityClient({ baseUrl: stub.url, key, identity: client.identity, now: () => Date.now() - 3_600_000 });
    // An hour behind: tokens are stale until the skew is measured.
    await expect(skewed.openSession()).rejects.toMatchObject({ status: 401, problem: 'stale' });
    const skew = await skewed.measureClockSkew();
    expect(Math.abs(skew.skewSeconds - 3600)).toBeLessThanOrEqual(2);
    expect(skew.withinAllowance).toBe(false);
    await expect(skewed.openSession()).resolves.toMatchObject({ session_id: expect.any(String) });
  });

  it('sends heartbeats for its own id only', async () => {
    const before = stub.counters.heartbeats;
    await client.heartbeat({ app_version: '0.1.0', reader: 'ok', camera: 'ok', outbox_depth: 0, audit_tree_size: 3 });
    expect(stub.counters.heartbeats).toBe(before + 1);
  });

  it('is refused when it signs with a key the authority does not know', async () => {
    const stranger = (await FileTerminalKey.loadOrCreate(join(dir.path, 'other.pem'))).key;
    const impostor = new AuthorityClient({ baseUrl: stub.url, key: stranger, identity: client.identity });
    await expect(impostor.openSession()).rejects.toMatchObject({ status: 401, problem: 'bad-signature' });
  });
});
