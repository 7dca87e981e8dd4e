/** Least-squares 2-D affine fit between landmark sets, for the passive liveness check. Pure. */
import type { Point } from './types';

/** x' = m[0]·x + m[1]·y + m[2] ; y' = m[3]·x + m[4]·y + m[5] */
export type Affine = [number, number, number, number, number, number];

function solve3(a: number[][], b: number[]): [number, number, number] {
  // Cramer's rule on the 3×3 normal equations.
  const det = (m: number[][]) =>
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
    m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
    m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  const d = det(a);
  if (Math.abs(d) < 1e-12) return [1, 0, 0];
  const col = (k: number) => a.map((row, i) => row.map((v, j) => (j === k ? b[i]! : v)));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}

export function estimateAffine(from: readonly Point[], to: readonly Point[]): Affine {
  let sxx = 0, sxy = 0, sx = 0, syy = 0, sy = 0;
  let bx0 = 0, bx1 = 0, bx2 = 0, by0 = 0, by1 = 0, by2 = 0;
  const n = Math.min(from.length, to.length);
  for (let i = 0; i < n; i++) {
    const { x, y } = from[i]!;
    const { x: u, y: v } = to[i]!;
    sxx += x * x; sxy += x * y; sx += x; syy += y * y; sy += y;
    bx0 += x * u; bx1 += y * u; bx2 += u;
    by0 += x * v; by1 += y * v; by2 += v;
  }
  const A = [[sxx, sxy, sx], [sxy, syy, sy], [sx, sy, n]];
  const [a, b, c] = solve3(A, [bx0, bx1, bx2]);
  const [d, e, f] = solve3(A, [by0, by1, by2]);
  return [a, b, c, d, e, f];
}

/** Root-mean-square distance between the mapped `from` points and `to`. */
export function affineResidual(m: Affine, from: readonly Point[], to: readonly Point[]): number {
  const n = Math.min(from.length, to.length);
  if (n === 0) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const { x, y } = from[i]!;
    const u = m[0] * x + m[1] * y + m[2];
    const v = m[3] * x + m[4] * y + m[5];
    s += (u - to[i]!.x) ** 2 + (v - to[i]!.y) ** 2;
  }
  return Math.sqrt(s / n);
}
