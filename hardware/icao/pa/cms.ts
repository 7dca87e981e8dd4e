import { createHash } from 'node:crypto';
import { hashAlgorithmForOid, type SignedContent } from '../lds/sod';
import { readCertificate, sameBytes, sameSerial, type CertificateInfo } from './certificate';
import { verifySignature } from './signature';

export type CmsCheck =
  | { ok: true }
  | { ok: false; failure: 'digest-mismatch' | 'signature-invalid' | 'unsupported-algorithm'; detail: string };

/** The certificate among `candidates` that the SignerInfo names (RFC 5652 §5.3 sid). */
export function findSignerCertificate(content: SignedContent, candidates: CertificateInfo[]): CertificateInfo | undefined {
  const sid = content.signer.sid;
  return candidates.find((c) =>
    sid.kind === 'issuer-and-serial'
      ? sameBytes(c.issuerDer, sid.issuerDer) && sameSerial(c.serialNumber, sid.serialNumber)
      : sameBytes(c.subjectKeyIdentifier, sid.keyIdentifier),
  );
}

/** The certificates carried in the SignedData that can be read (unreadable ones are skipped). */
export function embeddedCertificates(content: SignedContent): CertificateInfo[] {
  const out: CertificateInfo[] = [];
  for (const der of content.certificates) {
    try {
      out.push(readCertificate(der));
    } catch {
      // An unreadable extra certificate cannot be the signer; the signer lookup reports it missing.
    }
  }
  return out;
}

/** RFC 5652 §5.6: message digest of the content, content type, then the signature. */
export function verifySignedContent(content: SignedContent, signer: CertificateInfo): CmsCheck {
  const s = content.signer;
  const digest = hashAlgorithmForOid(s.digestAlgorithmOid);
  if (!digest) return { ok: false, failure: 'unsupported-algorithm', detail: `digest algorithm ${s.digestAlgorithmOid}` };
  let signed = content.eContent;
  if (s.signedAttributes) {
    if (!s.messageDigest) return { ok: false, failure: 'digest-mismatch', detail: 'signed attributes lack messageDigest' };
    const actual = new Uint8Array(createHash(digest).update(content.eContent).digest());
    if (!sameBytes(actual, s.messageDigest)) return { ok: false, failure: 'digest-mismatch', detail: 'messageDigest differs from the content' };
    if (s.contentType !== undefined && s.contentType !== content.eContentType) {
      return { ok: false, failure: 'digest-mismatch', detail: 'contentType attribute differs from eContentType' };
    }
    signed = s.signedAttributes;
  }
  const result = verifySignature(s.signatureAlgorithmOid, s.signatureAlgorithmParams, signed, s.signature, signer.publicKey, s.digestAlgorithmOid);
  if (result.ok) return result;
  return { ok: false, failure: result.unsupported ? 'unsupported-algorithm' : 'signature-invalid', detail: result.detail };
}
