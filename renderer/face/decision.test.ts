import { describe, expect, it } from 'vitest';
import { approvedThreshold, decide, DecisionError, fuseScores, MatcherNotApprovedError, type FacePolicy } from './decision';
import { DEFAULT_MATCHER, hexToB64u } from './matcher-manifest';

const sha = hexToB64u(DEFAULT_MATCHER.model_sha256);
const policy: FacePolicy = {
  target_fmr: 1e-4,
  liveness_required: true,
  matchers: [
    { name: 'other', version: '1', model_sha256: 'AAAA', threshold: 0.9 },
    { name: DEFAULT_MATCHER.name, version: DEFAULT_MATCHER.version, model_sha256: sha, threshold: 0.4 },
  ],
};
const live = { method: 'challenge+planarity', result: 'live' as const, score: 0.9 };
const camera = { label: 'Integrated Camera', allowed: true };

describe('fuseScores', () => {
  it('is the median of the latest frames', () => {
    expect(fuseScores([0.1, 0.9, 0.5])).toBe(0.5);
    expect(fuseScores([0.1, 0.2, 0.9, 0.5])).toBeCloseTo(0.35);
    expect(fuseScores([0, 0, 0, 0.6, 0.6, 0.6], { minFrames: 3, maxFrames: 3 })).toBe(0.6);
  });
  it('needs the minimum number of frames and ignores non-finite values', () => {
    expect(fuseScores([0.9, 0.9])).toBeNull();
    expect(fuseScores([0.9, Number.NaN, 0.9])).toBeNull();
  });
  it('one outlier frame cannot carry a match', () => {
    expect(fuseScores([0.1, 0.12, 0.99])).toBe(0.12);
  });
});

describe('approvedThreshold', () => {
  it('finds the policy entry for this exact model', () => {
    expect(approvedThreshold(policy, DEFAULT_MATCHER).threshold).toBe(0.4);
  });
  it('refuses a matcher whose hash differs from the policy', () => {
    const p = { ...policy, matchers: [{ ...policy.matchers[1]!, model_sha256: hexToB64u('00'.repeat(32)) }] };
    expect(() => approvedThreshold(p, DEFAULT_MATCHER)).toThrow(MatcherNotApprovedError);
  });
});

describe('decide', () => {
  it('matches at or above the threshold with liveness, carrying only the attestation fields', () => {
    const d = decide({ policy, manifest: DEFAULT_MATCHER, scores: [0.5, 0.6, 0.55], liveness: live, camera });
    expect(d).toEqual({
      decision: 'match',
      matcher: { name: DEFAULT_MATCHER.name, version: DEFAULT_MATCHER.version, model_sha256: sha },
      score: 0.55,
      threshold: 0.4,
      target_fmr: 1e-4,
      liveness: live,
      capture: { frames: 3, camera: 'Integrated Camera' },
    });
  });
  it('does not match below the threshold', () => {
    expect(decide({ policy, manifest: DEFAULT_MATCHER, scores: [0.3, 0.39, 0.2], liveness: live, camera }).decision).toBe('no-match');
  });
  it('does not match without liveness when the policy requires it', () => {
    const d = decide({ policy, manifest: DEFAULT_MATCHER, scores: [0.9, 0.9, 0.9], liveness: { ...live, result: 'not-live' }, camera });
    expect(d.decision).toBe('no-match');
  });
  it('refuses to decide on too few frames or a camera not allowed', () => {
    expect(() => decide({ policy, manifest: DEFAULT_MATCHER, scores: [0.9], liveness: live, camera })).toThrow(DecisionError);
    expect(() => decide({ policy, manifest: DEFAULT_MATCHER, scores: [0.9, 0.9, 0.9], liveness: live, camera: { label: 'OBS', allowed: false } })).toThrow(
      expect.objectContaining({ code: 'camera-not-allowed' }),
    );
  });
});
