/**
 * kioskctl upgrade end to end: the reference authority (real PA and AA against the test PKI), the
 * citizen-app simulator, a virtual chip with a test card, and a scripted face decision.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_MATCHER, startTestAuthority, type TestAuthority } from '../../../authority/testing/harness';
import { buildCard, type BuiltCard } from '../../../fixtures/cards/card-builder';
import { loadCardProfile } from '../../../fixtures/cards/card-profile';
import { CitizenApp } from '../../../fixtures/citizen-app/citizen-app';
import { getTestPki, type TestPki } from '../../../fixtures/pki/test-pki';
import { CcidHidSimulator } from '../../../fixtures/sim/ccid-hid-device';
import { VirtualChip } from '../../../fixtures/virtual-chip/virtual-chip';
import { openCcidHidReader } from '../../../hardware/ccid/ccid-reader';
import { scratchDirectory } from '../../host/store/test-support';
import { ExitCode, type CliIo } from '../command';
import { recordingIo } from './cli-test-io';
import { enrollCommand } from './enroll';
import { createUpgradeCommand, parseUpgradeArgs, type FaceDecider } from './upgrade';

let pki: TestPki;
const cards = new Map<string, BuiltCard>();
beforeAll(async () => {
  pki = await getTestPki();
  for (const id of ['utopia-genuine', 'utopia-aa-clone']) cards.set(id, await buildCard(await loadCardProfile(id), pki));
}, 60_000);

const matcher = { name: TEST_MATCHER.name, version: TEST_MATCHER.version, model_sha256: TEST_MATCHER.model_sha256 };
const scriptedFace = (scores: number[]): FaceDecider => ({
  matcher: async () => matcher,
  decide: async () => ({
    matcher,
    score: scores.shift() ?? 0,
    threshold: TEST_MATCHER.threshold,
    liveness: { method: 'scripted', result: 'live', score: 0.99 },
    capture: { frames: 30, camera: 'scripted' },
  }),
  close: async () => undefined,
});

describe('kioskctl upgrade (reference authority, virtual chip)', () => {
  let t: TestAuthority;
  let dir: ReturnType<typeof scratchDirectory>;
  beforeEach(async () => {
    t = await startTestAuthority({ pa_require_crl: true }, null);
    mkdirSync(t.authority.config.trust_dir, { recursive: true });
    writeFileSync(join(t.authority.config.trust_dir, 'utopia-csca.der'), pki.csca.certificate);
    writeFileSync(join(t.authority.config.trust_dir, 'utopia.crl'), pki.crl);
    t.clock.now = pki.at.getTime();
    dir = scratchDirectory();
    const io = recordingIo();
    expect(await enrollCommand.run(['--authority', t.baseUrl, '--token', t.authority.store.issueEnrollmentToken(0), '--data-dir', dir.path, '--json'], io)).toBe(ExitCode.ok);
  });
  afterEach(async () => {
    await t.close();
    dir.remove();
  });
  afterAll(() => undefined);

  const command = (card: BuiltCard, scores: number[]) =>
    createUpgradeCommand({
      // The virtual chip on the report-level CCID-HID simulator, read by the kiosk's own reader.
      openCard: async () => {
        const sim = new CcidHidSimulator({ card: new VirtualChip(card.image) });
        const reader = await openCcidHidReader({ path: 'sim:virtual' }, { opener: sim.opener });
        return { reader, close: () => reader.close() };
      },
      openFace: async () => scriptedFace(scores),
      version: '0.1.0',
    });
  const mrzArg = (card: BuiltCard) => `${card.image.mrz.documentNumber},${card.image.mrz.dateOfBirth},${card.image.mrz.dateOfExpiry}`;

  it('upgrades with a bind code: receipt verified, outbox delivered, audit grows', async () => {
    const app = new CitizenApp(t.baseUrl, await t.newCitizenKey());
    const { code } = await app.requestCode(Math.floor(t.clock.now / 1000));
    const card = cards.get('utopia-genuine')!;
    const io = recordingIo();
    const exit = await command(card, [0.2, 0.9]).run(['--reader', 'sim:virtual', '--mrz', mrzArg(card), '--face', 'clip.y4m', '--bind-code', code, '--data-dir', dir.path, '--json'], io);
    const out = io.json() as Record<string, unknown>;
    expect(out, io.stderr.join('\n')).toMatchObject({ ok: true, screen: { screen: 'result', outcome: 'success' }, outbox: { state: 'delivered' } });
    expect(exit).toBe(ExitCode.ok);
    expect((out.outbox as { receipt_id: string }).receipt_id).toBe((out.screen as { receiptId: string }).receiptId);
    // No personal data in what the command printed.
    expect(JSON.stringify(out)).not.toMatch(/ERIKSSON|L898902C3|740812/);
  }, 60_000);

  it('upgrades after the citizen approves the QR in the app', async () => {
    const app = new CitizenApp(t.baseUrl, await t.newCitizenKey());
    const card = cards.get('utopia-genuine')!;
    const base = recordingIo();
    const io: CliIo & { stdout: string[] } = {
      ...base,
      err: (text) => {
        const qr = /approve in the citizen app: (\S+)/.exec(text)?.[1];
        if (qr) void app.bind(qr, Math.floor(t.clock.now / 1000));
      },
    };
    const exit = await command(card, [0.95]).run(['--reader', 'sim:virtual', '--mrz', mrzArg(card), '--face', 'clip.y4m', '--data-dir', dir.path, '--json'], io);
    expect(JSON.parse(base.stdout.at(-1) ?? '{}')).toMatchObject({ screen: { outcome: 'success' } });
    expect(exit).toBe(ExitCode.ok);
  }, 60_000);

  it('refuses a cloned chip (exit 4) and never signs an attestation', async () => {
    const app = new CitizenApp(t.baseUrl, await t.newCitizenKey());
    const { code } = await app.requestCode(Math.floor(t.clock.now / 1000));
    const card = cards.get('utopia-aa-clone')!;
    const io = recordingIo();
    const exit = await command(card, [0.9]).run(['--reader', 'sim:virtual', '--mrz', mrzArg(card), '--face', 'clip.y4m', '--bind-code', code, '--data-dir', dir.path, '--json'], io);
    expect(io.json()).toMatchObject({ ok: false, screen: { screen: 'result', outcome: 'failure', reason: 'clone' }, jti: null });
    expect(exit).toBe(ExitCode.notGenuine);
  }, 60_000);

  it('refers to staff after three face attempts below threshold', async () => {
    const app = new CitizenApp(t.baseUrl, await t.newCitizenKey());
    const { code } = await app.requestCode(Math.floor(t.clock.now / 1000));
    const card = cards.get('utopia-genuine')!;
    const io = recordingIo();
    const exit = await command(card, [0.1, 0.2, 0.3]).run(['--reader', 'sim:virtual', '--mrz', mrzArg(card), '--face', 'clip.y4m', '--bind-code', code, '--data-dir', dir.path, '--json'], io);
    expect(io.json()).toMatchObject({ screen: { outcome: 'referral', reason: 'no-match' } });
    expect(exit).toBe(ExitCode.failed);
  }, 60_000);
});

describe('parseUpgradeArgs', () => {
  it('needs a reader, a face source and exactly one access key', () => {
    expect(() => parseUpgradeArgs(['--face', 'x.y4m', '--can', '123456'])).toThrow(/--reader/);
    expect(() => parseUpgradeArgs(['--reader', 'sim:x', '--face', 'x.y4m'])).toThrow(/exactly one/);
    expect(() => parseUpgradeArgs(['--reader', 'sim:x', '--face', 'me.jpg', '--can', '123456'])).toThrow(/still photo cannot pass liveness/);
    expect(() => parseUpgradeArgs(['--reader', 'sim:x', '--face', 'x.y4m', '--can', '123456', '--bind-code', '12'])).toThrow(/8 digits/);
    expect(parseUpgradeArgs(['--reader', 'sim:x', '--face', 'x.y4m', '--mrz', 'L898902C3,740812,340415', '--json'])).toMatchObject({
      accessKey: { kind: 'mrz', documentNumber: 'L898902C3', birthDate: '740812', expiryDate: '340415' },
      json: true,
    });
  });
});
