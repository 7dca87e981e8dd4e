import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HardwareError } from '../transport/errors';
import { AtrError, parseAtr } from './atr';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('parseAtr', () => {
  it('parses the wire-protocol spec example ATR (T=0, 10 historical bytes, no TCK)', () => {
    const atr = parseAtr(hex('3B 2A 00 80 65 24 B0 00 02 00 82 90 00'));
    expect(atr.convention).toBe('direct');
    expect(atr.protocols).toEqual([0]);
    expect(atr.interfaceBytes).toEqual([{ tb: 0x00 }]);
    expect(Buffer.from(atr.historicalBytes).toString('hex')).toBe('806524b0000200829000');
    expect(atr.tck).toBeUndefined();
  });

  it('parses a T=0+T=1 ATR (TD1, TD2) with a valid TCK', () => {
    // 3B 88 80 01 + 8 historical bytes + TCK (contactless-style ATR)
    const body = hex('3B 88 80 01 E1 F3 5E 11 77 83 95 00');
    let tck = 0;
    for (const b of body.subarray(1)) tck ^= b;
    const atr = parseAtr(Uint8Array.from([...body, tck]));
    expect(atr.protocols).toEqual([0, 1]);
    expect(atr.tck).toBe(tck);
    expect(atr.historicalBytes.length).toBe(8);
  });

  it('reads Fi/Di from TA1 and the inverse convention', () => {
    const atr = parseAtr(hex('3F 10 96'));
    expect(atr.convention).toBe('inverse');
    expect(atr.fi).toBe(9);
    expect(atr.di).toBe(6);
  });

  it('rejects a bad TCK with a typed error', () => {
    expect(() => parseAtr(hex('3B 80 01 00'))).toThrowError(expect.objectContaining({ code: 'atr-checksum' }));
  });

  it('rejects bad TS, truncation and trailing bytes', () => {
    expect(() => parseAtr(hex('3C 00'))).toThrow(AtrError);
    expect(() => parseAtr(hex('3B 2A 00 80'))).toThrowError(expect.objectContaining({ code: 'atr-invalid' }));
    expect(() => parseAtr(hex('3B 00 00'))).toThrowError(expect.objectContaining({ code: 'atr-invalid' }));
  });

  it('never throws an untyped error on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          parseAtr(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
