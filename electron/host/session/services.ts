/**
 * What the session machine needs from the outside world. Each is an interface so the machine runs
 * against fakes in tests and is wired to the real reader, chip, face and authority code by the host.
 */
import type { AccessKeyInput, DocumentRejection, FaceReference } from './screen-state';
import type { AuditEvent } from '../audit/events';
import type { DecidedUpgrade } from '../attestation/attestation';
import type { AttestationDocument } from '../attestation/schema';
import type { BindResponse, CscaList, OpenedSession, SessionStateName, SessionStatus } from '../authority-client/protocol';
import type { MatcherIdentity } from './decisions';

/** The authority calls a session makes (AuthorityClient implements this). */
export interface SessionAuthority {
  openSession(): Promise<OpenedSession>;
  waitSession(sessionId: string, lastState: SessionStateName | undefined, waitSeconds: number, signal?: AbortSignal): Promise<SessionStatus>;
  bindCode(sessionId: string, code: string): Promise<BindResponse>;
  cscaList(): Promise<{ list: CscaList }>;
}

export interface ReadProgress {
  phase: 'reading' | 'verifying';
  bytesRead: number;
  bytesTotal: number;
}

export interface ReadDocumentRequest {
  /** What the citizen typed, when the chip needed it (BAC/PACE); null on the first try. */
  accessKey: AccessKeyInput | null;
  /** The session's 8-byte Active Authentication challenge, hex (authority-protocol.md §1). */
  aaChallenge: string;
  /** Trust anchors for passive authentication. */
  csca: CscaList;
  signal: AbortSignal;
  onProgress(progress: ReadProgress): void;
}

/** A document read, verified (PA, chip authentication) and reduced to what the attestation carries. */
export interface ReadDocumentSuccess {
  kind: 'ok';
  /** `doc` of the attestation (§3). */
  document: AttestationDocument;
  /** The chip portrait, for the face step only (memory, never disk). */
  portrait: FaceReference;
  /** Identifier for the audit pseudonym (HMAC'd before it is written). */
  documentNumber: string;
}

export type ReadDocumentOutcome =
  | ReadDocumentSuccess
  | { kind: 'access-key-needed'; accessKind: 'mrz' | 'can' }
  | { kind: 'access-denied'; accessKind: 'mrz' | 'can' }
  | { kind: 'rejected'; reason: DocumentRejection }
  | { kind: 'removed' };

/** The card reader plus chip and document verification (hardware/ccid…, hardware/icao…). */
export interface DocumentReaderService {
  /** Resolves when a card is on the reader. */
  waitForCard(signal: AbortSignal): Promise<void>;
  readDocument(request: ReadDocumentRequest): Promise<ReadDocumentOutcome>;
  /** Optional: notifies a card removal while reading. Returns an unsubscribe function. */
  onCardRemoved?(listener: () => void): () => void;
}

/** The reader itself failed (unplugged, no driver): the kiosk goes out of service. */
export class ReaderUnavailableError extends Error {
  override readonly name = 'ReaderUnavailableError';
  readonly code = 'reader-unavailable';
}

export type DeliveryResult =
  | { state: 'delivered'; receiptId: string }
  | { state: 'pending' }
  | { state: 'rejected'; problem: string }
  | { state: 'expired' };

/** Audit log, attestation and outbox, as the session uses them. */
export interface DecisionRecorder {
  record(event: AuditEvent): void;
  pseudonym(value: string): string;
  /** Signs and queues the attestation (outbox + audit, one transaction). The commit point. */
  queue(upgrade: DecidedUpgrade): Promise<{ jti: string }>;
  /** One immediate delivery attempt; a pending result is delivered later by the outbox loop. */
  deliverNow(jti: string): Promise<DeliveryResult>;
}

export interface SessionServices {
  authority: SessionAuthority;
  reader: DocumentReaderService;
  recorder: DecisionRecorder;
  identity: { terminalId: string; authorityId: string };
  sw: { name: string; version: string; build: string };
  /** The face matcher this kiosk runs (checked against policy.matchers before the citizen starts). */
  matcher: MatcherIdentity;
  consentTextVersion: string;
  now(): number;
}

/** Every waiting state has a bound (ms). */
export interface SessionTimeouts {
  consent: number;
  /** Opening the authority session (the client has its own request timeout; this bounds any SessionAuthority). */
  opening: number;
  binding: number;
  cardWait: number;
  cardRead: number;
  accessKey: number;
  face: number;
  submitting: number;
  result: number;
  outOfService: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = {
  consent: 60_000,
  opening: 30_000,
  binding: 300_000,
  cardWait: 90_000,
  cardRead: 45_000,
  accessKey: 120_000,
  face: 60_000,
  submitting: 20_000,
  result: 20_000,
  outOfService: 30_000,
};
