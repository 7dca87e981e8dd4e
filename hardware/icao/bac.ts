import { randomBytes } from 'node:crypto';
import { bigintFromBytes, bytesEqual, concat, xor } from './bytes';
import type { ChipChannel } from './channel';
import { cbcDecrypt, cbcEncrypt, kdf, mac } from './crypto';
import { AccessControlError, CardStatusError } from './errors';
import { mrzKeyHash, type MrzKeySeed } from './mrz-key';
import { SecureMessaging, type SessionKeys } from './secure-messaging';

export type RandomSource = (n: number) => Uint8Array;
export const systemRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

/** Document basic access keys K_enc, K_mac from the MRZ (ICAO 9303-11 §9.7.2). */
export function basicAccessKeys(seed: MrzKeySeed): { kSeed: Uint8Array; kEnc: Uint8Array; kMac: Uint8Array } {
  const kSeed = mrzKeyHash(seed).subarray(0, 16);
  return { kSeed, kEnc: kdf(kSeed, 1, '3DES'), kMac: kdf(kSeed, 2, '3DES') };
}

/**
 * Basic Access Control, ICAO 9303-11 §4.3: GET CHALLENGE, EXTERNAL AUTHENTICATE (mutual
 * authenticate), session keys and SSC. Installs secure messaging on the channel.
 */
export async function performBac(channel: ChipChannel, seed: MrzKeySeed, random: RandomSource = systemRandom): Promise<SessionKeys> {
  const { kEnc, kMac } = basicAccessKeys(seed);
  channel.sm = undefined;
  const challenge = await channel.send({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, le: 8 });
  if (challenge.sw !== 0x9000 || challenge.data.length !== 8) {
    throw new AccessControlError('bac-failed', `GET CHALLENGE refused (SW ${challenge.sw.toString(16)})`);
  }
  const rndIc = challenge.data;
  const rndIfd = random(8);
  const kIfd = random(16);
  const eIfd = cbcEncrypt('3DES', kEnc, concat(rndIfd, rndIc, kIfd));
  const mIfd = mac('3DES', kMac, eIfd);
  const resp = await channel.send({ cla: 0x00, ins: 0x82, p1: 0, p2: 0, data: concat(eIfd, mIfd), le: 40 });
  if (resp.sw !== 0x9000) {
    // 6300 / 6982: the chip did not accept our cryptogram, i.e. the MRZ key is wrong.
    throw new AccessControlError('bac-failed', new CardStatusError(resp.sw, 'MUTUAL AUTHENTICATE refused').message);
  }
  if (resp.data.length !== 40) throw new AccessControlError('bac-failed', 'MUTUAL AUTHENTICATE response is not 40 bytes');
  const eIc = resp.data.subarray(0, 32);
  if (!bytesEqual(mac('3DES', kMac, eIc), resp.data.subarray(32))) {
    throw new AccessControlError('bac-failed', 'chip cryptogram MAC does not verify');
  }
  const r = cbcDecrypt('3DES', kEnc, eIc);
  if (!bytesEqual(r.subarray(0, 8), rndIc) || !bytesEqual(r.subarray(8, 16), rndIfd)) {
    throw new AccessControlError('bac-failed', 'chip did not return our challenge');
  }
  const sessionSeed = xor(kIfd, r.subarray(16, 32));
  const keys: SessionKeys = {
    cipher: '3DES',
    encKey: kdf(sessionSeed, 1, '3DES'),
    macKey: kdf(sessionSeed, 2, '3DES'),
    // ICAO 9303-11 §9.8.6.3: SSC = RND.IC[4..8] ‖ RND.IFD[4..8]
    ssc: bigintFromBytes(concat(rndIc.subarray(4), rndIfd.subarray(4))),
  };
  channel.sm = new SecureMessaging(keys);
  return keys;
}
