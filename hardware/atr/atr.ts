import { HardwareError } from '../transport/errors';

export class AtrError extends HardwareError {
  constructor(code: 'atr-invalid' | 'atr-checksum', message: string) {
    super(code, message);
  }
}

export interface InterfaceBytes {
  ta?: number;
  tb?: number;
  tc?: number;
  td?: number;
}

export interface Atr {
  bytes: Uint8Array;
  /** ISO/IEC 7816-3 §8.1: TS 3B = direct convention, 3F = inverse convention. */
  convention: 'direct' | 'inverse';
  /** Interface byte groups i = 1, 2, … (TAi, TBi, TCi, TDi). */
  interfaceBytes: InterfaceBytes[];
  /** Offered protocols in order (T=0 implied when no TD1 is present). */
  protocols: number[];
  historicalBytes: Uint8Array;
  /** Present only when a protocol other than T=0 is indicated (ISO/IEC 7816-3 §8.2.5). */
  tck?: number;
  /** TA1 clock rate conversion index Fi and baud rate adjustment index Di (defaults 1 and 1). */
  fi: number;
  di: number;
}

/** ISO/IEC 7816-3 §8.2: parses an answer-to-reset and verifies TCK. */
export function parseAtr(input: Uint8Array): Atr {
  const bytes = Uint8Array.from(input);
  if (bytes.length < 2) throw new AtrError('atr-invalid', `ATR too short (${bytes.length} bytes)`);
  if (bytes.length > 33) throw new AtrError('atr-invalid', `ATR too long (${bytes.length} bytes, max 33)`);
  const ts = bytes[0];
  if (ts !== 0x3b && ts !== 0x3f) {
    throw new AtrError('atr-invalid', `TS must be 3B or 3F, got ${hexByte(ts ?? 0)}`);
  }
  let offset = 1;
  const next = (what: string): number => {
    const value = bytes[offset];
    if (value === undefined) throw new AtrError('atr-invalid', `ATR truncated before ${what}`);
    offset += 1;
    return value;
  };
  const t0 = next('T0');
  const historicalLength = t0 & 0x0f;
  const interfaceBytes: InterfaceBytes[] = [];
  const protocols: number[] = [];
  let y = t0 >> 4;
  for (let i = 1; ; i += 1) {
    const group: InterfaceBytes = {};
    if (y & 0x1) group.ta = next(`TA${i}`);
    if (y & 0x2) group.tb = next(`TB${i}`);
    if (y & 0x4) group.tc = next(`TC${i}`);
    if (y & 0x8) group.td = next(`TD${i}`);
    interfaceBytes.push(group);
    if (group.td === undefined) break;
    const protocol = group.td & 0x0f;
    if (!protocols.includes(protocol)) protocols.push(protocol);
    y = group.td >> 4;
  }
  if (protocols.length === 0) protocols.push(0);
  if (offset + historicalLength > bytes.length) {
    throw new AtrError('atr-invalid', `ATR truncated: ${historicalLength} historical bytes announced`);
  }
  const historicalBytes = bytes.slice(offset, offset + historicalLength);
  offset += historicalLength;
  const needsTck = protocols.some((p) => p !== 0);
  let tck: number | undefined;
  if (needsTck) {
    tck = next('TCK');
    let check = 0;
    for (let i = 1; i < offset; i += 1) check ^= bytes[i] ?? 0;
    if (check !== 0) throw new AtrError('atr-checksum', `ATR TCK mismatch (XOR of T0..TCK = ${hexByte(check)})`);
  }
  if (offset !== bytes.length) {
    throw new AtrError('atr-invalid', `${bytes.length - offset} unexpected byte(s) after the ATR`);
  }
  const ta1 = interfaceBytes[0]?.ta;
  const atr: Atr = {
    bytes,
    convention: ts === 0x3b ? 'direct' : 'inverse',
    interfaceBytes,
    protocols,
    historicalBytes,
    fi: ta1 === undefined ? 1 : ta1 >> 4,
    di: ta1 === undefined ? 1 : ta1 & 0x0f,
  };
  if (tck !== undefined) atr.tck = tck;
  return atr;
}

function hexByte(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}
