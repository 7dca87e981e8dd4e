import { classifyOpenError, DeviceUnpluggedError, HidUnavailableError, TransportClosedError } from './errors';
import type { ByteTransport, TransportEvents } from './transport';
import { TypedEmitter } from './typed-emitter';

/** The part of node-hid's HIDAsync this driver uses; simulators implement the same subset. */
export interface HidDeviceHandle {
  write(values: number[] | Buffer): Promise<number>;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  close(): Promise<void>;
}

/** Where a HID reader is: a hidraw/IOKit path, or a USB vendor:product pair. */
export type HidAddress = { path: string } | { vendorId: number; productId: number };

export type HidOpener = (address: HidAddress) => Promise<HidDeviceHandle>;

export const HID_REPORT_SIZE = 64;

export function describeHidAddress(address: HidAddress): string {
  return 'path' in address
    ? address.path
    : `${address.vendorId.toString(16).padStart(4, '0')}:${address.productId.toString(16).padStart(4, '0')}`;
}

/**
 * node-hid is imported only when a HID device is opened, so a host without libusb/hidraw still
 * starts and serves serial readers.
 */
export const openNodeHid: HidOpener = async (address) => {
  let hid: typeof import('node-hid');
  try {
    hid = await import('node-hid');
  } catch (error) {
    throw new HidUnavailableError({ cause: error });
  }
  // hidraw (not libusb) on Linux: it keeps the kernel driver attached and honours udev permissions.
  if (process.platform === 'linux') hid.setDriverType('hidraw');
  try {
    return 'path' in address
      ? await hid.HIDAsync.open(address.path)
      : await hid.HIDAsync.open(address.vendorId, address.productId);
  } catch (error) {
    throw classifyOpenError(describeHidAddress(address), error);
  }
};

/** 64-byte reports to and from a HID device that uses no report IDs. */
export class HidTransport extends TypedEmitter<TransportEvents> implements ByteTransport {
  readonly kind = 'hid' as const;
  readonly path: string;
  #device: HidDeviceHandle | undefined;
  #closed = false;

  private constructor(path: string, device: HidDeviceHandle) {
    super();
    this.path = path;
    this.#device = device;
    device.on('data', (data) => this.emit('data', new Uint8Array(data)));
    device.on('error', (error) => {
      if (this.#closed || !this.#device) return;
      this.#device = undefined;
      this.emit('unplugged', new DeviceUnpluggedError(this.path, { cause: error }));
    });
  }

  static async open(address: HidAddress, opener: HidOpener = openNodeHid): Promise<HidTransport> {
    return new HidTransport(describeHidAddress(address), await opener(address));
  }

  get isOpen(): boolean {
    return this.#device !== undefined && !this.#closed;
  }

  /** Writes one output report; `report` is padded to 64 bytes and prefixed with report ID 0x00. */
  async write(report: Uint8Array): Promise<void> {
    const device = this.#device;
    if (!device || this.#closed) {
      throw this.#closed ? new TransportClosedError(this.path) : new DeviceUnpluggedError(this.path);
    }
    const out = Buffer.alloc(HID_REPORT_SIZE + 1);
    out.set(report.subarray(0, HID_REPORT_SIZE), 1);
    try {
      await device.write(out);
    } catch (error) {
      this.#device = undefined;
      const unplugged = new DeviceUnpluggedError(this.path, { cause: error });
      this.emit('unplugged', unplugged);
      throw unplugged;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const device = this.#device;
    this.#device = undefined;
    if (device) {
      device.removeAllListeners();
      await device.close().catch(() => undefined);
    }
  }
}
