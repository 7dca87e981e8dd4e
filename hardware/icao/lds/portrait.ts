import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';
import { jp2Codestream, sniffImageFormat, wrapJp2 } from './image-format';
import { LdsError } from './lds-error';

/** A decoded portrait, 8-bit RGBA, row-major. */
export interface DecodedPortrait {
  width: number;
  height: number;
  rgba: Uint8Array;
}

// Chip portraits are small (ICAO 9303-9: about 240×320); refuse anything that would need a lot of memory.
const MAX_PIXELS = 4096 * 4096;

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  isUsingColorTransform?: boolean;
}
interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
interface J2KEncoder {
  getDecodedBuffer(frameInfo: FrameInfo): Uint8Array;
  setQuality(lossless: boolean, quality: number): void;
  setCompressionRatio(layer: number, ratio: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
  J2KEncoder: new () => J2KEncoder;
}

let openJpeg: Promise<OpenJpegModule> | undefined;

/** The OpenJPEG WebAssembly codec, instantiated once per process. */
export function loadOpenJpeg(): Promise<OpenJpegModule> {
  if (!openJpeg) {
    const require = createRequire(import.meta.url);
    const factory = require('@cornerstonejs/codec-openjpeg/wasmjs') as (m: object) => Promise<OpenJpegModule>;
    // OpenJPEG's progress messages would otherwise go to stdout.
    const quiet = () => undefined;
    openJpeg = factory({ print: quiet, printErr: quiet });
  }
  return openJpeg;
}

function toRgba(pixels: Uint8Array, width: number, height: number, components: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += components) {
    const r = pixels[j] ?? 0;
    rgba[i * 4] = r;
    rgba[i * 4 + 1] = components >= 3 ? (pixels[j + 1] ?? 0) : r;
    rgba[i * 4 + 2] = components >= 3 ? (pixels[j + 2] ?? 0) : r;
    rgba[i * 4 + 3] = components === 4 ? (pixels[j + 3] ?? 255) : 255;
  }
  return rgba;
}

async function decodeJ2k(codestream: Uint8Array): Promise<DecodedPortrait> {
  const codec = await loadOpenJpeg();
  const decoder = new codec.J2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    try {
      decoder.decode();
    } catch (error) {
      throw new LdsError('image-invalid', `JPEG 2000: ${error instanceof Error ? error.message : String(error)}`);
    }
    const info = decoder.getFrameInfo();
    if (info.width * info.height > MAX_PIXELS) throw new LdsError('image-invalid', 'JPEG 2000: image too large');
    if (info.bitsPerSample > 8) throw new LdsError('unsupported', `JPEG 2000: ${info.bitsPerSample} bits per sample`);
    const pixels = decoder.getDecodedBuffer();
    return { width: info.width, height: info.height, rgba: toRgba(pixels, info.width, info.height, info.componentCount) };
  } finally {
    decoder.delete();
  }
}

/** Decodes a chip portrait (JPEG, JP2 or a raw J2K codestream) to RGBA on the host. */
export async function decodePortrait(bytes: Uint8Array): Promise<DecodedPortrait> {
  const format = sniffImageFormat(bytes);
  switch (format) {
    case 'jpeg': {
      try {
        const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 256 });
        return { width: img.width, height: img.height, rgba: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
      } catch (error) {
        throw new LdsError('image-invalid', `JPEG: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    case 'jp2':
      return decodeJ2k(jp2Codestream(bytes));
    case 'j2k':
      return decodeJ2k(bytes);
    default:
      throw new LdsError('image-invalid', 'portrait is neither JPEG nor JPEG 2000');
  }
}

export interface Jpeg2000Options {
  /** Lossy compression ratio (e.g. 20 for 20:1). */
  compressionRatio: number;
  /** Wrap the codestream in a JP2 file (the usual DG2 content) rather than a raw J2K codestream. */
  container: 'jp2' | 'j2k';
  /** Encode the luminance only. */
  greyscale?: boolean;
}

/** Encodes RGBA pixels as JPEG 2000 with OpenJPEG (fixtures build JP2 chip portraits with it). */
export async function encodeJpeg2000(portrait: DecodedPortrait, options: Jpeg2000Options): Promise<Uint8Array> {
  const codec = await loadOpenJpeg();
  const encoder = new codec.J2KEncoder();
  try {
    const components = options.greyscale ? 1 : 3;
    const input = encoder.getDecodedBuffer({
      width: portrait.width,
      height: portrait.height,
      bitsPerSample: 8,
      componentCount: components,
      isSigned: false,
      isUsingColorTransform: components === 3,
    });
    for (let i = 0; i < portrait.width * portrait.height; i++) {
      for (let c = 0; c < components; c++) input[i * components + c] = portrait.rgba[i * 4 + c] ?? 0;
    }
    encoder.setQuality(false, 0);
    encoder.setCompressionRatio(0, options.compressionRatio);
    encoder.encode();
    const codestream = new Uint8Array(encoder.getEncodedBuffer());
    return options.container === 'jp2' ? wrapJp2(codestream, components) : codestream;
  } finally {
    encoder.delete();
  }
}

/** Encodes RGBA pixels as baseline JPEG (quality 1–100). */
export function encodeJpeg(portrait: DecodedPortrait, quality: number): Uint8Array {
  const out = jpeg.encode({ width: portrait.width, height: portrait.height, data: portrait.rgba }, quality);
  return new Uint8Array(out.data);
}
