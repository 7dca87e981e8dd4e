/**
 * The PII-free screen state the renderer renders, and the inputs the renderer sends back, as zod
 * schemas. Environment-free (zod only, no Node, no DOM) so it can move to electron/common/ as the
 * renderer↔host contract. Member names follow electron/common/session-state.ts; unlike that draft,
 * the four `result` screens are one nested union on `outcome` (zod refuses duplicate
 * discriminator values in one discriminatedUnion).
 *
 * PII-free by construction: strict objects, so an extra member (a name, an MRZ, a portrait) fails
 * validation before the state leaves the host. Only the bind code being typed, the session QR and
 * the receipt id cross here.
 */
import { z } from 'zod';

export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;

/** Why a document was refused, in words the citizen can act on. */
export const DocumentRejection = z.enum(['tampered', 'untrusted-issuer', 'clone', 'expired', 'unreadable', 'access-denied', 'unsupported']);
export type DocumentRejection = z.infer<typeof DocumentRejection>;

export const FailureReason = z.union([
  DocumentRejection,
  z.enum(['no-match', 'not-live', 'bind-attempts', 'session-expired', 'holder-mismatch', 'policy', 'submission-rejected', 'internal']),
]);
export type FailureReason = z.infer<typeof FailureReason>;

export const OutOfServiceReason = z.enum(['reader', 'camera', 'authority', 'matcher-not-approved', 'internal']);
export type OutOfServiceReason = z.infer<typeof OutOfServiceReason>;

const Common = {
  /** Increases with every new citizen session; the renderer drops its local state when it changes. */
  session: z.number().int().nonnegative(),
  /** Seconds left before the inactivity reset, once the warning period starts (null otherwise). */
  idleSecondsLeft: z.number().int().nonnegative().nullable(),
};

const ResultScreen = z.discriminatedUnion('outcome', [
  z.strictObject({ ...Common, screen: z.literal('result'), outcome: z.literal('success'), receiptId: z.string().max(200) }),
  z.strictObject({ ...Common, screen: z.literal('result'), outcome: z.literal('queued') }),
  z.strictObject({ ...Common, screen: z.literal('result'), outcome: z.literal('failure'), reason: FailureReason, canRetry: z.boolean() }),
  z.strictObject({ ...Common, screen: z.literal('result'), outcome: z.literal('referral'), reason: FailureReason }),
]);

const ApprovedMatcher = z.strictObject({ name: z.string(), version: z.string(), model_sha256: z.string(), threshold: z.number() });

export const ScreenState = z.discriminatedUnion('screen', [
  z.strictObject({ ...Common, screen: z.literal('attract') }),
  z.strictObject({ ...Common, screen: z.literal('consent'), textVersion: z.string() }),
  z.strictObject({ ...Common, screen: z.literal('opening') }),
  z.strictObject({
    ...Common,
    screen: z.literal('binding'),
    qr: z.string().max(512),
    code: z.string().regex(/^\d{0,8}$/),
    checking: z.boolean(),
    codeError: z.enum(['bad-code']).nullable(),
    triesLeft: z.number().int().nonnegative().nullable(),
  }),
  z.strictObject({
    ...Common,
    screen: z.literal('card'),
    phase: z.enum(['waiting', 'reading', 'removed', 'verifying']),
    progress: z.strictObject({ bytesRead: z.number().int().nonnegative(), bytesTotal: z.number().int().positive() }).nullable(),
  }),
  z.strictObject({ ...Common, screen: z.literal('access-key'), kind: z.enum(['mrz', 'can']), error: z.enum(['access-denied']).nullable() }),
  z.strictObject({
    ...Common,
    screen: z.literal('face'),
    attempt: z.number().int().positive(),
    maxAttempts: z.number().int().positive(),
    lastOutcome: z.enum(['no-match', 'not-live']).nullable(),
    livenessRequired: z.boolean(),
    matchers: z.array(ApprovedMatcher),
  }),
  z.strictObject({ ...Common, screen: z.literal('submitting') }),
  ResultScreen,
  z.strictObject({ ...Common, screen: z.literal('out-of-service'), reason: OutOfServiceReason }),
]);
export type ScreenState = z.infer<typeof ScreenState>;

/** Renderer → host inputs. */
export const KeypadKey = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'back', 'clear']);
export type KeypadKey = z.infer<typeof KeypadKey>;

/** MRZ fields (ICAO 9303-11 §4.3.1 document basic access key) or a CAN; memory only, wiped with the session. */
export const AccessKeyInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('mrz'),
    documentNumber: z.string().regex(/^[A-Z0-9<]{1,22}$/),
    birthDate: z.string().regex(/^\d{6}$/),
    expiryDate: z.string().regex(/^\d{6}$/),
  }),
  z.strictObject({ kind: z.literal('can'), can: z.string().regex(/^\d{6}$/) }),
]);
export type AccessKeyInput = z.infer<typeof AccessKeyInput>;

/** The renderer's face decision: matcher identity, score against threshold, liveness. No image or template. */
export const FaceDecision = z.strictObject({
  matcher: z.strictObject({
    name: z.string().min(1).max(100),
    version: z.string().min(1).max(50),
    model_sha256: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  }),
  score: z.number().finite(),
  threshold: z.number().finite(),
  liveness: z.strictObject({ method: z.string().min(1).max(100), result: z.enum(['live', 'not-live']), score: z.number().finite() }),
  capture: z.strictObject({ frames: z.number().int().nonnegative(), camera: z.string().max(200) }),
});
export type FaceDecision = z.infer<typeof FaceDecision>;

/** The chip portrait for the renderer's face worker, handed out only while the face screen is shown. */
export const FaceReference = z.strictObject({
  format: z.enum(['image/jpeg', 'rgba']),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  data: z.string(),
});
export type FaceReference = z.infer<typeof FaceReference>;

/** The parts of the machine snapshot the projection reads (kept structural so this stays environment-free). */
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
