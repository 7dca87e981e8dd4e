import { describe, expect, it } from 'vitest';
import { ScreenState as ContractScreenState } from '../../common/session-state';
import { AccessKeyInput, FaceDecision, ScreenState, toScreenState, type ScreenSource } from './screen-state';

const context: ScreenSource['context'] = {
  sessionNumber: 3,
  opened: { qr: 'ikup:1?a=x&s=y&n=z', policy: { liveness_required: true, matchers: [{ name: 'm', version: '1', model_sha256: 'h', threshold: 0.5 }] } },
  code: '1234',
  codeError: null,
  triesLeft: null,
  accessKind: 'can',
  accessKeyError: null,
  cardPhase: 'reading',
  progress: { bytesRead: 10, bytesTotal: 100 },
  faceAttempt: 2,
  lastFaceOutcome: 'no-match',
  result: { outcome: 'failure', reason: 'tampered', canRetry: false },
  outOfService: null,
};
const options = { consentTextVersion: 'v1', maxFaceAttempts: 3 };

describe('screen state', () => {
  it('projects every machine state to a valid screen', () => {
    const cases: Array<[ScreenSource['value'], string]> = [
      ['idle', 'attract'],
      ['consent', 'consent'],
      ['opening', 'opening'],
      [{ binding: 'typing' }, 'binding'],
      [{ document: 'reading' }, 'card'],
      [{ document: 'accessKey' }, 'access-key'],
      ['face', 'face'],
      ['decision', 'submitting'],
      ['submission', 'submitting'],
      ['result', 'result'],
      ['outOfService', 'out-of-service'],
    ];
    for (const [value, screen] of cases) {
      const projected = toScreenState({ value, context }, options);
      expect(projected.screen).toBe(screen);
      // The renderer↔host contract (electron/common) accepts exactly what the machine projects.
      expect(ContractScreenState.parse(projected)).toEqual(projected);
    }
    expect(toScreenState({ value: { binding: 'checking' }, context }, options)).toMatchObject({ checking: true, code: '1234' });
    expect(toScreenState({ value: 'face', context }, options)).toMatchObject({ attempt: 2, maxAttempts: 3, lastOutcome: 'no-match' });
  });

  it('refuses extra members, so personal data cannot ride along', () => {
    expect(() => ScreenState.parse({ session: 1, idleSecondsLeft: null, screen: 'face', attempt: 1, maxAttempts: 3, lastOutcome: null, livenessRequired: true, matchers: [], portrait: 'x' })).toThrow();
    expect(() => ScreenState.parse({ session: 1, idleSecondsLeft: null, screen: 'result', outcome: 'success', receiptId: 'r', name: 'ZHANG SAN' })).toThrow();
    expect(ScreenState.parse({ session: 1, idleSecondsLeft: null, screen: 'result', outcome: 'queued' })).toMatchObject({ outcome: 'queued' });
  });

  it('validates renderer inputs strictly', () => {
    expect(AccessKeyInput.safeParse({ kind: 'can', can: '12345' }).success).toBe(false);
    expect(AccessKeyInput.safeParse({ kind: 'can', can: '123456' }).success).toBe(true);
    const decision = { matcher: { name: 'm', version: '1', model_sha256: 'A'.repeat(43) }, score: 1, threshold: 0.5, liveness: { method: 'x', result: 'live', score: 1 }, capture: { frames: 1, camera: 'c' } };
    expect(FaceDecision.safeParse(decision).success).toBe(true);
    expect(FaceDecision.safeParse({ ...decision, embedding: [0.1, 0.2] }).success).toBe(false);
  });
});
