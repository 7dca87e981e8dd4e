import { verify as cryptoVerify, constants, type KeyObject } from 'node:crypto';
import { algorithmOf, childrenOf, isContext, parseBer, smallIntegerOf, TAG } from '../lds/asn1';
import { hashAlgorithmForOid, type HashAlgorithmName } from '../lds/sod';

/** Signature algorithms ICAO 9303-12 allows for SODs, certificates and CRLs. */
const ECDSA: Record<string, HashAlgorithmName> = {
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
// BSI TR-03111 §5.2.1 ecdsa-plain-SHA*: r‖s instead of DER.
const ECDSA_PLAIN: Record<string, HashAlgorithmName> = {
  '0.4.0.127.0.7.1.1.4.1.1': 'sha1',
  '0.4.0.127.0.7.1.1.4.1.2': 'sha224',
  '0.4.0.127.0.7.1.1.4.1.3': 'sha256',
  '0.4.0.127.0.7.1.1.4.1.4': 'sha384',
  '0.4.0.127.0.7.1.1.4.1.5': 'sha512',
};
const RSA_PKCS1: Record<string, HashAlgorithmName> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSASSA_PSS = '1.2.840.113549.1.1.10';

export type SignatureCheck = { ok: true } | { ok: false; unsupported: boolean; detail: string };

/** RFC 4055 RSASSA-PSS-params: hash [0] (default SHA-1), salt length [2] (default 20). */
function pssParams(params: Uint8Array | undefined): { hash: HashAlgorithmName; saltLength: number } {
  let hash: HashAlgorithmName = 'sha1';
  let saltLength = 20;
  if (params) {
    for (const node of childrenOf(parseBer(params, 'RSASSA-PSS-params'), 'RSASSA-PSS-params', TAG.sequence)) {
      if (isContext(node, 0)) {
        const oid = algorithmOf(childrenOf(node, 'hashAlgorithm')[0], 'hashAlgorithm').oid;
        hash = hashAlgorithmForOid(oid) ?? hash;
      }
      if (isContext(node, 2)) saltLength = smallIntegerOf(childrenOf(node, 'saltLength')[0], 'saltLength');
    }
  }
  return { hash, saltLength };
}

/**
 * Verifies `signature` over `data`. `digestOid` names the hash for rsaEncryption, where the
 * signature algorithm itself does not (RFC 5754 §3.2 allows it in SignerInfo).
 */
export function verifySignature(
  algorithmOid: string,
  params: Uint8Array | undefined,
  data: Uint8Array,
  signature: Uint8Array,
  publicKey: KeyObject,
  digestOid?: string,
): SignatureCheck {
  try {
    const ecdsa = ECDSA[algorithmOid];
    const plain = ECDSA_PLAIN[algorithmOid];
    if (ecdsa || plain) {
      if (publicKey.asymmetricKeyType !== 'ec') return { ok: false, unsupported: false, detail: 'ECDSA signature with a non-EC key' };
      const ok = cryptoVerify(ecdsa ?? plain ?? 'sha256', data, { key: publicKey, dsaEncoding: plain ? 'ieee-p1363' : 'der' }, signature);
      return ok ? { ok } : { ok, unsupported: false, detail: 'ECDSA signature does not verify' };
    }
    const rsaHash = RSA_PKCS1[algorithmOid] ?? (algorithmOid === RSA_ENCRYPTION && digestOid ? hashAlgorithmForOid(digestOid) : undefined);
    if (rsaHash) {
      if (publicKey.asymmetricKeyType !== 'rsa') return { ok: false, unsupported: false, detail: 'RSA signature with a non-RSA key' };
      const ok = cryptoVerify(rsaHash, data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      return ok ? { ok } : { ok, unsupported: false, detail: 'RSA PKCS#1 v1.5 signature does not verify' };
    }
    if (algorithmOid === RSASSA_PSS) {
      const { hash, saltLength } = pssParams(params);
      const ok = cryptoVerify(hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
      return ok ? { ok } : { ok, unsupported: false, detail: 'RSASSA-PSS signature does not verify' };
    }
    return { ok: false, unsupported: true, detail: `signature algorithm ${algorithmOid} is not supported` };
  } catch (error) {
    return { ok: false, unsupported: false, detail: `signature unreadable: ${error instanceof Error ? error.message : String(error)}` };
  }
}
