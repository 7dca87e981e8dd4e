import { HardwareError } from '../transport/errors';
import { ETHNICITY_GB3304 } from './ethnicity';
import { isValidIdNumber } from './id-number';

export class HolderTextError extends HardwareError {
  readonly field: string;
  constructor(code: 'holder-text-invalid' | 'id-number-invalid', field: string, message: string) {
    super(code, message);
    this.field = field;
  }
}

/** The text block of a second-generation resident identity card (reader wire protocol §3). */
export interface ResidentIdText {
  name: string;
  sex: { code: string; label: 'male' | 'female' | 'unknown' | 'unspecified' };
  ethnicity: { code: string; zh: string; romanized: string };
  /** ISO 8601 date. */
  birthDate: string;
  address: string;
  /** 18 characters, GB 11643 with a verified ISO 7064 MOD 11-2 check character. */
  idNumber: string;
  issuingAuthority: string;
  validFrom: string;
  /** ISO 8601 date, or 'long-term' for 长期 (no expiry). */
  validTo: string | 'long-term';
}

/** Field sizes in bytes (UCS-2LE), in card order; total 256. */
export const TEXT_LAYOUT = [
  ['name', 30],
  ['sex', 2],
  ['ethnicity', 4],
  ['birthDate', 16],
  ['address', 70],
  ['idNumber', 36],
  ['issuingAuthority', 30],
  ['validFrom', 16],
  ['validTo', 16],
  ['reserved', 36],
] as const;

/** GB/T 2261.1 sex codes. */
const SEX: Record<string, ResidentIdText['sex']['label']> = { '0': 'unknown', '1': 'male', '2': 'female', '9': 'unspecified' };

export function decodeHolderText(block: Uint8Array): ResidentIdText {
  if (block.length !== 256) throw new HolderTextError('holder-text-invalid', 'text', `text block is ${block.length} bytes, expected 256`);
  const raw: Record<string, string> = {};
  let offset = 0;
  const decoder = new TextDecoder('utf-16le', { fatal: true });
  for (const [field, size] of TEXT_LAYOUT) {
    let text: string;
    try {
      text = decoder.decode(block.subarray(offset, offset + size));
    } catch {
      throw new HolderTextError('holder-text-invalid', field, `${field} is not valid UCS-2`);
    }
    raw[field] = text.replace(/[\s\u0000]+$/u, '');
    offset += size;
  }
  const field = (name: string): string => raw[name] ?? '';
  const name = field('name');
  if (name.length === 0) throw new HolderTextError('holder-text-invalid', 'name', 'name is empty');
  const sexLabel = SEX[field('sex')];
  if (!sexLabel) throw new HolderTextError('holder-text-invalid', 'sex', `unknown sex code '${field('sex')}'`);
  const ethnicity = ETHNICITY_GB3304[field('ethnicity')];
  if (!ethnicity) throw new HolderTextError('holder-text-invalid', 'ethnicity', `unknown GB 3304 code '${field('ethnicity')}'`);
  const birthDate = isoDate(field('birthDate'), 'birthDate');
  const idNumber = field('idNumber');
  if (!isValidIdNumber(idNumber)) {
    throw new HolderTextError('id-number-invalid', 'idNumber', 'ID number fails the GB 11643 format or ISO 7064 MOD 11-2 check');
  }
  // GB 11643 §4.2: digits 7..14 are the birth date.
  if (idNumber.slice(6, 14) !== field('birthDate')) {
    throw new HolderTextError('id-number-invalid', 'idNumber', 'ID number birth date differs from the birth date field');
  }
  const validFrom = isoDate(field('validFrom'), 'validFrom');
  const validToRaw = field('validTo');
  const validTo = validToRaw === '长期' ? 'long-term' : isoDate(validToRaw, 'validTo');
  if (validTo !== 'long-term' && validTo < validFrom) {
    throw new HolderTextError('holder-text-invalid', 'validTo', 'validity ends before it starts');
  }
  return {
    name,
    sex: { code: field('sex'), label: sexLabel },
    ethnicity: { code: field('ethnicity'), ...ethnicity },
    birthDate,
    address: field('address'),
    idNumber,
    issuingAuthority: field('issuingAuthority'),
    validFrom,
    validTo,
  };
}

function isoDate(yyyymmdd: string, field: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  if (m) {
    const [, y, mo, d] = m;
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    if (date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d)) {
      return `${y}-${mo}-${d}`;
    }
  }
  throw new HolderTextError('holder-text-invalid', field, `${field} is not a valid YYYYMMDD date`);
}
