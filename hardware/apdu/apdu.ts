import { HardwareError } from '../transport/errors';

/** ISO/IEC 7816-4 §5.1 command APDU. `le` is the expected length: 1..256 short, up to 65536 extended. */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  le?: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  sw1: number;
  sw2: number;
  /** SW1 << 8 | SW2 */
  sw: number;
}

export class ApduFormatError extends HardwareError {
  constructor(message: string) {
    super('apdu-format-invalid', message);
  }
}

/**
 * The Le field alone (ISO/IEC 7816-4 §5.1): one byte short (256 → 00), two bytes extended
 * (65536 → 00 00). Secure messaging carries exactly this inside DO'97' (ICAO 9303-11 §9.8.4).
 */
export function encodeLe(le: number, extended: boolean): Uint8Array {
  if (!Number.isInteger(le) || le < 1 || le > (extended ? 65536 : 256)) throw new ApduFormatError(`Le out of range: ${le}`);
  if (!extended) return Uint8Array.of(le === 256 ? 0 : le);
  const v = le === 65536 ? 0 : le;
  return Uint8Array.of(v >> 8, v & 0xff);
}

/** Reads a one- or two-byte Le field; 00 means 256 and 00 00 means 65536 (ISO/IEC 7816-4 §5.1). */
export function decodeLe(bytes: Uint8Array): number {
  if (bytes.length === 1) return bytes[0] || 256;
  if (bytes.length === 2) return ((bytes[0]! << 8) | bytes[1]!) || 65536;
  throw new ApduFormatError(`Le field of ${bytes.length} bytes`);
}

/**
 * Encodes cases 1–4, short when Lc ≤ 255 and Le ≤ 256, extended otherwise (or when forced).
 * Extended: Lc = 00 HH LL; Le = HH LL (00 00 = 65536), preceded by 00 when there is no Lc.
 */
export function encodeCommandApdu(command: CommandApdu, options: { extended?: boolean } = {}): Uint8Array {
  const data = command.data ?? new Uint8Array(0);
  const le = command.le;
  for (const [name, value] of [['CLA', command.cla], ['INS', command.ins], ['P1', command.p1], ['P2', command.p2]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new ApduFormatError(`${name} out of range: ${value}`);
  }
  if (data.length > 65535) throw new ApduFormatError(`command data too long (${data.length})`);
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > 65536)) throw new ApduFormatError(`Le out of range: ${le}`);
  const extended = options.extended ?? (data.length > 255 || (le !== undefined && le > 256));
  const out: number[] = [command.cla, command.ins, command.p1, command.p2];
  if (!extended) {
    if (data.length > 0) out.push(data.length, ...data);
  } else {
    if (data.length > 0) out.push(0, data.length >> 8, data.length & 0xff, ...data);
    else if (le !== undefined) out.push(0);
  }
  if (le !== undefined) out.push(...encodeLe(le, extended));
  return Uint8Array.from(out);
}

/** ISO/IEC 7816-4 §5.1 decoding of the four cases, short and extended. */
export function decodeCommandApdu(bytes: Uint8Array): CommandApdu {
  if (bytes.length < 4) throw new ApduFormatError(`command APDU shorter than its header (${bytes.length})`);
  const [cla, ins, p1, p2] = [bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0, bytes[3] ?? 0];
  const body = bytes.subarray(4);
  const header = { cla, ins, p1, p2 };
  const n = body.length;
  const b0 = body[0] ?? 0;
  if (n === 0) return header;
  if (n === 1) return { ...header, le: decodeLe(body) };
  if (b0 !== 0 || n === 1 + b0 || n === 2 + b0) {
    // short case 3 or 4
    if (b0 === 0) throw new ApduFormatError('short Lc of 0');
    if (n === 1 + b0) return { ...header, data: body.slice(1) };
    if (n === 2 + b0) return { ...header, data: body.slice(1, 1 + b0), le: decodeLe(body.subarray(n - 1)) };
    throw new ApduFormatError(`body length ${n} does not match Lc ${b0}`);
  }
  // extended: body starts with 00
  if (n === 3) return { ...header, le: decodeLe(body.subarray(1)) };
  const lc = ((body[1] ?? 0) << 8) | (body[2] ?? 0);
  if (lc === 0) throw new ApduFormatError('extended Lc of 0');
  if (n === 3 + lc) return { ...header, data: body.slice(3) };
  if (n === 5 + lc) return { ...header, data: body.slice(3, 3 + lc), le: decodeLe(body.subarray(n - 2)) };
  throw new ApduFormatError(`body length ${n} does not match extended Lc ${lc}`);
}

/** decodeCommandApdu, or undefined where the bytes are not a well-formed command APDU. */
export function tryDecodeCommandApdu(bytes: Uint8Array): CommandApdu | undefined {
  try {
    return decodeCommandApdu(bytes);
  } catch (error) {
    if (error instanceof ApduFormatError) return undefined;
    throw error;
  }
}

/**
 * Whether a command APDU uses extended length fields: its body is longer than a lone short Le
 * and starts with 00 (ISO/IEC 7816-4 §5.1). Meaningful for bytes decodeCommandApdu accepts.
 */
export function isExtendedCommandApdu(bytes: Uint8Array): boolean {
  return bytes.length > 5 && bytes[4] === 0;
}

export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new ApduFormatError(`response APDU shorter than SW1 SW2 (${bytes.length})`);
  return responseApdu(bytes.slice(0, -2), ((bytes[bytes.length - 2] ?? 0) << 8) | (bytes[bytes.length - 1] ?? 0));
}

/** A response from its data and its status word as one number (SW1 << 8 | SW2). */
export function responseApdu(data: Uint8Array, sw: number): ResponseApdu {
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new ApduFormatError(`status word out of range: ${sw}`);
  return { data, sw1: sw >> 8, sw2: sw & 0xff, sw };
}

/** data ‖ SW1 SW2, the R-APDU as it goes on the wire (ISO/IEC 7816-4 §5.1). */
export function encodeResponseApdu(response: Pick<ResponseApdu, 'data' | 'sw'>): Uint8Array {
  const { data, sw } = response;
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new ApduFormatError(`status word out of range: ${sw}`);
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}
