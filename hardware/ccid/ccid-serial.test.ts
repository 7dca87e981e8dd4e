import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { CcidSerialSimulator } from '../../fixtures/sim/ccid-serial-device';
import { TEST_AID, TestCard } from '../../fixtures/sim/test-card';
import { openCcidSerialReader, type CcidReader } from './ccid-reader';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const SELECT = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, TEST_AID.length, ...TEST_AID]);

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

async function setup(options: { card?: TestCard; responseTimeoutMs?: number; pollIntervalMs?: number } = {}) {
  const card = options.card ?? new TestCard();
  const sim = await CcidSerialSimulator.start({ card });
  cleanup.push(() => sim.close());
  const reader = await openCcidSerialReader({
    path: sim.hostPath,
    responseTimeoutMs: options.responseTimeoutMs ?? 1000,
    pollIntervalMs: options.pollIntervalMs ?? 0,
  });
  cleanup.push(() => reader.close());
  return { sim, reader, card };
}

async function selected(reader: CcidReader): Promise<void> {
  await reader.powerOn();
  expect(toHex(await reader.transmit(SELECT))).toBe('9000');
}

describe('CCID over serial, end to end on a real pty', () => {
  it('answers the worked example power-on with the spec bytes (raw wire)', async () => {
    const sim = await CcidSerialSimulator.start({ card: new TestCard() });
    cleanup.push(() => sim.close());
    const port = new SerialPort({ path: sim.hostPath, baudRate: 115200 });
    cleanup.push(() => new Promise((r) => port.close(r)));
    const received: number[] = [];
    port.on('data', (d: Buffer) => received.push(...d));
    port.write(Buffer.from(hex('02 62 00 00 00 00 00 01 00 00 00 63 03')));
    const expected = '020000030280' + '0D00000000010000003B2A00806524B0000200829000FC03';
    for (let i = 0; i < 100 && received.length < expected.length / 2; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(toHex(Uint8Array.from(received))).toBe(expected.toUpperCase());
  });

  it('powers on, parses the ATR, exchanges APDUs and powers off', async () => {
    const { reader } = await setup();
    const atr = await reader.powerOn();
    expect(atr.protocols).toEqual([0]);
    expect(toHex(await reader.transmit(SELECT))).toBe('9000');
    const read = await reader.transmit(hex('00 B0 00 00 FF'));
    expect(read.length).toBe(257);
    expect(await reader.cardPresent()).toBe(true);
    expect(toHex(await reader.escape(new Uint8Array(0)))).toBe(toHex(new TextEncoder().encode('SIM-CCID 1.0')));
    await reader.powerOff();
  });

  it('recovers from a bad response checksum with a NAK', async () => {
    const { sim, reader } = await setup();
    await selected(reader);
    sim.inject('corrupt-response-checksum');
    expect((await reader.transmit(hex('00 B0 00 00 10'))).length).toBe(18);
    expect(sim.naksReceived).toBe(1);
  });

  it('recovers from a lost ACK by retrying, without executing the command twice', async () => {
    const card = new TestCard();
    const { sim, reader } = await setup({ card });
    await selected(reader);
    sim.inject('drop-ack');
    const before = card.received.length;
    expect((await reader.transmit(hex('00 B0 00 00 04'))).length).toBe(6);
    expect(card.received.length).toBe(before + 1);
  });

  it('retries after an error frame and gives up with a typed error after two retries', async () => {
    const { sim, reader } = await setup();
    await selected(reader);
    sim.inject('error-frame');
    expect(toHex(await reader.transmit(hex('00 B0 00 00 02')))).toBe(toHex(hex('03 0A 90 00')));
    sim.inject('error-frame', 3);
    await expect(reader.transmit(hex('00 B0 00 00 02'))).rejects.toMatchObject({ code: 'ccid-frame-error' });
    // the link is still usable afterwards
    expect(toHex(await reader.transmit(hex('00 B0 00 00 02')))).toBe(toHex(hex('03 0A 90 00')));
  });

  it('recovers a lost response with a NAK after the response timeout', async () => {
    const { sim, reader } = await setup({ responseTimeoutMs: 200 });
    await selected(reader);
    sim.inject('drop-response');
    expect(toHex(await reader.transmit(hex('00 B0 00 00 02')))).toBe(toHex(hex('03 0A 90 00')));
    expect(sim.naksReceived).toBe(1);
  });

  it('survives split frames, merged frames (ACK+response+notify) and garbage', async () => {
    const { sim, reader } = await setup();
    await selected(reader);
    for (const fault of ['split', 'merge', 'garbage'] as const) {
      sim.inject(fault);
      const response = await reader.transmit(hex('00 B0 00 10 40'));
      expect(response.length, fault).toBe(0x42);
      expect(response[0], fault).toBe((0x10 * 7 + 3) & 0xff);
    }
  });

  it('discards a response with a foreign bSeq', async () => {
    const { sim, reader } = await setup();
    await selected(reader);
    sim.inject('stray-response');
    expect(toHex(await reader.transmit(hex('00 B0 00 00 02')))).toBe(toHex(hex('03 0A 90 00')));
    expect(reader.strayResponses).toBe(1);
  });

  it('keeps waiting through time extension', async () => {
    const { sim, reader } = await setup({ responseTimeoutMs: 45 });
    await selected(reader);
    sim.inject('time-extension');
    expect(toHex(await reader.transmit(hex('00 B0 00 00 01')))).toBe('039000');
  });

  it('raises card-removed when the card is pulled mid-transfer, and emits the event', async () => {
    const { sim, reader } = await setup();
    await selected(reader);
    const removed = new Promise<void>((resolve) => reader.once('card-removed', resolve));
    sim.inject('remove-card-mid-transfer');
    await expect(reader.transmit(hex('00 B0 00 00 01'))).rejects.toMatchObject({ code: 'card-removed' });
    await removed;
    await expect(reader.powerOn()).rejects.toMatchObject({ code: 'no-card' });
  });

  it('notices insertion and removal by polling and NotifySlotChange', async () => {
    const { sim, reader } = await setup({ pollIntervalMs: 20 });
    expect(await reader.cardPresent()).toBe(true);
    const removed = new Promise<void>((resolve) => reader.once('card-removed', resolve));
    sim.engine.removeCard();
    await removed;
    const inserted = new Promise<void>((resolve) => reader.once('card-inserted', resolve));
    sim.engine.insertCard(new TestCard());
    await inserted;
    await selected(reader);
  });

  it('honours NotifySlotChange alone (no polling)', async () => {
    const { sim, reader } = await setup({ pollIntervalMs: 0 });
    expect(await reader.cardPresent()).toBe(true);
    const removed = new Promise<void>((resolve) => reader.once('card-removed', resolve));
    sim.engine.removeCard();
    await removed;
    const inserted = new Promise<void>((resolve) => reader.once('card-inserted', resolve));
    sim.engine.insertCard(new TestCard());
    await inserted;
  });

  it('reports unplugged: pending and later commands fail with the typed error', async () => {
    const { sim, reader } = await setup();
    await selected(reader);
    const unplugged = new Promise<void>((resolve) => reader.once('unplugged', () => resolve()));
    await sim.unplug();
    await unplugged;
    await expect(reader.transmit(hex('00 B0 00 00 01'))).rejects.toMatchObject({ code: 'unplugged' });
  });

  it('reports not-found for a missing device path', async () => {
    await expect(openCcidSerialReader({ path: '/dev/does-not-exist-ccid' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('CCID over serial, reconnect', () => {
  it('comes back after the reader is re-plugged at the same path', async () => {
    const { randomUUID } = await import('node:crypto');
    const link = `/tmp/kiosk-ccid-${randomUUID()}`;
    let sim = await CcidSerialSimulator.start({ card: new TestCard(), hostLink: link });
    cleanup.push(() => sim.close());
    const reader = await openCcidSerialReader({
      path: link,
      pollIntervalMs: 0,
      responseTimeoutMs: 1000,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 100 },
    });
    cleanup.push(() => reader.close());
    await selected(reader);
    const unplugged = new Promise<void>((resolve) => reader.once('unplugged', () => resolve()));
    await sim.unplug();
    await unplugged;
    await expect(reader.powerOn()).rejects.toMatchObject({ code: 'unplugged' });
    const reconnected = new Promise<void>((resolve) => reader.once('reconnected', resolve));
    sim = await CcidSerialSimulator.start({ card: new TestCard(), hostLink: link });
    await reconnected;
    await selected(reader);
  });
});
