import { LdsError } from './lds-error';

/** Image encodings a chip portrait may use (ICAO 9303-9: JPEG or JPEG 2000). */
export type PortraitFormat = 'jpeg' | 'jp2' | 'j2k';

const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

/** Detects the encoding from the magic bytes, or undefined. */
export function sniffImageFormat(bytes: Uint8Array): PortraitFormat | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (JP2_SIGNATURE.every((b, i) => bytes[i] === b)) return 'jp2';
  // ITU-T T.800 Annex A: SOC marker then SIZ marker.
  if (bytes[0] === 0xff && bytes[1] === 0x4f && bytes[2] === 0xff && bytes[3] === 0x51) return 'j2k';
  return undefined;
}

function u16(b: Uint8Array, p: number): number {
  const hi = b[p];
  const lo = b[p + 1];
  if (hi === undefined || lo === undefined) throw new LdsError('image-invalid', 'image header truncated');
  return hi * 256 + lo;
}

function u32(b: Uint8Array, p: number): number {
  return u16(b, p) * 65536 + u16(b, p + 2);
}

function jpegDimensions(b: Uint8Array): { width: number; height: number } {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) throw new LdsError('image-invalid', `JPEG: no marker at ${p}`);
    const marker = b[p + 1] ?? 0;
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      p += 2;
      continue;
    }
    const length = u16(b, p + 2);
    // ITU-T T.81 §B.2.2: SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: u16(b, p + 5), width: u16(b, p + 7) };
    }
    if (marker === 0xd9 || marker === 0xda) break;
    p += 2 + length;
  }
  throw new LdsError('image-invalid', 'JPEG: no frame header');
}

function j2kDimensions(b: Uint8Array, p = 0): { width: number; height: number } {
  if (u16(b, p) !== 0xff4f || u16(b, p + 2) !== 0xff51) throw new LdsError('image-invalid', 'J2K: no SOC/SIZ');
  // SIZ: Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz (T.800 §A.5.1).
  const xsiz = u32(b, p + 8);
  const ysiz = u32(b, p + 12);
  const xo = u32(b, p + 16);
  const yo = u32(b, p + 20);
  return { width: xsiz - xo, height: ysiz - yo };
}

/** The boxes of a JP2 file (ISO/IEC 15444-1 Annex I), top level only. */
export function jp2Boxes(b: Uint8Array, start = 0, end = b.length): Array<{ type: string; body: Uint8Array }> {
  const boxes: Array<{ type: string; body: Uint8Array }> = [];
  let p = start;
  while (p + 8 <= end) {
    let length = u32(b, p);
    const type = String.fromCharCode(b[p + 4] ?? 0, b[p + 5] ?? 0, b[p + 6] ?? 0, b[p + 7] ?? 0);
    let header = 8;
    if (length === 1) {
      const hi = u32(b, p + 8);
      if (hi !== 0) throw new LdsError('image-invalid', 'JP2: box larger than 4 GB');
      length = u32(b, p + 12);
      header = 16;
    } else if (length === 0) {
      length = end - p;
    }
    if (length < header || p + length > end) throw new LdsError('image-invalid', `JP2: box '${type}' overruns the file`);
    boxes.push({ type, body: b.subarray(p + header, p + length) });
    p += length;
  }
  return boxes;
}

/** The contiguous codestream inside a JP2 file. */
export function jp2Codestream(b: Uint8Array): Uint8Array {
  const box = jp2Boxes(b).find((x) => x.type === 'jp2c');
  if (!box) throw new LdsError('image-invalid', 'JP2: no codestream box');
  return box.body;
}

export function imageDimensions(bytes: Uint8Array, format: PortraitFormat): { width: number; height: number } {
  switch (format) {
    case 'jpeg':
      return jpegDimensions(bytes);
    case 'j2k':
      return j2kDimensions(bytes);
    case 'jp2': {
      const header = jp2Boxes(bytes).find((x) => x.type === 'jp2h');
      const ihdr = header ? jp2Boxes(header.body).find((x) => x.type === 'ihdr') : undefined;
      if (ihdr) return { height: u32(ihdr.body, 0), width: u32(ihdr.body, 4) };
      return j2kDimensions(jp2Codestream(bytes));
    }
  }
}

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const length = 8 + parts.reduce((n, x) => n + x.length, 0);
  const out = new Uint8Array(length);
  new DataView(out.buffer).setUint32(0, length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let p = 8;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Wraps a J2K codestream in a minimal JP2 file (signature, ftyp, jp2h/ihdr+colr, jp2c). */
export function wrapJp2(codestream: Uint8Array, components: 1 | 3): Uint8Array {
  const { width, height } = j2kDimensions(codestream);
  const ihdr = new Uint8Array(14);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, height);
  v.setUint32(4, width);
  v.setUint16(8, components);
  ihdr[10] = 7; // 8 bits per component, unsigned
  ihdr[11] = 7; // compression type: JPEG 2000
  // colr: method 1 (enumerated), sRGB (16) or greyscale (17).
  const colr = Uint8Array.of(1, 0, 0, 0, 0, 0, components === 3 ? 16 : 17);
  const ftyp = Uint8Array.of(0x6a, 0x70, 0x32, 0x20, 0, 0, 0, 0, 0x6a, 0x70, 0x32, 0x20);
  return Uint8Array.from([
    ...JP2_SIGNATURE,
    ...box('ftyp', ftyp),
    ...box('jp2h', box('ihdr', ihdr), box('colr', colr)),
    ...box('jp2c', codestream),
  ]);
}
