/**
 * What diagnostics needs from the rest of the host, as small interfaces. The composition root
 * (electron/host/kiosk, electron/dev) fills them; whatever is absent is shown as unavailable in
 * the diagnostics screens rather than failing.
 */
import type { CardReader } from '../../../hardware/ccid/ccid-reader';
import type { DeviceListing } from '../../../hardware/transport/enumerate';
import type { AuditEvent } from '../audit/events';
import type { AuditVerification, TreeHeadInfo } from '../audit/audit-log';
import type { OutboxEntry, OutboxState } from '../outbox/outbox';

/** The audit log (electron/host/audit/audit-log.ts `AuditLog`). */
export interface DiagnosticsAuditLog {
  append(event: AuditEvent): unknown;
  head(): TreeHeadInfo;
  verify(): Promise<AuditVerification>;
}

/** The outbox (electron/host/outbox/outbox.ts `Outbox`). */
export interface DiagnosticsOutbox {
  list(state?: OutboxState): OutboxEntry[];
  /** Makes pending entries due now; returns how many. */
  makeDue(): number;
  wake(): void;
}

/** The authority as the technician sees it; built from AuthorityClient and the terminal identity. */
export interface DiagnosticsAuthority {
  /** The configured base URL (or `embedded`). */
  url: string;
  enrollment(): { terminalId: string; authorityId: string } | null;
  /** GET /v1/time; throws when unreachable. */
  measureClockSkew(): Promise<{ skewSeconds: number; withinAllowance: boolean }>;
  /** POST /v1/terminals with a single-use token (authority-protocol.md "Keys and identities"). */
  enroll(enrollmentToken: string, name: string): Promise<{ terminalId: string; authorityId: string }>;
}

/** One scan from the MRZ scanner (serial or HID wedge), as text lines. */
export interface DiagnosticsMrzScanner {
  scanOnce(signal: AbortSignal): Promise<string[]>;
}

export interface DiagnosticsPolicy {
  policyVersion: string;
  targetFmr: number | null;
  matchers: Array<{ name: string; version: string; threshold: number }>;
}

/** A reader opened for one test, with the way to release it (and its simulator, if any). */
export interface OpenedCardReader {
  reader: CardReader;
  close(): Promise<void>;
}

export interface DiagnosticsPorts {
  audit?: DiagnosticsAuditLog;
  outbox?: DiagnosticsOutbox;
  authority?: DiagnosticsAuthority;
  /** Opens the configured reader for a test (the simulator under `sim:` URIs); closed after the test. */
  openReader?: () => Promise<OpenedCardReader>;
  mrzScanner?: DiagnosticsMrzScanner;
  /** The last session policy from the authority (thresholds), if one is cached. */
  policy?: () => DiagnosticsPolicy | null;
  listDevices?: () => Promise<DeviceListing>;
}
