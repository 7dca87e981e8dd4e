/**
 * Step 5 with the real hardware/icao verifiers and the project's test PKI: a SOD signed by a DSC
 * under the Utopia CSCA, DG14 naming ecdsa-plain-SHA256, DG15 with the chip's AA key.
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type PkiEntity, type TestPki } from '../fixtures/pki/test-pki';
import { encodeDg15 } from '../hardware/icao/lds/dg15';
import { encodeSod } from '../hardware/icao/lds/sod';
import { OID } from '../hardware/icao/oids';
import { encodeDg14 } from '../hardware/icao/security-infos';
import { encodeDataGroup1 } from './dg1';
import { createDocumentCheck, DocumentInvalid } from './document-check';
import { hardwarePorts } from './document-check-wiring';
import { attestationPayload, HOLDER_MRZ, startTestAuthority } from './testing/harness';
import { CitizenApp } from '../fixtures/citizen-app/citizen-app';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrustAnchors } from './trust-store';

let pki: TestPki;
let chipKey: KeyObject;
beforeAll(async () => {
  pki = await getTestPki();
  chipKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
});

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const CHALLENGE = '0123456789abcdef';

function document(o: { signer?: PkiEntity; mrz?: string; shownDg1?: Uint8Array; aaKey?: KeyObject; withDg14?: boolean; challenge?: string } = {}) {
  const dg1 = encodeDataGroup1(o.mrz ?? HOLDER_MRZ);
  const dg14 = encodeDg14([{ kind: 'ActiveAuthenticationInfo', protocol: OID.aaProtocolObject, version: 1, signatureAlgorithm: `${OID.ecdsaPlainSignatures}.3` }]);
  const dg15 = encodeDg15(new Uint8Array(createPublicKey(chipKey).export({ format: 'der', type: 'spki' })));
  const dg2Hash = sha(new TextEncoder().encode('portrait'));
  const signer = o.signer ?? pki.dsc;
  const sod = encodeSod({
    securityObject: { version: 0, hashAlgorithm: 'sha256', dataGroupHashes: new Map([[1, sha(dg1)], [2, dg2Hash], [14, sha(dg14)], [15, sha(dg15)]]) },
    signerCertificate: signer.certificate,
    signerKey: signer.privateKey,
    signingTime: pki.at,
  });
  const signature = sign('sha256', Buffer.from(o.challenge ?? CHALLENGE, 'hex'), { key: o.aaKey ?? chipKey, dsaEncoding: 'ieee-p1363' });
  return {
    kind: 'icao9303' as const,
    dg1: b64u(o.shownDg1 ?? dg1),
    sod: b64u(sod),
    ...(o.withDg14 === false ? {} : { dg14: b64u(dg14) }),
    dg15: b64u(dg15),
    dg2_hash: b64u(dg2Hash),
    pa: { result: 'valid', dsc_sha256: b64u(sha(signer.certificate)), csca_sha256: b64u(sha(pki.csca.certificate)), crl_checked_at: null },
    chip_auth: { method: 'AA', result: 'valid', aa_signature: b64u(signature) },
  };
}

function context(): { iat: number; aaChallenge: Uint8Array; trust: TrustAnchors; knownSamIds: Set<string> } {
  return {
    iat: Math.floor(pki.at.getTime() / 1000),
    aaChallenge: new Uint8Array(Buffer.from(CHALLENGE, 'hex')),
    trust: { version: 'test', certificates: [pki.csca.certificate], crls: [pki.crl] },
    knownSamIds: new Set(),
  };
}

describe('step 5 with hardware/icao passive and active authentication', () => {
  const check = createDocumentCheck(hardwarePorts({ requireCrl: true }));

  it('accepts a document signed under a trusted CSCA with a valid AA signature', async () => {
    const facts = await check.check(document(), context());
    expect(facts).toMatchObject({ kind: 'icao9303', dg1: { documentNumber: 'L898902C3', birthDate: '740812' } });
  });

  it.each([
    ['a DG1 that is not the signed one', () => document({ shownDg1: encodeDataGroup1(HOLDER_MRZ.replace('ANNA', 'ANNE')) }), /dg-hash-mismatch/],
    ['a SOD signed under a CSCA nobody trusts', () => document({ signer: pki.dscRogue }), /unknown-csca/],
    ['a revoked DSC', () => document({ signer: pki.dscRevoked }), /dsc-revoked/],
    ['an AA signature by another key (a clone)', () => document({ aaKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }), /active authentication/],
    ['ECDSA AA without DG14', () => document({ withDg14: false }), /DG14/],
  ])('refuses %s', async (_name, doc, reason) => {
    const error = await check.check(doc(), context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentInvalid);
    expect((error as Error).message).toMatch(reason);
  });

  it('refuses when the CSCA has no CRL and CRLs are required', async () => {
    const ctx = { ...context(), trust: { version: 'no-crl', certificates: [pki.csca.certificate], crls: [] } };
    await expect(check.check(document(), ctx)).rejects.toThrow(/crl-missing/);
    await expect(createDocumentCheck(hardwarePorts()).check(document(), ctx)).resolves.toMatchObject({ kind: 'icao9303' });
  });
});

describe('POST /v1/upgrades with a real document (server default step 5)', () => {
  it('issues a receipt for a PKI-signed document of the bound holder, and refuses a forged one', async () => {
    const t = await startTestAuthority({ pa_require_crl: true }, null);
    try {
      const trust = t.authority.config.trust_dir;
      mkdirSync(trust, { recursive: true });
      writeFileSync(join(trust, 'utopia-csca.der'), pki.csca.certificate);
      writeFileSync(join(trust, 'utopia.crl'), pki.crl);
      t.clock.now = pki.at.getTime();
      const submit = async (doc: (challenge: string) => object) => {
        const session = await t.terminal.openSession();
        await new CitizenApp(t.baseUrl, await t.newCitizenKey()).bind(session.qr, t.terminal.now());
        return t.terminal.submit(await t.terminal.signAttestation(attestationPayload(t.terminal, session, doc(session.aa_challenge))));
      };
      expect((await submit((challenge) => document({ challenge }))).status).toBe(201);
      const forged = await submit((challenge) => document({ challenge, signer: pki.dscRogue }));
      expect({ status: forged.status, type: forged.json.type }).toEqual({ status: 422, type: 'urn:kiosk-upgrade:problem:document-invalid' });
    } finally {
      await t.close();
    }
  });
});
