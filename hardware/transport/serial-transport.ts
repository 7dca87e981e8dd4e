import { stat } from 'node:fs/promises';
import { classifyOpenError, DeviceUnpluggedError, TransportClosedError } from './errors';
import type { ByteTransport, TransportEvents } from './transport';
import { TypedEmitter } from './typed-emitter';

export const SUPPORTED_BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000] as const;

export interface ReconnectPolicy {
  /** First delay after an unplug; doubled after each failed attempt up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up after this many attempts (Infinity: keep trying until close()). */
  maxAttempts: number;
}

export interface SerialTransportOptions {
  path: string;
  baudRate?: number;
  reconnect?: ReconnectPolicy;
}

type SerialPortInstance = import('serialport').SerialPort;

/** A serial line (8N1, no flow control) through `serialport`, with unplug detection and reconnect. */
export class SerialTransport extends TypedEmitter<TransportEvents> implements ByteTransport {
  readonly kind = 'serial' as const;
  readonly path: string;
  readonly baudRate: number;
  readonly #reconnect: ReconnectPolicy | undefined;
  #port: SerialPortInstance | undefined;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | undefined;

  private constructor(options: SerialTransportOptions) {
    super();
    this.path = options.path;
    this.baudRate = options.baudRate ?? 115200;
    this.#reconnect = options.reconnect;
  }

  static async open(options: SerialTransportOptions): Promise<SerialTransport> {
    const transport = new SerialTransport(options);
    await transport.#openPort();
    return transport;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen === true;
  }

  async #openPort(): Promise<void> {
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({
      path: this.path,
      baudRate: this.baudRate,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      rtscts: false,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(classifyOpenError(this.path, error)) : resolve()));
    });
    port.on('data', (chunk: Buffer) => this.emit('data', new Uint8Array(chunk)));
    // A vanished tty shows up either as a poller disconnect ('close' with disconnected) or, when a
    // read was in flight, as a read error (EIO on Linux ttys and ptys) that serialport only reports.
    port.on('error', (error: NodeJS.ErrnoException) => {
      if (/EIO|ENXIO|ENODEV|EBADF/.test(`${error.code ?? ''} ${error.message}`)) this.#lost(port, error);
    });
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => this.#lost(port, error ?? undefined));
    this.#port = port;
    // After a hangup a tty may read as endless EOF, which serialport neither reports nor stops on;
    // a removed device node (USB adapter pulled, simulator gone) is the dependable signal.
    clearInterval(this.#watchdog);
    this.#watchdog = setInterval(() => {
      stat(this.path).catch((error: unknown) => this.#lost(port, error));
    }, 200);
    this.#watchdog.unref();
  }

  #watchdog: NodeJS.Timeout | undefined;

  #lost(port: SerialPortInstance, cause: unknown): void {
    if (this.#closed || this.#port !== port) return;
    this.#port = undefined;
    clearInterval(this.#watchdog);
    if (port.isOpen) port.close(() => undefined);
    this.emit('unplugged', new DeviceUnpluggedError(this.path, { cause }));
    this.#scheduleReconnect(0, this.#reconnect?.initialDelayMs ?? 0);
  }

  #scheduleReconnect(attempt: number, delayMs: number): void {
    const policy = this.#reconnect;
    if (!policy || this.#closed || attempt >= policy.maxAttempts) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#openPort().then(
        () => {
          if (this.#closed) {
            void this.close();
            return;
          }
          this.emit('reconnected');
        },
        () => this.#scheduleReconnect(attempt + 1, Math.min(delayMs * 2, policy.maxDelayMs)),
      );
    }, delayMs);
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.#port;
    if (!port || this.#closed) {
      throw this.#closed ? new TransportClosedError(this.path) : new DeviceUnpluggedError(this.path);
    }
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (error) => {
        if (error) reject(new DeviceUnpluggedError(this.path, { cause: error }));
        else resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#watchdog);
    const port = this.#port;
    this.#port = undefined;
    if (port?.isOpen) {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  }
}
