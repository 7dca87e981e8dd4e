import { afterEach, describe, expect, it } from 'vitest';
import { GA467_PROFILES, TEST_WLT_DECODER, testWltBlob } from '../../fixtures/ga467/profiles';
import { Ga467HidSimulator, Ga467SerialSimulator } from '../../fixtures/sim/ga467-device';
import { openGa467HidReader, openGa467SerialReader, type Ga467Reader } from './ga467-reader';
import { decodeWltPhoto } from './photo-decoder';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

async function serial(card = 'wang-fang', responseTimeoutMs = 500) {
  const sim = await Ga467SerialSimulator.start({ card });
  cleanup.push(() => sim.close());
  const reader = await openGa467SerialReader({
    path: sim.hostPath,
    responseTimeoutMs,
    photoDecoder: { command: TEST_WLT_DECODER },
  });
  cleanup.push(() => reader.close());
  return { sim, reader };
}

async function hid(card = 'wang-fang') {
  const sim = new Ga467HidSimulator({ card });
  const reader = await openGa467HidReader({ vendorId: 0x0400, productId: 0xc35a }, { opener: sim.opener, responseTimeoutMs: 200 });
  cleanup.push(() => reader.close());
  return { sim, reader };
}

async function expectFullRead(reader: Ga467Reader, profile = 'wang-fang'): Promise<void> {
  const card = await reader.readCard();
  expect(card.text.idNumber).toBe(GA467_PROFILES[profile]?.text.idNumber);
  expect(card.wlt).toEqual(GA467_PROFILES[profile]?.wlt);
}

describe('GA 467 over serial (real pty)', () => {
  it('resets the SAM, reads status and SAM ID, and reads a card with its portrait', async () => {
    const { reader } = await serial();
    await reader.resetSam();
    await reader.samStatus();
    expect(await reader.samId()).toMatch(/^[0-9A-F]{32}$/);
    const card = await reader.readCard();
    expect(card.text.name).toBe('王芳');
    expect(card.text.validTo).toBe('2038-05-20');
    const portrait = await reader.portrait(card.wlt);
    expect(portrait.format).toBe('png');
    expect(portrait.bytes.length).toBeGreaterThan(100);
  });

  it('reports no card, a failed select and a typed ID-number error', async () => {
    const { sim, reader } = await serial('bad-check');
    await expect(reader.readCard()).rejects.toMatchObject({ code: 'id-number-invalid' });
    sim.engine.removeCard();
    expect(await reader.findCard()).toBe(false);
    await expect(reader.selectCard()).rejects.toMatchObject({ code: 'ga467-select-failed', sw3: 0x81 });
    await expect(reader.readCard()).rejects.toMatchObject({ code: 'no-card' });
  });

  it('recovers from bad checksums both ways, garbage, split and merged frames, and a lost response', async () => {
    const { sim, reader } = await serial('wang-fang', 150);
    for (const fault of ['corrupt-response-checksum', 'command-checksum-error', 'garbage', 'split', 'merge', 'drop-response'] as const) {
      sim.engine.inject(fault);
      await expectFullRead(reader);
    }
  });

  it('raises a typed error when the card leaves mid-read, and when the reader is unplugged', async () => {
    const { sim, reader } = await serial();
    sim.engine.inject('remove-card-mid-transfer');
    await expect(reader.readCard()).rejects.toMatchObject({ code: 'ga467-read-failed' });
    await sim.unplug();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(reader.samStatus()).rejects.toMatchObject({ code: 'unplugged' });
  });

  it('gives up with a typed error after bounded retries', async () => {
    const { sim, reader } = await serial('wang-fang', 60);
    sim.engine.inject('drop-response', 3);
    await expect(reader.samStatus()).rejects.toMatchObject({ code: 'ga467-timeout' });
    await reader.samStatus();
  });
});

describe('GA 467 over HID (report-level device)', () => {
  it('reads a long-term card through 64-byte reports', async () => {
    const { sim, reader } = await hid('aydin-long-term');
    const card = await reader.readCard();
    expect(card.text.validTo).toBe('long-term');
    expect(sim.device.reportsWritten.every((r) => r.length === 64)).toBe(true);
  });

  it('recovers from a bad checksum and garbage, reports unplug', async () => {
    const { sim, reader } = await hid();
    sim.engine.inject('corrupt-response-checksum');
    sim.engine.inject('garbage');
    await expectFullRead(reader);
    const unplugged = new Promise<void>((resolve) => reader.once('unplugged', () => resolve()));
    sim.device.unplug();
    await unplugged;
    await expect(reader.samStatus()).rejects.toMatchObject({ code: 'unplugged' });
  });
});

describe('WLT photo decoder contract', () => {
  it('fails clearly when no decoder is configured', async () => {
    await expect(decodeWltPhoto(testWltBlob(1), undefined)).rejects.toMatchObject({ code: 'wlt-decoder-not-configured' });
  });

  it('maps a non-zero exit, a timeout, a missing program and non-image output to typed errors', async () => {
    const corrupt = testWltBlob(1);
    corrupt[500] = (corrupt[500] ?? 0) ^ 1;
    await expect(decodeWltPhoto(corrupt, { command: TEST_WLT_DECODER })).rejects.toMatchObject({ code: 'wlt-decoder-failed' });
    await expect(
      decodeWltPhoto(testWltBlob(1), { command: TEST_WLT_DECODER, args: ['--delay-ms', '3000'], timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'wlt-decoder-timeout' });
    await expect(decodeWltPhoto(testWltBlob(1), { command: '/nonexistent/decoder' })).rejects.toMatchObject({
      code: 'wlt-decoder-failed',
    });
    await expect(decodeWltPhoto(testWltBlob(1), { command: 'cat' })).rejects.toMatchObject({
      code: 'wlt-decoder-output-invalid',
    });
  });

  it('returns a 102x126 PNG for each test blob', async () => {
    const portrait = await decodeWltPhoto(testWltBlob(2), { command: TEST_WLT_DECODER });
    const view = Buffer.from(portrait.bytes);
    expect(view.readUInt32BE(16)).toBe(102);
    expect(view.readUInt32BE(20)).toBe(126);
  });
});
