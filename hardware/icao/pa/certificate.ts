import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import {
  algorithmOf,
  childrenOf,
  integerBytesOf,
  isContext,
  isUniversal,
  octetsOf,
  oidOf,
  parseBer,
  rawBytes,
  TAG,
  type Asn1Node,
} from '../lds/asn1';
import { LdsError } from '../lds/lds-error';
import { TrustStoreError } from './pa-error';

/** What passive authentication needs from an X.509 certificate. */
export interface CertificateInfo {
  der: Uint8Array;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  serialNumber: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** The subject's countryName, upper case. */
  country?: string;
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: Uint8Array;
  publicKey: KeyObject;
  sha256: Uint8Array;
  /** Verifies that `issuer`'s key signed this certificate. */
  isSignedBy(issuer: CertificateInfo): boolean;
}

const COUNTRY_NAME = '2.5.4.6';
const SKI = '2.5.29.14';
const AKI = '2.5.29.35';

export function timeOf(node: Asn1Node | undefined, what: string): Date {
  if (isUniversal(node, TAG.utcTime) || isUniversal(node, TAG.generalizedTime)) {
    const d = (node as asn1js.UTCTime).toDate();
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new LdsError('asn1-invalid', `${what}: expected a time`);
}

/** The countryName of an X.501 Name, if any. */
export function countryOf(nameNode: Asn1Node): string | undefined {
  for (const rdn of childrenOf(nameNode, 'Name', TAG.sequence)) {
    for (const atv of childrenOf(rdn, 'RelativeDistinguishedName', TAG.set)) {
      const [type, value] = childrenOf(atv, 'AttributeTypeAndValue', TAG.sequence);
      if (oidOf(type, 'attribute type') === COUNTRY_NAME) {
        const text = (value as asn1js.PrintableString | undefined)?.valueBlock?.value;
        if (typeof text === 'string') return text.toUpperCase();
      }
    }
  }
  return undefined;
}

function parseCertificate(der: Uint8Array): CertificateInfo {
  const [tbs] = childrenOf(parseBer(der, 'certificate'), 'Certificate', TAG.sequence);
  const fields = childrenOf(tbs, 'TBSCertificate', TAG.sequence);
  const at = isContext(fields[0], 0) ? 1 : 0;
  const serialNumber = integerBytesOf(fields[at], 'serialNumber');
  algorithmOf(fields[at + 1], 'signature');
  const issuer = fields[at + 2];
  const validity = childrenOf(fields[at + 3], 'Validity', TAG.sequence);
  const subject = fields[at + 4];
  if (!issuer || !subject || !isUniversal(issuer, TAG.sequence) || !isUniversal(subject, TAG.sequence)) {
    throw new LdsError('asn1-invalid', 'certificate: issuer or subject missing');
  }
  let subjectKeyIdentifier: Uint8Array | undefined;
  let authorityKeyIdentifier: Uint8Array | undefined;
  const extensions = fields.slice(at + 6).find((f) => isContext(f, 3));
  if (extensions) {
    for (const ext of childrenOf(childrenOf(extensions, 'extensions')[0], 'Extensions', TAG.sequence)) {
      const parts = childrenOf(ext, 'Extension', TAG.sequence);
      const id = oidOf(parts[0], 'extnID');
      const value = octetsOf(parts[parts.length - 1], 'extnValue');
      if (id === SKI) subjectKeyIdentifier = octetsOf(parseBer(value, 'subjectKeyIdentifier'), 'subjectKeyIdentifier');
      if (id === AKI) {
        const keyId = childrenOf(parseBer(value, 'authorityKeyIdentifier'), 'AKI', TAG.sequence).find((n) => isContext(n, 0));
        if (keyId) authorityKeyIdentifier = new Uint8Array((keyId as asn1js.Primitive).valueBlock.valueHexView);
      }
    }
  }
  const x509 = new X509Certificate(der);
  const country = countryOf(subject);
  return {
    der,
    subjectDer: rawBytes(subject),
    issuerDer: rawBytes(issuer),
    serialNumber,
    notBefore: timeOf(validity[0], 'notBefore'),
    notAfter: timeOf(validity[1], 'notAfter'),
    ...(country ? { country } : {}),
    ...(subjectKeyIdentifier ? { subjectKeyIdentifier } : {}),
    ...(authorityKeyIdentifier ? { authorityKeyIdentifier } : {}),
    publicKey: x509.publicKey,
    sha256: new Uint8Array(createHash('sha256').update(der).digest()),
    isSignedBy(issuerCert: CertificateInfo): boolean {
      try {
        return x509.verify(issuerCert.publicKey);
      } catch {
        return false;
      }
    },
  };
}

/** Reads a DER certificate; throws TrustStoreError('certificate-invalid') on anything unreadable. */
export function readCertificate(der: Uint8Array): CertificateInfo {
  try {
    return parseCertificate(der);
  } catch (error) {
    throw new TrustStoreError('certificate-invalid', `certificate unreadable: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Serial numbers compare as integers: leading zero octets do not count. */
export function sameSerial(a: Uint8Array, b: Uint8Array): boolean {
  const strip = (x: Uint8Array) => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    return x.subarray(i);
  };
  return sameBytes(strip(a), strip(b));
}

/** Accepts DER or PEM (one or more CERTIFICATE / X509 CRL blocks). */
export function derBlocks(bytes: Uint8Array, label: 'CERTIFICATE' | 'X509 CRL'): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.includes('-----BEGIN')) return [bytes];
  const re = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
}
