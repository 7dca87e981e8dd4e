import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignFace, AlignmentError, applySimilarity, estimateSimilarity, invertSimilarity, mirror, toNchw } from './alignment';
import { DEFAULT_MATCHER } from './matcher-manifest';
import type { FivePoints, Point } from './types';

const template: Point[] = DEFAULT_MATCHER.alignment_template.map(([x, y]) => ({ x, y }));

describe('estimateSimilarity', () => {
  it('recovers any rotation, scale and translation exactly', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: 0.2, max: 8, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        (angle, scale, tx, ty) => {
          const t = { a: scale * Math.cos(angle), b: scale * Math.sin(angle), tx, ty };
          const from = template.map((p) => applySimilarity(t, p));
          const back = estimateSimilarity(from, template);
          for (let i = 0; i < 5; i++) {
            const p = applySimilarity(back, from[i]!);
            expect(p.x).toBeCloseTo(template[i]!.x, 6);
            expect(p.y).toBeCloseTo(template[i]!.y, 6);
          }
        },
      ),
    );
  });
  it('inverts', () => {
    const t = { a: 1.2, b: -0.3, tx: 5, ty: -7 };
    const p = applySimilarity(invertSimilarity(t), applySimilarity(t, { x: 3, y: 4 }));
    expect(p.x).toBeCloseTo(3, 9);
    expect(p.y).toBeCloseTo(4, 9);
  });
  it('rejects degenerate input with a typed error', () => {
    const same = Array(5).fill({ x: 1, y: 1 });
    expect(() => estimateSimilarity(same, template)).toThrow(AlignmentError);
    expect(() => estimateSimilarity([{ x: 1, y: 1 }], [{ x: 1, y: 1 }])).toThrow(AlignmentError);
  });
});

describe('alignFace', () => {
  it('moves the pixel under each detected point onto its template position', () => {
    // A 400×400 image with a bright 3×3 dot at the (scaled, shifted) left-eye position.
    const w = 400, h = 400;
    const data = new Uint8ClampedArray(w * h * 4);
    const pts = template.map((p) => ({ x: p.x * 2.5 + 60, y: p.y * 2.5 + 40 })) as FivePoints;
    const eye = pts[0];
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) data.fill(255, ((Math.round(eye.y) + dy) * w + Math.round(eye.x) + dx) * 4, ((Math.round(eye.y) + dy) * w + Math.round(eye.x) + dx) * 4 + 3);
    const crop = alignFace({ width: w, height: h, data }, pts, template, { width: 112, height: 112 });
    expect(crop.width).toBe(112);
    const at = (x: number, y: number) => crop.data[(Math.round(y) * 112 + Math.round(x)) * 4]!;
    expect(at(template[0]!.x, template[0]!.y)).toBeGreaterThan(200);
    expect(at(template[1]!.x, template[1]!.y)).toBe(0);
  });
});

describe('toNchw', () => {
  it('normalises and splits channels into planes', () => {
    const crop = { width: 1, height: 2, data: new Uint8ClampedArray([255, 127, 0, 255, 127, 127, 127, 255]) };
    expect(Array.from(toNchw(crop, 127, 128))).toEqual([1, 0, 0, 0, -127 / 128, 0]);
    expect(Array.from(toNchw(crop, 127, 128, 'RGB'))).toEqual([1, 0, 0, 0, -127 / 128, 0]);
  });
  it('puts blue first for a BGR matcher', () => {
    const crop = { width: 1, height: 2, data: new Uint8ClampedArray([255, 127, 0, 255, 127, 127, 127, 255]) };
    expect(Array.from(toNchw(crop, 127, 128, 'BGR'))).toEqual([-127 / 128, 0, 0, 0, 1, 0]);
  });
});

describe('mirror', () => {
  it('flips each row left–right and is its own inverse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.infiniteStream(fc.integer({ min: 0, max: 255 })), (w, h, values) => {
        const data = new Uint8ClampedArray(w * h * 4);
        for (let i = 0; i < data.length; i++) data[i] = values.next().value as number;
        const crop = { width: w, height: h, data };
        const m = mirror(crop);
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) expect(m.data[(y * w + x) * 4 + c]).toBe(data[(y * w + (w - 1 - x)) * 4 + c]);
        expect(Array.from(mirror(m).data)).toEqual(Array.from(data));
      }),
      { numRuns: 50 },
    );
  });
});
