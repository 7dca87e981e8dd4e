import countries from 'i18n-iso-countries';

/**
 * ICAO 9303-3 §5 codes that are not ISO 3166-1 alpha-3, mapped to the two-letter `C` their
 * CSCAs use. UTO/UT is the fictitious specimen state Utopia.
 */
const SPECIAL_STATES: Readonly<Record<string, readonly string[]>> = {
  D: ['DE'],
  UTO: ['UT'],
  GBD: ['GB'],
  GBN: ['GB'],
  GBO: ['GB'],
  GBP: ['GB'],
  GBS: ['GB'],
  EUE: ['EU'],
  UNO: ['UN'],
  UNA: ['UN'],
  UNK: ['UN'],
  RKS: ['XK'],
  XXK: ['XK'],
  // Former ISO 3166 entries still listed in 9303-3.
  ANT: ['AN'],
  NTZ: ['NT'],
};

/** The certificate country codes (X.520 `C`) a document of this MRZ issuing state may carry. */
export function certificateCountriesFor(issuingState: string): readonly string[] {
  const state = issuingState.replace(/</g, '').toUpperCase();
  const special = SPECIAL_STATES[state];
  if (special) return special;
  if (state.length !== 3) return [];
  const alpha2 = countries.alpha3ToAlpha2(state);
  return alpha2 ? [alpha2] : [];
}

/** Whether a certificate's `C` fits the MRZ issuing state (case-insensitive). */
export function countryMatches(issuingState: string, certificateCountry: string | undefined): boolean {
  if (!certificateCountry) return false;
  return certificateCountriesFor(issuingState).includes(certificateCountry.toUpperCase());
}
