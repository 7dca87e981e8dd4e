import type { Attestation } from './attestation';
import type { MatcherEntry } from './config';

/** The policy a session is judged by (returned by POST /v1/sessions). */
export interface SessionPolicy {
  policy_version: string;
  target_fmr: number;
  matchers: Pick<MatcherEntry, 'name' | 'version' | 'model_sha256' | 'threshold'>[];
  liveness_required: boolean;
  chip_auth_required: boolean;
}

/** Step 7: the reason the attestation does not satisfy the session's policy, or null. */
export function policyViolation(a: Attestation, policy: SessionPolicy): string | null {
  if (a.policy_version !== policy.policy_version) return 'policy_version is not the session policy';
  const m = a.bio.matcher;
  const entry = policy.matchers.find(
    (e) => e.name === m.name && e.version === m.version && e.model_sha256 === m.model_sha256,
  );
  if (!entry) return 'bio.matcher is not an approved matcher';
  if (a.bio.threshold !== entry.threshold) return 'bio.threshold is not the approved threshold';
  if (a.bio.target_fmr !== policy.target_fmr) return 'bio.target_fmr is not the policy target';
  if (!(a.bio.score >= entry.threshold)) return 'bio.score is below the threshold';
  if (a.bio.decision !== 'match') return 'bio.decision is not match';
  if (policy.liveness_required && a.bio.liveness.result !== 'live') return 'liveness is required';
  if (policy.chip_auth_required && a.doc.chip_auth.result !== 'valid') return 'chip authentication is required';
  return null;
}
