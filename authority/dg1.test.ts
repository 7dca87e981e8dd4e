import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataGroup1Error, encodeDataGroup1, parseDataGroup1 } from './dg1';

const TD3 = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' + 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
const TD1 = 'I<UTOD231458907<<<<<<<<<<<<<<<' + '7408122F1204159UTO<<<<<<<<<<<6' + 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<';

describe('parseDataGroup1', () => {
  it('reads the ICAO 9303-4 TD3 specimen', () => {
    expect(parseDataGroup1(encodeDataGroup1(TD3))).toEqual({
      format: 'TD3',
      documentCode: 'P',
      issuingState: 'UTO',
      documentNumber: 'L898902C3',
      birthDate: '740812',
      expiryDate: '120415',
      name: 'ERIKSSON<<ANNA<MARIA',
      nameFieldFull: false,
    });
  });

  it('reads a TD1 card and joins a long document number from the optional data', () => {
    expect(parseDataGroup1(encodeDataGroup1(TD1))).toMatchObject({ format: 'TD1', documentNumber: 'D23145890', birthDate: '740812' });
    const long = 'I<UTOD23145890<7349<<<<<<<<<<<' + TD1.slice(30);
    expect(parseDataGroup1(encodeDataGroup1(long)).documentNumber).toBe('D23145890734');
  });

  it('refuses wrong tags and lengths with a typed error', () => {
    expect(() => parseDataGroup1(new Uint8Array([0x60, 0x00]))).toThrow(DataGroup1Error);
    expect(() => parseDataGroup1(encodeDataGroup1(TD3.slice(1)))).toThrow(/MRZ length/);
    expect(() => parseDataGroup1(encodeDataGroup1(TD3.toLowerCase()))).toThrow(DataGroup1Error);
  });

  it('never throws anything but DataGroup1Error on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          parseDataGroup1(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(DataGroup1Error);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any TD3 name and number', () => {
    const mrzChars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
    fc.assert(
      fc.property(fc.string({ unit: mrzChars, minLength: 1, maxLength: 9 }), fc.string({ unit: mrzChars, minLength: 1, maxLength: 30 }), (num, surname) => {
        const l1 = `P<UTO${surname}<<ANNA`.padEnd(44, '<');
        const l2 = `${num.padEnd(9, '<')}0UTO7408122F1204159`.padEnd(44, '<');
        const dg1 = parseDataGroup1(encodeDataGroup1(l1 + l2));
        expect(dg1.documentNumber).toBe(num);
        expect(dg1.name).toBe(`${surname}<<ANNA`);
      }),
    );
  });
});
