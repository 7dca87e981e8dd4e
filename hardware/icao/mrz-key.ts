import { createHash } from 'node:crypto';
import { IcaoError } from './errors';

/** The MRZ fields the document basic access keys derive from (ICAO 9303-11 §9.7.2). */
export interface MrzKeySeed {
  documentNumber: string;
  /** YYMMDD */
  dateOfBirth: string;
  /** YYMMDD */
  dateOfExpiry: string;
}

/** ICAO 9303-3 §4.9 check digit (weights 7, 3, 1; `<` = 0, A = 10 … Z = 35). */
export function checkDigit(field: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const ch = field[i]!;
    let v: number;
    if (ch >= '0' && ch <= '9') v = ch.charCodeAt(0) - 48;
    else if (ch >= 'A' && ch <= 'Z') v = ch.charCodeAt(0) - 55;
    else if (ch === '<') v = 0;
    else throw new IcaoError('bad-argument', `character ${JSON.stringify(ch)} is not an MRZ character`);
    sum += v * weights[i % 3]!;
  }
  return String(sum % 10);
}

/** MRZ_information = document number ‖ CD ‖ birth ‖ CD ‖ expiry ‖ CD (document number padded to 9 with `<`). */
export function mrzInformation(seed: MrzKeySeed): string {
  const doc = seed.documentNumber.toUpperCase().padEnd(9, '<');
  for (const d of [seed.dateOfBirth, seed.dateOfExpiry]) {
    if (!/^\d{6}$/.test(d)) throw new IcaoError('bad-argument', 'MRZ dates must be YYMMDD');
  }
  return doc + checkDigit(doc) + seed.dateOfBirth + checkDigit(seed.dateOfBirth) + seed.dateOfExpiry + checkDigit(seed.dateOfExpiry);
}

/** SHA-1 of the MRZ information: PACE's K for the MRZ password, and BAC's K_seed source (first 16 bytes). */
export function mrzKeyHash(seed: MrzKeySeed): Uint8Array {
  return new Uint8Array(createHash('sha1').update(mrzInformation(seed), 'ascii').digest());
}
