import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStubAuthority, type StubAuthority } from '../authority-client/stub-authority';
import { openKioskRuntime, type KioskRuntime } from '../session/kiosk-runtime';
import { scratchDirectory } from '../store/test-support';
import { cachedPolicy, diagnosticsPortsFor } from './kiosk-ports';

describe('diagnosticsPortsFor', () => {
  let dir: ReturnType<typeof scratchDirectory>;
  let authority: StubAuthority;
  let runtime: KioskRuntime;
  beforeEach(async () => {
    dir = scratchDirectory('kiosk-diag-ports-');
    authority = await startStubAuthority();
    runtime = await openKioskRuntime({ dataDir: dir.path, authorityUrl: authority.url });
  });
  afterEach(async () => {
    runtime.close();
    await authority.close();
    dir.remove();
  });

  it('reaches an authority before enrollment, enrolls with a single-use token, and shows the identity', async () => {
    const ports = diagnosticsPortsFor(runtime, { authorityUrl: authority.url });
    expect(ports.authority?.enrollment()).toBeNull();
    const skew = await ports.authority!.measureClockSkew();
    expect(Math.abs(skew.skewSeconds)).toBeLessThanOrEqual(1);
    expect(skew.withinAllowance).toBe(true);
    await expect(ports.authority!.enroll('not-a-token', 'Kiosk 7')).rejects.toMatchObject({ code: expect.any(String) });
    const token = authority.issueEnrollmentToken();
    const enrolled = await ports.authority!.enroll(token, 'Kiosk 7');
    expect(enrolled.terminalId).toMatch(/.+/);
    expect(ports.authority?.enrollment()).toEqual(enrolled);
    await expect(ports.authority!.enroll(token, 'Kiosk 7')).rejects.toMatchObject({ code: expect.any(String) });
  });

  it('passes the real audit log and reads the cached session policy', async () => {
    const ports = diagnosticsPortsFor(runtime, { authorityUrl: authority.url });
    ports.audit!.append({ kind: 'diagnostics', entry: 'enter', detail: 'pin' });
    expect(ports.audit!.head().treeSize).toBe(1);
    expect(ports.policy!()).toBeNull();
    runtime.cache.put('session-policy', { policy_version: 'p-3', target_fmr: 0.0001, matchers: [{ name: 'm', version: '2', model_sha256: 'x', threshold: 0.5 }] });
    expect(cachedPolicy(runtime)).toEqual({ policyVersion: 'p-3', targetFmr: 0.0001, matchers: [{ name: 'm', version: '2', threshold: 0.5 }] });
  });
});
