/**
 * The projection from the session machine's state to the PII-free screen state the renderer
 * renders. The schemas themselves are the renderer↔host contract in
 * electron/common/session-state.ts; they are re-exported here for the host's modules.
 */
import {
  AccessKeyInput,
  DocumentRejection,
  FaceDecision,
  FaceReference,
  FailureReason,
  KeypadKey,
  Locale,
  OutOfServiceReason,
  ScreenState,
} from '../../common/session-state';

export { AccessKeyInput, DocumentRejection, FaceDecision, FaceReference, FailureReason, KeypadKey, Locale, OutOfServiceReason, ScreenState };

export interface ScreenSource {
  /** The machine's state value, e.g. `'idle'` or `{ document: 'reading' }`. */
  value: string | Record<string, unknown>;
  context: {
    sessionNumber: number;
    opened: { qr: string; policy: { liveness_required: boolean; matchers: Array<{ name: string; version: string; model_sha256: string; threshold: number }> } } | null;
    code: string;
    codeError: 'bad-code' | null;
    triesLeft: number | null;
    accessKind: 'mrz' | 'can' | null;
    accessKeyError: 'access-denied' | null;
    cardPhase: 'waiting' | 'reading' | 'removed' | 'verifying';
    progress: { bytesRead: number; bytesTotal: number } | null;
    faceAttempt: number;
    lastFaceOutcome: 'no-match' | 'not-live' | null;
    result:
      | { outcome: 'success'; receiptId: string }
      | { outcome: 'queued' }
      | { outcome: 'failure'; reason: string; canRetry: boolean }
      | { outcome: 'referral'; reason: string }
      | null;
    outOfService: string | null;
  };
}

export interface ScreenOptions {
  consentTextVersion: string;
  maxFaceAttempts: number;
  idleSecondsLeft?: number | null;
}

/** Projects the machine state to what the screen shows; validated, so PII cannot slip through. */
export function toScreenState(source: ScreenSource, options: ScreenOptions): ScreenState {
  const c = source.context;
  const common = { session: c.sessionNumber, idleSecondsLeft: options.idleSecondsLeft ?? null };
  const top = typeof source.value === 'string' ? source.value : (Object.keys(source.value)[0] ?? 'idle');
  const sub = typeof source.value === 'string' ? undefined : (source.value[top] as unknown);
  let screen: unknown;
  switch (top) {
    case 'consent':
      screen = { ...common, screen: 'consent', textVersion: options.consentTextVersion };
      break;
    case 'opening':
      screen = { ...common, screen: 'opening' };
      break;
    case 'binding':
      screen = {
        ...common,
        screen: 'binding',
        qr: c.opened?.qr ?? '',
        code: c.code,
        checking: sub === 'checking',
        codeError: c.codeError,
        triesLeft: c.triesLeft,
      };
      break;
    case 'document':
      screen =
        sub === 'accessKey'
          ? { ...common, screen: 'access-key', kind: c.accessKind ?? 'mrz', error: c.accessKeyError }
          : { ...common, screen: 'card', phase: c.cardPhase, progress: c.progress };
      break;
    case 'face':
      screen = {
        ...common,
        screen: 'face',
        attempt: c.faceAttempt,
        maxAttempts: options.maxFaceAttempts,
        lastOutcome: c.lastFaceOutcome,
        livenessRequired: c.opened?.policy.liveness_required ?? true,
        matchers: (c.opened?.policy.matchers ?? []).map(({ name, version, model_sha256, threshold }) => ({ name, version, model_sha256, threshold })),
      };
      break;
    case 'decision':
    case 'submission':
      screen = { ...common, screen: 'submitting' };
      break;
    case 'result':
      screen = c.result ? { ...common, screen: 'result', ...c.result } : { ...common, screen: 'attract' };
      break;
    case 'outOfService':
      screen = { ...common, screen: 'out-of-service', reason: c.outOfService ?? 'internal' };
      break;
    default:
      screen = { ...common, screen: 'attract' };
  }
  return ScreenState.parse(screen);
}
