/**
 * The face decision: scores from several good frames are fused, compared with the threshold that
 * the authority's session policy lists for this exact matcher, and reported with only what the
 * attestation's `bio` member needs (authority-protocol §3): matcher identity, score, threshold,
 * liveness outcome, frame count and camera label. No image, crop or embedding. Pure functions.
 */
import { hexToB64u, type MatcherManifest } from './matcher-manifest';

/** One entry of `policy.matchers` (authority-protocol §1). */
export interface PolicyMatcher {
  name: string;
  version: string;
  /** b64u SHA-256 of the model file as distributed. */
  model_sha256: string;
  threshold: number;
}

export interface FacePolicy {
  target_fmr: number;
  matchers: PolicyMatcher[];
  liveness_required: boolean;
}

export class MatcherNotApprovedError extends Error {
  readonly code = 'matcher-not-approved';
  constructor(name: string, version: string) {
    super(`matcher ${name} ${version} is not in the authority's policy`);
    this.name = 'MatcherNotApprovedError';
  }
}

export interface MatcherIdentity {
  name: string;
  version: string;
  model_sha256: string;
}

export function matcherIdentity(m: MatcherManifest): MatcherIdentity {
  return { name: m.name, version: m.version, model_sha256: hexToB64u(m.model_sha256) };
}

/** The policy entry for this exact model (name, version and hash must all match), or a typed error. */
export function approvedThreshold(policy: FacePolicy, manifest: MatcherManifest): PolicyMatcher {
  const id = matcherIdentity(manifest);
  const entry = policy.matchers.find((m) => m.name === id.name && m.version === id.version && m.model_sha256 === id.model_sha256);
  if (!entry) throw new MatcherNotApprovedError(id.name, id.version);
  return entry;
}

export interface FusionOptions {
  /** Good frames needed before a decision. */
  minFrames: number;
  /** How many of the latest good frames are fused. */
  maxFrames: number;
}

export const DEFAULT_FUSION: FusionOptions = { minFrames: 3, maxFrames: 7 };

/**
 * Median of the latest good-frame scores: one lucky frame cannot carry a match, one bad frame
 * cannot sink it. Returns null when there are too few frames.
 */
export function fuseScores(scores: readonly number[], opts: FusionOptions = DEFAULT_FUSION): number | null {
  const finite = scores.filter((s) => Number.isFinite(s));
  if (finite.length < opts.minFrames) return null;
  const last = finite.slice(-opts.maxFrames).sort((a, b) => a - b);
  const m = last.length >> 1;
  return last.length % 2 ? last[m]! : (last[m - 1]! + last[m]!) / 2;
}

export interface LivenessOutcome {
  method: string;
  result: 'live' | 'not-live';
  score: number;
}

export interface FaceDecision {
  decision: 'match' | 'no-match';
  matcher: MatcherIdentity;
  score: number;
  threshold: number;
  target_fmr: number;
  liveness: LivenessOutcome;
  capture: { frames: number; camera: string };
}

export type DecisionFailure = 'too-few-frames' | 'camera-not-allowed';

export class DecisionError extends Error {
  constructor(
    readonly code: DecisionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DecisionError';
  }
}

export interface DecisionInput {
  policy: FacePolicy;
  manifest: MatcherManifest;
  scores: readonly number[];
  liveness: LivenessOutcome;
  camera: { label: string; allowed: boolean };
  fusion?: FusionOptions;
}

/** `match` only when the fused score reaches the policy's threshold AND liveness is live (when required). */
export function decide(input: DecisionInput): FaceDecision {
  const entry = approvedThreshold(input.policy, input.manifest);
  if (!input.camera.allowed) throw new DecisionError('camera-not-allowed', 'camera is not on the allowlist');
  const fusion = input.fusion ?? DEFAULT_FUSION;
  const score = fuseScores(input.scores, fusion);
  if (score === null) throw new DecisionError('too-few-frames', `need ${fusion.minFrames} good frames`);
  const live = input.liveness.result === 'live' || !input.policy.liveness_required;
  return {
    decision: score >= entry.threshold && live ? 'match' : 'no-match',
    matcher: matcherIdentity(input.manifest),
    score,
    threshold: entry.threshold,
    target_fmr: input.policy.target_fmr,
    liveness: { ...input.liveness },
    capture: { frames: Math.min(input.scores.length, fusion.maxFrames), camera: input.camera.label },
  };
}
