import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
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
const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
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
export interface DocumentSecurityObject {
  securityObject: LdsSecurityObject;
  eContentType: string;
  /** The encapsulated content as signed (DER of the LDSSecurityObject). */
  eContent: Uint8Array;
  /** Certificates carried in the SignedData (the DSC, normally), DER. */
  certificates: Uint8Array[];
  signer: SodSigner;
}

function asn1(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1 || parsed.result.error) {
    throw new LdsError('asn1-invalid', `${what}: not valid BER (${parsed.result.error || 'parse error'})`);
  }
  return parsed.result;
}

function wrapAsn1<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof LdsError) throw error;
    throw new LdsError('asn1-invalid', `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function octets(value: asn1js.OctetString): Uint8Array {
  // A constructed OCTET STRING (BER) is the concatenation of its segments.
  if (value.idBlock.isConstructed) {
    const parts = (value.valueBlock.value as asn1js.OctetString[]).map(octets);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let p = 0;
    for (const part of parts) {
      out.set(part, p);
      p += part.length;
    }
    return out;
  }
  return new Uint8Array(value.valueBlock.valueHexView);
}

function expectType<T>(node: unknown, ctor: abstract new (...a: never[]) => T, what: string): T {
  if (!(node instanceof ctor)) throw new LdsError('asn1-invalid', `${what}: wrong ASN.1 type`);
  return node;
}

function smallInt(node: unknown, what: string): number {
  const i = expectType(node, asn1js.Integer, what);
  const n = i.valueBlock.valueDec;
  if (!Number.isSafeInteger(n)) throw new LdsError('asn1-invalid', `${what}: integer out of range`);
  return n;
}

export function parseLdsSecurityObject(der: Uint8Array): LdsSecurityObject {
  const root = expectType(asn1(der, 'LDSSecurityObject'), asn1js.Sequence, 'LDSSecurityObject');
  const [versionNode, algNode, hashesNode, versionInfoNode] = root.valueBlock.value;
  const version = smallInt(versionNode, 'LDSSecurityObject version');
  if (version !== 0 && version !== 1) throw new LdsError('unsupported', `LDSSecurityObject version ${version}`);
  const alg = wrapAsn1('LDSSecurityObject hashAlgorithm', () => new pkijs.AlgorithmIdentifier({ schema: algNode }));
  const hashAlgorithm = hashAlgorithmForOid(alg.algorithmId);
  if (!hashAlgorithm) throw new LdsError('unsupported', `LDSSecurityObject: hash algorithm ${alg.algorithmId}`);
  const hashes = expectType(hashesNode, asn1js.Sequence, 'dataGroupHashValues');
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const entry of hashes.valueBlock.value) {
    const seq = expectType(entry, asn1js.Sequence, 'DataGroupHash');
    const [numNode, valueNode] = seq.valueBlock.value;
    const dg = smallInt(numNode, 'dataGroupNumber');
    if (dg < 1 || dg > 16) throw new LdsError('asn1-invalid', `DataGroupHash: data group ${dg}`);
    if (dataGroupHashes.has(dg)) throw new LdsError('asn1-invalid', `DataGroupHash: data group ${dg} twice`);
    dataGroupHashes.set(dg, octets(expectType(valueNode, asn1js.OctetString, 'dataGroupHashValue')));
  }
  const out: LdsSecurityObject = { version, hashAlgorithm, dataGroupHashes };
  if (version === 1 && versionInfoNode) {
    const info = expectType(versionInfoNode, asn1js.Sequence, 'LDSVersionInfo');
    const [lds, uni] = info.valueBlock.value;
    out.ldsVersionInfo = {
      ldsVersion: expectType(lds, asn1js.PrintableString, 'ldsVersion').valueBlock.value,
      unicodeVersion: expectType(uni, asn1js.PrintableString, 'unicodeVersion').valueBlock.value,
    };
  }
  return out;
}

export function encodeLdsSecurityObject(lso: LdsSecurityObject): Uint8Array {
  const entries = [...lso.dataGroupHashes.entries()].sort(([a], [b]) => a - b);
  const seq = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: lso.version }),
      new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OIDS[lso.hashAlgorithm] }).toSchema(),
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
  return new Uint8Array(seq.toBER());
}

function parseSigner(info: pkijs.SignerInfo): SodSigner {
  let sid: SignerIdentifier;
  if (info.sid instanceof pkijs.IssuerAndSerialNumber) {
    sid = {
      kind: 'issuer-and-serial',
      issuerDer: new Uint8Array(info.sid.issuer.toSchema().toBER()),
      serialNumber: new Uint8Array(info.sid.serialNumber.valueBlock.valueHexView),
    };
  } else {
    const node = info.sid as asn1js.Constructed | asn1js.Primitive;
    const inner =
      node instanceof asn1js.Constructed ? (node.valueBlock.value[0] as asn1js.OctetString | undefined) : undefined;
    const keyIdentifier = inner
      ? new Uint8Array(inner.valueBlock.valueHexView)
      : new Uint8Array((node as asn1js.Primitive).valueBlock.valueHexView);
    sid = { kind: 'subject-key-identifier', keyIdentifier };
  }
  const signer: SodSigner = {
    sid,
    digestAlgorithmOid: info.digestAlgorithm.algorithmId,
    signatureAlgorithmOid: info.signatureAlgorithm.algorithmId,
    signature: new Uint8Array(info.signature.valueBlock.valueHexView),
  };
  if (info.signatureAlgorithm.algorithmParams) {
    signer.signatureAlgorithmParams = new Uint8Array(info.signatureAlgorithm.algorithmParams.toBER());
  }
  if (info.signedAttrs) {
    const encoded = new Uint8Array(info.signedAttrs.encodedValue.slice(0));
    // RFC 5652 §5.4: the signature covers the attributes with an EXPLICIT SET OF tag.
    encoded[0] = 0x31;
    signer.signedAttributes = encoded;
    for (const attr of info.signedAttrs.attributes) {
      const first = attr.values[0];
      if (attr.type === MESSAGE_DIGEST_ATTR) {
        if (attr.values.length !== 1) throw new LdsError('asn1-invalid', 'SOD: messageDigest must have one value');
        signer.messageDigest = octets(expectType(first, asn1js.OctetString, 'messageDigest'));
      }
      if (attr.type === CONTENT_TYPE_ATTR) signer.contentType = expectType(first, asn1js.ObjectIdentifier, 'contentType').valueBlock.toString();
    }
  }
  return signer;
}

/** Parses EF.SOD; the signature is not checked here (see hardware/icao/pa). */
export function parseSod(bytes: Uint8Array): DocumentSecurityObject {
  const outer = readSingleTlv(bytes, EF_SOD_TAG, 'EF.SOD');
  const node = asn1(outer.value, 'EF.SOD');
  return wrapAsn1('EF.SOD', () => {
    const contentInfo = new pkijs.ContentInfo({ schema: node });
    if (contentInfo.contentType !== SIGNED_DATA_OID) throw new LdsError('asn1-invalid', `EF.SOD: content type ${contentInfo.contentType}`);
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    const eContentNode = signedData.encapContentInfo.eContent;
    if (!eContentNode) throw new LdsError('missing-element', 'EF.SOD: no encapsulated content');
    const eContent = octets(eContentNode);
    const eContentType = signedData.encapContentInfo.eContentType;
    if (eContentType !== LDS_SECURITY_OBJECT_OID) throw new LdsError('asn1-invalid', `EF.SOD: eContentType ${eContentType}`);
    if (signedData.signerInfos.length !== 1) {
      throw new LdsError('asn1-invalid', `EF.SOD: ${signedData.signerInfos.length} signers, ICAO 9303-10 requires one`);
    }
    const certificates = (signedData.certificates ?? [])
      .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
      .map((c) => new Uint8Array(c.toSchema(true).toBER()));
    const signerInfo = signedData.signerInfos[0];
    if (!signerInfo) throw new LdsError('missing-element', 'EF.SOD: no signer');
    return {
      securityObject: parseLdsSecurityObject(eContent),
      eContentType,
      eContent,
      certificates,
      signer: parseSigner(signerInfo),
    };
  });
}

export interface SodSigningInput {
  securityObject: LdsSecurityObject;
  /** DER of the Document Signer certificate, embedded in the SignedData. */
  signerCertificate: Uint8Array;
  signerKey: KeyObject;
  /** Digest for the signed attributes and signature (defaults to the LDS hash algorithm). */
  digestAlgorithm?: HashAlgorithmName;
  signingTime?: Date;
}

/** Builds and signs EF.SOD (used by the test fixtures; a kiosk never signs one). */
export function encodeSod(input: SodSigningInput): Uint8Array {
  const digest = input.digestAlgorithm ?? input.securityObject.hashAlgorithm;
  const eContent = encodeLdsSecurityObject(input.securityObject);
  const certificate = wrapAsn1('DSC', () => pkijs.Certificate.fromBER(input.signerCertificate));
  const keyType = input.signerKey.asymmetricKeyType;
  const signatureAlgorithmOid =
    keyType === 'ec'
      ? { sha1: '1.2.840.10045.4.1', sha224: '1.2.840.10045.4.3.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' }[digest]
      : { sha1: '1.2.840.113549.1.1.5', sha224: '1.2.840.113549.1.1.14', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13' }[digest];
  const attributes = [
    new pkijs.Attribute({ type: CONTENT_TYPE_ATTR, values: [new asn1js.ObjectIdentifier({ value: LDS_SECURITY_OBJECT_OID })] }),
    new pkijs.Attribute({ type: SIGNING_TIME_ATTR, values: [new asn1js.UTCTime({ valueDate: input.signingTime ?? new Date() })] }),
    new pkijs.Attribute({
      type: MESSAGE_DIGEST_ATTR,
      values: [new asn1js.OctetString({ valueHex: createHash(digest).update(eContent).digest() })],
    }),
  ];
  const toSign = new Uint8Array(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER());
  const signature = cryptoSign(digest, toSign, input.signerKey);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OIDS[digest] }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: signatureAlgorithmOid,
      ...(keyType === 'ec' ? {} : { algorithmParams: new asn1js.Null() }),
    }),
    signature: new asn1js.OctetString({ valueHex: signature }),
  });
  const signedData = new pkijs.SignedData({
    version: 3,
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OIDS[digest] })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: LDS_SECURITY_OBJECT_OID,
      eContent: new asn1js.OctetString({ valueHex: eContent }),
    }),
    certificates: [certificate],
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: SIGNED_DATA_OID, content: signedData.toSchema(true) });
  return encodeTlv(EF_SOD_TAG, new Uint8Array(contentInfo.toSchema().toBER()));
}
