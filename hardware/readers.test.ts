import { describe, expect, it } from 'vitest';
import { simulatorFactory } from '../fixtures/sim/sim-factory';
import { openCardReader, openDevice, openMrzScanner, openResidentIdReader } from './readers';

describe('device factory', () => {
  it('opens simulated readers of each family through sim: URIs', async () => {
    const card = await openCardReader('sim:ccid/test-card', { simulators: simulatorFactory, ccid: { pollIntervalMs: 0 } });
    expect((await card.reader.powerOn()).protocols).toEqual([0]);
    await card.close();

    const id = await openResidentIdReader('sim:ga467/aydin-long-term', { simulators: simulatorFactory });
    expect((await id.reader.readCard()).text.validTo).toBe('long-term');
    await id.close();

    const mrz = await openMrzScanner('sim:mrz/td1', { simulators: simulatorFactory });
    expect(await mrz.scanner.nextDocument(2000)).toHaveLength(3);
    await mrz.close();
  });

  it('opens the ICAO virtual chip behind the CCID-over-serial simulator', async () => {
    const device = await openCardReader('sim:ccid-serial/icao-test', { simulators: simulatorFactory, ccid: { pollIntervalMs: 0 } });
    try {
      const atr = await device.reader.powerOn();
      expect(atr.bytes.length).toBeGreaterThan(1);
      // SELECT the eMRTD application (ICAO 9303-10 §3.6.2)
      const response = await device.reader.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, 0x07, 0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]));
      expect(Buffer.from(response.subarray(-2)).toString('hex')).toBe('9000');
    } finally {
      await device.close();
    }
  });

  it('refuses sim: without a factory, the wrong family, and a missing device with typed errors', async () => {
    await expect(openDevice('sim:ccid/test-card')).rejects.toMatchObject({ code: 'simulator-unavailable' });
    await expect(openMrzScanner('sim:ccid/test-card', { simulators: simulatorFactory })).rejects.toMatchObject({
      code: 'device-kind-mismatch',
    });
    await expect(openDevice('ga467:/dev/ttyNOPE0')).rejects.toMatchObject({ code: 'not-found' });
    await expect(openDevice('bogus:x')).rejects.toMatchObject({ code: 'reader-uri-invalid' });
  });
});
