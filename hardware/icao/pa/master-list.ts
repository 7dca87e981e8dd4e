import * as asn1js from 'asn1js';
import { childrenOf, isUniversal, parseBer, rawBytes, smallIntegerOf, TAG, toBytes } from '../lds/asn1';
import { LdsError } from '../lds/lds-error';
import { encodeSignedContent, parseSignedContent, type SigningInput } from '../lds/sod';
import { readCertificate, type CertificateInfo } from './certificate';
import { embeddedCertificates, findSignerCertificate, verifySignedContent } from './cms';
import { TrustStoreError } from './pa-error';

/** ICAO 9303-12 §9: id-icao-cscaMasterList. */
export const CSCA_MASTER_LIST_OID = '2.23.136.1.1.2';

export interface MasterListOptions {
  /**
   * Anchors the master list signer must chain to. Without them the signer must be issued by a
   * CSCA in the list itself (ICAO 9303-12 §9: the list is signed under its issuer's CSCA).
   */
  signerAnchors?: CertificateInfo[];
  /** Checks the signer certificate's validity period at this moment, when given. */
  at?: Date;
}

/** Verifies an ICAO CSCA master list (CMS SignedData of CscaMasterList) and returns its CSCAs. */
export function readMasterList(bytes: Uint8Array, options: MasterListOptions = {}): CertificateInfo[] {
  let content;
  let certList: Uint8Array[];
  try {
    content = parseSignedContent(bytes, CSCA_MASTER_LIST_OID, 'master list');
    // CscaMasterList ::= SEQUENCE { version INTEGER (v0), certList SET OF Certificate }
    const [version, list] = childrenOf(parseBer(content.eContent, 'CscaMasterList'), 'CscaMasterList', TAG.sequence);
    if (smallIntegerOf(version, 'CscaMasterList version') !== 0) throw new LdsError('unsupported', 'CscaMasterList version');
    certList = childrenOf(list, 'certList', TAG.set).filter((c) => isUniversal(c, TAG.sequence)).map(rawBytes);
  } catch (error) {
    throw new TrustStoreError('master-list-invalid', `master list unreadable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const cscas = certList.map(readCertificate);
  const signer = findSignerCertificate(content, embeddedCertificates(content));
  if (!signer) throw new TrustStoreError('master-list-signature-invalid', 'master list signer certificate missing');
  const check = verifySignedContent(content, signer);
  if (!check.ok) throw new TrustStoreError('master-list-signature-invalid', `master list signature: ${check.detail}`);
  const anchors = options.signerAnchors ?? cscas;
  if (!anchors.some((a) => signer.isSignedBy(a))) {
    throw new TrustStoreError('master-list-signature-invalid', 'master list signer is not issued by a trusted CSCA');
  }
  if (options.at && (options.at < signer.notBefore || options.at > signer.notAfter)) {
    throw new TrustStoreError('master-list-signature-invalid', 'master list signer certificate is not valid now');
  }
  return cscas;
}

/** Builds and signs a master list (fixtures and tests). */
export function encodeMasterList(cscas: Uint8Array[], signing: SigningInput): Uint8Array {
  const list = new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), new asn1js.Set({ value: cscas.map((c) => parseBer(c, 'CSCA')) })],
  });
  return encodeSignedContent(CSCA_MASTER_LIST_OID, toBytes(list), signing);
}
