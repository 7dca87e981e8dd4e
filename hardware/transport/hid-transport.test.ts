import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { listDevices } from './enumerate';
import { describeHidAddress, HidTransport, type HidDeviceHandle } from './hid-transport';

class FakeHid extends EventEmitter implements HidDeviceHandle {
  written: Buffer[] = [];
  failWrites = false;
  async write(values: number[] | Buffer): Promise<number> {
    if (this.failWrites) throw new Error('could not write');
    this.written.push(Buffer.from(values));
    return values.length;
  }
  async close(): Promise<void> {}
}

describe('HidTransport', () => {
  it('prefixes report ID 0x00, pads to 64 bytes and passes input reports through', async () => {
    const fake = new FakeHid();
    const transport = await HidTransport.open({ vendorId: 0x072f, productId: 0x90cc }, async () => fake);
    expect(transport.path).toBe('072f:90cc');
    await transport.write(Uint8Array.of(0x00, 0x03, 1, 2, 3));
    expect(fake.written[0]!.length).toBe(65);
    expect([...fake.written[0]!.subarray(0, 6)]).toEqual([0x00, 0x00, 0x03, 1, 2, 3]);
    const got = new Promise<Uint8Array>((resolve) => transport.once('data', resolve));
    fake.emit('data', Buffer.from([9, 8, 7]));
    expect([...(await got)]).toEqual([9, 8, 7]);
  });

  it('turns a device error or a failed write into unplugged, and refuses writes after close', async () => {
    const fake = new FakeHid();
    const transport = await HidTransport.open({ path: '/dev/hidraw9' }, async () => fake);
    const unplugged = new Promise<{ code: string }>((resolve) => transport.once('unplugged', resolve));
    fake.emit('error', new Error('could not read from HID device'));
    expect((await unplugged).code).toBe('unplugged');
    await expect(transport.write(new Uint8Array(64))).rejects.toMatchObject({ code: 'unplugged' });

    const second = new FakeHid();
    const t2 = await HidTransport.open({ path: '/dev/hidraw8' }, async () => second);
    second.failWrites = true;
    await expect(t2.write(new Uint8Array(1))).rejects.toMatchObject({ code: 'unplugged' });
    await t2.close();
    await expect(t2.write(new Uint8Array(1))).rejects.toMatchObject({ code: 'closed' });
    expect(describeHidAddress({ vendorId: 1, productId: 0xabc })).toBe('0001:0abc');
  });
});

describe('listDevices', () => {
  it('answers with serial, hid and errors lists and never throws', async () => {
    const listing = await listDevices();
    expect(Array.isArray(listing.serial) && Array.isArray(listing.hid) && Array.isArray(listing.errors)).toBe(true);
    for (const port of listing.serial) expect(typeof port.path).toBe('string');
    for (const error of listing.errors) expect(['serial', 'hid']).toContain(error.source);
  });
});
