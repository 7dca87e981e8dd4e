/**
 * Liveness: a randomised active challenge (blink, turn head left/right) verified from landmark
 * measures over time, a passive presentation-attack check (a photo or a screen is a plane: its
 * landmarks move by an affine map, a head turning in 3-D does not), and a camera allowlist
 * against injected virtual cameras. Pure functions and a pure state machine; the clock is the
 * frames' own timestamps.
 */
import { estimateAffine, affineResidual } from './planarity';
import type { HeadPose, Point } from './types';

export type ChallengeStep = 'blink' | 'turn-left' | 'turn-right';

export const CHALLENGE_GUIDANCE: Record<ChallengeStep, string> = {
  blink: 'face.challenge.blink',
  'turn-left': 'face.challenge.turnLeft',
  'turn-right': 'face.challenge.turnRight',
};

export interface ChallengeLimits {
  /** Yaw (degrees) the head must pass for a turn. */
  turnYaw: number;
  /** Yaw within which the head counts as facing the camera again. */
  frontalYaw: number;
  /**
   * Blink thresholds on the eye aspect ratio (EAR), relative to the person's own open level
   * (the highest EAR seen in the step), bounded: eyes are closed at or below
   * clamp(closedRatio × open level, eyeClosed, eyeClosedCeiling) and open again at or above
   * max(eyeOpen, reopenRatio × open level). Relative, because this mesh reads real closed eyes
   * at 0.10–0.13 and narrow open eyes at 0.15–0.20 (docs/FACE.md), so fixed cut-offs refuse
   * genuine blinks.
   */
  eyeOpen: number;
  eyeClosed: number;
  eyeClosedCeiling: number;
  closedRatio: number;
  reopenRatio: number;
  /** Longest a closed-eye phase of a blink may last (ms). */
  maxBlinkMs: number;
  /** Time allowed per step (ms). */
  stepTimeoutMs: number;
  /** Longest the face may be missing or doubled (ms). */
  maxFaceLossMs: number;
}

export const DEFAULT_CHALLENGE_LIMITS: ChallengeLimits = {
  turnYaw: 18,
  frontalYaw: 10,
  eyeOpen: 0.15,
  eyeClosed: 0.13,
  eyeClosedCeiling: 0.16,
  closedRatio: 0.6,
  reopenRatio: 0.8,
  maxBlinkMs: 600,
  stepTimeoutMs: 7000,
  maxFaceLossMs: 1000,
};

/**
 * Two steps: one blink and one turn, in random order, turn direction random. `random` is injected
 * (crypto-backed in the kiosk, seeded in tests).
 */
export function createChallenge(random: () => number): ChallengeStep[] {
  const turn: ChallengeStep = random() < 0.5 ? 'turn-left' : 'turn-right';
  return random() < 0.5 ? ['blink', turn] : [turn, 'blink'];
}

/** A uniform [0,1) source backed by crypto.getRandomValues. */
export function cryptoRandom(): number {
  const b = new Uint32Array(1);
  crypto.getRandomValues(b);
  return (b[0] ?? 0) / 2 ** 32;
}

export interface LivenessSample {
  /** Frame timestamp, ms. */
  t: number;
  faceCount: number;
  pose?: HeadPose;
  eyeOpen?: number;
}

export type ChallengeFailure = 'timeout' | 'face-lost' | 'several-faces';

export interface ChallengeState {
  steps: ChallengeStep[];
  index: number;
  stepStartedAt: number | null;
  /** Blink sub-phase / turn sub-phase. */
  phase: 'await-open' | 'await-close' | 'await-reopen' | 'await-turn' | 'await-return';
  closedAt: number | null;
  /** Highest eye aspect ratio seen in the current blink step (the person's open level). */
  openLevel: number | null;
  lastFaceAt: number | null;
  completedAt: number | null;
  failure: ChallengeFailure | null;
}

export function startChallenge(steps: ChallengeStep[]): ChallengeState {
  return { steps, index: 0, stepStartedAt: null, phase: initialPhase(steps[0]), closedAt: null, openLevel: null, lastFaceAt: null, completedAt: null, failure: null };
}

function initialPhase(step: ChallengeStep | undefined): ChallengeState['phase'] {
  return step === 'blink' ? 'await-open' : 'await-turn';
}

export function challengeDone(s: ChallengeState): boolean {
  return s.completedAt !== null;
}

/** The guidance key for the current step (or null once finished). */
export function challengePrompt(s: ChallengeState): string | null {
  if (s.failure || s.completedAt !== null) return null;
  const step = s.steps[s.index];
  return step ? CHALLENGE_GUIDANCE[step] : null;
}

/** Advances the challenge by one frame. Never mutates its input. */
export function advanceChallenge(prev: ChallengeState, x: LivenessSample, limits: ChallengeLimits = DEFAULT_CHALLENGE_LIMITS): ChallengeState {
  if (prev.failure || prev.completedAt !== null) return prev;
  const s: ChallengeState = { ...prev };
  if (s.stepStartedAt === null) s.stepStartedAt = x.t;
  if (x.faceCount !== 1 || !x.pose || x.eyeOpen === undefined) {
    const since = s.lastFaceAt ?? s.stepStartedAt;
    if (x.t - since > limits.maxFaceLossMs) s.failure = x.faceCount > 1 ? 'several-faces' : 'face-lost';
    return s;
  }
  s.lastFaceAt = x.t;
  if (x.t - s.stepStartedAt > limits.stepTimeoutMs) {
    s.failure = 'timeout';
    return s;
  }
  const step = s.steps[s.index];
  let stepDone = false;
  if (step === 'blink') {
    if (s.phase !== 'await-reopen') s.openLevel = Math.max(s.openLevel ?? 0, x.eyeOpen);
    const open = s.openLevel ?? x.eyeOpen;
    const closedAtOrBelow = Math.min(limits.eyeClosedCeiling, Math.max(limits.eyeClosed, limits.closedRatio * open));
    const openAtOrAbove = Math.max(limits.eyeOpen, limits.reopenRatio * open);
    if (s.phase === 'await-open' && x.eyeOpen >= limits.eyeOpen) s.phase = 'await-close';
    else if (s.phase === 'await-close' && x.eyeOpen <= closedAtOrBelow) {
      s.phase = 'await-reopen';
      s.closedAt = x.t;
    } else if (s.phase === 'await-reopen') {
      if (x.eyeOpen >= openAtOrAbove) {
        // A blink is brief; eyes held shut (or a photo swapped in) is not a blink.
        if (s.closedAt !== null && x.t - s.closedAt <= limits.maxBlinkMs) stepDone = true;
        else s.phase = 'await-close';
      }
    }
  } else if (step === 'turn-left' || step === 'turn-right') {
    // Camera image, not mirrored: the subject turning to their left shows positive yaw.
    const signed = step === 'turn-left' ? x.pose.yaw : -x.pose.yaw;
    if (s.phase === 'await-turn' && signed >= limits.turnYaw) s.phase = 'await-return';
    else if (s.phase === 'await-return' && Math.abs(x.pose.yaw) <= limits.frontalYaw) stepDone = true;
  }
  if (stepDone) {
    s.index += 1;
    s.closedAt = null;
    s.openLevel = null;
    s.stepStartedAt = x.t;
    if (s.index >= s.steps.length) s.completedAt = x.t;
    else s.phase = initialPhase(s.steps[s.index]);
  }
  return s;
}

export interface PlanarityLimits {
  /** Frames needed before the passive check can decide. */
  minFrames: number;
  /** Residual (fraction of inter-ocular distance) above which the motion is 3-D. */
  minResidual: number;
  /** Mean face-region luma change (0..255) below which the image is frozen. */
  minMotion: number;
}

export const DEFAULT_PLANARITY_LIMITS: PlanarityLimits = { minFrames: 8, minResidual: 0.06, minMotion: 0.4 };

export interface PassiveEvidence {
  /** Landmark sets (a fixed subset, pixels), one per frame with one face. */
  shapes: Point[][];
  /** Inter-ocular distance per frame (pixels). */
  interOcular: number[];
  /** Face-region luma change per frame. */
  motion: number[];
}

export interface PassiveResult {
  live: boolean;
  /** 0..1: how clearly the face moved non-rigidly (1 = clearly 3-D). */
  score: number;
  reason: 'ok' | 'too-few-frames' | 'frozen' | 'planar';
  residual: number;
}

/**
 * Passive presentation-attack check. A printed photo or a screen held to the camera is a plane:
 * across frames its landmarks are related by (close to) one affine map. A head that turns shows
 * parallax between nose, cheeks and eyes which no affine map explains. A frozen image (no pixel
 * change at all) is rejected outright.
 */
export function passiveCheck(e: PassiveEvidence, limits: PlanarityLimits = DEFAULT_PLANARITY_LIMITS): PassiveResult {
  const n = e.shapes.length;
  if (n < limits.minFrames) return { live: false, score: 0, reason: 'too-few-frames', residual: 0 };
  const motion = median(e.motion);
  const base = e.shapes[0]!;
  let worst = 0;
  for (let i = 1; i < n; i++) {
    const shape = e.shapes[i]!;
    const iod = e.interOcular[i] ?? 1;
    const a = estimateAffine(base, shape);
    worst = Math.max(worst, affineResidual(a, base, shape) / (iod || 1));
  }
  const score = Math.max(0, Math.min(1, worst / (2 * limits.minResidual)));
  if (motion < limits.minMotion) return { live: false, score: 0, reason: 'frozen', residual: worst };
  if (worst < limits.minResidual) return { live: false, score, reason: 'planar', residual: worst };
  return { live: true, score, reason: 'ok', residual: worst };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface CameraPolicy {
  /** Substrings (case-insensitive); when non-empty the camera label must contain one of them. */
  allow: string[];
  /** Substrings that are always refused (virtual / injected cameras). */
  deny: string[];
}

/** Known virtual-camera drivers, refused unless an operator removes them deliberately. */
export const KNOWN_VIRTUAL_CAMERAS = ['obs virtual', 'obs-camera', 'manycam', 'snap camera', 'xsplit', 'e2esoft', 'vcam', 'camtwist', 'mmhmm', 'droidcam', 'iriun', 'epoccam', 'v4l2loopback', 'dummy video', 'virtual', 'fake'];

export const DEFAULT_CAMERA_POLICY: CameraPolicy = { allow: [], deny: KNOWN_VIRTUAL_CAMERAS };

export function cameraAllowed(label: string, policy: CameraPolicy = DEFAULT_CAMERA_POLICY): boolean {
  const l = label.toLowerCase().trim();
  if (l === '') return false;
  if (policy.deny.some((d) => l.includes(d.toLowerCase()))) return false;
  return policy.allow.length === 0 || policy.allow.some((a) => l.includes(a.toLowerCase()));
}
