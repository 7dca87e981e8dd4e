import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStubAuthority, type StubAuthority } from '../authority-client/stub-authority';
import { enroll } from '../identity/enrollment';
import { scratchDirectory } from '../store/test-support';
import { openKioskRuntime } from './kiosk-runtime';

describe('openKioskRuntime', () => {
  let stub: StubAuthority;
  let dir: ReturnType<typeof scratchDirectory>;
  beforeAll(async () => {
    stub = await startStubAuthority();
  });
  afterAll(() => stub.close());
  beforeEach(() => {
    dir = scratchDirectory();
  });
  afterEach(() => dir.remove());

  it('has no authority side before enrollment, and all of it after', async () => {
    const fresh = await openKioskRuntime({ dataDir: dir.path });
    expect([fresh.identity, fresh.client, fresh.outbox, fresh.recorder]).toEqual([undefined, undefined, undefined, undefined]);
    await enroll({ authorityUrl: stub.url, enrollmentToken: stub.issueEnrollmentToken(), name: 'k', key: fresh.key, store: fresh.store });
    fresh.close();
    const enrolled = await openKioskRuntime({ dataDir: dir.path });
    expect(enrolled.identity?.authorityId).toBe(stub.authorityId);
    expect(enrolled.client && enrolled.outbox && enrolled.recorder).toBeTruthy();
    enrolled.close();
  });

  it('restores the last measured clock skew and keys learnt from a rotation', async () => {
    const first = await openKioskRuntime({ dataDir: dir.path });
    await enroll({ authorityUrl: stub.url, enrollmentToken: stub.issueEnrollmentToken(), name: 'k', key: first.key, store: first.store });
    first.close();
    const second = await openKioskRuntime({ dataDir: dir.path });
    second.cache.put('clock-skew', { skew_seconds: 42 });
    await stub.rotateSigner();
    await second.client?.refreshAuthorityKeys();
    second.close();
    const third = await openKioskRuntime({ dataDir: dir.path });
    expect(third.client?.skewMs).toBe(42_000);
    expect(third.identity?.authorityJwks.keys.map((k) => k.x)).toContain(stub.signer.publicJwk.x);
    expect(third.identity?.authorityJwks.keys.length).toBe(2);
    third.close();
  });
});
