import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CcidHidSimulator } from '../../fixtures/sim/ccid-hid-device';
import { TEST_AID, TestCard } from '../../fixtures/sim/test-card';
import { HardwareError } from '../transport/errors';
import { fragmentIntoReports, ReportReassembler } from '../transport/hid-reports';
import { HidTransport } from '../transport/hid-transport';
import { HidCcidLink } from './ccid-link';
import { encodeMessage } from './ccid-message';
import { openCcidHidReader, type CcidReader } from './ccid-reader';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const SELECT = Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, TEST_AID.length, ...TEST_AID]);

let readers: CcidReader[] = [];
afterEach(async () => {
  for (const r of readers) await r.close().catch(() => undefined);
  readers = [];
});

async function setup(responseTimeoutMs = 500) {
  const sim = new CcidHidSimulator({ card: new TestCard() });
  const reader = await openCcidHidReader({ vendorId: 0x072f, productId: 0x90cc }, {
    opener: sim.opener,
    responseTimeoutMs,
    pollIntervalMs: 0,
  });
  readers.push(reader);
  return { sim, reader };
}

describe('HID report fragmentation (reader wire protocol §2)', () => {
  it('splits a 271-byte message into 5 reports with the continuation bit', () => {
    const reports = fragmentIntoReports(new Uint8Array(271).fill(7));
    expect(reports.map((r) => [r[0], r[1]])).toEqual([
      [0x80, 62],
      [0x80, 62],
      [0x80, 62],
      [0x80, 62],
      [0x00, 23],
    ]);
    expect(reports.every((r) => r.length === 64)).toBe(true);
    expect(fragmentIntoReports(new Uint8Array(0)).map((r) => [r[0], r[1]])).toEqual([[0, 0]]);
  });

  it('reassembles any message (property) and rejects malformed reports with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 271 }), (message) => {
        const reassembler = new ReportReassembler(271);
        const reports = fragmentIntoReports(message);
        const outputs = reports.map((r) => reassembler.push(r));
        expect(outputs.slice(0, -1).every((o) => o === undefined)).toBe(true);
        expect(outputs.at(-1)).toEqual(message);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (reports) => {
        const reassembler = new ReportReassembler(271);
        for (const report of reports) {
          try {
            reassembler.push(report);
          } catch (error) {
            expect(error).toBeInstanceOf(HardwareError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('CCID over HID, end to end against the report-level device', () => {
  it('powers on and exchanges APDUs through 64-byte reports with report ID 0', async () => {
    const { sim, reader } = await setup();
    expect((await reader.powerOn()).historicalBytes.length).toBe(10);
    expect(toHex(await reader.transmit(SELECT))).toBe('9000');
    const read = await reader.transmit(hex('00 B0 00 00 00'));
    expect(read.length).toBe(258);
    expect(sim.device.reportsWritten.every((r) => r.length === 64)).toBe(true);
  });

  it('refuses APDUs to an unpowered card with a typed error', async () => {
    const { reader } = await setup();
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-not-powered' });
    await reader.powerOn();
    await reader.powerOff();
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-not-powered' });
  });

  it('survives malformed and dangling reports before a response', async () => {
    const { sim, reader } = await setup();
    await reader.powerOn();
    sim.inject('garbage-reports');
    expect(toHex(await reader.transmit(SELECT))).toBe('9000');
  });

  it('keeps waiting through time extension', async () => {
    const { sim, reader } = await setup(30);
    await reader.powerOn();
    sim.inject('time-extension');
    expect(toHex(await reader.transmit(SELECT))).toBe('9000');
  });

  it('raises card-removed mid-transfer and a typed timeout for a lost response', async () => {
    const { sim, reader } = await setup(50);
    await reader.powerOn();
    sim.inject('drop-response');
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'ccid-timeout' });
    sim.inject('remove-card-mid-transfer');
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'card-removed' });
  });

  it('reports unplugged to pending and later commands', async () => {
    const { sim, reader } = await setup(2000);
    await reader.powerOn();
    sim.inject('drop-response');
    const pending = reader.transmit(SELECT);
    sim.device.unplug();
    await expect(pending).rejects.toMatchObject({ code: 'unplugged' });
    await expect(reader.transmit(SELECT)).rejects.toMatchObject({ code: 'unplugged' });
  });

  it('the device refuses data over 261 bytes with bError 0x01', async () => {
    const sim = new CcidHidSimulator({ card: new TestCard() });
    const link = new HidCcidLink(await HidTransport.open({ path: 'sim' }, sim.opener));
    const answer = new Promise<Uint8Array>((resolve) => link.once('message', resolve));
    const message = encodeMessage({ type: 0x6f, slot: 0, seq: 3, params: [0, 0, 0], data: new Uint8Array(0) });
    const oversized = new Uint8Array(10 + 262);
    oversized.set(message);
    new DataView(oversized.buffer).setUint32(1, 262, true);
    await link.send(oversized);
    const response = await answer;
    expect(response[7]! & 0xc0).toBe(0x40);
    expect(response[8]).toBe(0x01);
    await link.close();
  });
});
