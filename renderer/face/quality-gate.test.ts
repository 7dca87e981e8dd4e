import { describe, expect, it } from 'vitest';
import { assessQuality, DEFAULT_QUALITY_LIMITS, GUIDANCE, type FrameMeasures } from './quality-gate';

const good: FrameMeasures = {
  frame: { width: 640, height: 480 },
  faceCount: 1,
  box: { x: 220, y: 120, width: 200, height: 240 },
  pose: { yaw: 2, pitch: -3, roll: 1 },
  sharpness: 120,
  brightness: 130,
  clipped: 0.01,
  eyeOpen: 0.3,
};

describe('assessQuality', () => {
  it('passes a centred, frontal, sharp, well-exposed face with open eyes', () => {
    expect(assessQuality(good)).toEqual({ ok: true, failures: [], guidance: null });
  });

  it.each([
    [{ faceCount: 0 }, 'no-face', GUIDANCE.noFace],
    [{ faceCount: 2 }, 'several-faces', GUIDANCE.oneFaceOnly],
    [{ box: { x: 300, y: 200, width: 60, height: 70 } }, 'too-small', GUIDANCE.moveCloser],
    [{ box: { x: 50, y: 0, width: 540, height: 480 } }, 'too-large', GUIDANCE.moveBack],
    [{ box: { x: 0, y: 0, width: 200, height: 240 } }, 'off-centre', GUIDANCE.centreFace],
    [{ pose: { yaw: 35, pitch: 0, roll: 0 } }, 'yaw', GUIDANCE.lookStraight],
    [{ pose: { yaw: 0, pitch: 30, roll: 0 } }, 'pitch-down', GUIDANCE.raiseChin],
    [{ pose: { yaw: 0, pitch: -30, roll: 0 } }, 'pitch-up', GUIDANCE.lowerChin],
    [{ pose: { yaw: 0, pitch: 0, roll: 25 } }, 'roll', GUIDANCE.straightenHead],
    [{ sharpness: 5 }, 'blurred', GUIDANCE.holdStill],
    [{ brightness: 20 }, 'too-dark', GUIDANCE.tooDark],
    [{ brightness: 240 }, 'too-bright', GUIDANCE.tooBright],
    [{ clipped: 0.5 }, 'too-bright', GUIDANCE.tooBright],
    [{ eyeOpen: 0.08 }, 'eyes-closed', GUIDANCE.openEyes],
  ] as const)('%j fails %s with guidance %s', (patch, failure, guidance) => {
    const v = assessQuality({ ...good, ...patch });
    expect(v.ok).toBe(false);
    expect(v.failures[0]).toBe(failure);
    expect(v.guidance).toBe(guidance);
  });

  it('fails a check whose measure is missing rather than passing it', () => {
    const { sharpness: _s, eyeOpen: _e, ...partial } = good;
    const v = assessQuality(partial);
    expect(v.failures).toEqual(['blurred', 'eyes-closed']);
  });

  it('lists every failure, most actionable first', () => {
    const v = assessQuality({ ...good, box: { x: 0, y: 0, width: 60, height: 60 }, sharpness: 1, eyeOpen: 0.05 });
    expect(v.failures).toEqual(['too-small', 'off-centre', 'blurred', 'eyes-closed']);
    expect(v.guidance).toBe(GUIDANCE.moveCloser);
  });

  it('honours custom limits', () => {
    expect(assessQuality({ ...good, pose: { yaw: 15, pitch: 0, roll: 0 } }, { ...DEFAULT_QUALITY_LIMITS, maxYaw: 10 }).failures).toEqual(['yaw']);
  });

  it('every guidance key is an i18n key under face.guidance', () => {
    for (const k of Object.values(GUIDANCE)) expect(k).toMatch(/^face\.guidance\.[a-zA-Z]+$/);
  });
});
