/**
 * The diagnostics screens' part of the contract: schemas for the technician's calls. Every call
 * after `diagnosticsEnter` carries the diagnostics session token. Nothing here can carry citizen
 * data: results hold device facts, status words, counts, codes and configuration values only.
 * Environment-free (zod only).
 */
import { z } from 'zod';
import { diagnosticsChannels as wire } from './diagnostics-channels';

/** The bearer token of an open diagnostics session (32 random bytes, b64u). */
export const DiagnosticsToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a diagnostics session token');
export const TechnicianPin = z.string().max(32);

export const DiagnosticsEnterResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('open'), token: DiagnosticsToken, idleTimeoutMs: z.number().int().positive(), expiresAt: z.number() }),
  z.object({ status: z.literal('wrong-pin'), attemptsBeforeLock: z.number().int().min(0) }),
  z.object({ status: z.literal('locked'), retryAfterMs: z.number().int().min(0) }),
  z.object({ status: z.literal('not-configured') }),
]);
export type DiagnosticsEnterResult = z.infer<typeof DiagnosticsEnterResult>;

export const DiagnosticsExitReason = z.enum(['technician', 'inactivity']);
export const DiagnosticsSessionInfo = z.object({ expiresAt: z.number(), idleTimeoutMs: z.number().int().positive() });

const SerialPortInfo = z.object({ path: z.string(), manufacturer: z.string().optional(), vendorId: z.string().optional(), productId: z.string().optional() });
const HidInfo = z.object({ path: z.string().optional(), vendorId: z.number().int(), productId: z.number().int(), product: z.string().optional(), manufacturer: z.string().optional() });

export const DiagnosticsDevices = z.object({
  serial: z.array(SerialPortInfo),
  hid: z.array(HidInfo),
  errors: z.array(z.object({ source: z.enum(['serial', 'hid']), message: z.string() })),
  reader: z.object({
    uri: z.string(),
    kind: z.enum(['simulator', 'ccid-serial', 'ccid-hid', 'ga467', 'ga467-hid', 'unknown']),
    /** Whether the configured device is present (a simulator is always present); null when unknown. */
    present: z.boolean().nullable(),
  }),
  mrzScanner: z.string().nullable(),
});
export type DiagnosticsDevices = z.infer<typeof DiagnosticsDevices>;

export const TraceLine = z.object({
  /** Milliseconds since the test started. */
  t: z.number(),
  direction: z.enum(['command', 'response', 'note']),
  hex: z.string(),
  label: z.string(),
});
export type TraceLine = z.infer<typeof TraceLine>;

export const ReaderTestResult = z.object({
  connected: z.boolean(),
  cardPresent: z.boolean().nullable(),
  atr: z
    .object({ hex: z.string(), protocols: z.array(z.number().int()), convention: z.enum(['direct', 'inverse']), historicalBytes: z.string() })
    .nullable(),
  /** Status words of the test commands (no data returned by them is personal). */
  testRead: z.array(z.object({ command: z.string(), sw: z.string(), meaning: z.string() })),
  trace: z.array(TraceLine),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  durationMs: z.number(),
});
export type ReaderTestResult = z.infer<typeof ReaderTestResult>;

export const MrzTestResult = z.object({
  status: z.enum(['not-configured', 'ok', 'invalid', 'timeout', 'failed']),
  /** TD1/TD2/TD3 when recognised; the lines themselves are never returned. */
  format: z.string().nullable(),
  lineCount: z.number().int().min(0),
  checkDigitsValid: z.boolean().nullable(),
  message: z.string().nullable(),
});
export type MrzTestResult = z.infer<typeof MrzTestResult>;

export const AuthorityStatus = z.object({
  url: z.string(),
  enrolled: z.boolean(),
  terminalId: z.string().nullable(),
  authorityId: z.string().nullable(),
  reachable: z.boolean().nullable(),
  clockSkewSeconds: z.number().nullable(),
  clockWithinAllowance: z.boolean().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type AuthorityStatus = z.infer<typeof AuthorityStatus>;

export const EnrollRequest = z
  .object({ enrollmentToken: z.string().min(8).max(512), name: z.string().min(1).max(100) })
  .strict();

export const QueueStatus = z.object({
  outbox: z
    .object({
      pending: z.number().int().min(0),
      delivered: z.number().int().min(0),
      rejected: z.number().int().min(0),
      expired: z.number().int().min(0),
      /** Final refusals, for staff: problem codes and when; no personal data. */
      recentProblems: z.array(z.object({ jti: z.string(), state: z.string(), problem: z.string().nullable(), at: z.string().nullable() })),
    })
    .nullable(),
  audit: z.object({ treeSize: z.number().int().min(0), root: z.string() }).nullable(),
});
export type QueueStatus = z.infer<typeof QueueStatus>;

export const AuditVerifyResult = z.object({ ok: z.boolean(), treeSize: z.number().int(), root: z.string(), checkpoints: z.number().int(), problems: z.array(z.string()) });
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

export const LogView = z.object({ lines: z.array(z.string()), total: z.number().int().min(0) });
export const LogExport = z.object({ file: z.string(), lines: z.number().int().min(0) });

export const ConfigurationView = z.object({
  entries: z.array(z.object({ key: z.string(), value: z.string() })),
  /** Thresholds come from the authority's session policy and are read-only here. */
  policy: z
    .object({
      policyVersion: z.string(),
      targetFmr: z.number().nullable(),
      matchers: z.array(z.object({ name: z.string(), version: z.string(), threshold: z.number() })),
    })
    .nullable(),
});
export type ConfigurationView = z.infer<typeof ConfigurationView>;

/** The channel specs, spread into `contract` in contract.ts. */
export const diagnosticsChannelSpecs = {
  diagnosticsEnter: { channel: wire.diagnosticsEnter, args: z.tuple([TechnicianPin]), result: DiagnosticsEnterResult },
  diagnosticsExit: { channel: wire.diagnosticsExit, args: z.tuple([DiagnosticsToken, DiagnosticsExitReason]), result: z.null() },
  diagnosticsStatus: { channel: wire.diagnosticsStatus, args: z.tuple([DiagnosticsToken]), result: DiagnosticsSessionInfo },
  diagnosticsDevices: { channel: wire.diagnosticsDevices, args: z.tuple([DiagnosticsToken]), result: DiagnosticsDevices },
  diagnosticsReaderTest: { channel: wire.diagnosticsReaderTest, args: z.tuple([DiagnosticsToken]), result: ReaderTestResult },
  diagnosticsMrzTest: { channel: wire.diagnosticsMrzTest, args: z.tuple([DiagnosticsToken]), result: MrzTestResult },
  diagnosticsAuthority: { channel: wire.diagnosticsAuthority, args: z.tuple([DiagnosticsToken]), result: AuthorityStatus },
  diagnosticsEnroll: { channel: wire.diagnosticsEnroll, args: z.tuple([DiagnosticsToken, EnrollRequest]), result: AuthorityStatus },
  diagnosticsQueues: { channel: wire.diagnosticsQueues, args: z.tuple([DiagnosticsToken]), result: QueueStatus },
  diagnosticsRetryOutbox: { channel: wire.diagnosticsRetryOutbox, args: z.tuple([DiagnosticsToken]), result: z.object({ madeDue: z.number().int().min(0) }) },
  diagnosticsVerifyAudit: { channel: wire.diagnosticsVerifyAudit, args: z.tuple([DiagnosticsToken]), result: AuditVerifyResult },
  diagnosticsLogs: { channel: wire.diagnosticsLogs, args: z.tuple([DiagnosticsToken]), result: LogView },
  diagnosticsExportLogs: { channel: wire.diagnosticsExportLogs, args: z.tuple([DiagnosticsToken]), result: LogExport },
  diagnosticsConfiguration: { channel: wire.diagnosticsConfiguration, args: z.tuple([DiagnosticsToken]), result: ConfigurationView },
} as const;
