import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../../fixtures/pki/test-pki';
import { readCertificate } from './certificate';
import { readCrl } from './crl';
import { CscaStore } from './csca-store';
import { encodeMasterList, readMasterList } from './master-list';
import { TrustStoreError } from './pa-error';

let pki: TestPki;
let dir: string;

const pem = (der: Uint8Array, label: string) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;

beforeAll(async () => {
  pki = await getTestPki();
  dir = await mkdtemp(join(tmpdir(), 'csca-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CscaStore', () => {
  it('loads DER and PEM certificates and CRLs from a folder', async () => {
    await writeFile(join(dir, 'utopia.der'), pki.csca.certificate);
    await writeFile(join(dir, 'others.pem'), pem(pki.cscaGermany.certificate, 'CERTIFICATE') + pem(pki.rogueCsca.certificate, 'CERTIFICATE'));
    await writeFile(join(dir, 'utopia.crl'), pem(pki.crl, 'X509 CRL'));
    await writeFile(join(dir, 'README.txt'), 'ignored');
    const store = await CscaStore.fromFolder(dir);
    expect(store.anchors.map((a) => a.country).sort()).toEqual(['DE', 'UT', 'UT']);
    expect(store.crls).toHaveLength(1);
    const dsc = readCertificate(pki.dsc.certificate);
    expect(store.candidateIssuers(dsc).map((a) => a.der)).toEqual([pki.csca.certificate]);
    expect(store.crlsNaming(store.candidateIssuers(dsc)[0]!)[0]?.revokes(readCertificate(pki.dscRevoked.certificate).serialNumber)).toBe(true);
  });

  it('refuses a missing folder and unreadable files with typed errors', async () => {
    await expect(CscaStore.fromFolder(join(dir, 'nope'))).rejects.toMatchObject({ code: 'unreadable' });
    const bad = await mkdtemp(join(tmpdir(), 'csca-bad-'));
    await writeFile(join(bad, 'x.der'), Uint8Array.of(0x30, 0x03, 1, 2, 3));
    await expect(CscaStore.fromFolder(bad)).rejects.toMatchObject({ code: 'certificate-invalid' });
    await rm(bad, { recursive: true });
  });

  it("loads the authority's /v1/csca JSON", () => {
    const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
    const json = { version: '2026-11-01', certificates: [b64u(pki.csca.certificate)], crls: [b64u(pki.crl)] };
    const store = CscaStore.fromAuthorityJson(JSON.stringify(json));
    expect(store.version).toBe('2026-11-01');
    expect(store.anchors).toHaveLength(1);
    expect(() => CscaStore.fromAuthorityJson({ version: 1 })).toThrow(TrustStoreError);
    expect(() => CscaStore.fromAuthorityJson('{')).toThrow(TrustStoreError);
  });

  it('loads a master list after verifying its signature and signer', () => {
    const signing = { signerCertificate: pki.masterListSigner.certificate, signerKey: pki.masterListSigner.privateKey, digestAlgorithm: 'sha256' as const };
    const ml = encodeMasterList([pki.csca.certificate, pki.cscaGermany.certificate], signing);
    const store = CscaStore.fromMasterList(ml, { at: pki.at });
    expect(store.anchors.map((a) => a.country)).toEqual(['UT', 'DE']);
    // Tampered content: the signature no longer covers it.
    const tampered = ml.slice();
    const at = Buffer.from(ml).indexOf(Buffer.from(pki.cscaGermany.certificate.subarray(-40)));
    tampered[at] = (tampered[at] ?? 0) ^ 1;
    expect(() => readMasterList(tampered)).toThrow(expect.objectContaining({ code: 'master-list-signature-invalid' }));
    // A list whose signer is not issued by any CSCA in it (nor by the anchors given).
    const rogue = encodeMasterList([pki.cscaGermany.certificate], signing);
    expect(() => readMasterList(rogue)).toThrow(expect.objectContaining({ code: 'master-list-signature-invalid' }));
    expect(readMasterList(rogue, { signerAnchors: [readCertificate(pki.csca.certificate)] })).toHaveLength(1);
    expect(() => readMasterList(ml, { at: new Date('2050-01-01') })).toThrow(TrustStoreError);
  });

  it('readers never throw untyped errors on arbitrary or mutated bytes', () => {
    const sources = [pki.csca.certificate, pki.crl];
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (which, at, value, truncate) => {
        const src = sources[which] as Uint8Array;
        const bytes = truncate ? src.slice(0, at % src.length) : src.slice();
        if (!truncate) bytes[at % bytes.length] = value;
        try {
          if (which === 0) readCertificate(bytes);
          else readCrl(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(TrustStoreError);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
