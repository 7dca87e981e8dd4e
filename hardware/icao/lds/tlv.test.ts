import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LdsError } from './lds-error';
import { encodeTlv, readTlv, readTlvs } from './tlv';

describe('BER-TLV', () => {
  it('reads short, long and multi-byte tags', () => {
    const t = readTlv(Uint8Array.of(0x5f, 0x1f, 0x02, 0x41, 0x42));
    expect(t.tag).toBe(0x5f1f);
    expect([...t.value]).toEqual([0x41, 0x42]);
    const long = encodeTlv(0x75, new Uint8Array(300));
    expect([...long.subarray(0, 4)]).toEqual([0x75, 0x82, 0x01, 0x2c]);
    expect(readTlv(long).value.length).toBe(300);
  });

  it('refuses lengths beyond the buffer, indefinite lengths and truncated tags', () => {
    const code = (b: number[]) => {
      try {
        readTlv(Uint8Array.from(b));
      } catch (e) {
        return e instanceof LdsError ? e.code : 'untyped';
      }
      return 'ok';
    };
    expect(code([0x61, 0x05, 0x01])).toBe('tlv-truncated');
    expect(code([0x61, 0x80, 0x00, 0x00])).toBe('tlv-bad-length');
    expect(code([0x61, 0x85, 1, 1, 1, 1, 1])).toBe('tlv-bad-length');
    expect(code([0x5f])).toBe('tlv-truncated');
    expect(code([0x00, 0x00])).toBe('tlv-bad-tag');
  });

  it('round-trips any tag and value', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x61, 0x5f1f, 0x7f61, 0x04, 0x5c), fc.uint8Array({ maxLength: 600 }), (tag, value) => {
        const t = readTlv(encodeTlv(tag, value));
        expect(t.tag).toBe(tag);
        expect(t.value).toEqual(value);
      }),
    );
  });

  it('never throws an untyped error on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          readTlvs(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(LdsError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
