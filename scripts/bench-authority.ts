/**
 * Reference authority throughput: accepted upgrades per second on loopback (POST /v1/upgrades with
 * a PKI-signed document, real passive and active authentication, SQLite WAL). Sessions are opened
 * and bound beforehand; only the submissions are timed. Prints the median of several runs.
 *
 *   npx tsx scripts/bench-authority.ts [--runs 5] [--count 200] [--concurrency 8] [--fake-document-check]
 */
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeDataGroup1 } from '../authority/dg1';
import { attestationPayload, HOLDER_MRZ, icaoDoc, startTestAuthority } from '../authority/testing/harness';
import type { SessionAnswer } from '../authority/testing/test-terminal';
import { CitizenApp } from '../fixtures/citizen-app/citizen-app';
import { getTestPki } from '../fixtures/pki/test-pki';
import { encodeDg15 } from '../hardware/icao/lds/dg15';
import { encodeSod } from '../hardware/icao/lds/sod';
import { OID } from '../hardware/icao/oids';
import { encodeDg14 } from '../hardware/icao/security-infos';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    count: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    'fake-document-check': { type: 'boolean', default: false },
  },
});
const runs = Math.min(20, Math.max(1, Number(values.runs)));
const count = Math.min(2000, Math.max(1, Number(values.count)));
const concurrency = Math.min(64, Math.max(1, Number(values.concurrency)));
const fake = values['fake-document-check'];

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

const pki = await getTestPki();
const chipKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const dg1 = encodeDataGroup1(HOLDER_MRZ);
const dg14 = encodeDg14([{ kind: 'ActiveAuthenticationInfo', protocol: OID.aaProtocolObject, version: 1, signatureAlgorithm: `${OID.ecdsaPlainSignatures}.3` }]);
const dg15 = encodeDg15(new Uint8Array(createPublicKey(chipKey).export({ format: 'der', type: 'spki' })));
const dg2Hash = sha(new TextEncoder().encode('portrait'));
const sod = encodeSod({
  securityObject: { version: 0, hashAlgorithm: 'sha256', dataGroupHashes: new Map([[1, sha(dg1)], [2, dg2Hash], [14, sha(dg14)], [15, sha(dg15)]]) },
  signerCertificate: pki.dsc.certificate,
  signerKey: pki.dsc.privateKey,
  signingTime: pki.at,
});
const realDoc = (s: SessionAnswer) => ({
  kind: 'icao9303' as const,
  dg1: b64u(dg1),
  sod: b64u(sod),
  dg14: b64u(dg14),
  dg15: b64u(dg15),
  dg2_hash: b64u(dg2Hash),
  pa: { result: 'valid', dsc_sha256: b64u(sha(pki.dsc.certificate)), csca_sha256: b64u(sha(pki.csca.certificate)), crl_checked_at: null },
  chip_auth: { method: 'AA', result: 'valid', aa_signature: b64u(sign('sha256', Buffer.from(s.aa_challenge, 'hex'), { key: chipKey, dsaEncoding: 'ieee-p1363' })) },
});

const t = await startTestAuthority({}, fake ? undefined : null);
try {
  mkdirSync(t.authority.config.trust_dir, { recursive: true });
  writeFileSync(join(t.authority.config.trust_dir, 'utopia-csca.der'), pki.csca.certificate);
  writeFileSync(join(t.authority.config.trust_dir, 'utopia.crl'), pki.crl);
  t.clock.now = pki.at.getTime();
  const app = new CitizenApp(t.baseUrl, await t.newCitizenKey());
  const rates: number[] = [];
  // Run 0 warms the JIT and caches and is not counted.
  for (let run = 0; run <= runs; run++) {
    const attestations: string[] = [];
    for (let i = 0; i < count; i++) {
      const s = await t.terminal.openSession();
      await app.bind(s.qr, t.terminal.now());
      attestations.push(await t.terminal.signAttestation(attestationPayload(t.terminal, s, fake ? icaoDoc(s) : realDoc(s))));
    }
    let next = 0;
    let accepted = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < attestations.length) {
          const res = await t.terminal.submit(attestations[next++]!);
          if (res.status === 201) accepted++;
          else throw new Error(`upgrade refused: ${res.status} ${res.text}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (run === 0) {
      console.log(`warm-up: ${accepted} upgrades in ${seconds.toFixed(2)} s`);
      continue;
    }
    rates.push(accepted / seconds);
    console.log(`run ${run}/${runs}: ${accepted} upgrades in ${seconds.toFixed(2)} s = ${(accepted / seconds).toFixed(1)}/s`);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `authority upgrades accepted per second (median of ${runs} runs, ${count} each, concurrency ${concurrency}, ` +
      `${fake ? 'fake' : 'real PA+AA'} document check): ${median.toFixed(1)}`,
  );
} finally {
  await t.close();
}
