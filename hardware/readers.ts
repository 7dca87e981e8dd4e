import { CardChannel } from './apdu/card-channel';
import type { ApduTransceiver } from './apdu/transceiver';
import type { Atr } from './atr/atr';
import { openCcidHidReader, openCcidSerialReader, type CardReader, type CcidReaderOptions } from './ccid/ccid-reader';
import { openGa467HidReader, openGa467SerialReader, type Ga467Reader, type Ga467ReaderOptions } from './ga467/ga467-reader';
import { openHidMrzScanner, openSerialMrzScanner, type MrzScanner } from './mrz/mrz-scanner';
import { parseReaderUri, type ReaderUri } from './reader-uri';
import { HardwareError } from './transport/errors';
import { openNodeHid, type HidOpener } from './transport/hid-transport';

/** An opened device of one of the three families, with one way to release it. */
export type OpenedDevice = (
  | { family: 'smart-card'; reader: CardReader }
  | { family: 'resident-id'; reader: Ga467Reader }
  | { family: 'mrz'; scanner: MrzScanner }
) & { uri: string; close(): Promise<void> };

/**
 * Resolves `sim:<profile>` URIs. hardware/ cannot import fixtures/, so the host or kioskctl
 * passes the simulator factory from fixtures/sim/ when simulation is allowed.
 */
export type SimulatorFactory = (profile: string, options: OpenDeviceOptions) => Promise<OpenedDevice>;

export interface OpenDeviceOptions {
  simulators?: SimulatorFactory;
  hidOpener?: HidOpener;
  ccid?: CcidReaderOptions;
  ga467?: Ga467ReaderOptions;
}

export class DeviceKindError extends HardwareError {
  constructor(uri: string, wanted: string) {
    super('device-kind-mismatch', `${uri} is not a ${wanted}`);
  }
}

export class SimulatorUnavailableError extends HardwareError {
  constructor(uri: string) {
    super('simulator-unavailable', `${uri}: simulated devices are not enabled in this build or configuration`);
  }
}

export async function openDevice(uri: string | ReaderUri, options: OpenDeviceOptions = {}): Promise<OpenedDevice> {
  const parsed = typeof uri === 'string' ? parseReaderUri(uri) : uri;
  const text = typeof uri === 'string' ? uri : parsed.kind;
  const hidOpener = options.hidOpener ?? openNodeHid;
  switch (parsed.kind) {
    case 'sim': {
      if (!options.simulators) throw new SimulatorUnavailableError(text);
      return options.simulators(parsed.profile, options);
    }
    case 'ccid-serial': {
      const reader = await openCcidSerialReader({ ...options.ccid, path: parsed.path, baudRate: parsed.baudRate });
      return { family: 'smart-card', reader, uri: text, close: () => reader.close() };
    }
    case 'ccid-hid': {
      const reader = await openCcidHidReader(parsed.address, { ...options.ccid, opener: hidOpener });
      return { family: 'smart-card', reader, uri: text, close: () => reader.close() };
    }
    case 'ga467': {
      const reader = await openGa467SerialReader({ ...options.ga467, path: parsed.path, baudRate: parsed.baudRate });
      return { family: 'resident-id', reader, uri: text, close: () => reader.close() };
    }
    case 'ga467-hid': {
      const reader = await openGa467HidReader(parsed.address, { ...options.ga467, opener: hidOpener });
      return { family: 'resident-id', reader, uri: text, close: () => reader.close() };
    }
    case 'mrz-serial': {
      const scanner = await openSerialMrzScanner({ path: parsed.path, baudRate: parsed.baudRate });
      return { family: 'mrz', scanner, uri: text, close: () => scanner.close() };
    }
    case 'mrz-hid': {
      const scanner = await openHidMrzScanner(parsed.address, hidOpener);
      return { family: 'mrz', scanner, uri: text, close: () => scanner.close() };
    }
  }
}

async function openFamily<F extends OpenedDevice['family']>(
  uri: string,
  family: F,
  wanted: string,
  options: OpenDeviceOptions,
): Promise<Extract<OpenedDevice, { family: F }>> {
  const device = await openDevice(uri, options);
  if (device.family !== family) {
    await device.close();
    throw new DeviceKindError(uri, wanted);
  }
  return device as Extract<OpenedDevice, { family: F }>;
}

/** A contact/contactless smart-card reader (CCID over serial or HID, or a simulator). */
export function openCardReader(uri: string, options: OpenDeviceOptions = {}) {
  return openFamily(uri, 'smart-card', 'smart-card reader', options);
}

/** A China resident ID card reader (GA 467 module). */
export function openResidentIdReader(uri: string, options: OpenDeviceOptions = {}) {
  return openFamily(uri, 'resident-id', 'resident ID card reader', options);
}

export function openMrzScanner(uri: string, options: OpenDeviceOptions = {}) {
  return openFamily(uri, 'mrz', 'MRZ scanner', options);
}

/** A powered card behind a reader, as kioskctl `read` and the host's chip reader consume it. */
export interface CardSession {
  transceiver: ApduTransceiver;
  atr: Atr;
  /** Serial line rate when the reader sits on a UART (for wire-time bounds). */
  baud?: number;
  /** Reader framing bytes per C-APDU or R-APDU on the wire: CCID serial 13 per frame + 4 ACK, averaged. */
  framingBytesPerMessage?: number;
  close(): Promise<void>;
}

/** Opens a smart-card reader, powers the card and wraps it in a 61xx/6Cxx-aware CardChannel. */
export async function openCardSession(uri: string, options: OpenDeviceOptions = {}): Promise<CardSession> {
  const device = await openCardReader(uri, options);
  try {
    const atr = await device.reader.powerOn();
    const parsed = parseReaderUri(uri);
    const session: CardSession = { transceiver: new CardChannel(device.reader), atr, close: () => device.close() };
    if (parsed.kind === 'ccid-serial') {
      session.baud = parsed.baudRate;
      session.framingBytesPerMessage = 15;
    }
    return session;
  } catch (error) {
    await device.close();
    throw error;
  }
}
