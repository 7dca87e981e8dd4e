import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import {
  algorithmIdentifier,
  algorithmOf,
  childrenOf,
  explicitInner,
  integerBytesOf,
  isContext,
  isUniversal,
  octetsOf,
  oidOf,
  parseBer,
  rawBytes,
  smallIntegerOf,
  TAG,
  toBytes,
  type Asn1Node,
} from './asn1';
import { EF_SOD_TAG } from './data-group';
import { LdsError } from './lds-error';
import { encodeTlv, readSingleTlv } from './tlv';

export type HashAlgorithmName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export const HASH_OIDS: Readonly<Record<HashAlgorithmName, string>> = {
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

export function hashAlgorithmForOid(oid: string): HashAlgorithmName | undefined {
  return (Object.keys(HASH_OIDS) as HashAlgorithmName[]).find((k) => HASH_OIDS[k] === oid);
}

/** ICAO 9303-10 §4.6.2.3 / 9303-11: id-icao-mrtd-security-ldsSecurityObject. */
export const LDS_SECURITY_OBJECT_OID = '2.23.136.1.1.1';
export const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const CONTENT_TYPE_ATTR = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST_ATTR = '1.2.840.113549.1.9.4';
const SIGNING_TIME_ATTR = '1.2.840.113549.1.9.5';

/** LDSSecurityObject (ICAO 9303-10 Appendix D). */
export interface LdsSecurityObject {
  version: 0 | 1;
  hashAlgorithm: HashAlgorithmName;
  dataGroupHashes: Map<number, Uint8Array>;
  /** Present in version 1 (LDS 1.8). */
  ldsVersionInfo?: { ldsVersion: string; unicodeVersion: string };
}

export type SignerIdentifier =
  | { kind: 'issuer-and-serial'; issuerDer: Uint8Array; serialNumber: Uint8Array }
  | { kind: 'subject-key-identifier'; keyIdentifier: Uint8Array };

/** The one SignerInfo of an SOD, with exactly the bytes that were signed. */
export interface SodSigner {
  sid: SignerIdentifier;
  digestAlgorithmOid: string;
  signatureAlgorithmOid: string;
  /** DER of the signature algorithm parameters (RSASSA-PSS), if any. */
  signatureAlgorithmParams?: Uint8Array;
  signature: Uint8Array;
  /** The signed attributes re-tagged as SET (RFC 5652 §5.4): the input to the signature. */
  signedAttributes?: Uint8Array;
  /** The messageDigest signed attribute. */
  messageDigest?: Uint8Array;
  /** The contentType signed attribute, if present. */
  contentType?: string;
}

/** EF.SOD (ICAO 9303-10 §4.6.2): CMS SignedData over an LDSSecurityObject. */
export interface DocumentSecurityObject extends SignedContent {
  securityObject: LdsSecurityObject;
}

export function parseLdsSecurityObject(der: Uint8Array): LdsSecurityObject {
  const [versionNode, algNode, hashesNode, versionInfoNode] = childrenOf(parseBer(der, 'LDSSecurityObject'), 'LDSSecurityObject', TAG.sequence);
  const version = smallIntegerOf(versionNode, 'LDSSecurityObject version');
  if (version !== 0 && version !== 1) throw new LdsError('unsupported', `LDSSecurityObject version ${version}`);
  const alg = algorithmOf(algNode, 'LDSSecurityObject hashAlgorithm');
  const hashAlgorithm = hashAlgorithmForOid(alg.oid);
  if (!hashAlgorithm) throw new LdsError('unsupported', `LDSSecurityObject: hash algorithm ${alg.oid}`);
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const entry of childrenOf(hashesNode, 'dataGroupHashValues', TAG.sequence)) {
    const [numNode, valueNode] = childrenOf(entry, 'DataGroupHash', TAG.sequence);
    const dg = smallIntegerOf(numNode, 'dataGroupNumber');
    if (dg < 1 || dg > 16) throw new LdsError('asn1-invalid', `DataGroupHash: data group ${dg}`);
    if (dataGroupHashes.has(dg)) throw new LdsError('asn1-invalid', `DataGroupHash: data group ${dg} twice`);
    dataGroupHashes.set(dg, octetsOf(valueNode, 'dataGroupHashValue'));
  }
  const out: LdsSecurityObject = { version, hashAlgorithm, dataGroupHashes };
  if (version === 1 && versionInfoNode) {
    const [lds, uni] = childrenOf(versionInfoNode, 'LDSVersionInfo', TAG.sequence);
    if (!isUniversal(lds, TAG.printableString) || !isUniversal(uni, TAG.printableString)) {
      throw new LdsError('asn1-invalid', 'LDSVersionInfo: expected two PrintableStrings');
    }
    out.ldsVersionInfo = {
      ldsVersion: (lds as asn1js.PrintableString).valueBlock.value,
      unicodeVersion: (uni as asn1js.PrintableString).valueBlock.value,
    };
  }
  return out;
}

export function encodeLdsSecurityObject(lso: LdsSecurityObject): Uint8Array {
  const entries = [...lso.dataGroupHashes.entries()].sort(([a], [b]) => a - b);
  const seq = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: lso.version }),
      algorithmIdentifier(HASH_OIDS[lso.hashAlgorithm]),
      new asn1js.Sequence({
        value: entries.map(
          ([dg, hash]) => new asn1js.Sequence({ value: [new asn1js.Integer({ value: dg }), new asn1js.OctetString({ valueHex: hash })] }),
        ),
      }),
      ...(lso.version === 1 && lso.ldsVersionInfo
        ? [
            new asn1js.Sequence({
              value: [
                new asn1js.PrintableString({ value: lso.ldsVersionInfo.ldsVersion }),
                new asn1js.PrintableString({ value: lso.ldsVersionInfo.unicodeVersion }),
              ],
            }),
          ]
        : []),
    ],
  });
  return toBytes(seq);
}

// RFC 5652 §5.3 SignerInfo.
function parseSigner(node: Asn1Node): SodSigner {
  const parts = childrenOf(node, 'SignerInfo', TAG.sequence);
  const version = smallIntegerOf(parts[0], 'SignerInfo version');
  let i = 1;
  const sidNode = parts[i++];
  // RFC 5652 §5.3: version 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
  if (version !== (isContext(sidNode, 0) ? 3 : 1)) throw new LdsError('asn1-invalid', `SignerInfo version ${version} does not fit its sid`);
  let sid: SignerIdentifier;
  if (isUniversal(sidNode, TAG.sequence)) {
    const [issuer, serial] = childrenOf(sidNode, 'IssuerAndSerialNumber');
    if (!isUniversal(issuer, TAG.sequence)) throw new LdsError('asn1-invalid', 'SignerInfo: issuer is not a Name');
    sid = { kind: 'issuer-and-serial', issuerDer: rawBytes(issuer as Asn1Node), serialNumber: integerBytesOf(serial, 'serialNumber') };
  } else if (isContext(sidNode, 0)) {
    sid = { kind: 'subject-key-identifier', keyIdentifier: new Uint8Array((sidNode as asn1js.Primitive).valueBlock.valueHexView) };
  } else {
    throw new LdsError('asn1-invalid', 'SignerInfo: unknown signer identifier');
  }
  const digest = algorithmOf(parts[i++], 'SignerInfo digestAlgorithm');
  const signer: Partial<SodSigner> & Pick<SodSigner, 'sid' | 'digestAlgorithmOid'> = { sid, digestAlgorithmOid: digest.oid };
  if (isContext(parts[i], 0)) {
    const attrsNode = parts[i++] as Asn1Node;
    // RFC 5652 §5.4: the signature covers the attributes with an EXPLICIT SET OF tag.
    const encoded = rawBytes(attrsNode);
    encoded[0] = 0x31;
    signer.signedAttributes = encoded;
    for (const attr of childrenOf(attrsNode, 'signedAttrs')) {
      const [typeNode, valuesNode] = childrenOf(attr, 'Attribute', TAG.sequence);
      const type = oidOf(typeNode, 'Attribute type');
      const values = childrenOf(valuesNode, 'Attribute values', TAG.set);
      if (type === MESSAGE_DIGEST_ATTR) {
        if (values.length !== 1 || signer.messageDigest) throw new LdsError('asn1-invalid', 'SOD: exactly one messageDigest is required');
        signer.messageDigest = octetsOf(values[0], 'messageDigest');
      }
      if (type === CONTENT_TYPE_ATTR) signer.contentType = oidOf(values[0], 'contentType');
    }
  }
  const sigAlg = algorithmOf(parts[i++], 'SignerInfo signatureAlgorithm');
  signer.signatureAlgorithmOid = sigAlg.oid;
  if (sigAlg.params) signer.signatureAlgorithmParams = sigAlg.params;
  signer.signature = octetsOf(parts[i++], 'SignerInfo signature');
  return signer as SodSigner;
}

/** A CMS SignedData with one signer (RFC 5652 §5), as ICAO uses for EF.SOD and master lists. */
export interface SignedContent {
  eContentType: string;
  /** The encapsulated content as signed. */
  eContent: Uint8Array;
  /** Certificates carried in the SignedData, DER. */
  certificates: Uint8Array[];
  signer: SodSigner;
}

/** Parses a ContentInfo holding SignedData with one signer and an encapsulated content of `expectedType`. */
export function parseSignedContent(der: Uint8Array, expectedType: string, what: string): SignedContent {
  const [typeNode, contentNode] = childrenOf(parseBer(der, what), 'ContentInfo', TAG.sequence);
  const contentType = oidOf(typeNode, 'ContentInfo contentType');
  if (contentType !== SIGNED_DATA_OID) throw new LdsError('asn1-invalid', `${what}: content type ${contentType}`);
  const signedData = childrenOf(explicitInner(contentNode, 0, 'ContentInfo content'), 'SignedData', TAG.sequence);
  // SignedData: version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos.
  const [typeOfContent, eContentWrapper] = childrenOf(signedData[2], 'EncapsulatedContentInfo', TAG.sequence);
  const eContentType = oidOf(typeOfContent, 'eContentType');
  if (eContentType !== expectedType) throw new LdsError('asn1-invalid', `${what}: eContentType ${eContentType}`);
  const eContent = octetsOf(explicitInner(eContentWrapper, 0, 'eContent'), 'eContent');
  const certificates: Uint8Array[] = [];
  let signerInfosNode: Asn1Node | undefined;
  for (const node of signedData.slice(3)) {
    if (isContext(node, 0)) {
      for (const c of childrenOf(node, 'certificates')) if (isUniversal(c, TAG.sequence)) certificates.push(rawBytes(c));
    } else if (isUniversal(node, TAG.set)) {
      signerInfosNode = node;
    }
  }
  const signerInfos = childrenOf(signerInfosNode, 'signerInfos', TAG.set);
  if (signerInfos.length !== 1) throw new LdsError('asn1-invalid', `${what}: ${signerInfos.length} signers, ICAO 9303 requires one`);
  return { eContentType, eContent, certificates, signer: parseSigner(signerInfos[0] as Asn1Node) };
}

/** Parses EF.SOD; the signature is not checked here (see hardware/icao/pa). */
export function parseSod(bytes: Uint8Array): DocumentSecurityObject {
  const outer = readSingleTlv(bytes, EF_SOD_TAG, 'EF.SOD');
  const content = parseSignedContent(outer.value, LDS_SECURITY_OBJECT_OID, 'EF.SOD');
  return { ...content, securityObject: parseLdsSecurityObject(content.eContent) };
}

/** Issuer Name (DER) and serial number of an X.509 certificate. */
export function certificateIssuerAndSerial(der: Uint8Array): { issuerDer: Uint8Array; serialNumber: Uint8Array } {
  const [tbs] = childrenOf(parseBer(der, 'certificate'), 'Certificate', TAG.sequence);
  const fields = childrenOf(tbs, 'TBSCertificate', TAG.sequence);
  const offset = isContext(fields[0], 0) ? 1 : 0;
  const issuer = fields[offset + 2];
  if (!isUniversal(issuer, TAG.sequence)) throw new LdsError('asn1-invalid', 'certificate: no issuer Name');
  return { issuerDer: rawBytes(issuer as Asn1Node), serialNumber: integerBytesOf(fields[offset], 'certificate serialNumber') };
}

export interface SigningInput {
  /** DER of the signer's certificate, embedded in the SignedData. */
  signerCertificate: Uint8Array;
  signerKey: KeyObject;
  digestAlgorithm: HashAlgorithmName;
  signingTime?: Date;
}

export interface SodSigningInput extends Omit<SigningInput, 'digestAlgorithm'> {
  securityObject: LdsSecurityObject;
  /** Digest for the signed attributes and signature (defaults to the LDS hash algorithm). */
  digestAlgorithm?: HashAlgorithmName;
}

const ECDSA_OIDS: Record<HashAlgorithmName, string> = {
  sha1: '1.2.840.10045.4.1',
  sha224: '1.2.840.10045.4.3.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
const RSA_PKCS1_OIDS: Record<HashAlgorithmName, string> = {
  sha1: '1.2.840.113549.1.1.5',
  sha224: '1.2.840.113549.1.1.14',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};

/** Builds and signs a ContentInfo/SignedData (fixtures sign SODs and master lists with it). */
export function encodeSignedContent(eContentType: string, eContent: Uint8Array, input: SigningInput): Uint8Array {
  const digest = input.digestAlgorithm;
  const { issuerDer, serialNumber } = certificateIssuerAndSerial(input.signerCertificate);
  const isEc = input.signerKey.asymmetricKeyType === 'ec';
  const attribute = (oid: string, value: asn1js.AsnType) =>
    new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Set({ value: [value] })] });
  const attributes = [
    attribute(CONTENT_TYPE_ATTR, new asn1js.ObjectIdentifier({ value: eContentType })),
    attribute(SIGNING_TIME_ATTR, new asn1js.UTCTime({ valueDate: input.signingTime ?? new Date() })),
    attribute(MESSAGE_DIGEST_ATTR, new asn1js.OctetString({ valueHex: createHash(digest).update(eContent).digest() })),
  ];
  const signedAttrs = toBytes(new asn1js.Set({ value: attributes }));
  const signature = cryptoSign(digest, signedAttrs, input.signerKey);
  const implicitAttrs = signedAttrs.slice();
  implicitAttrs[0] = 0xa0; // [0] IMPLICIT SET OF Attribute
  const signerInfo = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 1 }),
      new asn1js.Sequence({ value: [parseBer(issuerDer, 'issuer'), new asn1js.Integer({ valueHex: serialNumber })] }),
      algorithmIdentifier(HASH_OIDS[digest]),
      parseBer(implicitAttrs, 'signedAttrs'),
      algorithmIdentifier(isEc ? ECDSA_OIDS[digest] : RSA_PKCS1_OIDS[digest], !isEc),
      new asn1js.OctetString({ valueHex: signature }),
    ],
  });
  const signedData = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 3 }),
      new asn1js.Set({ value: [algorithmIdentifier(HASH_OIDS[digest])] }),
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: eContentType }),
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.OctetString({ valueHex: eContent })] }),
        ],
      }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [parseBer(input.signerCertificate, 'signer certificate')] }),
      new asn1js.Set({ value: [signerInfo] }),
    ],
  });
  const contentInfo = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: SIGNED_DATA_OID }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [signedData] }),
    ],
  });
  return toBytes(contentInfo);
}

/** Builds and signs EF.SOD (used by the test fixtures; a kiosk never signs one). */
export function encodeSod(input: SodSigningInput): Uint8Array {
  const eContent = encodeLdsSecurityObject(input.securityObject);
  const content = encodeSignedContent(LDS_SECURITY_OBJECT_OID, eContent, {
    ...input,
    digestAlgorithm: input.digestAlgorithm ?? input.securityObject.hashAlgorithm,
  });
  return encodeTlv(EF_SOD_TAG, content);
}
