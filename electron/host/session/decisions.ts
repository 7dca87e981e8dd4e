/**
 * The session's decisions as pure functions of plain data: policy checks, the face verdict,
 * retry limits and failure mapping. The state machine only calls these.
 */
import type { SessionPolicy } from '../authority-client/protocol';
import type { AttestationDocument } from '../attestation/schema';

export interface MatcherIdentity {
  name: string;
  version: string;
  model_sha256: string;
}

export interface FaceDecisionInput {
  matcher: MatcherIdentity;
  score: number;
  threshold: number;
  liveness: { method: string; result: 'live' | 'not-live'; score: number };
  capture: { frames: number; camera: string };
}

/** The policy entry for our matcher (name, version and model hash all equal), if the authority approved it. */
export function approvedMatcher(policy: SessionPolicy, ours: MatcherIdentity): SessionPolicy['matchers'][number] | undefined {
  return policy.matchers.find((m) => m.name === ours.name && m.version === ours.version && m.model_sha256 === ours.model_sha256);
}

export type FaceVerdict =
  | { kind: 'match' }
  | { kind: 'retry'; outcome: 'no-match' | 'not-live' }
  | { kind: 'referral'; reason: 'no-match' | 'not-live' }
  | { kind: 'refused'; reason: 'matcher-not-approved' | 'threshold-mismatch' };

export const DEFAULT_MAX_FACE_ATTEMPTS = 3;

/**
 * Judges one face attempt against the session's policy (§3 step 7 rules, applied before we sign):
 * the matcher must be approved, the threshold must be the policy's, liveness as required, and
 * `score ≥ threshold`. A failed attempt is retried until `maxAttempts`, then staff take over.
 */
export function judgeFace(decision: FaceDecisionInput, policy: SessionPolicy, attempt: number, maxAttempts = DEFAULT_MAX_FACE_ATTEMPTS): FaceVerdict {
  const entry = approvedMatcher(policy, decision.matcher);
  if (!entry) return { kind: 'refused', reason: 'matcher-not-approved' };
  if (decision.threshold !== entry.threshold) return { kind: 'refused', reason: 'threshold-mismatch' };
  let outcome: 'no-match' | 'not-live' | undefined;
  if (policy.liveness_required && decision.liveness.result !== 'live') outcome = 'not-live';
  else if (!(decision.score >= entry.threshold)) outcome = 'no-match';
  if (!outcome) {
    // An attestation requires liveness "live" even where policy does not (§3: only live decisions are submitted).
    return decision.liveness.result === 'live' ? { kind: 'match' } : { kind: 'retry', outcome: 'not-live' };
  }
  return attempt >= maxAttempts ? { kind: 'referral', reason: outcome } : { kind: 'retry', outcome };
}

/** Does the document as read satisfy the policy's chip-authentication requirement? */
export function documentMeetsPolicy(doc: AttestationDocument, policy: SessionPolicy): boolean {
  if (!policy.chip_auth_required) return true;
  return doc.chip_auth.result === 'valid';
}

/** Maximum wrong access keys (MRZ/CAN) before the citizen is sent to staff. */
export const MAX_ACCESS_KEY_ATTEMPTS = 3;

export type SubmissionFailure = 'holder-mismatch' | 'policy' | 'session-expired' | 'submission-rejected' | 'tampered';

/** Maps a final problem code from the authority (§3, problem table) to what the citizen is told. */
export function failureForProblem(problem: string): SubmissionFailure {
  switch (problem) {
    case 'holder-mismatch':
      return 'holder-mismatch';
    case 'policy':
      return 'policy';
    case 'session-state':
    case 'stale':
      return 'session-expired';
    case 'document-invalid':
      return 'tampered';
    default:
      return 'submission-rejected';
  }
}

/** Keypad editing of the 8-digit bind code. */
export function editCode(code: string, key: string): string {
  if (key === 'back') return code.slice(0, -1);
  if (key === 'clear') return '';
  if (/^\d$/.test(key) && code.length < 8) return code + key;
  return code;
}

export const isCompleteCode = (code: string): boolean => /^\d{8}$/.test(code);
