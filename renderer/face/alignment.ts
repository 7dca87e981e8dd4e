/**
 * Five-point alignment: the least-squares similarity transform (rotation, uniform scale,
 * translation; Umeyama 1991 in 2-D) from the detected points to the matcher's template, and a
 * bilinear warp into the matcher's input crop. Pure, DOM-free.
 */
import type { FivePoints, Point, RgbaImage } from './types';

/** x' = a·x − b·y + tx ; y' = b·x + a·y + ty */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export class AlignmentError extends Error {
  readonly code = 'alignment-degenerate';
  constructor(message: string) {
    super(message);
    this.name = 'AlignmentError';
  }
}

export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const n = from.length;
  if (n < 2 || n !== to.length) throw new AlignmentError('need at least two matching point pairs');
  let fx = 0, fy = 0, tx = 0, ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]!.x; fy += from[i]!.y; tx += to[i]!.x; ty += to[i]!.y;
  }
  fx /= n; fy /= n; tx /= n; ty /= n;
  let sxx = 0, sab = 0, variance = 0;
  for (let i = 0; i < n; i++) {
    const ux = from[i]!.x - fx, uy = from[i]!.y - fy;
    const vx = to[i]!.x - tx, vy = to[i]!.y - ty;
    sxx += ux * vx + uy * vy;
    sab += ux * vy - uy * vx;
    variance += ux * ux + uy * uy;
  }
  if (variance < 1e-9) throw new AlignmentError('source points coincide');
  const a = sxx / variance;
  const b = sab / variance;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  if (d === 0) throw new AlignmentError('singular transform');
  const a = t.a / d;
  const b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

/** Warps `image` so that `points` land on `template`; returns an RGBA crop of size×size. */
export function alignFace(image: RgbaImage, points: FivePoints, template: readonly Point[], size: { width: number; height: number }): RgbaImage {
  const inverse = invertSimilarity(estimateSimilarity(points, template));
  const out = new Uint8ClampedArray(size.width * size.height * 4);
  const { width: w, height: h, data } = image;
  for (let v = 0; v < size.height; v++) {
    for (let u = 0; u < size.width; u++) {
      const s = applySimilarity(inverse, { x: u, y: v });
      const x0 = Math.floor(s.x), y0 = Math.floor(s.y);
      const fx = s.x - x0, fy = s.y - y0;
      const o = (v * size.width + u) * 4;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (const [dx, dy, wgt] of [[0, 0, (1 - fx) * (1 - fy)], [1, 0, fx * (1 - fy)], [0, 1, (1 - fx) * fy], [1, 1, fx * fy]] as const) {
          const x = x0 + dx, y = y0 + dy;
          // Outside the image counts as black, as cv2.warpAffine's default border does.
          if (x >= 0 && y >= 0 && x < w && y < h) acc += wgt * (data[(y * w + x) * 4 + c] ?? 0);
        }
        out[o + c] = acc;
      }
      out[o + 3] = 255;
    }
  }
  return { width: size.width, height: size.height, data: out };
}

/** The crop mirrored left–right (a new buffer; the caller wipes it). */
export function mirror(crop: RgbaImage): RgbaImage {
  const { width: w, height: h, data } = crop;
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out.set(data.subarray((y * w + (w - 1 - x)) * 4, (y * w + (w - x)) * 4), (y * w + x) * 4);
  }
  return { width: w, height: h, data: out };
}

/**
 * RGBA crop → planar float tensor (NCHW), (value − mean) / std per channel, planes in the
 * matcher's channel order (models trained on OpenCV-decoded images expect BGR).
 */
export function toNchw(crop: RgbaImage, mean: number, std: number, channels: 'RGB' | 'BGR' = 'RGB'): Float32Array {
  const plane = crop.width * crop.height;
  const out = new Float32Array(3 * plane);
  const source = channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = ((crop.data[i * 4 + source[c]!] ?? 0) - mean) / std;
  }
  return out;
}
