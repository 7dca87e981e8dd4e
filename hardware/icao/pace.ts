import { aesEncryptBlock, cbcDecrypt, cbcEncrypt, kdf, mac, pad, unpad, type SmCipherName } from './crypto';
import { bigintFromBytes, bigintToBytes, bigintToMinimalBytes, bytesEqual, modPow } from './bytes';
import type { ChipChannel } from './channel';
import {
  checkDhPublic,
  decodePoint,
  encodePoint,
  randomScalar,
  standardizedDomainParameters,
  type DhGroup,
  type DomainParameters,
  type EcGroup,
  type EcPoint,
} from './domain-parameters';
import { AccessControlError, IcaoError } from './errors';
import { mrzKeyHash, type MrzKeySeed } from './mrz-key';
import { oidContentBytes, paceProtocol, type PaceProtocol } from './oids';
import { SecureMessaging, type SessionKeys } from './secure-messaging';
import { readTlvs, tlv } from './tlv';
import { systemRandom, type RandomSource } from './bac';

export type PacePassword = { mrz: MrzKeySeed } | { can: string };

export interface PaceResult {
  keys: SessionKeys;
  protocol: PaceProtocol;
  parameterId: number;
  /** PACE-CAM only: the decrypted chip authentication data and the chip's mapping public key, to check against EF.CardSecurity. */
  cam?: { chipAuthenticationData: Uint8Array; chipMappingPublicKey: Uint8Array };
}

/** The PACE password bytes π and its key reference (ICAO 9303-11 §4.4.4.1 / §9.7.3). */
export function pacePassword(password: PacePassword): { bytes: Uint8Array; reference: number } {
  if ('mrz' in password) return { bytes: mrzKeyHash(password.mrz), reference: 1 };
  if (!/^\d{6}$/.test(password.can)) throw new IcaoError('bad-argument', 'a CAN is six digits');
  return { bytes: new TextEncoder().encode(password.can), reference: 2 };
}

/** Authentication token T = MAC(KSmac, PK) over the public key data object 7F49 (ICAO 9303-11 §4.4.3.4). */
export function authenticationToken(
  protocol: PaceProtocol | { oid: string; cipher: SmCipherName },
  group: DomainParameters,
  publicKey: Uint8Array,
  macKey: Uint8Array,
): Uint8Array {
  const key = group.kind === 'EC' ? tlv(0x86, publicKey) : tlv(0x84, bigintToMinimalBytes(bigintFromBytes(publicKey)));
  return mac(protocol.cipher, macKey, tlv(0x7f49, tlv(0x06, oidContentBytes(protocol.oid)), key));
}

/** IV for the PACE-CAM chip authentication data: E(KSenc, -1), i.e. an all-ones counter block. */
function camIv(encKey: Uint8Array): Uint8Array {
  return aesEncryptBlock(encKey, new Uint8Array(16).fill(0xff));
}

/** A_IC = E(KSenc, CA_IC) (ICAO 9303-11 §4.4.3.5.1). */
export function encryptChipAuthenticationData(encKey: Uint8Array, caIc: Uint8Array): Uint8Array {
  return cbcEncrypt('AES-128', encKey, pad(caIc, 16), camIv(encKey));
}

export function decryptChipAuthenticationData(encKey: Uint8Array, aIc: Uint8Array): Uint8Array {
  if (aIc.length === 0 || aIc.length % 16 !== 0) throw new AccessControlError('pace-failed', 'encrypted chip authentication data is not block aligned');
  const u = unpad(cbcDecrypt('AES-128', encKey, aIc, camIv(encKey)));
  if (!u) throw new AccessControlError('pace-failed', 'chip authentication data padding invalid');
  return new Uint8Array(u);
}

/** PACE-CAM check (ICAO 9303-11 §4.4.3.5.2): PK_Map,IC = CA_IC · PK_IC. */
export function verifyChipAuthenticationMapping(group: EcGroup, caIc: Uint8Array, chipStaticPublicKey: Uint8Array, chipMappingPublicKey: Uint8Array): boolean {
  const k = bigintFromBytes(caIc);
  if (k <= 0n || k >= group.order) return false;
  const expected = decodePoint(group, chipStaticPublicKey).multiply(k);
  return bytesEqual(encodePoint(group, expected), chipMappingPublicKey);
}

// ICAO 9303-11 §4.4.3.3.2: constants of the pseudo-random function for a 128-bit block cipher.
const IM_C0 = Uint8Array.from(Buffer.from('a668892a7c41e3ca739f40b057d85904', 'hex'));
const IM_C1 = Uint8Array.from(Buffer.from('a4e136ac725f738b01c1f60217c188ad', 'hex'));

/**
 * Integrated mapping's pseudo-random function R(s, t) with AES-128 (ICAO 9303-11 §4.4.3.3.2):
 * k0 = E(t, s); x_i = E(k_i, c1); k_{i+1} = E(k_i, c0); output x_0 ‖ … ‖ x_{n-1},
 * n = ⌈(log2 p + 64) / 128⌉.
 */
export function integratedMappingPrf(s: Uint8Array, t: Uint8Array, fieldBits: number): Uint8Array {
  if (s.length !== 16 || t.length !== 16) throw new IcaoError('bad-argument', 'integrated mapping needs 128-bit nonces');
  const n = Math.ceil((fieldBits + 64) / 128);
  let k = aesEncryptBlock(t, s);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    out.push(aesEncryptBlock(k, IM_C1));
    k = aesEncryptBlock(k, IM_C0);
  }
  return new Uint8Array(Buffer.concat(out));
}

/** Point encoding f_G for p ≡ 3 (mod 4), affine coordinates (ICAO 9303-11 Appendix B.2). */
export function integratedMappingPoint(group: EcGroup, rawT: bigint): EcPoint {
  const { p, a, b, h } = group.Point.CURVE();
  if (p % 4n !== 3n) throw new AccessControlError('pace-unsupported', `${group.name}: integrated mapping needs p ≡ 3 mod 4`);
  const md = (x: bigint) => ((x % p) + p) % p;
  const t = md(rawT);
  const alpha = md(-t * t);
  const alphaSq = md(alpha * alpha);
  const x2 = md(-b * (1n + alpha + alphaSq) * modPow(md(a * (alpha + alphaSq)), p - 2n, p));
  const x3 = md(alpha * x2);
  const h2 = md(x2 * x2 * x2 + a * x2 + b);
  const u = md(t * t * t * h2);
  const A = modPow(h2, md(p - 1n - (p + 1n) / 4n), p);
  const [x, y] = md(A * A * h2) === 1n ? [x2, md(A * h2)] : [x3, md(A * u)];
  const point = group.Point.fromAffine({ x, y });
  return h === 1n ? point : point.multiply(h);
}

interface Agreement {
  generatorPublic(priv: bigint): Uint8Array;
  /** Maps the nonce with the chip's mapping key; returns the new group operations. */
  map(s: Uint8Array, priv: bigint, chipPublic: Uint8Array): Agreement;
  shared(priv: bigint, chipPublic: Uint8Array): Uint8Array;
  privateKey(random: RandomSource): bigint;
}

function ecAgreement(group: EcGroup, G: EcPoint): Agreement {
  return {
    privateKey: (random) => randomScalar(group.order, random),
    generatorPublic: (k) => encodePoint(group, G.multiply(k)),
    shared: (k, pub) => bigintToBytes(decodePoint(group, pub).multiply(k).toAffine().x, group.fieldBytes),
    map(s, k, pub) {
      // ICAO 9303-11 §4.4.3.3.1 generic mapping: G~ = s·G + H, H = SK_Map,IFD · PK_Map,IC.
      const h = decodePoint(group, pub).multiply(k);
      const sv = bigintFromBytes(s) % group.order;
      const mapped = sv === 0n ? h : G.multiply(sv).add(h);
      if (mapped.is0()) throw new AccessControlError('pace-failed', 'mapped generator is the point at infinity');
      return ecAgreement(group, mapped);
    },
  };
}

function dhAgreement(group: DhGroup, g: bigint): Agreement {
  const decode = (pub: Uint8Array) => {
    if (pub.length !== group.fieldBytes) throw new IcaoError('malformed-response', `DH public value of ${pub.length} bytes`);
    const y = bigintFromBytes(pub);
    checkDhPublic(group, y);
    return y;
  };
  return {
    privateKey: (random) => randomScalar(group.q, random),
    generatorPublic: (x) => bigintToBytes(modPow(g, x, group.p), group.fieldBytes),
    shared: (x, pub) => bigintToBytes(modPow(decode(pub), x, group.p), group.fieldBytes),
    map(s, x, pub) {
      // ICAO 9303-11 §4.4.3.3.1 generic mapping: g~ = g^s · h, h = PK_Map,IC ^ SK_Map,IFD.
      const h = modPow(decode(pub), x, group.p);
      const mapped = (modPow(g, bigintFromBytes(s), group.p) * h) % group.p;
      if (mapped === 1n) throw new AccessControlError('pace-failed', 'mapped generator is 1');
      return dhAgreement(group, mapped);
    },
  };
}

export function agreementFor(group: DomainParameters): Agreement {
  return group.kind === 'EC' ? ecAgreement(group, group.Point.BASE) : dhAgreement(group, group.g);
}

/**
 * PACE, ICAO 9303-11 §4.4 (generic mapping, and chip authentication mapping): MSE:Set AT with
 * the standardized parameter ID (tag 84), four GENERAL AUTHENTICATE steps, token check, then
 * secure messaging with SSC = 0.
 */
export async function performPace(
  channel: ChipChannel,
  params: { protocol: string; parameterId: number },
  password: PacePassword,
  random: RandomSource = systemRandom,
): Promise<PaceResult> {
  const protocol = paceProtocol(params.protocol);
  if (!protocol) throw new AccessControlError('pace-unsupported', `not a PACE protocol: ${params.protocol}`);
  if (protocol.mapping === 'IM' && (protocol.agreement !== 'ECDH' || protocol.cipher !== 'AES-128')) {
    throw new AccessControlError('pace-unsupported', 'PACE integrated mapping is implemented for ECDH with AES-128 only');
  }
  const group = standardizedDomainParameters(params.parameterId);
  if ((group.kind === 'EC') !== (protocol.agreement === 'ECDH')) {
    throw new AccessControlError('pace-unsupported', `${protocol.oid} does not fit parameter ID ${params.parameterId}`);
  }
  const cipher = protocol.cipher;
  const pw = pacePassword(password);
  channel.sm = undefined;

  // ICAO 9303-11 §4.4.4.1 MSE:Set AT.
  const mse = await channel.send({
    cla: 0x00,
    ins: 0x22,
    p1: 0xc1,
    p2: 0xa4,
    data: new Uint8Array([...tlv(0x80, oidContentBytes(protocol.oid)), ...tlv(0x83, Uint8Array.of(pw.reference)), ...tlv(0x84, Uint8Array.of(params.parameterId))]),
  });
  if (mse.sw !== 0x9000) throw new AccessControlError('pace-failed', `MSE:Set AT refused (SW ${mse.sw.toString(16).toUpperCase()})`);

  const publicLength = group.kind === 'EC' ? 1 + 2 * group.fieldBytes : group.fieldBytes;
  const le = publicLength + 8 > 256 ? 65536 : 256;
  const ga = async (step: number, inner: Uint8Array, last = false) => {
    const r = await channel.send({ cla: last ? 0x00 : 0x10, ins: 0x86, p1: 0, p2: 0, data: tlv(0x7c, inner), le });
    if (r.sw !== 0x9000) {
      throw new AccessControlError('pace-failed', `GENERAL AUTHENTICATE step ${step} refused (SW ${r.sw.toString(16).toUpperCase()})`);
    }
    const outer = readTlvs(r.data);
    if (outer.length !== 1 || outer[0]!.tag !== 0x7c) throw new AccessControlError('pace-failed', `step ${step}: no dynamic authentication data`);
    const items = new Map(readTlvs(outer[0]!.value).map((t) => [t.tag, t.value]));
    return items;
  };
  const need = (m: Map<number, Uint8Array>, tag: number, step: number) => {
    const v = m.get(tag);
    if (!v) throw new AccessControlError('pace-failed', `step ${step}: data object ${tag.toString(16)} missing`);
    return v;
  };

  // Step 1: encrypted nonce.
  const z = need(await ga(1, new Uint8Array(0)), 0x80, 1);
  const kPi = kdf(pw.bytes, 3, cipher);
  if (z.length === 0 || z.length % (cipher === '3DES' ? 8 : 16) !== 0) throw new AccessControlError('pace-failed', 'encrypted nonce has a bad length');
  const s = cbcDecrypt(cipher, kPi, z);

  // Step 2: mapping.
  const base = agreementFor(group);
  let mapped: Agreement;
  let chipMapPub: Uint8Array = new Uint8Array(0);
  if (protocol.mapping === 'IM' && group.kind === 'EC') {
    // ICAO 9303-11 §4.4.3.3.2: send nonce t; G~ = f_G(R(s, t) mod p).
    const t = random(16);
    await ga(2, tlv(0x81, t));
    const r = bigintFromBytes(integratedMappingPrf(s, t, group.Point.Fp.BITS)) % group.Point.CURVE().p;
    mapped = ecAgreement(group, integratedMappingPoint(group, r));
  } else {
    const mapPriv = base.privateKey(random);
    chipMapPub = need(await ga(2, tlv(0x81, base.generatorPublic(mapPriv))), 0x82, 2);
    mapped = base.map(s, mapPriv, chipMapPub);
  }

  // Step 3: key agreement on the mapped generator.
  const ephPriv = mapped.privateKey(random);
  const ourPub = mapped.generatorPublic(ephPriv);
  const chipPub = need(await ga(3, tlv(0x83, ourPub)), 0x84, 3);
  if (bytesEqual(chipPub, ourPub)) throw new AccessControlError('pace-failed', 'chip echoed our ephemeral public key');
  const shared = mapped.shared(ephPriv, chipPub);
  const encKey = kdf(shared, 1, cipher);
  const macKey = kdf(shared, 2, cipher);

  // Step 4: mutual authentication tokens.
  const tIfd = authenticationToken(protocol, group, chipPub, macKey);
  const r4 = await ga(4, tlv(0x85, tIfd), true);
  const tIc = need(r4, 0x86, 4);
  if (!bytesEqual(tIc, authenticationToken(protocol, group, ourPub, macKey))) {
    throw new AccessControlError('pace-failed', 'chip authentication token does not verify');
  }
  const keys: SessionKeys = { cipher, encKey, macKey, ssc: 0n };
  const result: PaceResult = { keys, protocol, parameterId: params.parameterId };
  if (protocol.mapping === 'CAM') {
    const aIc = need(r4, 0x8a, 4);
    result.cam = { chipAuthenticationData: decryptChipAuthenticationData(encKey, aIc), chipMappingPublicKey: chipMapPub };
  }
  channel.sm = new SecureMessaging(keys);
  return result;
}
