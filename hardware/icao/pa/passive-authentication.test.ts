import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type PkiEntity, type TestPki } from '../../../fixtures/pki/test-pki';
import { composeMrz, encodeDg1 } from '../lds/dg1';
import { encodeDg2 } from '../lds/dg2';
import { encodeSignedContent, encodeSod, type HashAlgorithmName } from '../lds/sod';
import { CscaStore } from './csca-store';
import { verifyCardSecurity, verifyPassiveAuthentication, type PassiveAuthenticationInput } from './passive-authentication';

const FACE = new Uint8Array(readFileSync(new URL('../../../../shared/data/faces/bbt_amy/2.jpg', import.meta.url)));
const MRZ = composeMrz({
  format: 'TD3', documentCode: 'P', issuingState: 'UTO', documentNumber: 'L898902C3', birthDate: '740812', sex: 'F',
  expiryDate: '340415', nationality: 'UTO', primaryIdentifier: 'ERIKSSON', secondaryIdentifier: 'ANNA MARIA',
});

let pki: TestPki;
let trust: CscaStore;
let dataGroups: Map<number, Uint8Array>;

function sign(groups: Map<number, Uint8Array>, signer: PkiEntity, hashAlgorithm: HashAlgorithmName = 'sha256'): Uint8Array {
  const dataGroupHashes = new Map([...groups].map(([dg, b]) => [dg, new Uint8Array(createHash(hashAlgorithm).update(b).digest())]));
  return encodeSod({
    securityObject: { version: 0, hashAlgorithm, dataGroupHashes },
    signerCertificate: signer.certificate,
    signerKey: signer.privateKey,
  });
}

function input(overrides: Partial<PassiveAuthenticationInput> = {}): PassiveAuthenticationInput {
  return { sod: sign(dataGroups, pki.dsc), dataGroups, trust, at: pki.at, issuingState: 'UTO', ...overrides };
}

beforeAll(async () => {
  pki = await getTestPki();
  trust = CscaStore.fromDer([pki.csca.certificate, pki.cscaGermany.certificate], [pki.crl]);
  dataGroups = new Map([
    [1, encodeDg1(MRZ)],
    [2, encodeDg2([{ image: FACE, encoding: 'iso19794-5' }])],
  ]);
});

describe('passive authentication', () => {
  it('accepts a genuine document and reports the DSC, CSCA and CRL', async () => {
    const r = await verifyPassiveAuthentication(input());
    expect(r.reasons).toEqual([]);
    expect(r.result).toBe('valid');
    expect(r.dsc_sha256).toBe(createHash('sha256').update(pki.dsc.certificate).digest('base64url'));
    expect(r.csca_sha256).toBe(createHash('sha256').update(pki.csca.certificate).digest('base64url'));
    expect(r.crl_checked_at).toBe(pki.at.toISOString());
    expect(r.checks.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(r.checks.filter((c) => c.check === 'data-group-hash').map((c) => c.dataGroup)).toEqual([1, 2]);
  });

  it('accepts RSA DSCs and SHA-384/SHA-1 data group hashes', async () => {
    for (const hash of ['sha384', 'sha1'] as const) {
      const r = await verifyPassiveAuthentication(input({ sod: sign(dataGroups, pki.dscRsa, hash) }));
      expect(r.reasons).toEqual([]);
      expect(r.hashAlgorithm).toBe(hash);
    }
  });

  it('rejects DG1 changed after signing', async () => {
    const changed = new Map(dataGroups);
    changed.set(1, encodeDg1(MRZ.replace('ERIKSSON', 'ERIKSSEN')));
    const r = await verifyPassiveAuthentication(input({ sod: sign(dataGroups, pki.dsc), dataGroups: changed }));
    expect(r.result).toBe('invalid');
    expect(r.reasons).toEqual(['dg-hash-mismatch']);
    expect(r.checks.find((c) => c.status === 'failed')?.dataGroup).toBe(1);
  });

  it('checks a DG2 hash given instead of DG2 (authority side)', async () => {
    const only1 = new Map([[1, dataGroups.get(1) as Uint8Array]]);
    const sod = sign(dataGroups, pki.dsc);
    const good = createHash('sha256').update(dataGroups.get(2) as Uint8Array).digest();
    expect((await verifyPassiveAuthentication(input({ sod, dataGroups: only1, dg2Hash: new Uint8Array(good) }))).result).toBe('valid');
    const r = await verifyPassiveAuthentication(input({ sod, dataGroups: only1, dg2Hash: new Uint8Array(32) }));
    expect(r.reasons).toEqual(['dg-hash-mismatch']);
  });

  it('rejects a data group the SOD does not cover, and a missing DG1', async () => {
    const extra = new Map(dataGroups).set(11, Uint8Array.of(0x6b, 0x00));
    expect((await verifyPassiveAuthentication(input({ sod: sign(dataGroups, pki.dsc), dataGroups: extra }))).reasons).toEqual(['dg-not-in-sod']);
    const no1 = new Map([[2, dataGroups.get(2) as Uint8Array]]);
    expect((await verifyPassiveAuthentication(input({ dataGroups: no1 }))).reasons).toEqual(['dg-missing']);
  });

  it('rejects an SOD under an unknown CSCA', async () => {
    const r = await verifyPassiveAuthentication(input({ sod: sign(dataGroups, pki.dscRogue) }));
    expect(r.reasons).toEqual(['unknown-csca']);
    expect(r.csca_sha256).toBeNull();
  });

  it("rejects a DSC under a forger's CSCA that copies the trusted CSCA's name", async () => {
    expect((await verifyPassiveAuthentication(input({ sod: sign(dataGroups, pki.dscImpostor) }))).reasons).toEqual(['unknown-csca']);
    // Without key identifiers to tell them apart, the name matches and the signature does not.
    const { readCertificate } = await import('./certificate');
    const dsc = readCertificate(pki.dscImpostor.certificate);
    const { authorityKeyIdentifier: _aki, ...withoutAki } = dsc;
    expect(trust.candidateIssuers(withoutAki)).toHaveLength(1);
    expect(withoutAki.isSignedBy(trust.candidateIssuers(withoutAki)[0]!)).toBe(false);
  });

  it('rejects an expired DSC, a revoked DSC and an expired CSCA', async () => {
    expect((await verifyPassiveAuthentication(input({ sod: sign(dataGroups, pki.dscExpired) }))).reasons).toEqual(['dsc-expired']);
    expect((await verifyPassiveAuthentication(input({ sod: sign(dataGroups, pki.dscRevoked) }))).reasons).toEqual(['dsc-revoked']);
    const later = await verifyPassiveAuthentication(input({ at: new Date('2046-01-01T00:00:00Z') }));
    expect(later.reasons).toEqual(['dsc-expired', 'csca-expired', 'crl-stale']);
    const early = await verifyPassiveAuthentication(input({ at: new Date('2023-01-01T00:00:00Z') }));
    expect(early.reasons).toContain('dsc-not-yet-valid');
  });

  it('judges CRLs: stale, forged, missing', async () => {
    const stale = CscaStore.fromDer([pki.csca.certificate], [pki.crlStale]);
    const r1 = await verifyPassiveAuthentication(input({ trust: stale }));
    expect(r1.reasons).toEqual(['crl-stale']);
    expect(r1.crl_checked_at).toBeNull();
    // A stale CRL still proves revocation.
    expect((await verifyPassiveAuthentication(input({ trust: stale, sod: sign(dataGroups, pki.dscRevoked) }))).reasons).toEqual(['dsc-revoked']);
    const forged = pki.crl.slice();
    forged[forged.length - 5] = (forged[forged.length - 5] ?? 0) ^ 0x01;
    const r2 = await verifyPassiveAuthentication(input({ trust: CscaStore.fromDer([pki.csca.certificate], [forged]) }));
    expect(r2.reasons).toEqual(['crl-signature-invalid']);
    const none = CscaStore.fromDer([pki.csca.certificate]);
    const r3 = await verifyPassiveAuthentication(input({ trust: none }));
    expect(r3.result).toBe('valid');
    expect(r3.crl_checked_at).toBeNull();
    expect(r3.checks.find((c) => c.check === 'revocation')?.status).toBe('skipped');
    expect((await verifyPassiveAuthentication(input({ trust: none, requireCrl: true }))).reasons).toEqual(['crl-missing']);
  });

  it('rejects a certificate country that does not fit the issuing state', async () => {
    expect((await verifyPassiveAuthentication(input({ issuingState: 'FRA' }))).reasons).toEqual(['country-mismatch']);
    const german = sign(dataGroups, pki.dscGermany);
    expect((await verifyPassiveAuthentication(input({ sod: german, issuingState: 'D' }))).reasons).toEqual([]);
    expect((await verifyPassiveAuthentication(input({ sod: german }))).reasons).toEqual(['country-mismatch']);
  });

  it('rejects a tampered SOD signature and a tampered security object', async () => {
    const sod = sign(dataGroups, pki.dsc);
    // The last bytes are the signature's.
    const badSig = sod.slice();
    badSig[badSig.length - 3] = (badSig[badSig.length - 3] ?? 0) ^ 0x40;
    const r1 = await verifyPassiveAuthentication(input({ sod: badSig }));
    expect(r1.reasons).toEqual(['sod-signature-invalid']);
    // Change one byte of the DG1 hash inside the LDSSecurityObject: the messageDigest no longer matches.
    const hash1 = createHash('sha256').update(dataGroups.get(1) as Uint8Array).digest();
    const at = Buffer.from(sod).indexOf(hash1);
    expect(at).toBeGreaterThan(0);
    const badContent = sod.slice();
    badContent[at] = (badContent[at] ?? 0) ^ 0x01;
    const r2 = await verifyPassiveAuthentication(input({ sod: badContent }));
    expect(r2.reasons).toContain('sod-digest-mismatch');
  });

  it('rejects an SOD signed by a key other than its DSC', async () => {
    const impostor = { ...pki.dsc, privateKey: pki.dscRevoked.privateKey };
    expect((await verifyPassiveAuthentication(input({ sod: sign(dataGroups, impostor) }))).reasons).toEqual(['sod-signature-invalid']);
  });

  it('rejects garbage as sod-malformed without throwing', async () => {
    for (const sod of [new Uint8Array(0), Uint8Array.of(0x77, 0x03, 1, 2, 3), Uint8Array.of(0x77, 0x82, 0xff)]) {
      const r = await verifyPassiveAuthentication(input({ sod }));
      expect(r.reasons).toEqual(['sod-malformed']);
      expect(r.checks.filter((c) => c.status === 'skipped').length).toBeGreaterThan(0);
    }
  });

  it('never throws on a mutated SOD, and a mutated signed part is never valid', async () => {
    const sod = sign(dataGroups, pki.dsc);
    // From the LDSSecurityObject onwards everything is covered by a hash or signature.
    const protectedFrom = Buffer.from(sod).indexOf(createHash('sha256').update(dataGroups.get(1) as Uint8Array).digest());
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const bytes = sod.slice();
        const i = at % bytes.length;
        bytes[i] = (bytes[i] ?? 0) ^ x;
        const r = await verifyPassiveAuthentication(input({ sod: bytes }));
        if (i >= protectedFrom) expect(r.result).toBe('invalid');
      }),
      { numRuns: 300 },
    );
  });
});

describe('EF.CardSecurity', () => {
  // A SET OF SecurityInfo would go here; the check does not interpret it.
  const infos = Uint8Array.of(0x31, 0x03, 0x30, 0x01, 0x00);
  const cardSecurity = (signer: PkiEntity) =>
    encodeSignedContent('0.4.0.127.0.7.3.2.1', infos, { signerCertificate: signer.certificate, signerKey: signer.privateKey, digestAlgorithm: 'sha256' });

  it('is valid when signed under a trusted CSCA, and yields its SecurityInfos', async () => {
    const r = await verifyCardSecurity({ cardSecurity: cardSecurity(pki.dsc), trust, at: pki.at, issuingState: 'UTO' });
    expect(r.reasons).toEqual([]);
    expect(r.result).toBe('valid');
    expect(r.securityInfos).toEqual(infos);
    expect(r.crl_checked_at).toBe(pki.at.toISOString());
  });

  it('is refused under an unknown CSCA, a revoked DSC, when altered or unreadable', async () => {
    const check = (bytes: Uint8Array) => verifyCardSecurity({ cardSecurity: bytes, trust, at: pki.at, issuingState: 'UTO' });
    expect((await check(cardSecurity(pki.dscRogue))).reasons).toEqual(['unknown-csca']);
    expect((await check(cardSecurity(pki.dscRevoked))).reasons).toEqual(['dsc-revoked']);
    const altered = cardSecurity(pki.dsc);
    // The last byte of the SecurityInfos inside the signed content.
    altered[Buffer.from(altered).indexOf(Buffer.from(infos)) + infos.length - 1] = 0x01;
    expect((await check(altered)).reasons).toEqual(['sod-digest-mismatch']);
    const garbage = await check(Uint8Array.of(0x30, 0x00));
    expect(garbage).toMatchObject({ result: 'invalid', reasons: ['sod-malformed'], securityInfos: null });
  });
});
