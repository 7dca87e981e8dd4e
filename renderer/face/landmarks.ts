/**
 * Named points of MediaPipe's 478-point attention face mesh (canonical face model topology),
 * and measures computed from them. Pure, DOM-free.
 */
import type { FaceObservation, FivePoints, HeadPose, Point, Point3 } from './types';

/** Mesh indices; "right"/"left" are the subject's (image-left is the subject's right eye). */
export const MESH = {
  rightEyeOuter: 33,
  rightEyeInner: 133,
  rightEyeUpper: [159, 158] as const,
  rightEyeLower: [145, 153] as const,
  leftEyeOuter: 263,
  leftEyeInner: 362,
  leftEyeUpper: [386, 385] as const,
  leftEyeLower: [374, 380] as const,
  rightIris: 468,
  leftIris: 473,
  /** Eye contours (corners and lids), whose centroid is the eye centre five-point detectors mark. */
  rightEyeRing: [33, 133, 159, 145, 158, 153, 160, 144] as const,
  leftEyeRing: [263, 362, 386, 374, 385, 380, 387, 373] as const,
  noseTip: 1,
  /** Nose tip as five-point annotations place it (pronasale, slightly below mesh point 1). */
  nosePoint: 4,
  mouthRight: 61,
  mouthLeft: 291,
  rightCheek: 234,
  leftCheek: 454,
  forehead: 10,
  chin: 152,
} as const;

export const MESH_POINT_COUNT = 478;

export class LandmarkError extends Error {
  readonly code = 'landmarks-incomplete';
  constructor(count: number) {
    super(`face mesh has ${count} points, ${MESH_POINT_COUNT} expected`);
    this.name = 'LandmarkError';
  }
}

function at(points: readonly Point3[], i: number): Point3 {
  const p = points[i];
  if (!p) throw new LandmarkError(points.length);
  return p;
}

const mid = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
export const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

function centroid(points: readonly Point3[], indices: readonly number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    const q = at(points, i);
    x += q.x;
    y += q.y;
  }
  return { x: x / indices.length, y: y / indices.length };
}

/**
 * The five alignment points: eye centres (centroid of each eye's contour, not the iris, which
 * moves with gaze), nose tip, mouth corners; image-left first. Chosen on LFW: with the matcher's
 * ArcFace template, contour centroids gave fewer errors than iris centres (docs/FACE.md).
 */
export function fivePoints(face: FaceObservation): FivePoints {
  const p = face.landmarks;
  if (p.length < MESH_POINT_COUNT) throw new LandmarkError(p.length);
  const plain = ({ x, y }: Point): Point => ({ x, y });
  return [
    centroid(p, MESH.rightEyeRing),
    centroid(p, MESH.leftEyeRing),
    plain(at(p, MESH.nosePoint)),
    plain(at(p, MESH.mouthRight)),
    plain(at(p, MESH.mouthLeft)),
  ] as FivePoints;
}

/** Eye aspect ratio (Soukupová & Čech 2016): about 0.25–0.35 open, below ~0.15 closed. */
export function eyeAspectRatio(face: FaceObservation, eye: 'left' | 'right'): number {
  const p = face.landmarks;
  const [outer, inner, upper, lower] =
    eye === 'right'
      ? [MESH.rightEyeOuter, MESH.rightEyeInner, MESH.rightEyeUpper, MESH.rightEyeLower]
      : [MESH.leftEyeOuter, MESH.leftEyeInner, MESH.leftEyeUpper, MESH.leftEyeLower];
  const width = distance(at(p, outer), at(p, inner));
  if (width === 0) return 0;
  const v1 = distance(at(p, upper[0]), at(p, lower[0]));
  const v2 = distance(at(p, upper[1]), at(p, lower[1]));
  return (v1 + v2) / (2 * width);
}

export function meanEyeAspectRatio(face: FaceObservation): number {
  return (eyeAspectRatio(face, 'left') + eyeAspectRatio(face, 'right')) / 2;
}

const DEG = 180 / Math.PI;

/**
 * Head pose from the mesh's own depth estimates: yaw from the cheek-to-cheek line, pitch from the
 * forehead-to-chin line, roll from the eye line.
 */
export function headPose(face: FaceObservation): HeadPose {
  const p = face.landmarks;
  const rc = at(p, MESH.rightCheek);
  const lc = at(p, MESH.leftCheek);
  const fh = at(p, MESH.forehead);
  const ch = at(p, MESH.chin);
  const re = mid(at(p, MESH.rightEyeOuter), at(p, MESH.rightEyeInner));
  const le = mid(at(p, MESH.leftEyeOuter), at(p, MESH.leftEyeInner));
  const yaw = Math.atan2(lc.z - rc.z, Math.hypot(lc.x - rc.x, lc.y - rc.y)) * DEG;
  const pitch = Math.atan2(fh.z - ch.z, Math.hypot(ch.x - fh.x, ch.y - fh.y)) * DEG;
  const roll = Math.atan2(le.y - re.y, le.x - re.x) * DEG;
  return { yaw, pitch, roll };
}

export function boundingBox(points: readonly Point[]): FaceObservation['box'] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const { x, y } of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * The face a still image is about: the largest (a portrait), or the one whose box centre is
 * nearest the image's centre (LFW labels the centred face; crowded photos have larger ones).
 */
export function pickFace<F extends Pick<FaceObservation, 'box'>>(faces: readonly F[], size: { width: number; height: number }, pick: 'largest' | 'centre' = 'largest'): F | undefined {
  const area = (f: F) => f.box.width * f.box.height;
  const off = (f: F) => Math.hypot(f.box.x + f.box.width / 2 - size.width / 2, f.box.y + f.box.height / 2 - size.height / 2);
  return [...faces].sort(pick === 'largest' ? (a, b) => area(b) - area(a) : (a, b) => off(a) - off(b))[0];
}
