import { HidTransport, openNodeHid, type HidAddress, type HidOpener } from '../transport/hid-transport';
import { SerialTransport } from '../transport/serial-transport';
import type { ByteTransport } from '../transport/transport';
import { TypedEmitter } from '../transport/typed-emitter';
import { HardwareError, type DeviceUnpluggedError } from '../transport/errors';
import { KeyboardWedgeDecoder } from './keyboard-wedge';
import { MrzLineAssembler } from './line-assembler';

export interface MrzScannerEvents {
  /** The raw MRZ lines of one scanned document; parse with parseMrzDocument / mrzKeyFromLines. */
  document: [lines: string[]];
  unplugged: [error: DeviceUnpluggedError];
}

/** An MRZ scanner: serial (virtual COM port) or HID keyboard wedge. Lines are never logged. */
export class MrzScanner extends TypedEmitter<MrzScannerEvents> {
  readonly #transport: ByteTransport;
  readonly #assembler = new MrzLineAssembler();
  readonly #wedge = new KeyboardWedgeDecoder();
  readonly #decoder = new TextDecoder('latin1');

  constructor(transport: ByteTransport) {
    super();
    this.#transport = transport;
    transport.on('data', (chunk) => {
      const text = transport.kind === 'hid' ? this.#wedge.push(chunk) : this.#decoder.decode(chunk, { stream: true });
      for (const lines of this.#assembler.push(text)) this.emit('document', lines);
    });
    transport.on('unplugged', (error) => this.emit('unplugged', error));
  }

  /** Resolves with the next scanned document, or rejects after `timeoutMs`. */
  nextDocument(timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const offs: Array<() => void> = [];
      const finish = (fn: () => void): void => {
        clearTimeout(timer);
        for (const off of offs) off();
        fn();
      };
      const timer = setTimeout(() => finish(() => reject(new MrzScanTimeoutError(timeoutMs))), timeoutMs);
      offs.push(this.once('document', (lines) => finish(() => resolve(lines))));
      offs.push(this.once('unplugged', (error) => finish(() => reject(error))));
      signal?.addEventListener('abort', () => finish(() => reject(new MrzScanTimeoutError(0))), { once: true });
    });
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}


export class MrzScanTimeoutError extends HardwareError {
  constructor(timeoutMs: number) {
    super('mrz-scan-timeout', timeoutMs > 0 ? `no MRZ scanned within ${timeoutMs} ms` : 'MRZ scan cancelled');
  }
}

export async function openSerialMrzScanner(options: { path: string; baudRate?: number }): Promise<MrzScanner> {
  return new MrzScanner(await SerialTransport.open({ path: options.path, baudRate: options.baudRate ?? 9600 }));
}

export async function openHidMrzScanner(address: HidAddress, opener: HidOpener = openNodeHid): Promise<MrzScanner> {
  return new MrzScanner(await HidTransport.open(address, opener));
}
