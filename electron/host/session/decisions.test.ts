import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from '../authority-client/protocol';
import { approvedMatcher, editCode, failureForProblem, isCompleteCode, judgeFace, type FaceDecisionInput } from './decisions';

const matcher = { name: 'arcface-r100', version: '2.1', model_sha256: 'A'.repeat(43) };
const policy: SessionPolicy = {
  policy_version: 'p1',
  target_fmr: 0.0001,
  matchers: [{ ...matcher, threshold: 0.42 }],
  liveness_required: true,
  chip_auth_required: true,
};
const decision = (over: Partial<FaceDecisionInput> = {}): FaceDecisionInput => ({
  matcher,
  score: 0.6,
  threshold: 0.42,
  liveness: { method: 'passive', result: 'live', score: 0.9 },
  capture: { frames: 10, camera: 'cam' },
  ...over,
});

describe('judgeFace', () => {
  it('matches at or above the policy threshold with liveness', () => {
    expect(judgeFace(decision(), policy, 1)).toEqual({ kind: 'match' });
    expect(judgeFace(decision({ score: 0.42 }), policy, 1)).toEqual({ kind: 'match' });
  });

  it('retries below the threshold or without liveness, then refers to staff at the limit', () => {
    expect(judgeFace(decision({ score: 0.41 }), policy, 1)).toEqual({ kind: 'retry', outcome: 'no-match' });
    expect(judgeFace(decision({ liveness: { method: 'p', result: 'not-live', score: 0.1 } }), policy, 2)).toEqual({ kind: 'retry', outcome: 'not-live' });
    expect(judgeFace(decision({ score: 0.1 }), policy, 3)).toEqual({ kind: 'referral', reason: 'no-match' });
    expect(judgeFace(decision({ score: 0.1 }), policy, 5, 5)).toEqual({ kind: 'referral', reason: 'no-match' });
  });

  it('refuses an unapproved matcher (any field differing) and a threshold other than the policy’s', () => {
    expect(judgeFace(decision({ matcher: { ...matcher, version: '2.2' } }), policy, 1)).toEqual({ kind: 'refused', reason: 'matcher-not-approved' });
    expect(judgeFace(decision({ matcher: { ...matcher, model_sha256: 'B'.repeat(43) } }), policy, 1).kind).toBe('refused');
    expect(judgeFace(decision({ threshold: 0.1, score: 0.2 }), policy, 1)).toEqual({ kind: 'refused', reason: 'threshold-mismatch' });
  });

  it('never matches below threshold, whatever the inputs (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.integer({ min: 1, max: 10 }), (score, attempt) => {
        const verdict = judgeFace(decision({ score }), policy, attempt);
        expect(verdict.kind === 'match').toBe(score >= 0.42);
      }),
    );
  });

  it('finds the approved matcher entry', () => {
    expect(approvedMatcher(policy, matcher)?.threshold).toBe(0.42);
    expect(approvedMatcher({ ...policy, matchers: [] }, matcher)).toBeUndefined();
  });
});

describe('bind code keypad', () => {
  it('edits up to 8 digits', () => {
    let code = '';
    for (const k of ['1', '2', 'x', '3', 'back', '4']) code = editCode(code, k);
    expect(code).toBe('124');
    for (let i = 0; i < 10; i += 1) code = editCode(code, '9');
    expect(code).toBe('12499999');
    expect(isCompleteCode(code)).toBe(true);
    expect(editCode(code, 'clear')).toBe('');
  });
});

describe('failureForProblem', () => {
  it('maps the final problem codes', () => {
    expect(failureForProblem('holder-mismatch')).toBe('holder-mismatch');
    expect(failureForProblem('policy')).toBe('policy');
    expect(failureForProblem('session-state')).toBe('session-expired');
    expect(failureForProblem('document-invalid')).toBe('tampered');
    expect(failureForProblem('bad-request')).toBe('submission-rejected');
  });
});
