import { createPublicKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { bigintFromBytes } from './bytes';
import { ecGroupByNodeCurve, standardizedDomainParameters, type DhGroup, type EcGroup } from './domain-parameters';
import { IcaoError } from './errors';
import { OID } from './oids';

/** A chip authentication / key agreement public key, decoded from its SubjectPublicKeyInfo. */
export type AgreementPublicKey =
  | { kind: 'EC'; group: EcGroup; point: Uint8Array }
  | { kind: 'DH'; group: DhGroup; y: bigint };

const bad = (why: string, cause?: unknown): never => {
  throw new IcaoError('chip-authentication-failed', `public key: ${why}`, { cause });
};

function der(bytes: Uint8Array): asn1js.AsnType {
  const r = asn1js.fromBER(bytes);
  if (r.offset === -1 || r.result.error) return bad('not DER');
  return r.result;
}

function uint(v: asn1js.AsnType | undefined): bigint {
  if (!(v instanceof asn1js.Integer)) return bad('expected INTEGER');
  return v.toBigInt();
}

/**
 * Decodes an EC (named or explicit curve, matched against the standardized curves by prime and
 * generator) or DH (X9.42 dhpublicnumber, matched against the RFC 5114 groups) SubjectPublicKeyInfo.
 */
export function decodeAgreementPublicKey(spki: Uint8Array): AgreementPublicKey {
  try {
    const seq = der(spki);
    if (!(seq instanceof asn1js.Sequence)) return bad('not a SubjectPublicKeyInfo');
    const [alg, bits] = seq.valueBlock.value;
    if (!(alg instanceof asn1js.Sequence) || !(bits instanceof asn1js.BitString)) return bad('not a SubjectPublicKeyInfo');
    const [oid, params] = alg.valueBlock.value;
    if (!(oid instanceof asn1js.ObjectIdentifier)) return bad('no algorithm');
    const keyBytes = new Uint8Array(bits.valueBlock.valueHexView);
    const algorithm = oid.valueBlock.toString();
    if (algorithm === OID.ecPublicKey) {
      let group: EcGroup | undefined;
      if (params instanceof asn1js.ObjectIdentifier) {
        const node = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
        group = ecGroupByNodeCurve(node.asymmetricKeyDetails?.namedCurve ?? '');
      } else if (params instanceof asn1js.Sequence) {
        // Explicit ECParameters (X9.62): { version, fieldID { prime-field, p }, curve, base, order, cofactor }.
        const fieldId = params.valueBlock.value[1];
        const p = fieldId instanceof asn1js.Sequence ? uint(fieldId.valueBlock.value[1]) : bad('no fieldID');
        const order = uint(params.valueBlock.value[4]);
        group = [12, 13, 15, 16, 17, 18]
          .map((id) => standardizedDomainParameters(id) as EcGroup)
          .find((g) => g.Point.CURVE().p === p && g.order === order);
      }
      if (!group) return bad('curve not supported');
      return { kind: 'EC', group, point: keyBytes };
    }
    if (algorithm === OID.dhPublicNumber || algorithm === OID.dhKeyAgreement) {
      if (!(params instanceof asn1js.Sequence)) return bad('DH key without domain parameters');
      // X9.42 DomainParameters {p, g, q, …} or PKCS #3 DHParameter {p, g, privateValueLength}.
      const ints = params.valueBlock.value.map((v) => (v instanceof asn1js.Integer ? v.toBigInt() : 0n));
      const [p, g] = ints;
      const q = algorithm === OID.dhPublicNumber ? (ints[2] ?? 0n) : 0n;
      const group = [0, 1, 2]
        .map((id) => standardizedDomainParameters(id) as DhGroup)
        .find((d) => d.p === p && d.g === g && (q === 0n || d.q === q));
      if (!group) return bad('DH group not supported');
      const yAsn = der(keyBytes);
      return { kind: 'DH', group, y: uint(yAsn) };
    }
    return bad(`algorithm ${algorithm} not supported`);
  } catch (e) {
    if (e instanceof IcaoError) throw e;
    return bad('undecodable', e);
  }
}

/** The private scalar of an EC or DH node KeyObject (from its PKCS#8 encoding). */
export function privateScalar(key: KeyObject): bigint {
  const pkcs8 = new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
  const info = der(pkcs8);
  if (!(info instanceof asn1js.Sequence)) return bad('not PKCS#8');
  const octets = info.valueBlock.value[2];
  if (!(octets instanceof asn1js.OctetString)) return bad('PKCS#8 without key');
  const inner = der(new Uint8Array(octets.valueBlock.valueHexView));
  if (inner instanceof asn1js.Integer) return inner.toBigInt(); // DH: the private value x
  if (inner instanceof asn1js.Sequence) {
    const d = inner.valueBlock.value[1]; // ECPrivateKey { version, privateKey OCTET STRING, … }
    if (d instanceof asn1js.OctetString) return bigintFromBytes(new Uint8Array(d.valueBlock.valueHexView));
  }
  return bad('unsupported private key');
}


/** The RFC 5114 group of a DH private key (from its PKCS#8 DHParameter / DomainParameters). */
export function dhGroupOfPrivateKey(key: KeyObject): DhGroup | undefined {
  const info = der(new Uint8Array(key.export({ format: 'der', type: 'pkcs8' })));
  if (!(info instanceof asn1js.Sequence)) return undefined;
  const alg = info.valueBlock.value[1];
  const params = alg instanceof asn1js.Sequence ? alg.valueBlock.value[1] : undefined;
  if (!(params instanceof asn1js.Sequence)) return undefined;
  const [p, g] = params.valueBlock.value.map((v) => (v instanceof asn1js.Integer ? v.toBigInt() : 0n));
  return [0, 1, 2].map((id) => standardizedDomainParameters(id) as DhGroup).find((d) => d.p === p && d.g === g);
}
