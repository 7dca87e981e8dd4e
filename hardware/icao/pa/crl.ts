import type * as asn1js from 'asn1js';
import { algorithmOf, childrenOf, integerBytesOf, isContext, isUniversal, parseBer, rawBytes, TAG } from '../lds/asn1';
import { sameSerial, timeOf, type CertificateInfo } from './certificate';
import { TrustStoreError } from './pa-error';
import { verifySignature } from './signature';

/** An X.509 CRL (RFC 5280 §5.1) as passive authentication uses it. */
export interface RevocationList {
  der: Uint8Array;
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  revokedSerials: Uint8Array[];
  isSignedBy(issuer: CertificateInfo): boolean;
  revokes(serialNumber: Uint8Array): boolean;
}

export function readCrl(der: Uint8Array): RevocationList {
  try {
    const [tbs, sigAlgNode, sigNode] = childrenOf(parseBer(der, 'CRL'), 'CertificateList', TAG.sequence);
    const fields = childrenOf(tbs, 'TBSCertList', TAG.sequence);
    let i = isUniversal(fields[0], TAG.integer) ? 1 : 0;
    algorithmOf(fields[i++], 'signature');
    const issuer = fields[i++];
    if (!issuer || !isUniversal(issuer, TAG.sequence)) throw new Error('no issuer Name');
    const thisUpdate = timeOf(fields[i++], 'thisUpdate');
    let nextUpdate: Date | undefined;
    if (isUniversal(fields[i], TAG.utcTime) || isUniversal(fields[i], TAG.generalizedTime)) nextUpdate = timeOf(fields[i++], 'nextUpdate');
    const revokedSerials: Uint8Array[] = [];
    if (isUniversal(fields[i], TAG.sequence)) {
      for (const entry of childrenOf(fields[i++], 'revokedCertificates')) {
        revokedSerials.push(integerBytesOf(childrenOf(entry, 'revoked entry', TAG.sequence)[0], 'userCertificate'));
      }
    }
    if (fields[i] && !isContext(fields[i], 0)) throw new Error('unexpected field after revokedCertificates');
    const sigAlg = algorithmOf(sigAlgNode, 'signatureAlgorithm');
    if (!isUniversal(sigNode, TAG.bitString)) throw new Error('no signature BIT STRING');
    const signature = new Uint8Array((sigNode as asn1js.BitString).valueBlock.valueHexView);
    const tbsBytes = rawBytes(tbs as NonNullable<typeof tbs>);
    return {
      der,
      issuerDer: rawBytes(issuer),
      thisUpdate,
      ...(nextUpdate ? { nextUpdate } : {}),
      revokedSerials,
      isSignedBy: (cert) => verifySignature(sigAlg.oid, sigAlg.params, tbsBytes, signature, cert.publicKey).ok,
      revokes: (serial) => revokedSerials.some((s) => sameSerial(s, serial)),
    };
  } catch (error) {
    throw new TrustStoreError('crl-invalid', `CRL unreadable: ${error instanceof Error ? error.message : String(error)}`);
  }
}
