import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticsGate, fileLockoutStore, memoryLockoutStore, type DiagnosticsAuditEntry } from './diagnostics-gate';
import { hashTechnicianPin } from './technician-pin';

let pinHash = '';
beforeAll(async () => {
  pinHash = await hashTechnicianPin('424242', { log2N: 10, r: 8, p: 1 });
});

function gate(overrides: { pin?: string | null } = {}) {
  let now = 1_000_000;
  const audit: DiagnosticsAuditEntry[] = [];
  const lockout = memoryLockoutStore();
  const g = new DiagnosticsGate({
    pinHash: () => (overrides.pin === undefined ? pinHash : overrides.pin),
    lockout,
    audit: (e) => audit.push(e),
    now: () => now,
    inactivityPolicy: { idleTimeoutMs: 60_000, maxSessionMs: 600_000 },
  });
  return { g, audit, lockout, advance: (ms: number) => (now += ms), now: () => now };
}

describe('DiagnosticsGate', () => {
  it('opens with the right PIN, authorizes the token, and audits entry and exit', async () => {
    const { g, audit } = gate();
    const opened = await g.enter('424242');
    expect(opened).toMatchObject({ status: 'open', idleTimeoutMs: 60_000 });
    if (opened.status !== 'open') throw new Error('not open');
    expect(g.authorize(opened.token)).toEqual({ expiresAt: 1_060_000 });
    expect(() => g.authorize('A'.repeat(43))).toThrow(expect.objectContaining({ code: 'diagnostics-session-required' }));
    g.exit(opened.token, 'technician');
    expect(() => g.authorize(opened.token)).toThrow(expect.objectContaining({ code: 'diagnostics-session-required' }));
    expect(audit).toEqual([
      { entry: 'enter', detail: 'pin' },
      { entry: 'exit', detail: 'technician' },
    ]);
  });

  it('says when no PIN is configured, and opens nothing', async () => {
    const { g, audit } = gate({ pin: null });
    expect(await g.enter('424242')).toEqual({ status: 'not-configured' });
    await expect(gate({ pin: 'garbage' }).g.enter('424242')).resolves.toEqual({ status: 'not-configured' });
    expect(audit).toEqual([]);
  });

  it('locks after five wrong PINs, refuses even the right PIN while locked, and grows the delay', async () => {
    const { g, audit, advance } = gate();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await g.enter('000000'));
    expect(results.slice(0, 4)).toEqual([3, 2, 1, 0].map((n) => ({ status: 'wrong-pin', attemptsBeforeLock: n })));
    expect(results[4]).toEqual({ status: 'locked', retryAfterMs: 30_000 });
    expect(await g.enter('424242')).toEqual({ status: 'locked', retryAfterMs: 30_000 });
    advance(30_000);
    expect(await g.enter('111111')).toEqual({ status: 'locked', retryAfterMs: 60_000 });
    advance(60_000);
    expect((await g.enter('424242')).status).toBe('open');
    expect(audit.map((a) => a.entry)).toEqual(['pin-rejected', 'pin-rejected', 'pin-rejected', 'pin-rejected', 'locked-out', 'locked-out', 'enter']);
  });

  it('serializes parallel guesses so that they all count', async () => {
    const { g, lockout } = gate();
    const results = await Promise.all(Array.from({ length: 8 }, () => g.enter('999999')));
    expect(lockout.state.failures).toBe(5);
    expect(results.filter((r) => r.status === 'locked')).toHaveLength(4);
  });

  it('closes the session after inactivity and audits why', async () => {
    const { g, audit, advance } = gate();
    const opened = await g.enter('424242');
    if (opened.status !== 'open') throw new Error('not open');
    advance(59_000);
    g.authorize(opened.token);
    advance(59_000);
    expect(g.isOpen).toBe(true);
    advance(1_000);
    expect(g.isOpen).toBe(false);
    expect(() => g.authorize(opened.token)).toThrow(expect.objectContaining({ code: 'diagnostics-session-required' }));
    expect(audit.at(-1)).toEqual({ entry: 'exit', detail: 'inactivity' });
  });

  it('a second entry replaces the first session', async () => {
    const { g, audit } = gate();
    const first = await g.enter('424242');
    const second = await g.enter('424242');
    if (first.status !== 'open' || second.status !== 'open') throw new Error('not open');
    expect(() => g.authorize(first.token)).toThrow();
    expect(() => g.authorize(second.token)).not.toThrow();
    expect(audit.map((a) => `${a.entry}:${a.detail}`)).toEqual(['enter:pin', 'exit:replaced', 'enter:pin']);
  });
});

describe('fileLockoutStore', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('persists the lockout across instances and treats a damaged file as locked-down', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-lockout-'));
    dirs.push(dir);
    const path = join(dir, 'diagnostics-lockout.json');
    expect(fileLockoutStore(path).load()).toEqual({ failures: 0, lockedUntil: 0 });
    fileLockoutStore(path).save({ failures: 6, lockedUntil: 123 });
    expect(fileLockoutStore(path).load()).toEqual({ failures: 6, lockedUntil: 123 });
    writeFileSync(path, '{not json');
    expect(fileLockoutStore(path).load()).toEqual({ failures: 5, lockedUntil: 0 });
  });
});
