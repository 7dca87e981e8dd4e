import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StrictJsonError, parseStrictJson } from './strict-json';

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses when member names are unique', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses duplicate member names at any depth, including escaped spellings', () => {
    expect(() => parseStrictJson('{"alg":"ES256","alg":"none"}')).toThrow(StrictJsonError);
    expect(() => parseStrictJson('{"a":[{"b":1,"c":{"x":1,"x":2}}]}')).toThrow(/duplicate member name "x"/);
    expect(() => parseStrictJson('{"alg":"ES256","\\u0061lg":"none"}')).toThrow(StrictJsonError);
    // Same names in sibling objects are fine; a value equal to a key is fine.
    expect(parseStrictJson('{"a":{"x":1},"b":{"x":2},"c":"a"}')).toEqual({ a: { x: 1 }, b: { x: 2 }, c: 'a' });
    expect(parseStrictJson('{"s":"{\\"a\\":1,\\"a\\":2}"}')).toEqual({ s: '{"a":1,"a":2}' });
  });

  it('finds a duplicate injected into any generated object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), (object) => {
        const text = JSON.stringify(object);
        const firstKey = Object.keys(object)[0] as string;
        const injected = `{${JSON.stringify(firstKey)}:null,${text.slice(1)}`;
        expect(() => parseStrictJson(injected)).toThrow(StrictJsonError);
      }),
      { numRuns: 200 },
    );
  });

  it('reports malformed JSON with the same typed error', () => {
    expect(() => parseStrictJson('{"a":')).toThrow(expect.objectContaining({ code: 'strict-json' }));
  });
});
