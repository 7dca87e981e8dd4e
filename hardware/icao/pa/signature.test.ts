import { constants, generateKeyPairSync, sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { HASH_OIDS } from '../lds/sod';
import { verifySignature } from './signature';

const data = new TextEncoder().encode('LDSSecurityObject signed attributes');

describe('signature algorithms', () => {
  it('verifies RSASSA-PSS with its parameters (RFC 4055)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sig = sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    const sha256 = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: HASH_OIDS.sha256 })] });
    const params = (salt: number) =>
      new Uint8Array(
        new asn1js.Sequence({
          value: [
            new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [sha256] }),
            new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.Integer({ value: salt })] }),
          ],
        }).toBER(),
      );
    expect(verifySignature('1.2.840.113549.1.1.10', params(32), data, sig, publicKey).ok).toBe(true);
    expect(verifySignature('1.2.840.113549.1.1.10', params(20), data, sig, publicKey).ok).toBe(false);
  });

  it('verifies rsaEncryption with the SignerInfo digest, ECDSA DER and ECDSA plain (TR-03111)', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaSig = sign('sha384', data, rsa.privateKey);
    expect(verifySignature('1.2.840.113549.1.1.1', undefined, data, rsaSig, rsa.publicKey, HASH_OIDS.sha384).ok).toBe(true);
    expect(verifySignature('1.2.840.113549.1.1.1', undefined, data, rsaSig, rsa.publicKey, HASH_OIDS.sha256).ok).toBe(false);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = sign('sha256', data, ec.privateKey);
    const plain = sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(verifySignature('1.2.840.10045.4.3.2', undefined, data, der, ec.publicKey).ok).toBe(true);
    expect(verifySignature('0.4.0.127.0.7.1.1.4.1.3', undefined, data, plain, ec.publicKey).ok).toBe(true);
    expect(verifySignature('1.2.840.10045.4.3.2', undefined, data, plain, ec.publicKey).ok).toBe(false);
    // Algorithm and key must agree.
    expect(verifySignature('1.2.840.10045.4.3.2', undefined, data, der, rsa.publicKey)).toMatchObject({ ok: false, unsupported: false });
    expect(verifySignature('1.2.3.4', undefined, data, der, ec.publicKey)).toMatchObject({ ok: false, unsupported: true });
  });
});
