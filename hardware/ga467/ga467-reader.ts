import { HardwareError, TransportClosedError, type DeviceUnpluggedError } from '../transport/errors';
import { TypedEmitter } from '../transport/typed-emitter';
import { fragmentIntoReports, ReportReassembler } from '../transport/hid-reports';
import { HidTransport, openNodeHid, type HidAddress, type HidOpener } from '../transport/hid-transport';
import { SerialTransport } from '../transport/serial-transport';
import type { ByteTransport } from '../transport/transport';
import { encodeGa467Command, Ga467FrameParser, MAX_FRAME_LEN, PREAMBLE, type Ga467Frame } from './frame';
import { decodeHolderText, type ResidentIdText } from './holder-text';
import { decodeWltPhoto, type Portrait, type WltDecoderConfig } from './photo-decoder';

/** Reader wire protocol §3 SW3 error codes. */
export const SW3_ERRORS: Readonly<Record<number, string>> = {
  0x10: 'checksum',
  0x11: 'length',
  0x21: 'command',
  0x24: 'unrecognised',
  0x31: 'authentication',
  0x32: 'authentication',
  0x33: 'authentication',
  0x40: 'wrong-card',
  0x41: 'read-failed',
  0x47: 'random-number',
  0x60: 'self-test-failed',
  0x66: 'not-authorised',
  0x80: 'no-card',
  0x81: 'select-failed',
};

export class Ga467Error extends HardwareError {
  readonly sw3: number | undefined;
  constructor(code: string, message: string, sw3?: number) {
    super(code, message);
    this.sw3 = sw3;
  }
}

export interface Ga467Response {
  sw: [number, number, number];
  data: Uint8Array;
}

export interface ResidentIdCardRead {
  text: ResidentIdText;
  /** The card's WLT photo, opaque; decode with decodeWltPhoto or `portrait()`. */
  wlt: Uint8Array;
}

export interface Ga467ReaderOptions {
  responseTimeoutMs?: number;
  /** Retries after a garbled response or a reader-reported checksum error. */
  maxRetries?: number;
  photoDecoder?: WltDecoderConfig;
}

export interface Ga467ReaderEvents {
  unplugged: [error: DeviceUnpluggedError];
}

/** A GA 467 SAM module over serial or HID (HID carries the same frames in §2 reports). */
export class Ga467Reader extends TypedEmitter<Ga467ReaderEvents> {
  readonly #transport: ByteTransport;
  readonly #parser = new Ga467FrameParser();
  readonly #reassembler = new ReportReassembler(PREAMBLE.length + 2 + MAX_FRAME_LEN);
  readonly #timeoutMs: number;
  /** Answers skipped because they belonged to an earlier command (diagnostics). */
  strayAnswers = 0;
  readonly #maxRetries: number;
  readonly #photoDecoder: WltDecoderConfig | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #waiter: ((frame: Ga467Frame) => void) | undefined;
  #failure: HardwareError | undefined;
  #gapTimer: NodeJS.Timeout | undefined;
  readonly #unsubscribe: Array<() => void>;

  constructor(transport: ByteTransport, options: Ga467ReaderOptions = {}) {
    super();
    this.#transport = transport;
    this.#timeoutMs = options.responseTimeoutMs ?? 3000;
    this.#maxRetries = options.maxRetries ?? 2;
    this.#photoDecoder = options.photoDecoder;
    this.#unsubscribe = [
      transport.on('data', (chunk) => this.#onData(chunk)),
      transport.on('unplugged', (error) => {
        this.#failure = error;
        this.#waiter?.({ kind: 'bad-checksum' });
        this.emit('unplugged', error);
      }),
    ];
  }

  async resetSam(): Promise<void> {
    await this.#expect(0x10, 0xff, 0x90);
  }

  async samStatus(): Promise<void> {
    await this.#expect(0x11, 0xff, 0x90);
  }

  /** The 16-byte SAM ID as hex. */
  async samId(): Promise<string> {
    const { data } = await this.#expect(0x12, 0xff, 0x90);
    return Buffer.from(data).toString('hex').toUpperCase();
  }

  /** True when a card is in the field (SW3 9F), false for 80 (no card). */
  async findCard(): Promise<boolean> {
    const response = await this.command(0x20, 0x01);
    if (response.sw[2] === 0x9f) return true;
    if (response.sw[2] === 0x80) return false;
    throw sw3Error(response.sw[2]);
  }

  async selectCard(): Promise<void> {
    await this.#expect(0x20, 0x02, 0x90);
  }

  async readTextAndPhoto(): Promise<{ text: Uint8Array; wlt: Uint8Array }> {
    const { data } = await this.#expect(0x30, 0x01, 0x90);
    if (data.length < 4) throw new Ga467Error('ga467-response-invalid', 'read response shorter than TL/PL');
    const tl = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
    const pl = ((data[2] ?? 0) << 8) | (data[3] ?? 0);
    if (tl !== 256 || pl !== 1024 || data.length !== 4 + tl + pl) {
      throw new Ga467Error('ga467-response-invalid', `read response TL=${tl} PL=${pl} with ${data.length - 4} bytes`);
    }
    return { text: data.slice(4, 4 + tl), wlt: data.slice(4 + tl) };
  }

  /** Find, select and read: the whole card-reading sequence, text decoded and checked. */
  async readCard(): Promise<ResidentIdCardRead> {
    if (!(await this.findCard())) throw new Ga467Error('no-card', 'no ID card on the reader', 0x80);
    await this.selectCard();
    const { text, wlt } = await this.readTextAndPhoto();
    return { text: decodeHolderText(text), wlt };
  }

  portrait(wlt: Uint8Array): Promise<Portrait> {
    return decodeWltPhoto(wlt, this.#photoDecoder);
  }

  /** Sends one command and returns the decoded response, retrying garbled exchanges. */
  command(cmd: number, para: number, data?: Uint8Array): Promise<Ga467Response> {
    const run = this.#queue.then(() => this.#exchange(cmd, para, data));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    clearTimeout(this.#gapTimer);
    this.#failure ??= new TransportClosedError(this.#transport.path);
    this.#waiter?.({ kind: 'bad-checksum' });
    for (const off of this.#unsubscribe) off();
    await this.#transport.close();
  }

  async #expect(cmd: number, para: number, sw3: number): Promise<Ga467Response> {
    const response = await this.command(cmd, para);
    if (response.sw[2] !== sw3) throw sw3Error(response.sw[2]);
    return response;
  }

  async #exchange(cmd: number, para: number, data?: Uint8Array): Promise<Ga467Response> {
    const frame = encodeGa467Command(cmd, para, data);
    let lastProblem = 'no response';
    for (let attempt = 0; attempt <= this.#maxRetries; attempt += 1) {
      if (this.#failure) throw this.#failure;
      const deadline = performance.now() + this.#timeoutMs;
      let answer = this.#awaitFrame(this.#timeoutMs);
      await this.#write(frame);
      let result = await answer;
      // No sequence numbers in GA 467: a late or duplicated answer to an earlier command is
      // recognised by its shape and skipped.
      while (result !== 'timeout' && result.kind === 'frame' && !plausibleAnswer(cmd, para, result.body)) {
        this.strayAnswers += 1;
        answer = this.#awaitFrame(Math.max(1, deadline - performance.now()));
        result = await answer;
      }
      if (this.#failure) throw this.#failure;
      if (result === 'timeout') {
        lastProblem = 'timeout';
        continue;
      }
      if (result.kind === 'bad-checksum') {
        lastProblem = 'bad-checksum';
        continue;
      }
      if (result.body.length < 3) {
        lastProblem = 'short-response';
        continue;
      }
      const sw: [number, number, number] = [result.body[0] ?? 0, result.body[1] ?? 0, result.body[2] ?? 0];
      // SW3 10: the reader saw a bad checksum on our command — send it again.
      if (sw[2] === 0x10) {
        lastProblem = 'reader-checksum';
        continue;
      }
      return { sw, data: result.body.slice(3) };
    }
    if (lastProblem === 'timeout') throw new Ga467Error('ga467-timeout', `no response within ${this.#timeoutMs} ms`);
    throw new Ga467Error('ga467-frame-error', `exchange failed after ${this.#maxRetries + 1} attempts (${lastProblem})`);
  }

  async #write(frame: Uint8Array): Promise<void> {
    if (this.#transport.kind === 'hid') {
      for (const report of fragmentIntoReports(frame)) await this.#transport.write(report);
    } else {
      await this.#transport.write(frame);
    }
  }

  #awaitFrame(timeoutMs: number): Promise<Ga467Frame | 'timeout'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve('timeout');
      }, timeoutMs);
      this.#waiter = (frame) => {
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve(frame);
      };
    });
  }

  #onData(chunk: Uint8Array): void {
    let bytes: Uint8Array | undefined = chunk;
    if (this.#transport.kind === 'hid') {
      try {
        bytes = this.#reassembler.push(chunk);
      } catch {
        bytes = undefined;
      }
      if (!bytes) return;
    }
    for (const frame of this.#parser.push(bytes)) this.#waiter?.(frame);
    clearTimeout(this.#gapTimer);
    if (this.#parser.pending) {
      this.#gapTimer = setTimeout(() => {
        for (const frame of this.#parser.expire()) this.#waiter?.(frame);
      }, 100);
      this.#gapTimer.unref();
    }
  }
}

/** Success answers (SW3 → data length) per command; error answers carry no data. */
const SUCCESS_SHAPES: Readonly<Record<number, Readonly<Record<number, number>>>> = {
  0x10ff: { 0x90: 0 },
  0x11ff: { 0x90: 0 },
  0x12ff: { 0x90: 16 },
  0x2001: { 0x9f: 4 },
  0x2002: { 0x90: 8 },
  0x3001: { 0x90: 4 + 256 + 1024 },
};

function plausibleAnswer(cmd: number, para: number, body: Uint8Array): boolean {
  if (body.length < 3) return true;
  const sw3 = body[2] ?? 0;
  const dataLength = body.length - 3;
  const shapes = SUCCESS_SHAPES[(cmd << 8) | para];
  if (!shapes) return true;
  const expected = shapes[sw3];
  if (expected !== undefined) return dataLength === expected;
  if (sw3 === 0x90 || sw3 === 0x9f) return false;
  return dataLength === 0;
}

function sw3Error(sw3: number): Ga467Error {
  const name = SW3_ERRORS[sw3] ?? `sw3-0x${sw3.toString(16).padStart(2, '0')}`;
  return new Ga467Error(name === 'no-card' ? 'no-card' : `ga467-${name}`, `GA 467 module answered SW3 ${sw3.toString(16).toUpperCase()} (${name})`, sw3);
}

export async function openGa467SerialReader(
  options: Ga467ReaderOptions & { path: string; baudRate?: number },
): Promise<Ga467Reader> {
  return new Ga467Reader(await SerialTransport.open({ path: options.path, baudRate: options.baudRate ?? 115200 }), options);
}

export async function openGa467HidReader(
  address: HidAddress,
  options: Ga467ReaderOptions & { opener?: HidOpener } = {},
): Promise<Ga467Reader> {
  return new Ga467Reader(await HidTransport.open(address, options.opener ?? openNodeHid), options);
}

