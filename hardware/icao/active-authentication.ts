import { createHash, createPublicKey, publicDecrypt, verify, constants, type KeyObject } from 'node:crypto';
import { bigintFromBytes, bigintToBytes, bytesEqual, concat } from './bytes';
import { IcaoError } from './errors';
import { ECDSA_PLAIN_HASHES } from './oids';
import { parseSecurityInfos } from './security-infos';
import { readTlv } from './tlv';

export interface ActiveAuthenticationInput {
  /** EF.DG15 as read (tag 6F around the SubjectPublicKeyInfo). */
  dg15: Uint8Array;
  /** EF.DG14; required for ECDSA (its ActiveAuthenticationInfo names the hash). */
  dg14?: Uint8Array;
  /** The 8-byte challenge sent in INTERNAL AUTHENTICATE. */
  challenge: Uint8Array;
  signature: Uint8Array;
}

export interface ActiveAuthenticationVerdict {
  valid: boolean;
  algorithm: 'RSA-ISO9796-2' | 'ECDSA';
  hash?: string;
  /** Why the signature was rejected, when it was. */
  reason?: string;
}

const malformed = (why: string, cause?: unknown): never => {
  throw new IcaoError('active-authentication-malformed', `Active Authentication: ${why}`, { cause });
};

/** ISO/IEC 10118-3 hash identifiers used in the ISO/IEC 9796-2 two-byte trailer. */
const TRAILER_HASHES: Record<number, string> = { 0x33: 'sha1', 0x34: 'sha256', 0x35: 'sha512', 0x36: 'sha384', 0x38: 'sha224' };

export function activeAuthenticationPublicKey(dg15: Uint8Array): KeyObject {
  let spki: Uint8Array;
  try {
    const t = readTlv(dg15);
    if (t.tag !== 0x6f || t.end !== dg15.length) return malformed('DG15 is not tag 6F');
    spki = t.value;
  } catch (e) {
    return malformed('DG15 is not BER-TLV', e);
  }
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (e) {
    return malformed('DG15 public key cannot be decoded', e);
  }
}

/** ICAO 9303-11 §6.1 with ISO/IEC 9796-2 digital signature scheme 1 (partial message recovery). */
function verifyRsa(key: KeyObject, challenge: Uint8Array, signature: Uint8Array): ActiveAuthenticationVerdict {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  const k = Math.ceil(bits / 8);
  const verdict = (valid: boolean, hash?: string, reason?: string): ActiveAuthenticationVerdict => ({
    valid,
    algorithm: 'RSA-ISO9796-2',
    ...(hash ? { hash } : {}),
    ...(reason ? { reason } : {}),
  });
  if (signature.length !== k) return verdict(false, undefined, 'signature length differs from the modulus');
  let opened: Uint8Array;
  try {
    opened = new Uint8Array(publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature));
  } catch {
    return verdict(false, undefined, 'signature is not below the modulus');
  }
  const n = bigintFromBytes(new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).n ?? '', 'base64url')));
  // ISO/IEC 9796-2 §B.6: the representative is J or n − J, whichever ends in the trailer.
  const candidates = [opened, bigintToBytes(n - bigintFromBytes(opened), k)];
  for (const f of candidates) {
    let hash: string | undefined;
    let trailerLength = 1;
    const last = f[f.length - 1];
    if (last === 0xbc) hash = 'sha1';
    else if (last === 0xcc) {
      trailerLength = 2;
      hash = TRAILER_HASHES[f[f.length - 2] ?? 0];
      if (!hash) return verdict(false, undefined, 'unknown hash in the trailer');
    } else continue;
    if (f[0] !== 0x6a) return verdict(false, hash, 'not a partial-recovery representative (header is not 6A)');
    const hLen = createHash(hash).digest().length;
    const hEnd = f.length - trailerLength;
    const m1 = f.subarray(1, hEnd - hLen);
    const h = f.subarray(hEnd - hLen, hEnd);
    if (m1.length < 0 || hEnd - hLen < 1) return verdict(false, hash, 'representative too short');
    const digest = new Uint8Array(createHash(hash).update(concat(m1, challenge)).digest());
    return bytesEqual(digest, h) ? verdict(true, hash) : verdict(false, hash, 'hash does not match');
  }
  return verdict(false, undefined, 'no ISO/IEC 9796-2 trailer');
}

/**
 * Verifies an Active Authentication signature (ICAO 9303-11 §6.1) over `challenge` with DG15's
 * key: RSA with ISO/IEC 9796-2 scheme 1 (trailer BC = SHA-1, or xx CC naming the hash), or ECDSA
 * plain r ‖ s (BSI TR-03111) with the hash named by DG14's ActiveAuthenticationInfo — without DG14
 * there is no ECDSA AA. Pure: no card, no clock. Malformed inputs throw a typed error; a
 * signature that does not verify returns `valid: false`.
 */
export function verifyActiveAuthentication(input: ActiveAuthenticationInput): ActiveAuthenticationVerdict {
  const key = activeAuthenticationPublicKey(input.dg15);
  if (key.asymmetricKeyType === 'rsa') return verifyRsa(key, input.challenge, input.signature);
  if (key.asymmetricKeyType !== 'ec') return malformed(`key type ${key.asymmetricKeyType} not supported`);
  if (!input.dg14) return malformed('ECDSA Active Authentication needs DG14 (ActiveAuthenticationInfo)');
  const aaInfo = parseSecurityInfos(input.dg14).find((i) => i.kind === 'ActiveAuthenticationInfo');
  if (!aaInfo || aaInfo.kind !== 'ActiveAuthenticationInfo') return malformed('DG14 has no ActiveAuthenticationInfo');
  const hash = ECDSA_PLAIN_HASHES[aaInfo.signatureAlgorithm];
  if (!hash) return malformed(`signature algorithm ${aaInfo.signatureAlgorithm} is not an ecdsa-plain OID`);
  let valid = false;
  try {
    valid = verify(hash, input.challenge, { key, dsaEncoding: 'ieee-p1363' }, input.signature);
  } catch {
    valid = false;
  }
  return valid ? { valid, algorithm: 'ECDSA', hash } : { valid, algorithm: 'ECDSA', hash, reason: 'ECDSA signature does not verify' };
}
