import { LdsError } from './lds-error';

/** One BER-TLV data object (ISO/IEC 7816-4 §5.2, ICAO 9303-10 §4.6). */
export interface Tlv {
  /** The tag bytes read as one big-endian number, e.g. 0x5F1F. */
  tag: number;
  constructed: boolean;
  value: Uint8Array;
  /** Offset just past this object in the buffer it was read from. */
  end: number;
}

const MAX_LENGTH_OCTETS = 4;

/** Reads one TLV at `offset`; every length is checked against the buffer. */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  let p = offset;
  const first = bytes[p];
  if (first === undefined) throw new LdsError('tlv-truncated', `no tag at offset ${offset}`);
  if (first === 0x00 || first === 0xff) throw new LdsError('tlv-bad-tag', `invalid tag byte 0x${first.toString(16)} at ${p}`);
  let tag = first;
  p++;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes: b8 set means more follow; ICAO tags are at most 3 bytes.
    for (let i = 0; ; i++) {
      const b = bytes[p];
      if (b === undefined) throw new LdsError('tlv-truncated', `tag truncated at ${p}`);
      if (i >= 2) throw new LdsError('tlv-bad-tag', `tag longer than 3 bytes at ${offset}`);
      tag = tag * 256 + b;
      p++;
      if ((b & 0x80) === 0) break;
    }
  }
  const lengthByte = bytes[p];
  if (lengthByte === undefined) throw new LdsError('tlv-truncated', `length missing at ${p}`);
  p++;
  let length = lengthByte;
  if (lengthByte === 0x80) throw new LdsError('tlv-bad-length', `indefinite length is not allowed in the LDS (offset ${p - 1})`);
  if (lengthByte > 0x80) {
    const n = lengthByte & 0x7f;
    if (n > MAX_LENGTH_OCTETS) throw new LdsError('tlv-bad-length', `length of ${n} octets at ${p - 1}`);
    length = 0;
    for (let i = 0; i < n; i++) {
      const b = bytes[p];
      if (b === undefined) throw new LdsError('tlv-truncated', `length truncated at ${p}`);
      length = length * 256 + b;
      p++;
    }
  }
  if (p + length > bytes.length) {
    throw new LdsError('tlv-truncated', `tag 0x${tag.toString(16)} claims ${length} bytes, ${bytes.length - p} available`);
  }
  return { tag, constructed: (first & 0x20) !== 0, value: bytes.subarray(p, p + length), end: p + length };
}

/** Reads every TLV in `bytes` (which must hold nothing else). */
export function readTlvs(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let p = 0;
  while (p < bytes.length) {
    const tlv = readTlv(bytes, p);
    out.push(tlv);
    p = tlv.end;
  }
  return out;
}

/** Reads a file that is exactly one TLV with the expected tag. */
export function readSingleTlv(bytes: Uint8Array, expectedTag: number, what: string): Tlv {
  const tlv = readTlv(bytes, 0);
  if (tlv.tag !== expectedTag) {
    throw new LdsError('unexpected-tag', `${what}: expected tag 0x${expectedTag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
  }
  // Files read from a chip may be padded after the object; anything else there is not parsed.
  return tlv;
}

/** The first child with `tag`, or a typed error. */
export function requireChild(children: Tlv[], tag: number, what: string): Tlv {
  const found = children.find((c) => c.tag === tag);
  if (!found) throw new LdsError('missing-element', `${what}: tag 0x${tag.toString(16)} missing`);
  return found;
}

export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`bad length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function encodeTag(tag: number): Uint8Array {
  const bytes: number[] = [];
  for (let n = tag; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.from(bytes.length === 0 ? [0] : bytes);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Encodes one TLV; `value` may be several already-encoded children. */
export function encodeTlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  const body = concatBytes(...value);
  return concatBytes(encodeTag(tag), encodeLength(body.length), body);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

export function decodeText(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new LdsError('asn1-invalid', `${what}: not UTF-8 text`);
  }
}

export function encodeText(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
