import { parse as parseMrzLines } from 'mrz';
import type { MrzKeySeed } from '../mrz-key';
import { dataGroupTag } from './data-group';
import { LdsError } from './lds-error';
import { encodeTlv, readSingleTlv, readTlvs, requireChild } from './tlv';

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

/**
 * Codes the `mrz` package does not list but ICAO 9303 uses: UTO is the specimen state Utopia
 * (9303-3 §5, used throughout the specimens and by our test documents).
 */
const EXTRA_STATE_CODES = new Set(['UTO']);

/** DG1: the MRZ as stored on the chip (ICAO 9303-10 §4.7.1). */
export interface DataGroup1 {
  format: MrzFormat;
  /** The MRZ lines without line breaks, as on the chip. */
  mrz: string;
  lines: string[];
  documentCode: string;
  /** Three letters, '<' fillers removed (Germany is "D"). */
  issuingState: string;
  nationality: string;
  /** Fillers removed. */
  documentNumber: string;
  /** YYMMDD. */
  birthDate: string;
  /** YYMMDD. */
  expiryDate: string;
  sex: 'male' | 'female' | 'unspecified';
  primaryIdentifier: string;
  secondaryIdentifier: string;
  optionalData: string;
  /** Every check digit and field verified. */
  checkDigitsValid: boolean;
  invalidFields: string[];
}

const LINE_LENGTHS: Record<number, { format: MrzFormat; lines: number; width: number }> = {
  90: { format: 'TD1', lines: 3, width: 30 },
  72: { format: 'TD2', lines: 2, width: 36 },
  88: { format: 'TD3', lines: 2, width: 44 },
};

export function parseMrzText(mrz: string): DataGroup1 {
  const shape = LINE_LENGTHS[mrz.length];
  if (!shape) throw new LdsError('mrz-invalid', `MRZ of ${mrz.length} characters is not TD1 (90), TD2 (72) or TD3 (88)`);
  if (!/^[A-Z0-9<]+$/.test(mrz)) throw new LdsError('mrz-invalid', 'MRZ holds characters outside A-Z, 0-9 and <');
  const lines: string[] = [];
  for (let i = 0; i < shape.lines; i++) lines.push(mrz.slice(i * shape.width, (i + 1) * shape.width));
  let result;
  try {
    result = parseMrzLines(lines);
  } catch (error) {
    throw new LdsError('mrz-invalid', `MRZ unreadable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const raw = (field: string): string => {
    const d = result.details.find((x) => x.field === field);
    const line = d ? lines[d.line] : undefined;
    return d && line ? line.slice(d.start, d.end) : '';
  };
  const invalidFields = result.details
    .filter((d) => !d.valid)
    .filter((d) => !((d.field === 'issuingState' || d.field === 'nationality') && EXTRA_STATE_CODES.has(raw(d.field).replace(/</g, ''))))
    .map((d) => d.field ?? d.label);
  const f = result.fields;
  const names = (shape.format === 'TD1' ? lines[2] ?? '' : (lines[0] ?? '').slice(5)).split('<<');
  const sexChar = raw('sex');
  return {
    format: shape.format,
    mrz,
    lines,
    documentCode: raw('documentCode').replace(/</g, ''),
    issuingState: raw('issuingState').replace(/</g, ''),
    nationality: raw('nationality').replace(/</g, ''),
    documentNumber: f.documentNumber ?? raw('documentNumber').replace(/</g, ''),
    birthDate: raw('birthDate'),
    expiryDate: raw('expirationDate'),
    sex: sexChar === 'M' ? 'male' : sexChar === 'F' ? 'female' : 'unspecified',
    primaryIdentifier: (names[0] ?? '').replace(/<+$/, '').replace(/</g, ' ').trim(),
    secondaryIdentifier: names.slice(1).join('<<').replace(/<+$/, '').replace(/</g, ' ').trim(),
    optionalData: (f.personalNumber ?? f.optional1 ?? f.optional ?? '')?.replace(/</g, '') ?? '',
    checkDigitsValid: invalidFields.length === 0,
    invalidFields,
  };
}

export function parseDg1(bytes: Uint8Array): DataGroup1 {
  const outer = readSingleTlv(bytes, dataGroupTag(1), 'DG1');
  const mrzBytes = requireChild(readTlvs(outer.value), 0x5f1f, 'DG1').value;
  return parseMrzText(String.fromCharCode(...mrzBytes));
}

export function encodeDg1(mrz: string): Uint8Array {
  if (!LINE_LENGTHS[mrz.length] || !/^[A-Z0-9<]+$/.test(mrz)) throw new LdsError('mrz-invalid', 'not an MRZ');
  return encodeTlv(dataGroupTag(1), encodeTlv(0x5f1f, Uint8Array.from(mrz, (c) => c.charCodeAt(0))));
}

/** The MRZ fields that derive the BAC/PACE key (ICAO 9303-11 §9.7.2), as the chip reader uses them. */
export type AccessMrzSeed = MrzKeySeed;

export interface MrzCrossCheck {
  matches: boolean;
  mismatched: Array<keyof AccessMrzSeed>;
}

/**
 * Compares DG1 with the MRZ used to open the chip: a chip opened with one MRZ and carrying
 * another is not the document in the reader. Fillers and case are ignored in the number.
 */
export function crossCheckMrz(dg1: DataGroup1, seed: AccessMrzSeed): MrzCrossCheck {
  const norm = (s: string) => s.toUpperCase().replace(/</g, '');
  const mismatched: Array<keyof AccessMrzSeed> = [];
  if (norm(dg1.documentNumber) !== norm(seed.documentNumber)) mismatched.push('documentNumber');
  if (dg1.birthDate !== seed.dateOfBirth) mismatched.push('dateOfBirth');
  if (dg1.expiryDate !== seed.dateOfExpiry) mismatched.push('dateOfExpiry');
  return { matches: mismatched.length === 0, mismatched };
}

/** ICAO 9303-3 §4.9 check digit (weights 7-3-1). */
export function mrzCheckDigit(text: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '<';
    const v = c === '<' ? 0 : /[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 55;
    sum += v * (weights[i % 3] ?? 1);
  }
  return String(sum % 10);
}

export interface MrzFields {
  format: MrzFormat;
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  birthDate: string;
  sex: 'M' | 'F' | '<';
  expiryDate: string;
  nationality: string;
  primaryIdentifier: string;
  secondaryIdentifier: string;
  optionalData?: string;
}

function field(text: string, width: number): string {
  const t = text.toUpperCase().replace(/[^A-Z0-9<]/g, '<');
  return t.slice(0, width).padEnd(width, '<');
}

/** Builds a TD1/TD2/TD3 MRZ with its check digits (ICAO 9303-4/5/6). */
export function composeMrz(f: MrzFields): string {
  const name = (width: number) =>
    field(`${f.primaryIdentifier.replace(/ /g, '<')}<<${f.secondaryIdentifier.replace(/ /g, '<')}`, width);
  const opt = f.optionalData ?? '';
  if (f.format === 'TD1') {
    const docNumber = field(f.documentNumber, 9);
    const l1 = `${field(f.documentCode, 2)}${field(f.issuingState, 3)}${docNumber}${mrzCheckDigit(docNumber)}${field(opt, 15)}`;
    const l2head = `${f.birthDate}${mrzCheckDigit(f.birthDate)}${f.sex}${f.expiryDate}${mrzCheckDigit(f.expiryDate)}${field(f.nationality, 3)}${field('', 11)}`;
    const composite = l1.slice(5, 30) + l2head.slice(0, 7) + l2head.slice(8, 15) + l2head.slice(18, 29);
    return `${l1}${l2head}${mrzCheckDigit(composite)}${name(30)}`;
  }
  const width = f.format === 'TD2' ? 36 : 44;
  const docNumber = field(f.documentNumber, 9);
  const l1 = `${field(f.documentCode, 2)}${field(f.issuingState, 3)}${name(width - 5)}`;
  const optWidth = f.format === 'TD2' ? 7 : 14;
  const optional = field(opt, optWidth);
  const head = `${docNumber}${mrzCheckDigit(docNumber)}${field(f.nationality, 3)}${f.birthDate}${mrzCheckDigit(f.birthDate)}${f.sex}${f.expiryDate}${mrzCheckDigit(f.expiryDate)}${optional}`;
  const withOptCheck = f.format === 'TD3' ? `${head}${mrzCheckDigit(optional)}` : head;
  const composite =
    f.format === 'TD3'
      ? withOptCheck.slice(0, 10) + withOptCheck.slice(13, 20) + withOptCheck.slice(21, 43)
      : withOptCheck.slice(0, 10) + withOptCheck.slice(13, 20) + withOptCheck.slice(21, 35);
  return `${l1}${withOptCheck}${mrzCheckDigit(composite)}`;
}
