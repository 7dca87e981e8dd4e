/**
 * What the citizen's screen shows, as decided by the host's session machine, and the events the
 * screen sends back. Environment-free (shared with the renderer).
 *
 * The screen state is PII-free by construction: no name, MRZ, document number, portrait or face
 * data ever appears in it (the schemas are strict, so an extra member fails validation in the
 * host before it is broadcast). Only the one-time bind code the citizen is typing, the session's
 * QR string and the authority's receipt ID cross here.
 */
import { z } from 'zod';

export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;

/** Why a document was refused, in words the citizen can act on. */
export const DocumentRejection = z.enum([
  'tampered', // a data group does not match the SOD's hash (ICAO 9303-11 §5.1)
  'untrusted-issuer', // the DSC does not chain to a trusted CSCA, or is revoked
  'clone', // Active/Chip Authentication failed
  'expired',
  'unreadable',
  'access-denied', // BAC/PACE refused the access key
  'unsupported',
]);
export type DocumentRejection = z.infer<typeof DocumentRejection>;

export const FailureReason = z.union([
  DocumentRejection,
  z.enum([
    'no-match', // the face did not match after the retry limit
    'not-live',
    'bind-attempts', // 5th wrong bind code (authority-protocol.md §2)
    'session-expired',
    'holder-mismatch', // the card is not the bound account's
    'policy',
    'submission-rejected',
    'internal',
  ]),
]);
export type FailureReason = z.infer<typeof FailureReason>;

export const OutOfServiceReason = z.enum(['reader', 'camera', 'authority', 'matcher-not-approved', 'internal']);
export type OutOfServiceReason = z.infer<typeof OutOfServiceReason>;

const Common = {
  /** Increases with every new citizen session; the renderer drops its local state when it changes. */
  session: z.number().int().nonnegative(),
  /** Seconds left before the inactivity reset, shown once the warning period starts. */
  idleSecondsLeft: z.number().int().nonnegative().nullable(),
};

// One nested union on `outcome`: zod refuses duplicate discriminator values in one discriminatedUnion.
const ResultScreen = z.discriminatedUnion('outcome', [
  z.strictObject({ ...Common, screen: z.literal('result'), outcome: z.literal('success'), receiptId: z.string().max(200) }),
  z.strictObject({ ...Common, screen: z.literal('result'), outcome: z.literal('queued') }),
  z.strictObject({ ...Common, screen: z.literal('result'), outcome: z.literal('failure'), reason: FailureReason, canRetry: z.boolean() }),
  z.strictObject({ ...Common, screen: z.literal('result'), outcome: z.literal('referral'), reason: FailureReason }),
]);

export const ScreenState = z.discriminatedUnion('screen', [
  z.strictObject({ ...Common, screen: z.literal('attract') }),
  z.strictObject({ ...Common, screen: z.literal('consent'), textVersion: z.string() }),
  z.strictObject({ ...Common, screen: z.literal('opening') }),
  z.strictObject({
    ...Common,
    screen: z.literal('binding'),
    qr: z.string().max(512),
    /** The fallback code typed so far (a one-time code from the app, not personal data). */
    code: z.string().regex(/^\d{0,8}$/),
    checking: z.boolean(),
    codeError: z.enum(['bad-code']).nullable(),
    triesLeft: z.number().int().nonnegative().nullable(),
  }),
  z.strictObject({
    ...Common,
    screen: z.literal('card'),
    phase: z.enum(['waiting', 'reading', 'removed', 'verifying']),
    /** Driven by the bytes actually read from the chip. */
    progress: z.strictObject({ bytesRead: z.number().int().nonnegative(), bytesTotal: z.number().int().positive() }).nullable(),
  }),
  z.strictObject({
    ...Common,
    screen: z.literal('access-key'),
    /** `mrz`: document number + dates (BAC/PACE-MRZ); `can`: the 6-digit card access number. */
    kind: z.enum(['mrz', 'can']),
    error: z.enum(['access-denied']).nullable(),
  }),
  z.strictObject({
    ...Common,
    screen: z.literal('face'),
    attempt: z.number().int().positive(),
    maxAttempts: z.number().int().positive(),
    /** The previous attempt's outcome, so the screen can say why it is asking again. */
    lastOutcome: z.enum(['no-match', 'not-live']).nullable(),
    livenessRequired: z.boolean(),
    /** The approved matchers; the renderer's matcher must be one of them with this threshold. */
    matchers: z.array(z.strictObject({ name: z.string(), version: z.string(), model_sha256: z.string(), threshold: z.number() })),
  }),
  z.strictObject({ ...Common, screen: z.literal('submitting') }),
  ResultScreen,
  z.strictObject({ ...Common, screen: z.literal('out-of-service'), reason: OutOfServiceReason }),
]);
export type ScreenState = z.infer<typeof ScreenState>;
export type ScreenName = ScreenState['screen'];

export const KeypadKey = z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'back', 'clear']);
export type KeypadKey = z.infer<typeof KeypadKey>;

/** MRZ fields (ICAO 9303-11 §4.3.1 document basic access key) or a CAN, typed on the touch keyboard. */
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

/**
 * The face decision from the renderer: the matcher's identity, the score against its threshold
 * and the liveness result. No image, template or embedding.
 */
export const FaceDecision = z.strictObject({
  matcher: z.strictObject({
    name: z.string().min(1).max(100),
    version: z.string().min(1).max(50),
    model_sha256: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  }),
  score: z.number().finite(),
  threshold: z.number().finite(),
  liveness: z.strictObject({ method: z.string().min(1).max(100), result: z.enum(['live', 'not-live']), score: z.number().finite() }),
  /** Frames considered and the camera's label (attestation `bio.capture`, authority spec §3). */
  capture: z.strictObject({ frames: z.number().int().nonnegative(), camera: z.string().max(200) }),
});
export type FaceDecision = z.infer<typeof FaceDecision>;

/** The chip portrait for the renderer's face worker, in memory only for the face step. */
export const FaceReference = z.strictObject({
  /** `image/jpeg`, or RGBA decoded by the host when the chip holds JPEG 2000. */
  format: z.enum(['image/jpeg', 'rgba']),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  /** base64 */
  data: z.string(),
});
export type FaceReference = z.infer<typeof FaceReference>;
