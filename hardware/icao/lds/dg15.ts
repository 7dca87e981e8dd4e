import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { dataGroupTag } from './data-group';
import { LdsError } from './lds-error';
import { encodeTlv, readSingleTlv } from './tlv';

/** DG15: the Active Authentication public key (ICAO 9303-10 §4.7.15, 9303-11 §6.1). */
export interface DataGroup15 {
  keyType: 'rsa' | 'ec';
  /** DER SubjectPublicKeyInfo, ready for `crypto.createPublicKey({ format: 'der', type: 'spki' })`. */
  subjectPublicKeyInfo: Uint8Array;
  algorithmOid: string;
  /** Named curve OID for EC keys with named parameters; undefined for explicit parameters or RSA. */
  namedCurveOid?: string;
}

const RSA_OID = '1.2.840.113549.1.1.1';
const EC_OID = '1.2.840.10045.2.1';

export function parseDg15(bytes: Uint8Array): DataGroup15 {
  const outer = readSingleTlv(bytes, dataGroupTag(15), 'DG15');
  const parsed = asn1js.fromBER(outer.value);
  if (parsed.offset === -1 || parsed.result.error) {
    throw new LdsError('asn1-invalid', `DG15: SubjectPublicKeyInfo is not valid BER (${parsed.result.error || 'parse error'})`);
  }
  let spki: pkijs.PublicKeyInfo;
  try {
    spki = new pkijs.PublicKeyInfo({ schema: parsed.result });
  } catch (error) {
    throw new LdsError('asn1-invalid', `DG15: not a SubjectPublicKeyInfo (${error instanceof Error ? error.message : String(error)})`);
  }
  const algorithmOid = spki.algorithm.algorithmId;
  if (algorithmOid !== RSA_OID && algorithmOid !== EC_OID) {
    throw new LdsError('unsupported', `DG15: key algorithm ${algorithmOid} is neither RSA nor EC`);
  }
  const params = spki.algorithm.algorithmParams;
  const namedCurveOid = algorithmOid === EC_OID && params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : undefined;
  return {
    keyType: algorithmOid === RSA_OID ? 'rsa' : 'ec',
    subjectPublicKeyInfo: new Uint8Array(outer.value.slice(0, parsed.offset)),
    algorithmOid,
    ...(namedCurveOid ? { namedCurveOid } : {}),
  };
}

export function encodeDg15(subjectPublicKeyInfoDer: Uint8Array): Uint8Array {
  return encodeTlv(dataGroupTag(15), subjectPublicKeyInfoDer);
}
