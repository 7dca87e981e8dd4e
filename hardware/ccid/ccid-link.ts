import { DeviceUnpluggedError, HardwareError } from '../transport/errors';
import { fragmentIntoReports, ReportReassembler } from '../transport/hid-reports';
import type { ByteTransport } from '../transport/transport';
import { TypedEmitter } from '../transport/typed-emitter';
import { HEADER_LENGTH, MAX_DATA_LENGTH } from './ccid-message';
import { CcidFrameError, CcidTimeoutError } from './errors';
import { encodeFrame, NAK_FRAME, SerialFrameParser, type ErrorFrameKind } from './serial-framing';

export interface CcidLinkEvents {
  /** One complete, integrity-checked CCID message from the reader (header + data). */
  message: [message: Uint8Array];
  /** NotifySlotChange bmSlotICCState. */
  notify: [slotState: number];
  unplugged: [error: DeviceUnpluggedError];
  /** The transport found the device again after an unplug. */
  reconnected: [];
}

/**
 * What differs between CCID over serial and CCID over HID: how one message crosses the wire.
 * Sequencing, time extension, presence and ATR handling live above, in CcidReader.
 */
export interface CcidLink extends Pick<TypedEmitter<CcidLinkEvents>, 'on' | 'once' | 'off'> {
  /** Sends one command message; resolves once the reader has accepted it. */
  send(message: Uint8Array): Promise<void>;
  /** Asks the reader to repeat its last response; false when the link has no such request. */
  requestResend(): Promise<boolean>;
  /** The response to the command in flight has arrived (ends NAK eligibility). */
  responseReceived(): void;
  close(): Promise<void>;
}

export interface SerialLinkOptions {
  /** Reader wire protocol §1: ACK timeout 300 ms, at most two retries. */
  ackTimeoutMs?: number;
  maxRetries?: number;
  /** A gap longer than this inside a frame abandons the candidate frame. */
  interByteTimeoutMs?: number;
  /** NAKs sent per command after bad checksums before giving up on that response. */
  maxNaks?: number;
}

type AckOutcome = { kind: 'ack' } | { kind: 'error'; error: ErrorFrameKind } | { kind: 'timeout' };

/** Reader wire protocol §1 framing: STX/CHK/ETX, ACK, error frames, NAK, bounded retries. */
export class SerialCcidLink extends TypedEmitter<CcidLinkEvents> implements CcidLink {
  readonly #transport: ByteTransport;
  readonly #parser = new SerialFrameParser();
  readonly #ackTimeoutMs: number;
  readonly #maxRetries: number;
  readonly #interByteTimeoutMs: number;
  readonly #maxNaks: number;
  #awaitingAck: { seq: number; settle: (outcome: AckOutcome) => void } | undefined;
  #inFlight = false;
  /** The command whose response is awaited, as sent, for a resend when its ACK proves stale. */
  #current: { frame: Uint8Array; seq: number; resends: number } | undefined;
  #confirmTimer: NodeJS.Timeout | undefined;
  #naksSent = 0;
  #gapTimer: NodeJS.Timeout | undefined;
  #unplugged: DeviceUnpluggedError | undefined;
  readonly #unsubscribe: Array<() => void>;

  constructor(transport: ByteTransport, options: SerialLinkOptions = {}) {
    super();
    this.#transport = transport;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 300;
    this.#maxRetries = options.maxRetries ?? 2;
    this.#interByteTimeoutMs = options.interByteTimeoutMs ?? 100;
    this.#maxNaks = options.maxNaks ?? 2;
    this.#unsubscribe = [
      transport.on('data', (chunk) => this.#onData(chunk)),
      transport.on('unplugged', (error) => this.#onUnplugged(error)),
      transport.on('reconnected', () => {
        this.#unplugged = undefined;
        this.#parser.reset();
        this.emit('reconnected');
      }),
    ];
  }

  async send(message: Uint8Array): Promise<void> {
    if (this.#unplugged) throw this.#unplugged;
    const seq = message[6] ?? 0;
    const frame = encodeFrame(message);
    this.#inFlight = true;
    this.#naksSent = 0;
    this.#endCommand();
    // Set before the ACK can arrive: a stray answer may follow the ACK in the same chunk.
    this.#current = { frame, seq, resends: 0 };
    let last: AckOutcome = { kind: 'timeout' };
    for (let attempt = 0; attempt <= this.#maxRetries; attempt += 1) {
      last = await this.#transmitOnce(frame, seq);
      if (last.kind === 'ack') return;
    }
    this.#inFlight = false;
    this.#endCommand();
    throw last.kind === 'error'
      ? new CcidFrameError(last.error, this.#maxRetries + 1)
      : new CcidTimeoutError('ack', this.#ackTimeoutMs);
  }

  async requestResend(): Promise<boolean> {
    if (this.#unplugged) return false;
    await this.#transport.write(NAK_FRAME);
    return true;
  }

  async close(): Promise<void> {
    clearTimeout(this.#gapTimer);
    this.#endCommand();
    for (const off of this.#unsubscribe) off();
    this.#awaitingAck?.settle({ kind: 'timeout' });
    await this.#transport.close();
  }

  #transmitOnce(frame: Uint8Array, seq: number): Promise<AckOutcome> {
    return new Promise<AckOutcome>((resolve, reject) => {
      const timer = setTimeout(() => settle({ kind: 'timeout' }), this.#ackTimeoutMs);
      const settle = (outcome: AckOutcome): void => {
        clearTimeout(timer);
        if (this.#awaitingAck?.settle === settle) this.#awaitingAck = undefined;
        resolve(outcome);
      };
      this.#awaitingAck = { seq, settle };
      this.#transport.write(frame).catch((error: unknown) => {
        clearTimeout(timer);
        this.#awaitingAck = undefined;
        reject(error instanceof HardwareError ? error : new DeviceUnpluggedError(this.#transport.path, { cause: error }));
      });
    });
  }

  #onData(chunk: Uint8Array): void {
    for (const frame of this.#parser.push(chunk)) this.#onFrame(frame);
    this.#armGapTimer();
  }

  #armGapTimer(): void {
    clearTimeout(this.#gapTimer);
    if (!this.#parser.pending) return;
    this.#gapTimer = setTimeout(() => {
      for (const frame of this.#parser.expire()) this.#onFrame(frame);
      this.#armGapTimer();
    }, this.#interByteTimeoutMs);
    this.#gapTimer.unref();
  }

  #onFrame(frame: ReturnType<SerialFrameParser['push']>[number]): void {
    switch (frame.kind) {
      case 'ack':
        if (this.#awaitingAck) this.#awaitingAck.settle({ kind: 'ack' });
        // The reader, idle again after the stray answer, accepted our command after all.
        else clearTimeout(this.#confirmTimer);
        return;
      case 'error':
        this.#awaitingAck?.settle({ kind: 'error', error: frame.error });
        return;
      case 'notify':
        this.emit('notify', frame.slotState);
        return;
      case 'bad-checksum':
        // §1: "resend your last response" — only meaningful while our command awaits its answer.
        if (this.#inFlight && this.#naksSent < this.#maxNaks) {
          this.#naksSent += 1;
          this.#transport.write(NAK_FRAME).catch(() => undefined);
        }
        return;
      case 'message': {
        const seq = frame.message[6];
        // A response carrying our bSeq proves the command arrived even if its ACK was lost.
        if (this.#awaitingAck && seq === this.#awaitingAck.seq) this.#awaitingAck.settle({ kind: 'ack' });
        else if (this.#inFlight && !this.#awaitingAck && this.#current && seq !== this.#current.seq) this.#confirmAcceptance();
        this.emit('message', frame.message);
        return;
      }
      case 'nak':
        return;
    }
  }

  /** Called by the reader once the response for the command in flight has arrived. */
  responseReceived(): void {
    this.#inFlight = false;
    this.#endCommand();
  }

  #endCommand(): void {
    clearTimeout(this.#confirmTimer);
    this.#confirmTimer = undefined;
    this.#current = undefined;
  }

  /**
   * An answer to an earlier command arrived after ours was "acknowledged". ACK frames carry no
   * bSeq, and §1 says the reader accepts no new command until it has answered the current one:
   * the ACK we took may have been for that earlier command (the host gave up on it, a slow reader
   * answered it later), and our command, sent while the reader was busy, may have been ignored.
   * A reader that did accept ours ACKs it at once now that it is idle; if no ACK comes within the
   * ACK timeout, the command was ignored and is sent again (at most maxRetries times). Waiting
   * instead for the response timeout would leave the host stalled for seconds (NAK included),
   * and resending without waiting could make the reader run a command twice.
   */
  #confirmAcceptance(): void {
    const current = this.#current;
    if (!current) return;
    clearTimeout(this.#confirmTimer);
    this.#confirmTimer = setTimeout(() => {
      if (this.#current !== current || !this.#inFlight || this.#unplugged) return;
      if (current.resends >= this.#maxRetries) return; // the reader's response timeout takes over
      current.resends += 1;
      this.#transport.write(current.frame).catch(() => undefined);
      // The resent command is ACKed at once by a reader that takes it; otherwise try again.
      this.#confirmAcceptance();
    }, this.#ackTimeoutMs);
    this.#confirmTimer.unref?.();
  }

  #onUnplugged(error: DeviceUnpluggedError): void {
    this.#unplugged = error;
    this.#inFlight = false;
    this.#endCommand();
    this.#awaitingAck?.settle({ kind: 'timeout' });
    this.emit('unplugged', error);
  }
}

/** Reader wire protocol §2: one CCID message per run of 64-byte reports; USB protects integrity. */
export class HidCcidLink extends TypedEmitter<CcidLinkEvents> implements CcidLink {
  readonly #transport: ByteTransport;
  readonly #reassembler = new ReportReassembler(HEADER_LENGTH + MAX_DATA_LENGTH);
  #unplugged: DeviceUnpluggedError | undefined;
  readonly #unsubscribe: Array<() => void>;

  constructor(transport: ByteTransport) {
    super();
    this.#transport = transport;
    this.#unsubscribe = [
      transport.on('data', (report) => {
        try {
          const message = this.#reassembler.push(report);
          if (message) this.emit('message', message);
        } catch {
          // A malformed report drops its partial message; the reader's response timeout takes over.
        }
      }),
      transport.on('unplugged', (error) => {
        this.#unplugged = error;
        this.emit('unplugged', error);
      }),
    ];
  }

  async send(message: Uint8Array): Promise<void> {
    if (this.#unplugged) throw this.#unplugged;
    for (const report of fragmentIntoReports(message)) await this.#transport.write(report);
  }

  async requestResend(): Promise<boolean> {
    return false;
  }

  responseReceived(): void {}

  async close(): Promise<void> {
    for (const off of this.#unsubscribe) off();
    await this.#transport.close();
  }
}
