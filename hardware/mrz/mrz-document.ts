import { parse } from 'mrz';
import { HardwareError } from '../transport/errors';

export class MrzError extends HardwareError {
  readonly fields: string[];
  constructor(code: 'mrz-format' | 'mrz-check-digit', message: string, fields: string[] = []) {
    super(code, message);
    this.fields = fields;
  }
}

export interface MrzDocument {
  format: 'TD1' | 'TD2' | 'TD3';
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  /** YYMMDD as printed. */
  dateOfBirth: string;
  dateOfExpiry: string;
  surname: string;
  givenNames: string;
  nationality: string;
  sex: string;
  /** Non-check-digit findings (e.g. an unknown state code such as the ICAO specimen 'UTO'). */
  warnings: string[];
}

const FORMAT_LINES = { TD1: [3, 30], TD2: [2, 36], TD3: [2, 44] } as const;

/**
 * Parses and validates an MRZ with the `mrz` package (ICAO 9303-4/5/6 layouts). Every check digit,
 * composite included, must hold; other findings are returned as warnings.
 */
export function parseMrzDocument(lines: readonly string[]): MrzDocument {
  const cleaned = lines.map((l) => l.trim().toUpperCase()).filter((l) => l.length > 0);
  const format = (Object.keys(FORMAT_LINES) as Array<keyof typeof FORMAT_LINES>).find(
    (f) => cleaned.length === FORMAT_LINES[f][0] && cleaned.every((l) => l.length === FORMAT_LINES[f][1]),
  );
  if (!format || cleaned.some((l) => !/^[A-Z0-9<]+$/.test(l))) {
    throw new MrzError('mrz-format', 'not a TD1 (3×30), TD2 (2×36) or TD3 (2×44) MRZ');
  }
  let result: ReturnType<typeof parse>;
  try {
    result = parse(cleaned);
  } catch (error) {
    throw new MrzError('mrz-format', `MRZ not recognised: ${error instanceof Error ? error.message : String(error)}`);
  }
  const failedChecks = result.details.filter((d) => !d.valid && d.field?.endsWith('CheckDigit')).map((d) => d.field ?? '');
  if (failedChecks.length > 0) {
    throw new MrzError('mrz-check-digit', `MRZ check digit mismatch: ${failedChecks.join(', ')}`, failedChecks);
  }
  const raw = (field: string): string => {
    const detail = result.details.find((d) => d.field === field);
    const range = detail?.ranges[0];
    if (!range) return '';
    return (cleaned[range.line] ?? '').slice(range.start, range.end);
  };
  const warnings = result.details.filter((d) => !d.valid && !d.field?.endsWith('CheckDigit')).map((d) => `${d.field}: ${d.error ?? 'invalid'}`);
  const f = result.fields;
  const documentNumber = result.documentNumber ?? f.documentNumber;
  if (!documentNumber || !f.birthDate || !f.expirationDate) {
    throw new MrzError('mrz-format', 'MRZ lacks a document number, birth date or expiry date');
  }
  return {
    format,
    documentCode: f.documentCode ?? raw('documentCode').replace(/<+$/, ''),
    issuingState: raw('issuingState').replace(/<+$/, ''),
    documentNumber,
    dateOfBirth: f.birthDate,
    dateOfExpiry: f.expirationDate,
    surname: f.lastName ?? '',
    givenNames: f.firstName ?? '',
    nationality: raw('nationality').replace(/<+$/, ''),
    sex: raw('sex'),
    warnings,
  };
}
