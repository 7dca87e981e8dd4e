export interface SerialDeviceInfo {
  path: string;
  manufacturer?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

export interface HidDeviceInfo {
  path?: string;
  vendorId: number;
  productId: number;
  product?: string;
  manufacturer?: string;
  usagePage?: number;
}

export interface DeviceListing {
  serial: SerialDeviceInfo[];
  hid: HidDeviceInfo[];
  errors: { source: 'serial' | 'hid'; message: string }[];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

/** Lists serial ports and HID devices; a failing backend is reported in `errors`, never thrown. */
export async function listDevices(): Promise<DeviceListing> {
  const listing: DeviceListing = { serial: [], hid: [], errors: [] };
  const serial = (async () => {
    try {
      const { SerialPort } = await import('serialport');
      for (const port of await SerialPort.list()) {
        listing.serial.push(
          defined({
            path: port.path,
            manufacturer: port.manufacturer,
            vendorId: port.vendorId,
            productId: port.productId,
            serialNumber: port.serialNumber,
          }),
        );
      }
    } catch (error) {
      listing.errors.push({ source: 'serial', message: message(error) });
    }
  })();
  const hid = (async () => {
    try {
      const nodeHid = await import('node-hid');
      for (const device of await nodeHid.devicesAsync()) {
        listing.hid.push(
          defined({
            path: device.path,
            vendorId: device.vendorId,
            productId: device.productId,
            product: device.product,
            manufacturer: device.manufacturer,
            usagePage: device.usagePage,
          }),
        );
      }
    } catch (error) {
      listing.errors.push({ source: 'hid', message: message(error) });
    }
  })();
  await Promise.all([serial, hid]);
  return listing;
}
