import * as asn1js from 'asn1js';
import { OID } from './oids';
import { SecurityInfosError } from './errors';
import { readTlv } from './tlv';

/**
 * SecurityInfos codec (ICAO 9303-11 §9.2): EF.CardAccess, EF.CardSecurity's signed content and
 * DG14. Unknown SecurityInfo entries are kept verbatim so re-encoding preserves them.
 */

export interface AlgorithmIdentifierValue {
  algorithm: string;
  /** DER of the parameters, when present. */
  parameters?: Uint8Array;
}

export type SecurityInfo =
  | { kind: 'PACEInfo'; protocol: string; version: number; parameterId?: number }
  | { kind: 'PACEDomainParameterInfo'; protocol: string; domainParameter: AlgorithmIdentifierValue; parameterId?: number }
  | { kind: 'ChipAuthenticationInfo'; protocol: string; version: number; keyId?: number }
  | { kind: 'ChipAuthenticationDomainParameterInfo'; protocol: string; domainParameter: AlgorithmIdentifierValue; keyId?: number }
  | { kind: 'ChipAuthenticationPublicKeyInfo'; protocol: string; subjectPublicKeyInfo: Uint8Array; keyId?: number }
  | { kind: 'ActiveAuthenticationInfo'; protocol: string; version: number; signatureAlgorithm: string }
  | { kind: 'TerminalAuthenticationInfo'; protocol: string; version: number; efCvca?: Uint8Array }
  | { kind: 'Unknown'; protocol: string; der: Uint8Array };

const fail = (why: string, cause?: unknown): never => {
  throw new SecurityInfosError('security-infos-malformed', `SecurityInfos: ${why}`, { cause });
};

function decodeDer(bytes: Uint8Array): asn1js.AsnType {
  const r = asn1js.fromBER(bytes);
  if (r.offset === -1 || r.result.error) return fail(`not DER (${r.result.error || 'decode error'})`);
  if (r.offset !== bytes.length) return fail('trailing bytes');
  return r.result;
}

const der = (v: asn1js.AsnType): Uint8Array => new Uint8Array(v.toBER(false));

function intValue(v: asn1js.AsnType | undefined, what: string): number {
  if (!(v instanceof asn1js.Integer)) return fail(`${what} is not an INTEGER`);
  const n = v.toBigInt();
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) return fail(`${what} out of range`);
  return Number(n);
}

function algorithmIdentifier(v: asn1js.AsnType | undefined): AlgorithmIdentifierValue {
  if (!(v instanceof asn1js.Sequence)) return fail('AlgorithmIdentifier is not a SEQUENCE');
  const [alg, params] = v.valueBlock.value;
  if (!(alg instanceof asn1js.ObjectIdentifier)) return fail('AlgorithmIdentifier without OID');
  return params ? { algorithm: alg.valueBlock.toString(), parameters: der(params) } : { algorithm: alg.valueBlock.toString() };
}

function optionalInt(v: asn1js.AsnType | undefined, what: string): number | undefined {
  return v === undefined ? undefined : intValue(v, what);
}

const under = (oid: string, arc: string) => oid.startsWith(arc + '.');

function parseInfo(item: asn1js.AsnType): SecurityInfo {
  if (!(item instanceof asn1js.Sequence)) return fail('SecurityInfo is not a SEQUENCE');
  const [p, a, b, ...extra] = item.valueBlock.value;
  if (!(p instanceof asn1js.ObjectIdentifier)) return fail('SecurityInfo without protocol OID');
  const protocol = p.valueBlock.toString();
  const withOpt = <T extends object>(o: T, key: string, v: unknown): T => (v === undefined ? o : { ...o, [key]: v });
  if (a === undefined) return fail(`${protocol}: requiredData missing`);
  // ICAO 9303-11 §9.2.1/§9.2.2: PACEInfo protocols carry a cipher arc; domain parameter infos do not.
  if (under(protocol, OID.idPACE)) {
    const depth = protocol.split('.').length - OID.idPACE.split('.').length;
    if (extra.length) return fail(`${protocol}: too many fields`);
    if (depth === 2) {
      return withOpt({ kind: 'PACEInfo', protocol, version: intValue(a, 'PACEInfo.version') }, 'parameterId', optionalInt(b, 'parameterId')) as SecurityInfo;
    }
    if (depth === 1) {
      return withOpt(
        { kind: 'PACEDomainParameterInfo', protocol, domainParameter: algorithmIdentifier(a) },
        'parameterId',
        optionalInt(b, 'parameterId'),
      ) as SecurityInfo;
    }
  }
  if (under(protocol, OID.idCA)) {
    const depth = protocol.split('.').length - OID.idCA.split('.').length;
    if (extra.length) return fail(`${protocol}: too many fields`);
    if (depth === 2) {
      return withOpt({ kind: 'ChipAuthenticationInfo', protocol, version: intValue(a, 'ChipAuthenticationInfo.version') }, 'keyId', optionalInt(b, 'keyId')) as SecurityInfo;
    }
    if (depth === 1) {
      return withOpt(
        { kind: 'ChipAuthenticationDomainParameterInfo', protocol, domainParameter: algorithmIdentifier(a) },
        'keyId',
        optionalInt(b, 'keyId'),
      ) as SecurityInfo;
    }
  }
  if (protocol === OID.idPkDh || protocol === OID.idPkEcdh) {
    if (!(a instanceof asn1js.Sequence)) return fail('chipAuthenticationPublicKey is not a SubjectPublicKeyInfo');
    if (extra.length) return fail(`${protocol}: too many fields`);
    return withOpt({ kind: 'ChipAuthenticationPublicKeyInfo', protocol, subjectPublicKeyInfo: der(a) }, 'keyId', optionalInt(b, 'keyId')) as SecurityInfo;
  }
  if (protocol === OID.aaProtocolObject) {
    if (!(b instanceof asn1js.ObjectIdentifier)) return fail('ActiveAuthenticationInfo without signatureAlgorithm');
    return { kind: 'ActiveAuthenticationInfo', protocol, version: intValue(a, 'version'), signatureAlgorithm: b.valueBlock.toString() };
  }
  if (protocol === OID.idTA) {
    return withOpt({ kind: 'TerminalAuthenticationInfo', protocol, version: intValue(a, 'version') }, 'efCvca', b ? der(b) : undefined) as SecurityInfo;
  }
  return { kind: 'Unknown', protocol, der: der(item) };
}

/**
 * Parses SecurityInfos. Accepts the bare SET (EF.CardAccess, EF.CardSecurity content) or DG14
 * (tag 6E wrapping the SET).
 */
export function parseSecurityInfos(bytes: Uint8Array): SecurityInfo[] {
  try {
    let body = bytes;
    if (bytes[0] === 0x6e) {
      const t = readTlv(bytes);
      if (t.end !== bytes.length) return fail('trailing bytes after DG14');
      body = t.value;
    }
    const set = decodeDer(body);
    if (!(set instanceof asn1js.Set)) return fail('not a SET OF SecurityInfo');
    return set.valueBlock.value.map(parseInfo);
  } catch (e) {
    if (e instanceof SecurityInfosError) throw e;
    return fail('undecodable', e);
  }
}

const oid = (s: string) => new asn1js.ObjectIdentifier({ value: s });
const int = (n: number) => new asn1js.Integer({ value: n });
function raw(bytes: Uint8Array): asn1js.AsnType {
  return decodeDer(bytes);
}
function algId(a: AlgorithmIdentifierValue): asn1js.Sequence {
  return new asn1js.Sequence({ value: a.parameters ? [oid(a.algorithm), raw(a.parameters)] : [oid(a.algorithm)] });
}

function encodeInfo(i: SecurityInfo): asn1js.AsnType {
  const seq = (...v: Array<asn1js.AsnType | undefined>) =>
    new asn1js.Sequence({ value: v.filter((x): x is asn1js.AsnType => x !== undefined) });
  const opt = (n: number | undefined) => (n === undefined ? undefined : int(n));
  switch (i.kind) {
    case 'PACEInfo':
      return seq(oid(i.protocol), int(i.version), opt(i.parameterId));
    case 'PACEDomainParameterInfo':
      return seq(oid(i.protocol), algId(i.domainParameter), opt(i.parameterId));
    case 'ChipAuthenticationInfo':
      return seq(oid(i.protocol), int(i.version), opt(i.keyId));
    case 'ChipAuthenticationDomainParameterInfo':
      return seq(oid(i.protocol), algId(i.domainParameter), opt(i.keyId));
    case 'ChipAuthenticationPublicKeyInfo':
      return seq(oid(i.protocol), raw(i.subjectPublicKeyInfo), opt(i.keyId));
    case 'ActiveAuthenticationInfo':
      return seq(oid(i.protocol), int(i.version), oid(i.signatureAlgorithm));
    case 'TerminalAuthenticationInfo':
      return seq(oid(i.protocol), int(i.version), i.efCvca ? raw(i.efCvca) : undefined);
    case 'Unknown':
      return raw(i.der);
  }
}

/** Encodes SecurityInfos as the bare SET (EF.CardAccess / EF.CardSecurity eContent). */
export function encodeSecurityInfos(infos: SecurityInfo[]): Uint8Array {
  return new Uint8Array(new asn1js.Set({ value: infos.map(encodeInfo) }).toBER(false));
}

/** Encodes SecurityInfos as EF.DG14 (tag 6E around the SET, ICAO 9303-10 §4.7.14). */
export function encodeDg14(infos: SecurityInfo[]): Uint8Array {
  const set = encodeSecurityInfos(infos);
  const len = set.length;
  const head = len < 0x80 ? [0x6e, len] : len < 0x100 ? [0x6e, 0x81, len] : [0x6e, 0x82, len >> 8, len & 0xff];
  const out = new Uint8Array(head.length + len);
  out.set(head);
  out.set(set, head.length);
  return out;
}

/**
 * The SecurityInfos inside EF.CardSecurity (a CMS SignedData whose eContent is id-SecurityObject).
 * Signature verification is passive authentication's business, not this function's.
 */
export function cardSecurityContent(bytes: Uint8Array): Uint8Array {
  try {
    const ci = decodeDer(bytes);
    if (!(ci instanceof asn1js.Sequence)) return fail('EF.CardSecurity is not a ContentInfo');
    const [, explicit] = ci.valueBlock.value;
    const sd = explicit instanceof asn1js.Constructed ? explicit.valueBlock.value[0] : undefined;
    if (!(sd instanceof asn1js.Sequence)) return fail('EF.CardSecurity without SignedData');
    const eci = sd.valueBlock.value[2];
    if (!(eci instanceof asn1js.Sequence)) return fail('SignedData without encapContentInfo');
    const [ctype, content] = eci.valueBlock.value;
    if (!(ctype instanceof asn1js.ObjectIdentifier) || ctype.valueBlock.toString() !== OID.securityObject) {
      return fail('eContentType is not id-SecurityObject');
    }
    const octets = content instanceof asn1js.Constructed ? content.valueBlock.value[0] : undefined;
    if (!(octets instanceof asn1js.OctetString)) return fail('eContent missing');
    return new Uint8Array(octets.getValue());
  } catch (e) {
    if (e instanceof SecurityInfosError) throw e;
    return fail('undecodable EF.CardSecurity', e);
  }
}
