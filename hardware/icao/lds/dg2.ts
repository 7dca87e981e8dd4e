import { dataGroupTag } from './data-group';
import { imageDimensions, sniffImageFormat, type PortraitFormat } from './image-format';
import { LdsError } from './lds-error';
import { concatBytes, encodeTlv, readSingleTlv, readTlvs, requireChild, type Tlv } from './tlv';

/** Which biometric data block standard carried the portrait. */
export type FaceRecordEncoding = 'iso19794-5' | 'iso39794-5';

export interface FacePortrait {
  encoding: FaceRecordEncoding;
  format: PortraitFormat;
  /** The encoded image as stored on the chip. */
  image: Uint8Array;
  width: number;
  height: number;
}

/** DG2 (ICAO 9303-10 §4.7.2): biometric information group template 7F61 of 7F60 templates. */
export interface DataGroup2 {
  portraits: FacePortrait[];
}

const BIT_GROUP = 0x7f61;
const BIT = 0x7f60;
const BHT = 0xa1;
const BDB_19794 = 0x5f2e;
const BDB_39794 = 0x7f2e;

// ISO/IEC 19794-5:2005 §5.4: facial record header "FAC\0" + version "010\0".
const FAC_HEADER = [0x46, 0x41, 0x43, 0x00, 0x30, 0x31, 0x30, 0x00];

function imageFrom(bytes: Uint8Array, encoding: FaceRecordEncoding): FacePortrait {
  const format = sniffImageFormat(bytes);
  if (!format) throw new LdsError('image-invalid', `${encoding}: image is neither JPEG nor JPEG 2000`);
  const { width, height } = imageDimensions(bytes, format);
  if (width <= 0 || height <= 0) throw new LdsError('image-invalid', `${encoding}: image of ${width}×${height}`);
  return { encoding, format, image: bytes, width, height };
}

/** ISO/IEC 19794-5:2005 facial record; returns the images of every facial record data block. */
function parse19794(b: Uint8Array): FacePortrait[] {
  if (b.length < 14 || !FAC_HEADER.every((x, i) => b[i] === x)) {
    throw new LdsError('biometric-invalid', 'ISO 19794-5: no FAC header');
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const recordLength = view.getUint32(8);
  if (recordLength > b.length) throw new LdsError('biometric-invalid', 'ISO 19794-5: record length beyond the data block');
  const count = view.getUint16(12);
  const out: FacePortrait[] = [];
  let p = 14;
  for (let i = 0; i < count; i++) {
    if (p + 32 > b.length) throw new LdsError('biometric-invalid', 'ISO 19794-5: facial record truncated');
    const blockLength = view.getUint32(p);
    const featurePoints = view.getUint16(p + 4);
    const imageStart = p + 20 + featurePoints * 8 + 12;
    if (blockLength < imageStart - p || p + blockLength > b.length) {
      throw new LdsError('biometric-invalid', 'ISO 19794-5: facial record block length out of range');
    }
    out.push(imageFrom(b.subarray(imageStart, p + blockLength), 'iso19794-5'));
    p += blockLength;
  }
  if (out.length === 0) throw new LdsError('biometric-invalid', 'ISO 19794-5: no facial image');
  return out;
}

/**
 * ISO/IEC 39794-5 tagged-binary face data block: the portrait is the representation's 2D data
 * (an OCTET STRING). Found by walking the BER tree for the first primitive holding an image, so
 * that optional blocks before it (version, capture device, quality) need not be modelled.
 */
function parse39794(b: Uint8Array): FacePortrait[] {
  const found: FacePortrait[] = [];
  const walk = (bytes: Uint8Array, depth: number): void => {
    if (depth > 12) throw new LdsError('biometric-invalid', 'ISO 39794-5: nested too deeply');
    for (const t of readTlvs(bytes)) {
      if (t.constructed) walk(t.value, depth + 1);
      else if (sniffImageFormat(t.value)) found.push(imageFrom(t.value, 'iso39794-5'));
    }
  };
  walk(b, 0);
  if (found.length === 0) throw new LdsError('biometric-invalid', 'ISO 39794-5: no image representation');
  return found;
}

export function parseDg2(bytes: Uint8Array): DataGroup2 {
  const outer = readSingleTlv(bytes, dataGroupTag(2), 'DG2');
  const group = requireChild(readTlvs(outer.value), BIT_GROUP, 'DG2');
  const children = readTlvs(group.value);
  const count = requireChild(children, 0x02, 'DG2 biometric count').value[0] ?? 0;
  const templates = children.filter((c) => c.tag === BIT);
  if (templates.length !== count) {
    throw new LdsError('biometric-invalid', `DG2: count says ${count} templates, found ${templates.length}`);
  }
  const portraits: FacePortrait[] = [];
  for (const template of templates) {
    const parts = readTlvs(template.value);
    const bdb: Tlv | undefined = parts.find((x) => x.tag === BDB_19794 || x.tag === BDB_39794);
    if (!bdb) throw new LdsError('missing-element', 'DG2: biometric template without a data block');
    portraits.push(...(bdb.tag === BDB_19794 ? parse19794(bdb.value) : parse39794(bdb.value)));
  }
  if (portraits.length === 0) throw new LdsError('biometric-invalid', 'DG2: no portrait');
  return { portraits };
}

export interface PortraitToEncode {
  image: Uint8Array;
  encoding: FaceRecordEncoding;
}

function encode19794(image: Uint8Array, format: PortraitFormat, width: number, height: number): Uint8Array {
  const blockLength = 20 + 12 + image.length;
  const head = new Uint8Array(14 + 32);
  const v = new DataView(head.buffer);
  head.set(FAC_HEADER, 0);
  v.setUint32(8, 14 + blockLength);
  v.setUint16(12, 1);
  v.setUint32(14, blockLength);
  // Facial information (§5.5): no feature points, gender/eyes/hair/expression unspecified.
  // Image information (§5.7): type 1 full frontal, data type 0 JPEG / 1 JPEG 2000, 24-bit RGB.
  const info = 14 + 20;
  head[info] = 1;
  head[info + 1] = format === 'jpeg' ? 0 : 1;
  v.setUint16(info + 2, width);
  v.setUint16(info + 4, height);
  head[info + 6] = 1;
  head[info + 7] = 2; // source: digital still camera
  return concatBytes(head, image);
}

/**
 * ISO/IEC 39794-5 tagged binary: FaceImageDataBlock ::= [APPLICATION 5] SEQUENCE { versionBlock [0],
 * representationBlocks [1] SEQUENCE OF { representationId [0], imageRepresentation [1] base [0]
 * imageRepresentation2DBlock [0] { representationData2D [0], imageInformation2DBlock [1] {
 * imageDataFormat [0] code [0] } } } }. Image data format codes: jpeg 2, jpeg2000Lossy 3.
 */
function encode39794(image: Uint8Array, format: PortraitFormat): Uint8Array {
  const int = (tag: number, n: number) => encodeTlv(tag, n > 0xff ? Uint8Array.of(n >> 8, n & 0xff) : Uint8Array.of(n));
  // Edition ISO/IEC 39794-5:2019: generation 3.
  const version = encodeTlv(0xa0, int(0x80, 3), int(0x81, 2019));
  const imageInfo = encodeTlv(0xa1, encodeTlv(0xa0, int(0x80, format === 'jpeg' ? 2 : 3)));
  const representation2d = encodeTlv(0xa0, encodeTlv(0x80, image), imageInfo);
  const representation = encodeTlv(0x30, int(0x80, 1), encodeTlv(0xa1, encodeTlv(0xa0, representation2d)));
  return encodeTlv(0x65, version, encodeTlv(0xa1, representation));
}

/** Builds DG2 with one biometric template per portrait. */
export function encodeDg2(portraits: PortraitToEncode[]): Uint8Array {
  const templates = portraits.map(({ image, encoding }) => {
    const format = sniffImageFormat(image);
    if (!format) throw new LdsError('image-invalid', 'portrait is neither JPEG nor JPEG 2000');
    const { width, height } = imageDimensions(image, format);
    // Biometric header template (ISO/IEC 7816-11 Table 4): ICAO header version, type face (0x02),
    // format owner JTC 1/SC 37 (0x0101), format type (IBIA CBEFF registry) 0x0008 for 19794-5,
    // 0x002A for 39794-5 (g3-binary-face-image).
    const bht = encodeTlv(
      BHT,
      encodeTlv(0x80, Uint8Array.of(0x01, 0x01)),
      encodeTlv(0x81, Uint8Array.of(0x02)),
      encodeTlv(0x87, Uint8Array.of(0x01, 0x01)),
      encodeTlv(0x88, encoding === 'iso19794-5' ? Uint8Array.of(0x00, 0x08) : Uint8Array.of(0x00, 0x2a)),
    );
    const bdb =
      encoding === 'iso19794-5'
        ? encodeTlv(BDB_19794, encode19794(image, format, width, height))
        : encodeTlv(BDB_39794, encode39794(image, format));
    return encodeTlv(BIT, bht, bdb);
  });
  return encodeTlv(dataGroupTag(2), encodeTlv(BIT_GROUP, encodeTlv(0x02, Uint8Array.of(templates.length)), ...templates));
}
