/** Minimal EF.DG1 reading for the holder check (ICAO 9303-10 §4.7.1, 9303-4/5/6 MRZ layouts). */
export class DataGroup1Error extends Error {
  readonly code = 'dg1-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'DataGroup1Error';
  }
}

export interface DataGroup1 {
  format: 'TD1' | 'TD2' | 'TD3';
  documentCode: string;
  issuingState: string;
  /** Fillers removed; a TD1/TD2 number longer than 9 characters is joined from the optional data. */
  documentNumber: string;
  birthDate: string; // YYMMDD
  expiryDate: string; // YYMMDD
  /** The name field with trailing fillers removed: PRIMARY<<SECONDARY<NAMES. */
  name: string;
  /** True when the field has no trailing filler, so the name may have been truncated. */
  nameFieldFull: boolean;
}

function readTlv(bytes: Uint8Array, at: number): { tag: number; start: number; end: number } {
  let i = at;
  const first = bytes[i++];
  if (first === undefined) throw new DataGroup1Error('truncated TLV');
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let b: number | undefined;
    do {
      b = bytes[i++];
      if (b === undefined) throw new DataGroup1Error('truncated tag');
      tag = tag * 256 + b;
    } while (b & 0x80);
  }
  let len = bytes[i++];
  if (len === undefined) throw new DataGroup1Error('truncated length');
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3) throw new DataGroup1Error('unsupported length');
    len = 0;
    for (let k = 0; k < n; k++) {
      const b = bytes[i++];
      if (b === undefined) throw new DataGroup1Error('truncated length');
      len = len * 256 + b;
    }
  }
  if (i + len > bytes.length) throw new DataGroup1Error('TLV value runs past the end');
  return { tag, start: i, end: i + len };
}

export function parseDataGroup1(bytes: Uint8Array): DataGroup1 {
  const outer = readTlv(bytes, 0);
  if (outer.tag !== 0x61) throw new DataGroup1Error('EF.DG1 must start with tag 61');
  const inner = readTlv(bytes, outer.start);
  if (inner.tag !== 0x5f1f) throw new DataGroup1Error('EF.DG1 must hold tag 5F1F');
  const mrz = Buffer.from(bytes.subarray(inner.start, inner.end)).toString('latin1');
  if (!/^[A-Z0-9<]+$/.test(mrz)) throw new DataGroup1Error('MRZ has characters outside A-Z 0-9 <');
  const trimName = (field: string) => ({ name: field.replace(/<+$/, ''), nameFieldFull: !field.endsWith('<') });
  const stripFillers = (s: string) => s.replace(/</g, '');
  const longNumber = (head: string, check: string, optional: string): string =>
    // 9303-5 §4.2.2 note j: a '<' check digit means the number continues in the optional data.
    check === '<' ? head + optional.replace(/<.*$/, '').slice(0, -1) : head;

  if (mrz.length === 90) {
    const [l1, l2, l3] = [mrz.slice(0, 30), mrz.slice(30, 60), mrz.slice(60)];
    return {
      format: 'TD1',
      documentCode: stripFillers(l1.slice(0, 2)),
      issuingState: stripFillers(l1.slice(2, 5)),
      documentNumber: stripFillers(longNumber(l1.slice(5, 14), l1[14]!, l1.slice(15, 30))),
      birthDate: l2.slice(0, 6),
      expiryDate: l2.slice(8, 14),
      ...trimName(l3),
    };
  }
  if (mrz.length === 72) {
    const [l1, l2] = [mrz.slice(0, 36), mrz.slice(36)];
    return {
      format: 'TD2',
      documentCode: stripFillers(l1.slice(0, 2)),
      issuingState: stripFillers(l1.slice(2, 5)),
      documentNumber: stripFillers(longNumber(l2.slice(0, 9), l2[9]!, l2.slice(28, 35))),
      birthDate: l2.slice(13, 19),
      expiryDate: l2.slice(21, 27),
      ...trimName(l1.slice(5, 36)),
    };
  }
  if (mrz.length === 88) {
    const [l1, l2] = [mrz.slice(0, 44), mrz.slice(44)];
    return {
      format: 'TD3',
      documentCode: stripFillers(l1.slice(0, 2)),
      issuingState: stripFillers(l1.slice(2, 5)),
      documentNumber: stripFillers(l2.slice(0, 9)),
      birthDate: l2.slice(13, 19),
      expiryDate: l2.slice(21, 27),
      ...trimName(l1.slice(5, 44)),
    };
  }
  throw new DataGroup1Error(`MRZ length ${mrz.length} is not TD1 (90), TD2 (72) or TD3 (88)`);
}

/** Wraps MRZ text into EF.DG1 (used by tests and fixtures). */
export function encodeDataGroup1(mrz: string): Uint8Array {
  const value = Buffer.from(mrz, 'latin1');
  const len = (n: number) => (n < 0x80 ? [n] : [0x81, n]);
  const inner = Buffer.from([0x5f, 0x1f, ...len(value.length), ...value]);
  return new Uint8Array([0x61, ...len(inner.length), ...inner]);
}
