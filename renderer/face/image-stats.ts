/** Pixel statistics of a face crop for the capture quality gate. Pure, DOM-free. */
import type { RgbaImage } from './types';

/** Rec. 601 luma of each pixel. */
export function luma(image: RgbaImage): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(n);
  const d = image.data;
  for (let i = 0; i < n; i++) out[i] = 0.299 * (d[i * 4] ?? 0) + 0.587 * (d[i * 4 + 1] ?? 0) + 0.114 * (d[i * 4 + 2] ?? 0);
  return out;
}

/** Variance of the 4-neighbour Laplacian (Pech-Pacheco et al. 2000): low = blurred. */
export function laplacianVariance(image: RgbaImage): number {
  const { width: w, height: h } = image;
  const y = luma(image);
  let sum = 0, sq = 0, n = 0;
  for (let r = 1; r < h - 1; r++) {
    for (let c = 1; c < w - 1; c++) {
      const i = r * w + c;
      const v = y[i - 1]! + y[i + 1]! + y[i - w]! + y[i + w]! - 4 * y[i]!;
      sum += v; sq += v * v; n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sq / n - mean * mean;
}

export interface Exposure {
  /** Mean luma 0..255. */
  mean: number;
  /** Fraction of pixels at or below 5 or at or above 250. */
  clipped: number;
}

export function exposure(image: RgbaImage): Exposure {
  const y = luma(image);
  let sum = 0, clipped = 0;
  for (const v of y) {
    sum += v;
    if (v <= 5 || v >= 250) clipped++;
  }
  return { mean: y.length ? sum / y.length : 0, clipped: y.length ? clipped / y.length : 0 };
}
