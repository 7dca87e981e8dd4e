/**
 * Verification metrics (ISO/IEC 19795-1 terms): FMR / FNMR at a threshold, FNMR at target FMRs
 * with the number of impostor comparisons behind each, EER, ROC points, and LFW 10-fold
 * accuracy. A comparison "matches" when score ≥ threshold. Pure functions.
 */

export interface OperatingPoint {
  target_fmr: number;
  /** Smallest threshold whose observed FMR ≤ target. */
  threshold: number;
  fmr: number;
  fnmr: number;
  impostor_pairs: number;
  genuine_pairs: number;
  /** False when impostor_pairs × target < 1: the target is below what the data can resolve. */
  resolvable: boolean;
}

const desc = (a: number, b: number) => b - a;

/** Threshold for a target FMR: just above the (k+1)-th highest impostor score, k = ⌊target·N⌋. */
export function thresholdForFmr(impostor: readonly number[], target: number): number {
  if (impostor.length === 0) return Number.NEGATIVE_INFINITY;
  const sorted = [...impostor].sort(desc);
  const k = Math.floor(target * sorted.length);
  if (k >= sorted.length) return Number.NEGATIVE_INFINITY;
  const v = sorted[k]!;
  // The next representable step above v (scores are doubles in [-1, 1]).
  return v + Math.max(Math.abs(v), 1) * 1e-9;
}

export function rateAtOrAbove(scores: readonly number[], t: number): number {
  if (scores.length === 0) return 0;
  let n = 0;
  for (const s of scores) if (s >= t) n++;
  return n / scores.length;
}

/** Ascending copy, for O(log n) rates over large score sets. */
export function sortedAscending(scores: readonly number[]): Float64Array {
  return Float64Array.from(scores).sort();
}

/** Fraction of an ascending array that is ≥ t (binary search). */
export function rateAtOrAboveSorted(sorted: Float64Array, t: number): number {
  if (sorted.length === 0) return 0;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return (sorted.length - lo) / sorted.length;
}

export function operatingPoint(genuine: readonly number[], impostor: readonly number[], target: number): OperatingPoint {
  const threshold = thresholdForFmr(impostor, target);
  return {
    target_fmr: target,
    threshold,
    fmr: rateAtOrAbove(impostor, threshold),
    fnmr: 1 - rateAtOrAbove(genuine, threshold),
    impostor_pairs: impostor.length,
    genuine_pairs: genuine.length,
    resolvable: impostor.length * target >= 1,
  };
}

/** Equal error rate: where FMR and FNMR cross, averaged at the closest threshold. */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): { eer: number; threshold: number } {
  const g = sortedAscending(genuine);
  const im = sortedAscending(impostor);
  const thresholds = sortedAscending([...new Set([...genuine, ...impostor])]);
  let best = { gap: Infinity, eer: 1, threshold: 0 };
  for (const t of thresholds) {
    const fmr = rateAtOrAboveSorted(im, t);
    const fnmr = 1 - rateAtOrAboveSorted(g, t);
    const gap = Math.abs(fmr - fnmr);
    if (gap < best.gap) best = { gap, eer: (fmr + fnmr) / 2, threshold: t };
  }
  return { eer: best.eer, threshold: best.threshold };
}

/** ROC as (FMR, TMR) points at every distinct impostor score, plus the end points. */
export function rocCurve(genuine: readonly number[], impostor: readonly number[], maxPoints = 2000): Array<{ fmr: number; tmr: number; threshold: number }> {
  const g = sortedAscending(genuine);
  const im = sortedAscending(impostor);
  let ts = [...new Set(impostor)].sort(desc);
  // Large impostor sets: keep every threshold in the low-FMR head, then a log-spaced sample.
  if (ts.length > maxPoints) {
    const head = ts.slice(0, maxPoints / 2);
    const rest: number[] = [];
    for (let k = maxPoints / 2; k < ts.length; k = Math.ceil(k * 1.01)) rest.push(ts[k]!);
    ts = [...head, ...rest, ts.at(-1)!];
  }
  const top = (ts[0] ?? 1) + 1e-9;
  const points = [{ fmr: 0, tmr: rateAtOrAboveSorted(g, top), threshold: top }];
  for (const t of ts) points.push({ fmr: rateAtOrAboveSorted(im, t), tmr: rateAtOrAboveSorted(g, t), threshold: t });
  return points;
}

export interface Histogram {
  min: number;
  max: number;
  bins: number[];
}

export function histogram(scores: readonly number[], bins = 20, min = -0.2, max = 1): Histogram {
  const out = Array<number>(bins).fill(0);
  for (const s of scores) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor(((s - min) / (max - min)) * bins)));
    out[i]!++;
  }
  return { min, max, bins: out };
}

export interface LabelledScore {
  fold: number;
  same: boolean;
  score: number;
}

/**
 * LFW View 2 protocol (Huang et al. 2007, "unrestricted" use of the 10 folds for the threshold
 * only): for each fold, the threshold that maximises accuracy on the other nine is applied to it.
 */
export function tenFoldAccuracy(scores: readonly LabelledScore[]): { mean: number; std: number; folds: number[] } {
  const folds = [...new Set(scores.map((s) => s.fold))].sort((a, b) => a - b);
  const acc = (set: readonly LabelledScore[], t: number) => set.filter((s) => (s.score >= t) === s.same).length / (set.length || 1);
  const results = folds.map((f) => {
    const train = scores.filter((s) => s.fold !== f);
    const test = scores.filter((s) => s.fold === f);
    const same = sortedAscending(train.filter((s) => s.same).map((s) => s.score));
    const diff = sortedAscending(train.filter((s) => !s.same).map((s) => s.score));
    const candidates = [...new Set(train.map((s) => s.score))].sort((a, b) => a - b);
    let bestT = 0;
    let bestAcc = -1;
    for (const t of candidates) {
      // correct = genuine at or above t + impostors below t
      const a = rateAtOrAboveSorted(same, t) * same.length + (1 - rateAtOrAboveSorted(diff, t)) * diff.length;
      if (a > bestAcc) {
        bestAcc = a;
        bestT = t;
      }
    }
    return acc(test, bestT);
  });
  const mean = results.reduce((a, b) => a + b, 0) / (results.length || 1);
  const std = Math.sqrt(results.reduce((a, b) => a + (b - mean) ** 2, 0) / (results.length || 1));
  return { mean, std, folds: results };
}
