import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJson, StrictJsonError } from './strict-json';

describe('parseStrictJson', () => {
  it('parses ordinary JSON like JSON.parse', () => {
    expect(parseStrictJson('{"a":1,"b":[{"a":2},"x\\"y"]}')).toEqual({ a: 1, b: [{ a: 2 }, 'x"y'] });
  });

  it('refuses a duplicate member name, also when one is escaped', () => {
    expect(() => parseStrictJson('{"alg":"ES256","alg":"none"}')).toThrow(StrictJsonError);
    expect(() => parseStrictJson('{"alg":"ES256","\\u0061lg":"none"}')).toThrow(/duplicate member/);
    expect(() => parseStrictJson('[{"x":{"k":1,"k":2}}]')).toThrow(/duplicate member name "k"/);
  });

  it('accepts the same name in sibling and nested objects', () => {
    expect(parseStrictJson('{"k":{"k":1},"j":{"k":2}}')).toEqual({ k: { k: 1 }, j: { k: 2 } });
  });

  it('refuses malformed JSON with a typed error', () => {
    try {
      parseStrictJson('{"a":');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StrictJsonError);
      expect((error as StrictJsonError).code).toBe('json-syntax');
    }
  });

  it('agrees with JSON.parse on any serialized value (no duplicates possible)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v, null, 1);
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('finds a duplicate inserted anywhere in a random object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), (dict, pick) => {
        const keys = Object.keys(dict);
        const dup = keys[pick % keys.length]!;
        const body = JSON.stringify(dict).slice(1, -1);
        const text = `{${body},${JSON.stringify(dup)}:null}`;
        expect(() => parseStrictJson(text)).toThrow(StrictJsonError);
      }),
      { numRuns: 200 },
    );
  });
});
