/**
 * The diagnostics channels' handlers: the gate (PIN, lockout, inactivity) in front of the
 * technician's panels. Spread into createHostHandlers (electron/host/host-services.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCardReader, openMrzScanner, type OpenDeviceOptions } from '../../../hardware/readers';
import { listDevices as enumerateDevices } from '../../../hardware/transport/enumerate';
import type { ChannelArgs, ChannelResult } from '../../common/contract';
import { diagnosticsChannels, type DiagnosticsChannelName } from '../../common/diagnostics-channels';
import type { AuthorityStatus, DiagnosticsDevices, TraceLine } from '../../common/diagnostics-contract';
import type { KioskConfig } from '../config';
import { HostError } from '../dispatcher';
import { configurationView } from './configuration-view';
import { DiagnosticsGate, fileLockoutStore, type DiagnosticsAuditEntry, type LockoutStore } from './diagnostics-gate';
import type { LogRing } from './log-ring';
import { runMrzTest } from './mrz-test';
import type { DiagnosticsPorts } from './ports';
import { runReaderTest } from './reader-test';

export type DiagnosticsHandlers = { [K in DiagnosticsChannelName]: (...args: ChannelArgs<K>) => Promise<ChannelResult<K>> };

export interface DiagnosticsOptions {
  config: KioskConfig;
  ports?: DiagnosticsPorts;
  /** The log lines the logs panel shows (the logger's tee); absent, the panel is empty. */
  logs?: LogRing;
  now?: () => number;
  lockout?: LockoutStore;
  /** Told when writing an audit entry failed (the diagnostics action itself still proceeds). */
  onAuditError?: (error: unknown) => void;
  /** How often the host closes idle sessions on its own (0 = only when a call arrives). */
  sweepIntervalMs?: number;
  /** How the default reader and scanner ports open devices (the simulator factory for `sim:` URIs). */
  devices?: OpenDeviceOptions;
}

export interface Diagnostics {
  gate: DiagnosticsGate;
  handlers: DiagnosticsHandlers;
  /** Writes a technical event to the audit log (the shell's render-process-gone, for one). */
  record(event: DiagnosticsAuditEntry): void;
  /** The reader test's trace lines as they happen, for the shell to forward as `diagnosticsTrace` events. */
  onTrace(listener: (line: TraceLine) => void): () => void;
  close(): void;
}

export function readerKind(uri: string): DiagnosticsDevices['reader']['kind'] {
  const scheme = uri.split(':', 1)[0];
  if (scheme === 'sim') return 'simulator';
  return scheme === 'ccid-serial' || scheme === 'ccid-hid' || scheme === 'ga467' || scheme === 'ga467-hid' ? scheme : 'unknown';
}

/** Whether the configured reader is attached: a device path exists, or a HID vid:pid is listed. */
export function readerPresence(uri: string, hid: Array<{ vendorId: number; productId: number; path?: string }>): boolean | null {
  const kind = readerKind(uri);
  if (kind === 'simulator') return true;
  if (kind === 'unknown') return null;
  const target = uri.slice(uri.indexOf(':') + 1).split('?', 1)[0] ?? '';
  const vidPid = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(target);
  if (vidPid) return hid.some((d) => d.vendorId === parseInt(vidPid[1]!, 16) && d.productId === parseInt(vidPid[2]!, 16));
  return existsSync(target);
}

/** Reader and MRZ scanner opened from the configured URIs, when the composition root passes nothing else. */
export function defaultPorts(config: KioskConfig, devices: OpenDeviceOptions): DiagnosticsPorts {
  const scannerUri = config.mrzScanner.uri;
  return {
    openReader: async () => {
      const opened = await openCardReader(config.reader.uri, devices);
      return { reader: opened.reader, close: () => opened.close() };
    },
    ...(scannerUri
      ? {
          mrzScanner: {
            scanOnce: async (signal: AbortSignal) => {
              const opened = await openMrzScanner(scannerUri, devices);
              try {
                return await opened.scanner.nextDocument(60_000, signal);
              } finally {
                await opened.close();
              }
            },
          },
        }
      : {}),
  };
}

const unavailable = (what: string) => new HostError('diagnostics-unavailable', `${what} is not available on this host`);

export function createDiagnostics(options: DiagnosticsOptions): Diagnostics {
  const { config } = options;
  const ports: DiagnosticsPorts = { ...defaultPorts(config, options.devices ?? {}), ...options.ports };
  const now = options.now ?? Date.now;
  const audit = (event: DiagnosticsAuditEntry) => {
    try {
      ports.audit?.append({ kind: 'diagnostics', entry: event.entry, ...(event.detail ? { detail: event.detail } : {}) });
    } catch (error) {
      options.onAuditError?.(error);
    }
  };
  const gate = new DiagnosticsGate({
    pinHash: () => config.diagnostics.pinHash,
    lockout: options.lockout ?? fileLockoutStore(join(config.dataDir, 'diagnostics-lockout.json')),
    audit,
    now,
    inactivityPolicy: { idleTimeoutMs: config.diagnostics.idleTimeoutSeconds * 1000, maxSessionMs: config.diagnostics.maxSessionMinutes * 60_000 },
  });
  const sweepMs = options.sweepIntervalMs ?? 5000;
  const traceListeners = new Set<(line: TraceLine) => void>();
  const sweeper = sweepMs > 0 ? setInterval(() => gate.sweep(), sweepMs) : undefined;
  sweeper?.unref();

  async function authorityStatus(): Promise<AuthorityStatus> {
    const authority = ports.authority;
    const base: AuthorityStatus = {
      url: authority?.url ?? config.authority.url,
      enrolled: false,
      terminalId: null,
      authorityId: null,
      reachable: null,
      clockSkewSeconds: null,
      clockWithinAllowance: null,
      error: null,
    };
    if (!authority) return { ...base, error: { code: 'diagnostics-unavailable', message: 'no authority client on this host' } };
    const enrollment = authority.enrollment();
    const status: AuthorityStatus = { ...base, enrolled: enrollment !== null, terminalId: enrollment?.terminalId ?? null, authorityId: enrollment?.authorityId ?? null };
    try {
      const skew = await authority.measureClockSkew();
      return { ...status, reachable: true, clockSkewSeconds: skew.skewSeconds, clockWithinAllowance: skew.withinAllowance };
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      return { ...status, reachable: false, error: { code: typeof code === 'string' ? code : 'unreachable', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  const handlers: DiagnosticsHandlers = {
    diagnosticsEnter: (pin) => gate.enter(pin),
    diagnosticsExit: async (token, reason) => {
      gate.exit(token, reason);
      return null;
    },
    diagnosticsStatus: async (token) => ({ ...gate.authorize(token), idleTimeoutMs: gate.idleTimeoutMs }),
    diagnosticsDevices: async (token) => {
      gate.authorize(token);
      const listing = await (ports.listDevices ?? enumerateDevices)();
      return {
        serial: listing.serial.map(({ path, manufacturer, vendorId, productId }) => ({ path, manufacturer, vendorId, productId })),
        hid: listing.hid.map(({ path, vendorId, productId, product, manufacturer }) => ({ path, vendorId, productId, product, manufacturer })),
        errors: listing.errors,
        reader: { uri: config.reader.uri, kind: readerKind(config.reader.uri), present: readerPresence(config.reader.uri, listing.hid) },
        mrzScanner: config.mrzScanner.uri,
      };
    },
    diagnosticsReaderTest: async (token) => {
      gate.authorize(token);
      if (!ports.openReader) throw unavailable('a reader test');
      const result = await runReaderTest(ports.openReader, { now, onTrace: (line) => traceListeners.forEach((listener) => listener(line)) });
      audit({ entry: 'action', detail: 'reader-test' });
      return result;
    },
    diagnosticsMrzTest: async (token) => {
      gate.authorize(token);
      const result = await runMrzTest(ports.mrzScanner);
      gate.authorize(token);
      return result;
    },
    diagnosticsAuthority: async (token) => {
      gate.authorize(token);
      return authorityStatus();
    },
    diagnosticsEnroll: async (token, request) => {
      gate.authorize(token);
      if (!ports.authority) throw unavailable('enrollment');
      if (ports.authority.enrollment()) throw new HostError('already-enrolled', 'This terminal is already enrolled.');
      try {
        await ports.authority.enroll(request.enrollmentToken, request.name);
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        throw new HostError(typeof code === 'string' ? code : 'enrollment-failed', error instanceof Error ? error.message : String(error));
      }
      try {
        ports.audit?.append({ kind: 'configuration-change', key: 'authority.enrollment' });
      } catch (error) {
        options.onAuditError?.(error);
      }
      return authorityStatus();
    },
    diagnosticsQueues: async (token) => {
      gate.authorize(token);
      const outbox = ports.outbox;
      const entries = outbox?.list() ?? [];
      const count = (state: string) => entries.filter((e) => e.state === state).length;
      return {
        outbox: outbox
          ? {
              pending: count('pending'),
              delivered: count('delivered'),
              rejected: count('rejected'),
              expired: count('expired'),
              recentProblems: entries
                .filter((e) => e.state === 'rejected' || e.state === 'expired' || (e.state === 'pending' && e.lastError))
                .slice(-20)
                .map((e) => ({ jti: e.jti, state: e.state, problem: e.problemType ?? (e.lastError ? 'retrying' : null), at: e.closedAt ?? e.nextAttemptAt })),
            }
          : null,
        audit: ports.audit ? (({ treeSize, root }) => ({ treeSize, root: Buffer.from(root).toString('base64url') }))(ports.audit.head()) : null,
      };
    },
    diagnosticsRetryOutbox: async (token) => {
      gate.authorize(token);
      if (!ports.outbox) throw unavailable('the outbox');
      const madeDue = ports.outbox.makeDue();
      ports.outbox.wake();
      audit({ entry: 'action', detail: 'outbox-retry' });
      return { madeDue };
    },
    diagnosticsVerifyAudit: async (token) => {
      gate.authorize(token);
      if (!ports.audit) throw unavailable('the audit log');
      const verification = await ports.audit.verify();
      audit({ entry: 'action', detail: verification.ok ? 'audit-verified' : 'audit-verify-failed' });
      return verification;
    },
    diagnosticsLogs: async (token) => {
      gate.authorize(token);
      return options.logs?.recent(200) ?? { lines: [], total: 0 };
    },
    diagnosticsExportLogs: async (token) => {
      gate.authorize(token);
      const lines = options.logs?.all() ?? [];
      const dir = join(config.dataDir, 'exports');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, `kiosk-log-${new Date(now()).toISOString().replace(/[:.]/g, '-')}.jsonl`);
      writeFileSync(file, lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
      audit({ entry: 'action', detail: 'logs-export' });
      return { file, lines: lines.length };
    },
    diagnosticsConfiguration: async (token) => {
      gate.authorize(token);
      return configurationView(config, ports.policy?.() ?? null);
    },
  };

  return {
    gate,
    handlers,
    record: audit,
    onTrace: (listener) => {
      traceListeners.add(listener);
      return () => traceListeners.delete(listener);
    },
    close: () => {
      if (sweeper) clearInterval(sweeper);
    },
  };
}

/** Diagnostics channels of a host built without diagnostics (unit tests of other channels). */
export function closedDiagnosticsHandlers(): DiagnosticsHandlers {
  const refuse = async (): Promise<never> => {
    throw unavailable('diagnostics');
  };
  return Object.fromEntries(
    (Object.keys(diagnosticsChannels) as DiagnosticsChannelName[]).map((name) => [name, refuse]),
  ) as unknown as DiagnosticsHandlers;
}
