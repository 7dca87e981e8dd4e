import { describe, expect, it } from 'vitest';
import { certificateCountriesFor, countryMatches } from './country';

describe('issuing state ↔ certificate country', () => {
  it('maps ISO alpha-3 codes and ICAO 9303-3 special codes', () => {
    expect(certificateCountriesFor('NLD')).toEqual(['NL']);
    expect(certificateCountriesFor('D<<')).toEqual(['DE']);
    expect(certificateCountriesFor('UTO')).toEqual(['UT']);
    expect(certificateCountriesFor('GBN')).toEqual(['GB']);
    expect(certificateCountriesFor('EUE')).toEqual(['EU']);
    expect(certificateCountriesFor('UNO')).toEqual(['UN']);
    expect(certificateCountriesFor('RKS')).toEqual(['XK']);
    expect(certificateCountriesFor('ZZZ')).toEqual([]);
  });

  it('matches case-insensitively and refuses other countries', () => {
    expect(countryMatches('D', 'de')).toBe(true);
    expect(countryMatches('DEU', 'DE')).toBe(true);
    expect(countryMatches('UTO', 'UT')).toBe(true);
    expect(countryMatches('UTO', 'DE')).toBe(false);
    expect(countryMatches('FRA', undefined)).toBe(false);
    expect(countryMatches('XXA', 'XX')).toBe(false);
  });
});
