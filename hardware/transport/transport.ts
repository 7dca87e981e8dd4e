import type { DeviceUnpluggedError } from './errors';
import type { TypedEmitter } from './typed-emitter';

export interface TransportEvents {
  /** Bytes from the device: a chunk of the serial stream, or one whole HID input report. */
  data: [chunk: Uint8Array];
  /** The device disappeared; pending work must fail with this error. */
  unplugged: [error: DeviceUnpluggedError];
  /** A reconnecting transport found the device again. */
  reconnected: [];
}

/**
 * One byte channel to one device. Serial transports carry a byte stream; HID transports carry
 * whole reports (each `write` is one output report without report ID, each `data` one input report).
 */
export interface ByteTransport extends Pick<TypedEmitter<TransportEvents>, 'on' | 'once' | 'off'> {
  readonly kind: 'serial' | 'hid';
  /** Human-readable device name for errors and logs (never holder data). */
  readonly path: string;
  readonly isOpen: boolean;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
