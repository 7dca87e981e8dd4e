import { systemRandom, type RandomSource } from './bac';
import { createECDH } from 'node:crypto';
import { bigintFromBytes, bigintToBytes, concat } from './bytes';
import type { ChipChannel } from './channel';
import { kdf } from './crypto';
import { ChipAuthenticationError } from './errors';
import { decodeAgreementPublicKey, type AgreementPublicKey } from './keys';
import { caProtocol, oidContentBytes, type CaProtocol } from './oids';
import { agreementFor } from './pace';
import { SecureMessaging } from './secure-messaging';
import { parseSecurityInfos, type SecurityInfo } from './security-infos';
import { readTlvs, tlv } from './tlv';

export interface ChipAuthenticationChoice {
  protocol: CaProtocol;
  version: number;
  keyId?: number;
  publicKey: AgreementPublicKey;
}

/** Picks a supported ChipAuthenticationInfo and its public key from DG14 (ICAO 9303-11 §9.2.5–9.2.6). */
export function chooseChipAuthentication(infos: SecurityInfo[]): ChipAuthenticationChoice | undefined {
  const keys = infos.filter((i): i is Extract<SecurityInfo, { kind: 'ChipAuthenticationPublicKeyInfo' }> => i.kind === 'ChipAuthenticationPublicKeyInfo');
  for (const info of infos) {
    if (info.kind !== 'ChipAuthenticationInfo') continue;
    const protocol = caProtocol(info.protocol);
    if (!protocol) continue;
    const key = info.keyId === undefined ? keys[0] : keys.find((k) => k.keyId === info.keyId);
    if (!key) continue;
    let publicKey: AgreementPublicKey;
    try {
      publicKey = decodeAgreementPublicKey(key.subjectPublicKeyInfo);
    } catch {
      continue;
    }
    if ((publicKey.kind === 'EC') !== (protocol.agreement === 'ECDH')) continue;
    return { protocol, version: info.version, ...(info.keyId !== undefined ? { keyId: info.keyId } : {}), publicKey };
  }
  return undefined;
}

/**
 * Chip Authentication, ICAO 9303-11 §6.2: ephemeral key agreement with the chip's static key from
 * DG14, then secure messaging restarts with the derived keys and SSC = 0. The chip is
 * authenticated implicitly: its next response must verify under the new keys.
 */
export async function performChipAuthentication(
  channel: ChipChannel,
  dg14: Uint8Array,
  random: RandomSource = systemRandom,
): Promise<{ protocol: string; keyId?: number }> {
  const choice = chooseChipAuthentication(parseSecurityInfos(dg14));
  if (!choice) throw new ChipAuthenticationError('chip-authentication-unsupported', 'DG14 offers no supported Chip Authentication');
  const { protocol, publicKey } = choice;
  const group = publicKey.group;
  const agreement = agreementFor(group);
  const priv = agreement.privateKey(random);
  let ourPublic: Uint8Array;
  let shared: Uint8Array;
  if (publicKey.kind === 'EC') {
    const group = publicKey.group;
    // Standard curve and generator: OpenSSL's ECDH is an order of magnitude faster than the generic path.
    const ecdh = createECDH(group.nodeCurve);
    ecdh.setPrivateKey(bigintToBytes(priv, Math.ceil(group.order.toString(16).length / 2)));
    ourPublic = new Uint8Array(ecdh.getPublicKey());
    try {
      shared = bigintToBytes(bigintFromBytes(new Uint8Array(ecdh.computeSecret(publicKey.point))), group.fieldBytes);
    } catch (e) {
      throw new ChipAuthenticationError('chip-authentication-failed', 'DG14 chip authentication key is not a valid point', { cause: e });
    }
  } else {
    ourPublic = agreement.generatorPublic(priv);
    shared = agreement.shared(priv, bigintToBytes(publicKey.y, group.fieldBytes));
  }
  const keyRef = choice.keyId !== undefined ? tlv(0x84, bigintToBytes(BigInt(choice.keyId), choice.keyId > 255 ? 2 : 1)) : new Uint8Array(0);

  if (protocol.cipher === '3DES') {
    // ICAO 9303-11 §6.2.4.1: MSE:Set KAT carries the ephemeral public key (tag 91).
    const r = await channel.send({ cla: 0, ins: 0x22, p1: 0x41, p2: 0xa6, data: concat(tlv(0x91, ourPublic), keyRef) });
    if (r.sw !== 0x9000) throw new ChipAuthenticationError('chip-authentication-failed', `MSE:Set KAT refused (SW ${r.sw.toString(16).toUpperCase()})`);
  } else {
    // ICAO 9303-11 §6.2.4.2: MSE:Set AT then GENERAL AUTHENTICATE with the ephemeral public key (tag 80).
    const mse = await channel.send({ cla: 0, ins: 0x22, p1: 0x41, p2: 0xa4, data: concat(tlv(0x80, oidContentBytes(protocol.oid)), keyRef) });
    if (mse.sw !== 0x9000) throw new ChipAuthenticationError('chip-authentication-failed', `MSE:Set AT refused (SW ${mse.sw.toString(16).toUpperCase()})`);
    const ga = await channel.send({ cla: 0, ins: 0x86, p1: 0, p2: 0, data: tlv(0x7c, tlv(0x80, ourPublic)), le: 256 });
    if (ga.sw !== 0x9000) throw new ChipAuthenticationError('chip-authentication-failed', `GENERAL AUTHENTICATE refused (SW ${ga.sw.toString(16).toUpperCase()})`);
    const outer = readTlvs(ga.data);
    if (outer[0]?.tag !== 0x7c) throw new ChipAuthenticationError('chip-authentication-failed', 'no dynamic authentication data');
  }
  channel.sm = new SecureMessaging({ cipher: protocol.cipher, encKey: kdf(shared, 1, protocol.cipher), macKey: kdf(shared, 2, protocol.cipher), ssc: 0n });
  return { protocol: protocol.oid, ...(choice.keyId !== undefined ? { keyId: choice.keyId } : {}) };
}
