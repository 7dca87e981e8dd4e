import { EF_COM_TAG, dataGroupForTag, dataGroupTag } from './data-group';
import { LdsError } from './lds-error';
import { decodeText, encodeText, encodeTlv, readSingleTlv, readTlvs, requireChild } from './tlv';

/** EF.COM (ICAO 9303-10 §4.6.1): LDS and Unicode versions and the data groups present. */
export interface EfCom {
  /** e.g. "0107" for LDS 1.7. */
  ldsVersion: string;
  /** e.g. "040000" for Unicode 4.0.0. */
  unicodeVersion: string;
  /** Data group numbers in the order of the tag list. */
  dataGroups: number[];
}

export function parseEfCom(bytes: Uint8Array): EfCom {
  const outer = readSingleTlv(bytes, EF_COM_TAG, 'EF.COM');
  const children = readTlvs(outer.value);
  const ldsVersion = decodeText(requireChild(children, 0x5f01, 'EF.COM').value, 'EF.COM LDS version');
  const unicodeVersion = decodeText(requireChild(children, 0x5f36, 'EF.COM').value, 'EF.COM Unicode version');
  if (!/^\d{4}$/.test(ldsVersion)) throw new LdsError('asn1-invalid', `EF.COM: LDS version '${ldsVersion}' is not 4 digits`);
  if (!/^\d{6}$/.test(unicodeVersion)) throw new LdsError('asn1-invalid', `EF.COM: Unicode version is not 6 digits`);
  const tagList = requireChild(children, 0x5c, 'EF.COM').value;
  const dataGroups: number[] = [];
  for (const tag of tagList) {
    const dg = dataGroupForTag(tag);
    if (dg === undefined) throw new LdsError('asn1-invalid', `EF.COM: tag list holds unknown tag 0x${tag.toString(16)}`);
    dataGroups.push(dg);
  }
  return { ldsVersion, unicodeVersion, dataGroups };
}

export function encodeEfCom(com: EfCom): Uint8Array {
  return encodeTlv(
    EF_COM_TAG,
    encodeTlv(0x5f01, encodeText(com.ldsVersion)),
    encodeTlv(0x5f36, encodeText(com.unicodeVersion)),
    encodeTlv(0x5c, Uint8Array.from(com.dataGroups.map(dataGroupTag))),
  );
}
