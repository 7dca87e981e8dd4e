import { concat } from './bytes';
import { IcaoError } from './errors';

/** ISO/IEC 7816-4 BER-TLV, as used by ICAO 9303 APDU data objects. */
export interface Tlv {
  tag: number;
  value: Uint8Array;
  /** Offset just past this TLV in the buffer it was read from. */
  end: number;
  /** Offset of the tag. */
  start: number;
}

export function readTlv(buf: Uint8Array, offset = 0): Tlv {
  const fail = (why: string): never => {
    throw new IcaoError('tlv-malformed', `BER-TLV at ${offset}: ${why}`);
  };
  let i = offset;
  const first = buf[i++];
  if (first === undefined) return fail('no tag');
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let b: number | undefined;
    let n = 0;
    do {
      b = buf[i++];
      if (b === undefined) return fail('truncated tag');
      tag = (tag << 8) | b;
      if (++n > 3) return fail('tag too long');
    } while (b & 0x80);
  }
  const l0 = buf[i++];
  if (l0 === undefined) return fail('no length');
  let len = l0;
  if (l0 > 0x80) {
    const n = l0 & 0x7f;
    if (n > 3) return fail('length too long');
    len = 0;
    for (let k = 0; k < n; k++) {
      const b = buf[i++];
      if (b === undefined) return fail('truncated length');
      len = len * 256 + b;
    }
  } else if (l0 === 0x80) {
    return fail('indefinite length');
  }
  if (i + len > buf.length) return fail('value runs past the end');
  return { tag, value: buf.subarray(i, i + len), end: i + len, start: offset };
}

/** Every TLV in `buf`, in order. */
export function readTlvs(buf: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let o = 0;
  while (o < buf.length) {
    const t = readTlv(buf, o);
    out.push(t);
    o = t.end;
  }
  return out;
}

export function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  if (len < 0x100) return Uint8Array.of(0x81, len);
  if (len < 0x10000) return Uint8Array.of(0x82, len >> 8, len & 0xff);
  return Uint8Array.of(0x83, len >> 16, (len >> 8) & 0xff, len & 0xff);
}

export function encodeTag(tag: number): Uint8Array {
  if (tag > 0xffff) return Uint8Array.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff);
  if (tag > 0xff) return Uint8Array.of(tag >> 8, tag & 0xff);
  return Uint8Array.of(tag);
}

export function tlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  const v = concat(...value);
  return concat(encodeTag(tag), encodeLength(v.length), v);
}

/** Header length (tag + length bytes) and total length of the TLV starting at `buf[0]`, if enough bytes are present. */
export function tlvTotalLength(buf: Uint8Array): number | undefined {
  try {
    let i = 0;
    const first = buf[i++];
    if (first === undefined) return undefined;
    if ((first & 0x1f) === 0x1f) {
      let b: number | undefined;
      do {
        b = buf[i++];
        if (b === undefined) return undefined;
      } while (b & 0x80);
    }
    const l0 = buf[i++];
    if (l0 === undefined) return undefined;
    let len = l0;
    if (l0 > 0x80) {
      const n = l0 & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) {
        const b = buf[i++];
        if (b === undefined) return undefined;
        len = len * 256 + b;
      }
    }
    return i + len;
  } catch {
    return undefined;
  }
}
