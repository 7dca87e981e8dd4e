/** The 256-byte UCS-2LE text block of a Chinese second-generation resident ID card (GA 467). */
export class ResidentTextError extends Error {
  readonly code = 'cn-text-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ResidentTextError';
  }
}

export interface ResidentText {
  name: string;
  sex: string;
  nation: string;
  birthDate: string; // YYYYMMDD
  idNumber: string; // 18 characters
  validFrom: string;
  validTo: string;
}

// Field widths in bytes, in order: name, sex, nation, birth, address, id, authority, from, to, reserved.
const LAYOUT = [30, 2, 4, 16, 70, 36, 30, 16, 16, 36] as const;

/** GB 11643-1999 check character (ISO 7064 MOD 11-2). */
export function residentIdCheckCharacter(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
  return '10X98765432'[sum % 11]!;
}

export function parseResidentText(bytes: Uint8Array): ResidentText {
  if (bytes.length !== 256) throw new ResidentTextError(`text block is ${bytes.length} bytes, expected 256`);
  const fields: string[] = [];
  let at = 0;
  for (const width of LAYOUT) {
    fields.push(Buffer.from(bytes.subarray(at, at + width)).toString('utf16le').replace(/[\s\u0000]+$/u, ''));
    at += width;
  }
  const [name, sex, nation, birthDate, , idNumber, , validFrom, validTo] = fields as [string, ...string[]];
  if (!name) throw new ResidentTextError('name is empty');
  if (!/^\d{8}$/.test(birthDate ?? '')) throw new ResidentTextError('birth date is not YYYYMMDD');
  if (!/^\d{17}[\dX]$/.test(idNumber ?? '')) throw new ResidentTextError('ID number is not 18 characters');
  if (residentIdCheckCharacter(idNumber!.slice(0, 17)) !== idNumber![17]) {
    throw new ResidentTextError('ID number check character is wrong');
  }
  return { name, sex: sex!, nation: nation!, birthDate: birthDate!, idNumber: idNumber!, validFrom: validFrom!, validTo: validTo! };
}

/** Builds a text block (tests and fixtures). */
export function encodeResidentText(t: Partial<ResidentText> & Pick<ResidentText, 'name' | 'idNumber' | 'birthDate'>): Uint8Array {
  const values = [t.name, t.sex ?? '1', t.nation ?? '01', t.birthDate, '', t.idNumber, '', t.validFrom ?? '20200101', t.validTo ?? '20400101', ''];
  const out = Buffer.alloc(256, 0);
  let at = 0;
  LAYOUT.forEach((width, i) => {
    const field = Buffer.from((values[i] ?? '').padEnd(width / 2, ' '), 'utf16le').subarray(0, width);
    field.copy(out, at);
    at += width;
  });
  return new Uint8Array(out);
}
