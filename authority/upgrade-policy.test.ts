import { describe, expect, it } from 'vitest';
import type { Attestation } from './attestation';
import { policyViolation, type SessionPolicy } from './upgrade-policy';

const policy: SessionPolicy = {
  policy_version: 'p1',
  target_fmr: 1e-4,
  matchers: [{ name: 'm', version: '1', model_sha256: 'abc', threshold: 0.5 }],
  liveness_required: true,
  chip_auth_required: true,
};
const base = {
  policy_version: 'p1',
  doc: { kind: 'cn-resident-id', text: '', photo_hash: '', sam_id: 's', chip_auth: { method: 'SAM', result: 'valid' } },
  bio: {
    matcher: { name: 'm', version: '1', model_sha256: 'abc' },
    score: 0.5,
    threshold: 0.5,
    target_fmr: 1e-4,
    decision: 'match',
    liveness: { method: 'x', result: 'live', score: 1 },
    capture: { frames: 1, camera: 'c' },
  },
} as unknown as Attestation;
const withBio = (bio: Partial<Attestation['bio']>) => ({ ...base, bio: { ...base.bio, ...bio } }) as Attestation;

describe('policyViolation (step 7)', () => {
  it('accepts a score equal to the threshold', () => {
    expect(policyViolation(base, policy)).toBeNull();
  });

  it('names each rule that fails', () => {
    expect(policyViolation({ ...base, policy_version: 'p0' }, policy)).toMatch(/policy_version/);
    expect(policyViolation(withBio({ matcher: { name: 'm', version: '1', model_sha256: 'abd' } }), policy)).toMatch(/approved matcher/);
    expect(policyViolation(withBio({ threshold: 0.4, score: 0.9 }), policy)).toMatch(/threshold/);
    expect(policyViolation(withBio({ target_fmr: 1e-3 }), policy)).toMatch(/target_fmr/);
    expect(policyViolation(withBio({ score: 0.4999 }), policy)).toMatch(/below/);
    expect(policyViolation(withBio({ liveness: { method: 'x', result: 'spoof', score: 0 } }), policy)).toMatch(/liveness/);
    const noChip = { ...base, doc: { ...base.doc, chip_auth: { method: 'SAM', result: 'failed' } } } as Attestation;
    expect(policyViolation(noChip, policy)).toMatch(/chip/);
    expect(policyViolation(noChip, { ...policy, chip_auth_required: false })).toBeNull();
  });

  it('an empty matcher list approves nothing', () => {
    expect(policyViolation(base, { ...policy, matchers: [] })).toMatch(/approved matcher/);
  });
});
