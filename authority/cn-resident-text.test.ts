import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeResidentText, parseResidentText, residentIdCheckCharacter, ResidentTextError } from './cn-resident-text';

describe('parseResidentText', () => {
  it('decodes the fields of a 256-byte block', () => {
    const id = '11010519491231002X';
    const text = parseResidentText(encodeResidentText({ name: '张三', idNumber: id, birthDate: '19491231' }));
    expect(text).toMatchObject({ name: '张三', idNumber: id, birthDate: '19491231' });
  });

  it('computes the GB 11643 check character', () => {
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
  });

  it('refuses a wrong length, a bad check character or an empty name', () => {
    expect(() => parseResidentText(new Uint8Array(255))).toThrow(ResidentTextError);
    expect(() => parseResidentText(encodeResidentText({ name: '张三', idNumber: '110105194912310021', birthDate: '19491231' }))).toThrow(/check character/);
    expect(() => parseResidentText(encodeResidentText({ name: '', idNumber: '11010519491231002X', birthDate: '19491231' }))).toThrow(/name/);
  });

  it('throws only ResidentTextError on arbitrary 256-byte blocks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 256, maxLength: 256 }), (bytes) => {
        try {
          parseResidentText(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ResidentTextError);
        }
      }),
    );
  });
});
