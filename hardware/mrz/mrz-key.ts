import { mrzCheckDigit } from './check-digit';
import { MrzError, parseMrzDocument } from './mrz-document';

/** The inputs of the BAC/PACE MRZ-derived key (ICAO 9303-11 §4.3: MRZ_information). */
export interface MrzKey {
  documentNumber: string;
  /** YYMMDD */
  dateOfBirth: string;
  /** YYMMDD */
  dateOfExpiry: string;
  /** Document number (at least 9 characters, '<'-padded) ‖ CD ‖ birth ‖ CD ‖ expiry ‖ CD. */
  mrzInformation: string;
}

/** From MRZ lines as scanned: parsed, every check digit verified. */
export function mrzKeyFromLines(lines: string[]): MrzKey {
  const document = parseMrzDocument(lines);
  return mrzKeyFromFields(document.documentNumber, document.dateOfBirth, document.dateOfExpiry);
}

/** From fields typed by an operator (e.g. read off the card), check digits computed. */
export function mrzKeyFromFields(documentNumber: string, dateOfBirth: string, dateOfExpiry: string): MrzKey {
  const number = documentNumber.trim().toUpperCase().replace(/<+$/, '');
  if (!/^[A-Z0-9<]{1,22}$/.test(number)) {
    throw new MrzError('mrz-format', 'document number must be 1–22 characters A–Z, 0–9', ['documentNumber']);
  }
  for (const [name, value] of [['dateOfBirth', dateOfBirth], ['dateOfExpiry', dateOfExpiry]] as const) {
    if (!/^\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(value)) {
      throw new MrzError('mrz-format', `${name} must be YYMMDD`, [name]);
    }
  }
  const padded = number.padEnd(9, '<');
  const cd = (s: string): string => mrzCheckDigit(s) ?? '0';
  return {
    documentNumber: number,
    dateOfBirth,
    dateOfExpiry,
    mrzInformation: `${padded}${cd(padded)}${dateOfBirth}${cd(dateOfBirth)}${dateOfExpiry}${cd(dateOfExpiry)}`,
  };
}
