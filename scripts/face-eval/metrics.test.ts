import { describe, expect, it } from 'vitest';
import { equalErrorRate, histogram, operatingPoint, rateAtOrAbove, rocCurve, tenFoldAccuracy, thresholdForFmr } from './metrics';

const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0.000 … 0.999
const genuine = Array.from({ length: 100 }, (_, i) => 0.9 + i / 1000); // 0.900 … 0.999

describe('thresholdForFmr', () => {
  it('admits at most ⌊target·N⌋ impostors', () => {
    for (const f of [1e-1, 1e-2, 1e-3]) {
      const t = thresholdForFmr(impostor, f);
      expect(rateAtOrAbove(impostor, t)).toBeLessThanOrEqual(f);
      expect(rateAtOrAbove(impostor, t - 2e-3)).toBeGreaterThan(f);
    }
  });
  it('below the data resolution it sits just above the highest impostor', () => {
    const t = thresholdForFmr(impostor, 1e-4);
    expect(t).toBeGreaterThan(0.999);
    expect(rateAtOrAbove(impostor, t)).toBe(0);
  });
});

describe('operatingPoint', () => {
  it('reports FNMR and whether the target is resolvable', () => {
    const p = operatingPoint(genuine, impostor, 1e-2);
    expect(p.fmr).toBeLessThanOrEqual(1e-2);
    expect(p.fnmr).toBeCloseTo(0.9, 2);
    expect(p.impostor_pairs).toBe(1000);
    expect(p.resolvable).toBe(true);
    expect(operatingPoint(genuine, impostor, 1e-4).resolvable).toBe(false);
  });
});

describe('equalErrorRate', () => {
  it('is 0 for separated distributions and 0.5 for identical ones', () => {
    expect(equalErrorRate([0.8, 0.9], [0.1, 0.2]).eer).toBe(0);
    expect(equalErrorRate([0.5, 0.5], [0.5, 0.5]).eer).toBe(0.5);
  });
  it('finds the crossing of overlapping distributions', () => {
    const g = [0.3, 0.6, 0.7, 0.8];
    const i = [0.1, 0.2, 0.4, 0.65];
    const r = equalErrorRate(g, i);
    expect(r.eer).toBeCloseTo(0.25);
  });
});

describe('rocCurve and histogram', () => {
  it('ROC is monotone from (0, ·) to (1, 1)', () => {
    const roc = rocCurve(genuine, impostor);
    expect(roc[0]!.fmr).toBe(0);
    expect(roc.at(-1)).toMatchObject({ fmr: 1, tmr: 1 });
    for (let i = 1; i < roc.length; i++) expect(roc[i]!.fmr).toBeGreaterThanOrEqual(roc[i - 1]!.fmr);
  });
  it('histogram counts every score once', () => {
    const h = histogram([...genuine, ...impostor, -5, 5]);
    expect(h.bins.reduce((a, b) => a + b, 0)).toBe(1102);
  });
});

describe('tenFoldAccuracy', () => {
  it('is 1 for perfectly separable folds and uses only the other folds to choose the threshold', () => {
    const s = Array.from({ length: 10 }, (_, f) => [
      { fold: f, same: true, score: 0.8 },
      { fold: f, same: false, score: 0.2 },
    ]).flat();
    expect(tenFoldAccuracy(s)).toMatchObject({ mean: 1, std: 0 });
    // Fold 0 alone is inverted: its threshold comes from folds 1–9, so it scores 0.
    s[0]!.score = 0.1;
    s[1]!.score = 0.9;
    const r = tenFoldAccuracy(s);
    expect(r.folds[0]).toBe(0);
    expect(r.mean).toBeCloseTo(0.9);
  });
});
