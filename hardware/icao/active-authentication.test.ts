import { constants, createHash, generateKeyPairSync, privateEncrypt, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concat } from './bytes';
import { IcaoError } from './errors';
import { OID } from './oids';
import { encodeDg14 } from './security-infos';
import { tlv } from './tlv';
import { verifyActiveAuthentication } from './active-authentication';

const challenge = Uint8Array.from([0xf1, 0x73, 0x58, 0x99, 0x74, 0xbf, 0x40, 0xc6]);
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const dg15Rsa = tlv(0x6f, new Uint8Array(rsa.publicKey.export({ type: 'spki', format: 'der' })));

/** ISO/IEC 9796-2 scheme 1 signature with the given hash and trailer. */
function sign9796(hash: string, trailer: Uint8Array, m2: Uint8Array): Uint8Array {
  const hLen = createHash(hash).digest().length;
  const m1 = new Uint8Array(128 - 1 - hLen - trailer.length).fill(0x5a);
  const h = createHash(hash).update(concat(m1, m2)).digest();
  const f = concat(Uint8Array.of(0x6a), m1, h, trailer);
  return new Uint8Array(privateEncrypt({ key: rsa.privateKey, padding: constants.RSA_NO_PADDING }, f));
}

describe('verifyActiveAuthentication', () => {
  it('RSA ISO/IEC 9796-2 scheme 1 with the implicit SHA-1 trailer BC', () => {
    const sig = sign9796('sha1', Uint8Array.of(0xbc), challenge);
    expect(verifyActiveAuthentication({ dg15: dg15Rsa, challenge, signature: sig })).toMatchObject({ valid: true, hash: 'sha1' });
  });

  it('RSA with the two-byte trailer naming SHA-256 (34 CC)', () => {
    const sig = sign9796('sha256', Uint8Array.of(0x34, 0xcc), challenge);
    expect(verifyActiveAuthentication({ dg15: dg15Rsa, challenge, signature: sig })).toMatchObject({ valid: true, hash: 'sha256' });
  });

  it('RSA: another challenge or a flipped bit does not verify', () => {
    const sig = sign9796('sha1', Uint8Array.of(0xbc), challenge);
    expect(verifyActiveAuthentication({ dg15: dg15Rsa, challenge: new Uint8Array(8), signature: sig }).valid).toBe(false);
    const bad = new Uint8Array(sig);
    bad[100] = bad[100]! ^ 1;
    expect(verifyActiveAuthentication({ dg15: dg15Rsa, challenge, signature: bad }).valid).toBe(false);
    expect(verifyActiveAuthentication({ dg15: dg15Rsa, challenge, signature: sig.subarray(1) }).valid).toBe(false);
  });

  it('ECDSA plain r‖s with the hash named by DG14, and no ECDSA without DG14', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
    const dg15 = tlv(0x6f, new Uint8Array(ec.publicKey.export({ type: 'spki', format: 'der' })));
    const dg14 = encodeDg14([{ kind: 'ActiveAuthenticationInfo', protocol: OID.aaProtocolObject, version: 1, signatureAlgorithm: `${OID.ecdsaPlainSignatures}.4` }]);
    const sig = new Uint8Array(sign('sha384', challenge, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));
    expect(verifyActiveAuthentication({ dg15, dg14, challenge, signature: sig })).toMatchObject({ valid: true, algorithm: 'ECDSA', hash: 'sha384' });
    const sha256Sig = new Uint8Array(sign('sha256', challenge, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));
    expect(verifyActiveAuthentication({ dg15, dg14, challenge, signature: sha256Sig }).valid).toBe(false);
    expect(() => verifyActiveAuthentication({ dg15, challenge, signature: sig })).toThrow(expect.objectContaining({ code: 'active-authentication-malformed' }));
  });

  it('malformed DG15 is a typed error', () => {
    expect(() => verifyActiveAuthentication({ dg15: Uint8Array.of(0x6f, 0x02, 0x30, 0x00), challenge, signature: new Uint8Array(8) })).toThrow(IcaoError);
    expect(() => verifyActiveAuthentication({ dg15: Uint8Array.of(0x6e, 0x00), challenge, signature: new Uint8Array(8) })).toThrow(IcaoError);
  });
});
