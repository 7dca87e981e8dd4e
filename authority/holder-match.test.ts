import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDataGroup1, parseDataGroup1 } from './dg1';
import { matchIcaoHolder, matchResidentHolder, mrzNameMatches, type AccountHolder } from './holder-match';
import { matchesTransliteration } from './icao-transliteration';

const account: AccountHolder = {
  documentNumber: 'L898902C3',
  birthDate: '740812',
  primaryIdentifier: 'Eriksson',
  secondaryIdentifier: 'Anna María',
  cnIdNumber: null,
  cnName: null,
};
const TD3 = (name: string, num = 'L898902C3', birth = '740812') =>
  parseDataGroup1(encodeDataGroup1(`P<UTO${name}`.padEnd(44, '<').slice(0, 44) + `${num.padEnd(9, '<')}6UTO${birth}2F1204159ZE184226B<<<<<10`));

describe('ICAO 9303-3 transliteration', () => {
  it('renders national characters with every allowed alternative', () => {
    expect(matchesTransliteration('Müller', 'MUELLER')).toBe(true);
    expect(matchesTransliteration('Müller', 'MULLER')).toBe(true);
    expect(matchesTransliteration('Grüße', 'GRUESSE')).toBe(true);
    expect(matchesTransliteration('Øster-Ågård', 'OESTER<AAGARD')).toBe(true);
    expect(matchesTransliteration("O'Brien", 'OBRIEN')).toBe(true);
    expect(matchesTransliteration('Жуков', 'ZHUKOV')).toBe(true);
    expect(matchesTransliteration('Müller', 'MILLER')).toBe(false);
  });

  it('allows a truncation only when asked', () => {
    expect(matchesTransliteration('Wolfeschlegelstein', 'WOLFESCH', true)).toBe(true);
    expect(matchesTransliteration('Wolfeschlegelstein', 'WOLFESCH')).toBe(false);
    expect(matchesTransliteration('Жуков', 'Z', true)).toBe(true);
  });

  it('accepts any plain A–Z name as itself and any prefix of it as a truncation', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 1, maxLength: 30 }), fc.nat(), (name, cut) => {
        expect(matchesTransliteration(name.toLowerCase(), name)).toBe(true);
        const prefix = name.slice(0, 1 + (cut % name.length));
        expect(matchesTransliteration(name, prefix, true)).toBe(true);
      }),
    );
  });
});

describe('holder matching (step 6)', () => {
  it('matches document number, birth date and name', () => {
    expect(matchIcaoHolder(account, TD3('ERIKSSON<<ANNA<MARIA'))).toBeNull();
    expect(matchIcaoHolder({ ...account, documentNumber: 'L898 902C3' }, TD3('ERIKSSON<<ANNA<MARIA'))).toBeNull();
  });

  it('names the first field that differs', () => {
    expect(matchIcaoHolder(account, TD3('ERIKSSON<<ANNA<MARIA', 'L898902C4'))).toBe('document-number');
    expect(matchIcaoHolder(account, TD3('ERIKSSON<<ANNA<MARIA', 'L898902C3', '740813'))).toBe('birth-date');
    expect(matchIcaoHolder(account, TD3('ERIKSON<<ANNA<MARIA'))).toBe('name');
    expect(matchIcaoHolder(account, TD3('ERIKSSON<<ANNA'))).toBe('name'); // not full, so not a truncation
    expect(matchIcaoHolder({ ...account, documentNumber: null }, TD3('ERIKSSON<<ANNA<MARIA'))).toBe('no-identity');
  });

  it('accepts a truncated name only when the field is full', () => {
    const primary = 'Wolfeschlegelsteinhausenbergerdorff';
    const dg1 = TD3(`${'WOLFESCHLEGELSTEINHAUSENBERGERDORFF'}<<JO`);
    expect(dg1.nameFieldFull).toBe(true);
    expect(mrzNameMatches(primary, 'John Peter', dg1.name, dg1.nameFieldFull)).toBe(true);
    expect(mrzNameMatches(primary, 'Anna', dg1.name, dg1.nameFieldFull)).toBe(false);
  });

  it('matches a resident ID by number and name', () => {
    const cn: AccountHolder = { ...account, cnIdNumber: '11010519491231002x', cnName: '张三' };
    const text = { name: '张三', idNumber: '11010519491231002X', sex: '1', nation: '01', birthDate: '19491231', validFrom: '', validTo: '' };
    expect(matchResidentHolder(cn, text)).toBeNull();
    expect(matchResidentHolder(cn, { ...text, name: '张四' })).toBe('name');
    expect(matchResidentHolder(cn, { ...text, idNumber: '110105194912310037' })).toBe('id-number');
  });
});
