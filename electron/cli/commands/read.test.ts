import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeDg2 } from '../../../hardware/icao/lds/dg2';
import { buildTestImage, inMemoryTransceiver } from '../../../fixtures/virtual-chip/test-image';
import { VirtualChip } from '../../../fixtures/virtual-chip/virtual-chip';
import { ExitCode, type CliIo } from '../command';
import { createReadCommand, parseMrzArgument, readCommand } from './read';

// A minimal baseline JPEG header (SOI, SOF0 16×16, EOI): enough for format and size detection.
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9]);
const MRZ = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';

function harness() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), interrupted: new Promise(() => undefined) };
  return { io, out, err };
}

function chip(opts: Parameters<typeof buildTestImage>[0] = {}) {
  const c = new VirtualChip(
    buildTestImage({ mrz: { documentNumber: 'L898902C3', dateOfBirth: '740812', dateOfExpiry: '120415' }, dg2: encodeDg2([{ image: jpeg, encoding: 'iso19794-5' }]), ...opts }),
  );
  c.reset();
  return c;
}

describe('kioskctl read', () => {
  it('parses --mrz as MRZ lines or docno,birth,expiry', () => {
    expect(parseMrzArgument(MRZ)).toEqual({ documentNumber: 'L898902C3', dateOfBirth: '740812', dateOfExpiry: '120415' });
    expect(parseMrzArgument('l898902c,740812,120415')).toEqual({ documentNumber: 'L898902C', dateOfBirth: '740812', dateOfExpiry: '120415' });
  });

  it('reads over an injected reader and reports holder, access, chip auth, portrait and timings as JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kioskctl-read-'));
    try {
      const card = chip({ aa: 'rsa', pace: [{ agreement: 'ECDH', mapping: 'GM', cipher: 'AES-128', parameterId: 13 }] });
      const cmd = createReadCommand({ openReader: async () => ({ transceiver: inMemoryTransceiver(card), baud: 115200, framingBytesPerMessage: 10, close: async () => undefined }) });
      const h = harness();
      const portraitFile = join(dir, 'portrait.jpg');
      const code = await cmd.run(['--reader', 'sim:', '--mrz', MRZ, '--aa-challenge', '0102030405060708', '--save-portrait', portraitFile, '--json'], h.io);
      expect(h.err).toEqual([]);
      expect(code).toBe(ExitCode.ok);
      const report = JSON.parse(h.out[0]!);
      expect(report.accessProtocol).toMatchObject({ protocol: 'PACE', parameterId: 13 });
      expect(report.holder).toMatchObject({ primaryIdentifier: 'ERIKSSON', documentNumber: 'L898902C3', issuingState: 'UTO' });
      expect(report.chipAuth).toMatchObject({ method: 'AA', result: 'valid' });
      expect(report.portrait).toMatchObject({ format: 'jpeg', width: 16, height: 16, bytes: jpeg.length });
      expect(report.pa).toEqual({ result: 'not-checked' });
      expect(report.timings.wireTimeBoundMs).toBeGreaterThan(0);
      expect(new Uint8Array(await readFile(portraitFile))).toEqual(jpeg);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with --csca: passive authentication valid, with the DSC and CSCA fingerprints', async () => {
    const { getTestPki } = await import('../../../fixtures/pki/test-pki');
    const pki = await getTestPki();
    const dir = await mkdtemp(join(tmpdir(), 'kioskctl-csca-'));
    try {
      await writeFile(join(dir, 'csca.der'), pki.csca.certificate);
      const card = chip({ aa: 'rsa', documentSigner: { certificate: pki.dsc.certificate, privateKey: pki.dsc.privateKey } });
      const cmd = createReadCommand({ openReader: async () => ({ transceiver: inMemoryTransceiver(card), close: async () => undefined }), now: () => pki.at });
      const h = harness();
      const code = await cmd.run(['--reader', 'sim:', '--mrz', MRZ, '--csca', dir, '--aa-challenge', '0102030405060708', '--json'], h.io);
      const report = JSON.parse(h.out[0]!);
      expect(report.pa).toMatchObject({ result: 'valid' });
      expect(report.pa.csca_sha256).toBe(createHash('sha256').update(pki.csca.certificate).digest('base64url'));
      expect(code).toBe(ExitCode.ok);

      // The same document against an empty trust store: not genuine.
      const empty = await mkdtemp(join(tmpdir(), 'kioskctl-csca-empty-'));
      const h2 = harness();
      const card2 = chip({ documentSigner: { certificate: pki.dsc.certificate, privateKey: pki.dsc.privateKey } });
      const cmd2 = createReadCommand({ openReader: async () => ({ transceiver: inMemoryTransceiver(card2), close: async () => undefined }), now: () => pki.at });
      expect(await cmd2.run(['--reader', 'sim:', '--mrz', MRZ, '--csca', empty, '--json'], h2.io)).toBe(ExitCode.notGenuine);
      expect(JSON.parse(h2.out[0]!).pa.reasons).toContain('unknown-csca');
      await rm(empty, { recursive: true, force: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a clone is reported as not genuine; a wrong key is a failure; bad arguments are usage errors', async () => {
    const clone = chip({ aa: 'rsa', cloneAaKey: true });
    const h = harness();
    const cmd = createReadCommand({ openReader: async () => ({ transceiver: inMemoryTransceiver(clone), close: async () => undefined }) });
    expect(await cmd.run(['--reader', 'sim:', '--mrz', 'L898902C3,740812,120415', '--aa-challenge', '0102030405060708', '--json'], h.io)).toBe(ExitCode.notGenuine);

    const h2 = harness();
    const cmd2 = createReadCommand({ openReader: async () => ({ transceiver: inMemoryTransceiver(chip()), close: async () => undefined }) });
    expect(await cmd2.run(['--reader', 'sim:', '--mrz', 'L898902C3,740812,120416', '--json'], h2.io)).toBe(ExitCode.failed);
    expect(JSON.parse(h2.out[0]!).error.code).toBe('bac-failed');

    await expect(cmd2.run(['--reader', 'sim:'], harness().io)).rejects.toMatchObject({ code: 'usage' });
    const h3 = harness();
    const unavailable = createReadCommand({ openReader: async () => { throw new Error('no such reader'); } });
    expect(await unavailable.run(['--reader', 'serial:///dev/none', '--can', '123456'], h3.io)).toBe(ExitCode.unavailable);
  });
});

describe('kioskctl read over the simulated CCID-serial reader (real pseudo-terminal)', () => {
  it('reads sim:ccid-serial/icao-test with the MRZ of its DG1: PACE, CA and AA', async () => {
    const h = harness();
    const code = await readCommand.run(['--reader', 'sim:ccid-serial/icao-test', '--mrz', MRZ, '--aa-challenge', 'A1A2A3A4A5A6A7A8', '--json'], h.io);
    expect(h.err).toEqual([]);
    expect(code).toBe(ExitCode.ok);
    const report = JSON.parse(h.out[0]!);
    expect(report.accessProtocol).toMatchObject({ protocol: 'PACE', mapping: 'GM', parameterId: 13 });
    expect(report.chipAuthSteps).toEqual([{ method: 'CA', result: 'valid' }, { method: 'AA', result: 'valid' }]);
    expect(report.portrait).toMatchObject({ format: 'jpeg', width: 16 });
    // The sim: reader is not paced, so there is no line rate to bound the time with.
    expect(report.timings).toMatchObject({ wireTimeBoundMs: null });
    expect(report.timings.apdus).toBeGreaterThan(10);
  });
});

describe('every test card over the simulated CCID-serial reader (real pseudo-terminal)', () => {
  it('passes the genuine cards and refuses each forgery with its own reason', { timeout: 120_000 }, async () => {
    const [{ listCardProfiles, loadCardProfile }, { getTestPki }] = await Promise.all([
      import('../../../fixtures/cards/card-profile'),
      import('../../../fixtures/pki/test-pki'),
    ]);
    const pki = await getTestPki();
    const trust = await mkdtemp(join(tmpdir(), 'kioskctl-trust-'));
    await writeFile(join(trust, 'utopia-csca.der'), pki.csca.certificate);
    await writeFile(join(trust, 'utopia.crl'), pki.crl);
    try {
      for (const id of await listCardProfiles()) {
        const profile = await loadCardProfile(id);
        const { documentNumber, birthDate, expiryDate } = profile.document;
        const h = harness();
        const code = await readCommand.run(
          ['--reader', `sim:ccid-serial/${id}`, '--mrz', `${documentNumber},${birthDate},${expiryDate}`, '--csca', trust, '--aa-challenge', '0011223344556677', '--json'],
          h.io,
        );
        const report = JSON.parse(h.out[0] ?? '{}') as { pa?: { result: string; reasons: string[] }; chipAuth?: { result: string } };
        const expectPa = profile.expect.passiveAuthentication;
        if (expectPa === 'valid') expect(report.pa?.result, id).toBe('valid');
        else expect(report.pa?.reasons, id).toEqual(expect.arrayContaining(expectPa as string[]));
        if (profile.expect.chipAuthentication) expect(report.chipAuth?.result, id).toBe(profile.expect.chipAuthentication);
        const genuine = expectPa === 'valid' && profile.expect.chipAuthentication !== 'invalid';
        expect(code, `${id}: ${h.err.join(' ')}`).toBe(genuine ? ExitCode.ok : ExitCode.notGenuine);
      }
    } finally {
      await rm(trust, { recursive: true, force: true });
    }
  });
});
