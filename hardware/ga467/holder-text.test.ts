import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTextBlock, GA467_PROFILES } from '../../fixtures/ga467/profiles';
import { HardwareError } from '../transport/errors';
import { ETHNICITY_GB3304 } from './ethnicity';
import { decodeHolderText } from './holder-text';
import { idNumberCheckCharacter, isValidIdNumber } from './id-number';

describe('GB 11643 ID number (ISO 7064 MOD 11-2)', () => {
  it('accepts the standard example and rejects a changed check character', () => {
    expect(idNumberCheckCharacter('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('11010519491231002x')).toBe(false);
    expect(isValidIdNumber('1101051949123100')).toBe(false);
  });
});

describe('GB 3304 ethnicity table', () => {
  it('has 01..56 plus 97 and 98', () => {
    const codes = Object.keys(ETHNICITY_GB3304).sort();
    expect(codes).toHaveLength(58);
    expect(codes.slice(0, 56)).toEqual(Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(ETHNICITY_GB3304['56']?.zh).toBe('基诺');
    expect(ETHNICITY_GB3304['05']?.zh).toBe('维吾尔');
  });
});

describe('decodeHolderText', () => {
  it('decodes a complete record', () => {
    const profile = GA467_PROFILES['wang-fang']!;
    expect(decodeHolderText(encodeTextBlock(profile.text))).toEqual({
      name: '王芳',
      sex: { code: '2', label: 'female' },
      ethnicity: { code: '01', zh: '汉', romanized: 'Han' },
      birthDate: '1988-04-12',
      address: '北京市东城区示例路12号院3号楼501室',
      idNumber: profile.text.idNumber,
      issuingAuthority: '北京市公安局东城分局',
      validFrom: '2018-05-20',
      validTo: '2038-05-20',
    });
  });

  it('maps 长期 to long-term and an X check character', () => {
    const decoded = decodeHolderText(encodeTextBlock(GA467_PROFILES['aydin-long-term']!.text));
    expect(decoded.validTo).toBe('long-term');
    expect(decoded.idNumber.endsWith('X')).toBe(true);
    expect(decoded.ethnicity.zh).toBe('维吾尔');
  });

  it('rejects a wrong check digit, an unknown ethnicity, a bad date and a wrong size with typed errors', () => {
    expect(() => decodeHolderText(encodeTextBlock(GA467_PROFILES['bad-check']!.text))).toThrowError(
      expect.objectContaining({ code: 'id-number-invalid' }),
    );
    const base = GA467_PROFILES['wang-fang']!.text;
    expect(() => decodeHolderText(encodeTextBlock({ ...base, ethnicity: '57' }))).toThrowError(
      expect.objectContaining({ code: 'holder-text-invalid', field: 'ethnicity' }),
    );
    expect(() => decodeHolderText(encodeTextBlock({ ...base, validFrom: '20181340' }))).toThrowError(
      expect.objectContaining({ field: 'validFrom' }),
    );
    expect(() => decodeHolderText(encodeTextBlock({ ...base, birthDate: '19880413' }))).toThrowError(
      expect.objectContaining({ code: 'id-number-invalid' }),
    );
    expect(() => decodeHolderText(new Uint8Array(255))).toThrow(HardwareError);
  });

  it('never throws an untyped error on arbitrary blocks (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 256, maxLength: 256 }), (block) => {
        try {
          decodeHolderText(block);
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
