import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCard } from '../../../fixtures/cards/card-builder';
import { writeCardFolder } from '../../../fixtures/cards/card-folder';
import { loadCardProfile } from '../../../fixtures/cards/card-profile';
import { writeTestPki } from '../../../fixtures/pki/generate';
import { getTestPki, type TestPki } from '../../../fixtures/pki/test-pki';
import { ExitCode, UsageError } from '../command';
import { recordingIo } from './cli-test-io';
import { verifyDocument } from './verify-document';

const VARIANTS = {
  'utopia-genuine': [],
  'utopia-dg1-tampered': ['dg-hash-mismatch'],
  'utopia-unknown-csca': ['unknown-csca'],
  'utopia-expired-dsc': ['dsc-expired'],
  'utopia-revoked-dsc': ['dsc-revoked'],
} as const;

let dir: string;
let pki: TestPki;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-document-'));
  pki = await getTestPki();
  await writeTestPki(pki, join(dir, 'pki'));
  for (const id of Object.keys(VARIANTS)) await writeCardFolder(await buildCard(await loadCardProfile(id), pki), join(dir, id));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const io = recordingIo();
  const code = await verifyDocument.run(args, io);
  return { code, io };
}

describe('kioskctl verify-document', () => {
  it('passes the genuine card and rejects each forgery with its reason (exit 4)', async () => {
    for (const [id, reasons] of Object.entries(VARIANTS)) {
      const { code, io } = await run(join(dir, id), '--csca', join(dir, 'pki', 'csca'), '--at', pki.at.toISOString(), '--json');
      const out = io.json() as { result: string; reasons: string[]; crl_checked_at: string | null; csca_sha256: string | null };
      expect({ id, reasons: out.reasons }).toEqual({ id, reasons });
      expect(code).toBe(reasons.length === 0 ? ExitCode.ok : ExitCode.notGenuine);
      if (id === 'utopia-genuine') expect(out).toMatchObject({ result: 'valid', crl_checked_at: pki.at.toISOString() });
    }
  });

  it('prints every check and each reason in text mode', async () => {
    const { code, io } = await run(join(dir, 'utopia-revoked-dsc'), '--csca', join(dir, 'pki', 'csca'), '--at', pki.at.toISOString());
    expect(code).toBe(ExitCode.notGenuine);
    expect(io.stdout[0]).toBe('NOT GENUINE: dsc-revoked');
    expect(io.stdout.some((l) => l.includes('✗ revocation: dsc-revoked'))).toBe(true);
    expect(io.stdout.filter((l) => l.includes('✓ data-group-hash'))).toHaveLength(6);
  });

  it('takes the authority JSON or a master list as the CSCA source', async () => {
    const args = [join(dir, 'utopia-genuine'), '--at', pki.at.toISOString(), '--json'];
    expect((await run(...args, '--csca', join(dir, 'pki', 'csca.json'))).code).toBe(ExitCode.ok);
    const viaList = await run(...args, '--csca', join(dir, 'pki', 'masterlist.ml'));
    expect(viaList.code).toBe(ExitCode.ok);
    // A master list carries no CRL.
    expect((viaList.io.json() as { crl_checked_at: unknown }).crl_checked_at).toBeNull();
  });

  it('reports missing inputs as unavailable and bad arguments as usage errors', async () => {
    expect((await run(join(dir, 'nope'), '--csca', join(dir, 'pki', 'csca'))).code).toBe(ExitCode.unavailable);
    expect((await run(join(dir, 'utopia-genuine'), '--csca', join(dir, 'nope'))).code).toBe(ExitCode.unavailable);
    await expect(run(join(dir, 'utopia-genuine'))).rejects.toBeInstanceOf(UsageError);
    await expect(run('--csca', 'x')).rejects.toBeInstanceOf(UsageError);
    await expect(run(join(dir, 'utopia-genuine'), '--csca', 'x', '--at', 'yesterday')).rejects.toBeInstanceOf(UsageError);
  });

  it('treats an unreadable DG1 as not genuine', async () => {
    const broken = join(dir, 'broken');
    await writeCardFolder(await buildCard(await loadCardProfile('utopia-genuine'), pki), broken);
    await writeFile(join(broken, 'DG1.bin'), Uint8Array.of(0x61, 0x03, 0x5f, 0x1f, 0x00));
    const { code, io } = await run(broken, '--csca', join(dir, 'pki', 'csca'), '--at', pki.at.toISOString(), '--json');
    expect(code).toBe(ExitCode.notGenuine);
    expect((io.json() as { reasons: string[] }).reasons).toEqual(['dg1-malformed', 'country-mismatch', 'dg-hash-mismatch']);
    await unlink(join(broken, 'DG1.bin'));
    const without = await run(broken, '--csca', join(dir, 'pki', 'csca'), '--at', pki.at.toISOString(), '--json');
    expect((without.io.json() as { reasons: string[] }).reasons).toContain('dg-missing');
  });
});
