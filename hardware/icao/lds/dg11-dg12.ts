import { dataGroupTag } from './data-group';
import { LdsError } from './lds-error';
import { decodeText, encodeText, encodeTlv, readSingleTlv, readTlvs, requireChild, type Tlv } from './tlv';

/** DG11 additional personal details (ICAO 9303-10 §4.7.11); every field optional. */
export interface DataGroup11 {
  fullName?: string;
  otherNames?: string[];
  personalNumber?: string;
  /** YYYYMMDD. */
  fullDateOfBirth?: string;
  placeOfBirth?: string;
  permanentAddress?: string;
  telephone?: string;
  profession?: string;
  title?: string;
  personalSummary?: string;
  otherTravelDocuments?: string;
  custodyInformation?: string;
}

const DG11_TEXT_FIELDS: Array<[keyof DataGroup11, number]> = [
  ['fullName', 0x5f0e],
  ['personalNumber', 0x5f10],
  ['fullDateOfBirth', 0x5f2b],
  ['placeOfBirth', 0x5f11],
  ['permanentAddress', 0x5f42],
  ['telephone', 0x5f12],
  ['profession', 0x5f13],
  ['title', 0x5f14],
  ['personalSummary', 0x5f15],
  ['otherTravelDocuments', 0x5f17],
  ['custodyInformation', 0x5f18],
];
const OTHER_NAMES_TEMPLATE = 0xa0;
const OTHER_NAME = 0x5f0f;
const COUNT = 0x02;

/** DG12 additional document details (ICAO 9303-10 §4.7.12). */
export interface DataGroup12 {
  issuingAuthority?: string;
  /** YYYYMMDD. */
  dateOfIssue?: string;
  endorsements?: string;
  taxOrExitRequirements?: string;
  /** YYYYMMDDHHMMSS. */
  personalizationTime?: string;
  personalizationDeviceSerial?: string;
}

const DG12_TEXT_FIELDS: Array<[keyof DataGroup12, number]> = [
  ['issuingAuthority', 0x5f19],
  ['dateOfIssue', 0x5f26],
  ['endorsements', 0x5f1b],
  ['taxOrExitRequirements', 0x5f1c],
  ['personalizationTime', 0x5f55],
  ['personalizationDeviceSerial', 0x5f56],
];

function tagListOf(children: Tlv[]): number[] {
  const list = requireChild(children, 0x5c, 'tag list').value;
  const tags: number[] = [];
  for (let i = 0; i < list.length; ) {
    const b = list[i] ?? 0;
    if ((b & 0x1f) === 0x1f) {
      const next = list[i + 1];
      if (next === undefined) throw new LdsError('tlv-truncated', 'tag list ends inside a tag');
      tags.push(b * 256 + next);
      i += 2;
    } else {
      tags.push(b);
      i += 1;
    }
  }
  return tags;
}

function encodeTagList(tags: number[]): Uint8Array {
  return encodeTlv(0x5c, Uint8Array.from(tags.flatMap((t) => (t > 0xff ? [t >> 8, t & 0xff] : [t]))));
}

export function parseDg11(bytes: Uint8Array): DataGroup11 {
  const children = readTlvs(readSingleTlv(bytes, dataGroupTag(11), 'DG11').value);
  tagListOf(children);
  const out: DataGroup11 = {};
  for (const [key, tag] of DG11_TEXT_FIELDS) {
    const c = children.find((x) => x.tag === tag);
    if (c) (out as Record<string, string>)[key] = decodeText(c.value, `DG11 0x${tag.toString(16)}`);
  }
  const other = children.find((x) => x.tag === OTHER_NAMES_TEMPLATE);
  if (other) {
    const inner = readTlvs(other.value);
    out.otherNames = inner.filter((x) => x.tag === OTHER_NAME).map((x) => decodeText(x.value, 'DG11 other name'));
  }
  return out;
}

export function encodeDg11(dg: DataGroup11): Uint8Array {
  const parts: Uint8Array[] = [];
  const tags: number[] = [];
  for (const [key, tag] of DG11_TEXT_FIELDS) {
    const v = dg[key];
    if (typeof v === 'string') {
      parts.push(encodeTlv(tag, encodeText(v)));
      tags.push(tag);
    }
  }
  if (dg.otherNames && dg.otherNames.length > 0) {
    parts.push(
      encodeTlv(
        OTHER_NAMES_TEMPLATE,
        encodeTlv(COUNT, Uint8Array.of(dg.otherNames.length)),
        ...dg.otherNames.map((n) => encodeTlv(OTHER_NAME, encodeText(n))),
      ),
    );
    tags.push(OTHER_NAME);
  }
  return encodeTlv(dataGroupTag(11), encodeTagList(tags), ...parts);
}

export function parseDg12(bytes: Uint8Array): DataGroup12 {
  const children = readTlvs(readSingleTlv(bytes, dataGroupTag(12), 'DG12').value);
  tagListOf(children);
  const out: DataGroup12 = {};
  for (const [key, tag] of DG12_TEXT_FIELDS) {
    const c = children.find((x) => x.tag === tag);
    if (c) (out as Record<string, string>)[key] = decodeText(c.value, `DG12 0x${tag.toString(16)}`);
  }
  return out;
}

export function encodeDg12(dg: DataGroup12): Uint8Array {
  const parts: Uint8Array[] = [];
  const tags: number[] = [];
  for (const [key, tag] of DG12_TEXT_FIELDS) {
    const v = dg[key];
    if (typeof v === 'string') {
      parts.push(encodeTlv(tag, encodeText(v)));
      tags.push(tag);
    }
  }
  return encodeTlv(dataGroupTag(12), encodeTagList(tags), ...parts);
}
