/**
 * Capture quality gate: decides whether a camera frame is good enough to compare, and if not,
 * which guidance the screen shows (i18n keys under `face.guidance.*`). Pure functions.
 */
import type { HeadPose } from './types';

export interface QualityLimits {
  /** Face box width as a fraction of the frame width. */
  minFaceWidth: number;
  maxFaceWidth: number;
  /** Max distance of the face centre from the frame centre, as a fraction of the frame size. */
  maxOffCentre: number;
  maxYaw: number;
  maxPitch: number;
  maxRoll: number;
  /** Laplacian variance of the aligned crop. */
  minSharpness: number;
  minBrightness: number;
  maxBrightness: number;
  maxClipped: number;
  /** Mean eye aspect ratio below which the eyes count as closed. */
  minEyeOpen: number;
}

export const DEFAULT_QUALITY_LIMITS: QualityLimits = {
  minFaceWidth: 0.18,
  maxFaceWidth: 0.7,
  maxOffCentre: 0.2,
  maxYaw: 20,
  maxPitch: 20,
  maxRoll: 15,
  minSharpness: 40,
  minBrightness: 60,
  maxBrightness: 200,
  maxClipped: 0.2,
  minEyeOpen: 0.14,
};

export interface FrameMeasures {
  frame: { width: number; height: number };
  faceCount: number;
  /** The single face's box, when faceCount === 1. */
  box?: { x: number; y: number; width: number; height: number };
  pose?: HeadPose;
  sharpness?: number;
  brightness?: number;
  clipped?: number;
  eyeOpen?: number;
}

export const GUIDANCE = {
  noFace: 'face.guidance.noFace',
  oneFaceOnly: 'face.guidance.oneFaceOnly',
  moveCloser: 'face.guidance.moveCloser',
  moveBack: 'face.guidance.moveBack',
  centreFace: 'face.guidance.centreFace',
  lookStraight: 'face.guidance.lookStraight',
  raiseChin: 'face.guidance.raiseChin',
  lowerChin: 'face.guidance.lowerChin',
  straightenHead: 'face.guidance.straightenHead',
  holdStill: 'face.guidance.holdStill',
  tooDark: 'face.guidance.tooDark',
  tooBright: 'face.guidance.tooBright',
  openEyes: 'face.guidance.openEyes',
} as const;
export type GuidanceKey = (typeof GUIDANCE)[keyof typeof GUIDANCE];

export type QualityFailure =
  | 'no-face'
  | 'several-faces'
  | 'too-small'
  | 'too-large'
  | 'off-centre'
  | 'yaw'
  | 'pitch-up'
  | 'pitch-down'
  | 'roll'
  | 'blurred'
  | 'too-dark'
  | 'too-bright'
  | 'eyes-closed';

const GUIDANCE_FOR: Record<QualityFailure, GuidanceKey> = {
  'no-face': GUIDANCE.noFace,
  'several-faces': GUIDANCE.oneFaceOnly,
  'too-small': GUIDANCE.moveCloser,
  'too-large': GUIDANCE.moveBack,
  'off-centre': GUIDANCE.centreFace,
  yaw: GUIDANCE.lookStraight,
  'pitch-up': GUIDANCE.lowerChin,
  'pitch-down': GUIDANCE.raiseChin,
  roll: GUIDANCE.straightenHead,
  blurred: GUIDANCE.holdStill,
  'too-dark': GUIDANCE.tooDark,
  'too-bright': GUIDANCE.tooBright,
  'eyes-closed': GUIDANCE.openEyes,
};

export function guidanceFor(failure: QualityFailure): GuidanceKey {
  return GUIDANCE_FOR[failure];
}

export interface QualityVerdict {
  ok: boolean;
  /** Every failed check, most actionable first. */
  failures: QualityFailure[];
  /** The one message to show now (the first failure's), or null when ok. */
  guidance: GuidanceKey | null;
}

/**
 * All checks, in the order a person should fix them: presence, distance, position, pose, then
 * image quality. A measure that was not taken (undefined) fails its check: no silent pass.
 */
export function assessQuality(m: FrameMeasures, limits: QualityLimits = DEFAULT_QUALITY_LIMITS): QualityVerdict {
  const failures: QualityFailure[] = [];
  if (m.faceCount === 0) failures.push('no-face');
  else if (m.faceCount > 1) failures.push('several-faces');
  else {
    const box = m.box;
    if (!box) failures.push('no-face');
    else {
      const rel = box.width / m.frame.width;
      if (rel < limits.minFaceWidth) failures.push('too-small');
      else if (rel > limits.maxFaceWidth) failures.push('too-large');
      const dx = (box.x + box.width / 2) / m.frame.width - 0.5;
      const dy = (box.y + box.height / 2) / m.frame.height - 0.5;
      if (Math.hypot(dx, dy) > limits.maxOffCentre) failures.push('off-centre');
    }
    const pose = m.pose;
    if (!pose) failures.push('yaw');
    else {
      if (Math.abs(pose.yaw) > limits.maxYaw) failures.push('yaw');
      if (pose.pitch > limits.maxPitch) failures.push('pitch-down');
      else if (pose.pitch < -limits.maxPitch) failures.push('pitch-up');
      if (Math.abs(pose.roll) > limits.maxRoll) failures.push('roll');
    }
    if (m.sharpness === undefined || m.sharpness < limits.minSharpness) failures.push('blurred');
    if (m.brightness === undefined || m.brightness < limits.minBrightness) failures.push('too-dark');
    else if (m.brightness > limits.maxBrightness || (m.clipped ?? 1) > limits.maxClipped) failures.push('too-bright');
    if (m.eyeOpen === undefined || m.eyeOpen < limits.minEyeOpen) failures.push('eyes-closed');
  }
  const first = failures[0];
  return { ok: failures.length === 0, failures, guidance: first ? guidanceFor(first) : null };
}
