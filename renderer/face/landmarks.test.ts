import { describe, expect, it } from 'vitest';
import { eyeAspectRatio, fivePoints, headPose, LandmarkError, MESH, MESH_POINT_COUNT, pickFace } from './landmarks';
import type { FaceObservation, Point3 } from './types';

/** A synthetic mesh: every point at the origin except the named ones. */
function mesh(points: Record<number, Point3>): FaceObservation {
  const landmarks = Array.from({ length: MESH_POINT_COUNT }, (_, i) => points[i] ?? { x: 0, y: 0, z: 0 });
  return { landmarks, box: { x: 0, y: 0, width: 1, height: 1 } };
}
const p = (x: number, y: number, z = 0): Point3 => ({ x, y, z });

describe('landmarks', () => {
  it('eye aspect ratio: open vs closed', () => {
    const open = mesh({ [MESH.rightEyeOuter]: p(0, 0), [MESH.rightEyeInner]: p(30, 0), 159: p(10, -5), 145: p(10, 5), 158: p(20, -5), 153: p(20, 5) });
    expect(eyeAspectRatio(open, 'right')).toBeCloseTo(10 / 30);
    const closed = mesh({ [MESH.rightEyeOuter]: p(0, 0), [MESH.rightEyeInner]: p(30, 0), 159: p(10, -1), 145: p(10, 1), 158: p(20, -1), 153: p(20, 1) });
    expect(eyeAspectRatio(closed, 'right')).toBeCloseTo(2 / 30);
  });

  it('head pose: yaw from cheek depth, roll from the eye line', () => {
    const base = { [MESH.forehead]: p(50, 0), [MESH.chin]: p(50, 100), [MESH.rightEyeOuter]: p(20, 40), [MESH.rightEyeInner]: p(40, 40), [MESH.leftEyeInner]: p(60, 40), [MESH.leftEyeOuter]: p(80, 40) };
    const frontal = headPose(mesh({ ...base, [MESH.rightCheek]: p(0, 50, 0), [MESH.leftCheek]: p(100, 50, 0) }));
    expect(frontal.yaw).toBeCloseTo(0);
    expect(frontal.roll).toBeCloseTo(0);
    // Subject turns to their left: their left cheek (image right) recedes.
    const turned = headPose(mesh({ ...base, [MESH.rightCheek]: p(10, 50, -30), [MESH.leftCheek]: p(90, 50, 30) }));
    expect(turned.yaw).toBeCloseTo((Math.atan2(60, 80) * 180) / Math.PI);
    const tilted = headPose(mesh({ ...base, [MESH.leftEyeInner]: p(60, 50), [MESH.leftEyeOuter]: p(80, 60), [MESH.rightCheek]: p(0, 50), [MESH.leftCheek]: p(100, 50) }));
    expect(tilted.roll).toBeGreaterThan(10);
  });

  it('five points are the eye-contour centroids, nose tip and mouth corners, image-left first', () => {
    const ring = (indices: readonly number[], cx: number, cy: number) =>
      Object.fromEntries(indices.map((i, k) => [i, p(cx + 10 * Math.cos((k * Math.PI) / 4), cy + 4 * Math.sin((k * Math.PI) / 4))]));
    const five = fivePoints(
      mesh({
        ...ring(MESH.rightEyeRing, 30, 40),
        ...ring(MESH.leftEyeRing, 70, 41),
        // The iris looking sideways must not move the eye centre.
        [MESH.rightIris]: p(36, 40),
        [MESH.leftIris]: p(76, 41),
        [MESH.nosePoint]: p(50, 60),
        [MESH.mouthRight]: p(35, 80),
        [MESH.mouthLeft]: p(65, 80),
      }),
    );
    expect(five.map(({ x, y }) => ({ x: Math.round(x * 1e9) / 1e9, y: Math.round(y * 1e9) / 1e9 }))).toEqual([
      { x: 30, y: 40 },
      { x: 70, y: 41 },
      { x: 50, y: 60 },
      { x: 35, y: 80 },
      { x: 65, y: 80 },
    ]);
  });

  it('refuses a 468-point mesh with a typed error', () => {
    const short = { landmarks: Array.from({ length: 468 }, () => p(0, 0)), box: { x: 0, y: 0, width: 1, height: 1 } };
    expect(() => fivePoints(short)).toThrow(LandmarkError);
  });

  it('picks the largest face of a portrait, or the centred one of a crowded photo', () => {
    const size = { width: 250, height: 250 };
    const centred = { box: { x: 95, y: 90, width: 60, height: 70 } };
    const bigger = { box: { x: 150, y: 60, width: 100, height: 120 } };
    expect(pickFace([centred, bigger], size)).toBe(bigger);
    expect(pickFace([centred, bigger], size, 'largest')).toBe(bigger);
    expect(pickFace([bigger, centred], size, 'centre')).toBe(centred);
    expect(pickFace([], size, 'centre')).toBeUndefined();
  });
});
