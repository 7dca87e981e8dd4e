import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CcidHidSimulator } from '../../../fixtures/sim/ccid-hid-device';
import { TestCard } from '../../../fixtures/sim/test-card';
import { openCcidHidReader } from '../../../hardware/ccid/ccid-reader';
import { AuditLog } from '../audit/audit-log';
import { loadConfig } from '../config';
import { FileTerminalKey } from '../identity/terminal-key';
import type { OutboxEntry } from '../outbox/outbox';
import { openStore, type KioskStore } from '../store/database';
import { scratchDirectory } from '../store/test-support';
import { createDiagnostics, readerKind, readerPresence, type Diagnostics } from './diagnostics-handlers';
import { memoryLockoutStore } from './diagnostics-gate';
import { LogRing } from './log-ring';
import type { DiagnosticsAuthority } from './ports';
import { hashTechnicianPin } from './technician-pin';

let pinHash = '';
beforeAll(async () => {
  pinHash = await hashTechnicianPin('112233', { log2N: 10, r: 8, p: 1 });
});

const entry = (state: OutboxEntry['state'], problem: string | null = null): OutboxEntry => ({
  jti: `jti-${state}-${Math.random()}`,
  sessionId: 's',
  state,
  attempts: 1,
  nextAttemptAt: '2026-01-01T00:00:00Z',
  submitBy: '2026-01-02T00:00:00Z',
  lastError: null,
  problemType: problem,
  receiptId: null,
  createdAt: '2026-01-01T00:00:00Z',
  closedAt: state === 'pending' ? null : '2026-01-01T00:01:00Z',
});

describe('diagnostics handlers', () => {
  let dir: ReturnType<typeof scratchDirectory>;
  let store: KioskStore;
  let audit: AuditLog;
  let diagnostics: Diagnostics;
  let enrolled: { terminalId: string; authorityId: string } | null;
  let madeDue = 0;
  const logs = new LogRing(100);

  beforeEach(async () => {
    dir = scratchDirectory('kiosk-diag-');
    store = openStore(join(dir.path, 'kiosk.db'));
    const key = await FileTerminalKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    audit = new AuditLog(store, key, new Uint8Array(32).fill(3));
    enrolled = null;
    const authority: DiagnosticsAuthority = {
      url: 'https://authority.example',
      enrollment: () => enrolled,
      measureClockSkew: async () => ({ skewSeconds: 3, withinAllowance: true }),
      enroll: async (token) => {
        if (token !== 'good-token-123') throw Object.assign(new Error('unknown or used enrollment token'), { code: 'enrollment-token-invalid' });
        enrolled = { terminalId: 't-1', authorityId: 'cn-gz-idauth' };
        return enrolled;
      },
    };
    const config = loadConfig({ env: {}, overrides: { dataDir: dir.path, diagnostics: { pinHash }, reader: { uri: 'sim:ccid/test-card' } } });
    diagnostics = createDiagnostics({
      config,
      logs,
      lockout: memoryLockoutStore(),
      sweepIntervalMs: 0,
      ports: {
        audit,
        authority,
        outbox: { list: () => [entry('pending'), entry('delivered'), entry('rejected', 'policy')], makeDue: () => ++madeDue, wake: () => {} },
        openReader: async () => {
          const sim = new CcidHidSimulator({ card: new TestCard() });
          const reader = await openCcidHidReader({ path: 'sim' }, { opener: sim.opener, pollIntervalMs: 0 });
          return { reader, close: () => reader.close() };
        },
        policy: () => ({ policyVersion: 'p-7', targetFmr: 0.0001, matchers: [{ name: 'kiosk-face', version: '1', threshold: 0.42 }] }),
        listDevices: async () => ({ serial: [{ path: '/dev/ttyS0' }], hid: [], errors: [] }),
      },
    });
  });
  afterEach(() => {
    diagnostics.close();
    store.close();
    dir.remove();
  });

  async function open(): Promise<string> {
    const result = await diagnostics.handlers.diagnosticsEnter('112233');
    if (result.status !== 'open') throw new Error(`not open: ${result.status}`);
    return result.token;
  }
  const auditEntries = () => audit.leaves().map((l) => JSON.parse(l.leaf) as Record<string, unknown>);

  it('refuses every panel without a session, and audits entry and exit in the real audit log', async () => {
    await expect(diagnostics.handlers.diagnosticsConfiguration('A'.repeat(43))).rejects.toMatchObject({ code: 'diagnostics-session-required' });
    const token = await open();
    await diagnostics.handlers.diagnosticsExit(token, 'technician');
    await expect(diagnostics.handlers.diagnosticsDevices(token)).rejects.toMatchObject({ code: 'diagnostics-session-required' });
    expect(auditEntries()).toEqual([
      expect.objectContaining({ kind: 'diagnostics', entry: 'enter', detail: 'pin' }),
      expect.objectContaining({ kind: 'diagnostics', entry: 'exit', detail: 'technician' }),
    ]);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('lists devices with the configured simulated reader as present', async () => {
    const token = await open();
    const devices = await diagnostics.handlers.diagnosticsDevices(token);
    expect(devices.reader).toEqual({ uri: 'sim:ccid/test-card', kind: 'simulator', present: true });
    expect(devices.serial).toEqual([{ path: '/dev/ttyS0' }]);
  });

  it('runs the reader test through the reader port and streams its trace as it happens', async () => {
    const token = await open();
    const live: unknown[] = [];
    const off = diagnostics.onTrace((line) => live.push(line));
    const result = await diagnostics.handlers.diagnosticsReaderTest(token);
    off();
    expect(result).toMatchObject({ connected: true, cardPresent: true, error: null });
    expect(result.trace.length).toBeGreaterThan(4);
    expect(live).toEqual(result.trace);
    await diagnostics.handlers.diagnosticsReaderTest(token);
    expect(live).toHaveLength(result.trace.length);
  });

  it('shows authority status and enrolls with a token, auditing the change', async () => {
    const token = await open();
    expect(await diagnostics.handlers.diagnosticsAuthority(token)).toMatchObject({ enrolled: false, reachable: true, clockSkewSeconds: 3, clockWithinAllowance: true });
    await expect(diagnostics.handlers.diagnosticsEnroll(token, { enrollmentToken: 'bad-token-000', name: 'Kiosk 1' })).rejects.toMatchObject({ code: 'enrollment-token-invalid' });
    const status = await diagnostics.handlers.diagnosticsEnroll(token, { enrollmentToken: 'good-token-123', name: 'Kiosk 1' });
    expect(status).toMatchObject({ enrolled: true, terminalId: 't-1', authorityId: 'cn-gz-idauth' });
    await expect(diagnostics.handlers.diagnosticsEnroll(token, { enrollmentToken: 'good-token-123', name: 'Kiosk 1' })).rejects.toMatchObject({ code: 'already-enrolled' });
    expect(auditEntries()).toContainEqual(expect.objectContaining({ kind: 'configuration-change', key: 'authority.enrollment' }));
  });

  it('counts the outbox, retries it, and verifies the Merkle log', async () => {
    const token = await open();
    const queues = await diagnostics.handlers.diagnosticsQueues(token);
    expect(queues.outbox).toMatchObject({ pending: 1, delivered: 1, rejected: 1, expired: 0 });
    expect(queues.outbox?.recentProblems).toEqual([expect.objectContaining({ state: 'rejected', problem: 'policy' })]);
    expect(queues.audit?.treeSize).toBe(1);
    expect(await diagnostics.handlers.diagnosticsRetryOutbox(token)).toEqual({ madeDue: madeDue });
    const verified = await diagnostics.handlers.diagnosticsVerifyAudit(token);
    expect(verified).toMatchObject({ ok: true, problems: [] });
    expect(auditEntries().map((e) => e.detail)).toEqual(['pin', 'outbox-retry', 'audit-verified']);
  });

  it('shows the configuration with the PIN hash hidden and thresholds from the policy', async () => {
    const token = await open();
    const view = await diagnostics.handlers.diagnosticsConfiguration(token);
    expect(view.entries).toContainEqual({ key: 'diagnostics.pinHash', value: 'set' });
    expect(view.entries).toContainEqual({ key: 'reader.uri', value: '"sim:ccid/test-card"' });
    expect(JSON.stringify(view)).not.toContain('scrypt$');
    expect(view.policy?.matchers[0]?.threshold).toBe(0.42);
  });

  it('exports redacted logs to a private file', async () => {
    logs.write(`${JSON.stringify({ msg: 'card read', holder: 'Anna Eriksson' })}\n`);
    const token = await open();
    const view = await diagnostics.handlers.diagnosticsLogs(token);
    expect(view.lines.join()).not.toContain('Anna');
    const exported = await diagnostics.handlers.diagnosticsExportLogs(token);
    expect(exported.lines).toBeGreaterThan(0);
    expect(readFileSync(exported.file, 'utf8')).not.toContain('Anna');
    expect(statSync(exported.file).mode & 0o077).toBe(0);
  });
});

describe('reader presence', () => {
  it('knows simulators, device paths and HID ids', () => {
    expect(readerKind('sim:genuine')).toBe('simulator');
    expect(readerKind('ccid-serial:/dev/ttyUSB0?baud=115200')).toBe('ccid-serial');
    expect(readerKind('nfc:thing')).toBe('unknown');
    expect(readerPresence('sim:genuine', [])).toBe(true);
    expect(readerPresence('ccid-serial:/definitely/not/here?baud=9600', [])).toBe(false);
    expect(readerPresence('ccid-hid:072f:2200', [{ vendorId: 0x072f, productId: 0x2200 }])).toBe(true);
    expect(readerPresence('ccid-hid:072f:2200', [])).toBe(false);
    expect(readerPresence('weird:x', [])).toBeNull();
  });
});
