import { algorithmOf, childrenOf, oidOf, parseBer, rawBytes, TAG } from './asn1';
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
  const spki = parseBer(outer.value, 'DG15 SubjectPublicKeyInfo');
  const [algNode, keyNode] = childrenOf(spki, 'SubjectPublicKeyInfo', TAG.sequence);
  const alg = algorithmOf(algNode, 'SubjectPublicKeyInfo algorithm');
  if (!keyNode || (keyNode as { idBlock: { tagNumber: number } }).idBlock.tagNumber !== TAG.bitString) {
    throw new LdsError('asn1-invalid', 'DG15: no subjectPublicKey BIT STRING');
  }
  if (alg.oid !== RSA_OID && alg.oid !== EC_OID) throw new LdsError('unsupported', `DG15: key algorithm ${alg.oid} is neither RSA nor EC`);
  let namedCurveOid: string | undefined;
  if (alg.oid === EC_OID && alg.paramsNode && (alg.paramsNode as { idBlock: { tagNumber: number } }).idBlock.tagNumber === TAG.oid) {
    namedCurveOid = oidOf(alg.paramsNode, 'EC named curve');
  }
  return {
    keyType: alg.oid === RSA_OID ? 'rsa' : 'ec',
    subjectPublicKeyInfo: rawBytes(spki),
    algorithmOid: alg.oid,
    ...(namedCurveOid ? { namedCurveOid } : {}),
  };
}

export function encodeDg15(subjectPublicKeyInfoDer: Uint8Array): Uint8Array {
  return encodeTlv(dataGroupTag(15), subjectPublicKeyInfoDer);
}
