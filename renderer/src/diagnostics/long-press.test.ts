import { describe, expect, it } from 'vitest';
import { drifted, formatDuration, inHotspot, LONG_PRESS_MS, pressComplete } from './long-press';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

describe('long press', () => {
  it('starts only in the top-left corner', () => {
    expect(inHotspot(0, 0)).toBe(true);
    expect(inHotspot(95, 95)).toBe(true);
    expect(inHotspot(96, 10)).toBe(false);
    expect(inHotspot(500, 500)).toBe(false);
  });
  it('completes after the hold time unless the finger drifts', () => {
    const start = { x: 10, y: 10, at: 1000 };
    expect(pressComplete(start, 1000 + LONG_PRESS_MS - 1)).toBe(false);
    expect(pressComplete(start, 1000 + LONG_PRESS_MS)).toBe(true);
    expect(drifted(start, 20, 20)).toBe(false);
    expect(drifted(start, 60, 10)).toBe(true);
  });
  it('formats countdowns', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(29_001)).toBe('0:30');
    expect(formatDuration(125_000)).toBe('2:05');
  });
});

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('diagnostics translations', () => {
  it('have the same keys in both languages and no empty strings', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    for (const table of [en, zhCN]) {
      for (const key of keys(table)) {
        const value = key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], table);
        expect(typeof value === 'string' && value.length > 0, key).toBe(true);
      }
    }
  });
});
