import { matchesTransliteration } from './icao-transliteration';
import type { DataGroup1 } from './dg1';
import type { ResidentText } from './cn-resident-text';

/** The identity the authority issued the limited digital ID for. */
export interface AccountHolder {
  documentNumber: string | null;
  /** YYMMDD */
  birthDate: string | null;
  primaryIdentifier: string | null;
  secondaryIdentifier: string | null;
  cnIdNumber: string | null;
  cnName: string | null;
}

export type HolderMismatch = 'document-number' | 'birth-date' | 'name' | 'id-number' | 'no-identity';

const fillersRemoved = (s: string) => s.toUpperCase().replace(/[<\s]/g, '');

/**
 * Whether the MRZ name field is the account's name, transliterated per ICAO 9303-3 and, when the
 * field is full, possibly truncated component by component (9303-3 §4.6 truncation).
 */
export function mrzNameMatches(primary: string, secondary: string, dg1Name: string, fieldFull: boolean): boolean {
  const [mrzPrimary = '', mrzSecondary = ''] = splitOnce(dg1Name, '<<');
  const wantSecondary = secondary.trim();
  if (!fieldFull) {
    return matchesTransliteration(primary, mrzPrimary) && (wantSecondary === '' ? mrzSecondary === '' : matchesTransliteration(wantSecondary, mrzSecondary));
  }
  return componentsTruncated(primary, mrzPrimary) && (mrzSecondary === '' || (wantSecondary !== '' && componentsTruncated(wantSecondary, mrzSecondary)));
}

function splitOnce(s: string, sep: string): [string, string] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at + sep.length)];
}

/** Each MRZ component is the transliteration of the corresponding name component or a truncation of it. */
function componentsTruncated(name: string, mrz: string): boolean {
  const nameParts = name.trim().split(/[\s\-‐‑]+/u).filter(Boolean);
  const mrzParts = mrz.split('<').filter(Boolean);
  if (mrzParts.length === 0 || mrzParts.length > nameParts.length) return false;
  return mrzParts.every((part, i) => matchesTransliteration(nameParts[i]!, part, true));
}

export function matchIcaoHolder(account: AccountHolder, dg1: DataGroup1): HolderMismatch | null {
  if (account.documentNumber === null || account.birthDate === null || account.primaryIdentifier === null) {
    return 'no-identity';
  }
  if (fillersRemoved(account.documentNumber) !== fillersRemoved(dg1.documentNumber)) return 'document-number';
  if (account.birthDate !== dg1.birthDate) return 'birth-date';
  let nameOk: boolean;
  try {
    nameOk = mrzNameMatches(account.primaryIdentifier, account.secondaryIdentifier ?? '', dg1.name, dg1.nameFieldFull);
  } catch {
    nameOk = false;
  }
  return nameOk ? null : 'name';
}

export function matchResidentHolder(account: AccountHolder, text: ResidentText): HolderMismatch | null {
  if (account.cnIdNumber === null || account.cnName === null) return 'no-identity';
  if (account.cnIdNumber.toUpperCase() !== text.idNumber.toUpperCase()) return 'id-number';
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/gu, '');
  return norm(account.cnName) === norm(text.name) ? null : 'name';
}
