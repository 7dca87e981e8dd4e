import type { ApduTransceiver } from '../apdu/transceiver';
import { parseAtr, type Atr } from '../atr/atr';
import { DeviceUnpluggedError, HardwareError, TransportClosedError } from '../transport/errors';
import { HidTransport, openNodeHid, type HidAddress, type HidOpener } from '../transport/hid-transport';
import { SerialTransport, type ReconnectPolicy } from '../transport/serial-transport';
import { TypedEmitter } from '../transport/typed-emitter';
import {
  commandStatus,
  decodeMessage,
  encodeMessage,
  iccStatus,
  MAX_DATA_LENGTH,
  MessageType,
  RESPONSE_TYPES,
  slotErrorName,
  type CcidMessage,
} from './ccid-message';
import { HidCcidLink, SerialCcidLink, type CcidLink, type SerialLinkOptions } from './ccid-link';
import { ApduTooLongError, CardRemovedError, CcidCommandError, CcidTimeoutError, NoCardError } from './errors';

export interface CardReaderEvents {
  'card-inserted': [];
  'card-removed': [];
  unplugged: [error: DeviceUnpluggedError];
  /** A serial reader with a reconnect policy is back; the card must be powered on again. */
  reconnected: [];
}

/** What the kiosk needs from any contact/contactless smart-card reader. */
export interface CardReader extends ApduTransceiver, Pick<TypedEmitter<CardReaderEvents>, 'on' | 'once' | 'off'> {
  powerOn(): Promise<Atr>;
  powerOff(): Promise<void>;
  cardPresent(): Promise<boolean>;
  close(): Promise<void>;
}

export interface CcidReaderOptions {
  slot?: number;
  /** How long to wait for a response after the command was accepted (reset by time extension). */
  responseTimeoutMs?: number;
  /** GetSlotStatus polling period; 0 disables polling (NotifySlotChange is still honoured). */
  pollIntervalMs?: number;
}

interface PendingResponse {
  seq: number;
  resolve: (message: CcidMessage) => void;
  reject: (error: Error) => void;
  extend: () => void;
}

/** USB CCID 1.1 semantics over any CcidLink: bSeq matching, time extension, presence, ATR. */
export class CcidReader extends TypedEmitter<CardReaderEvents> implements CardReader {
  readonly #link: CcidLink;
  readonly #slot: number;
  readonly #responseTimeoutMs: number;
  #seq = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #busy = 0;
  #pending: PendingResponse | undefined;
  #present: boolean | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #failure: HardwareError | undefined;
  /** Responses discarded because their bSeq matched no command in flight (diagnostics). */
  strayResponses = 0;

  constructor(link: CcidLink, options: CcidReaderOptions = {}) {
    super();
    this.#link = link;
    this.#slot = options.slot ?? 0;
    this.#responseTimeoutMs = options.responseTimeoutMs ?? 5000;
    link.on('message', (bytes) => this.#onMessage(bytes));
    link.on('notify', (state) => this.#onNotify(state));
    link.on('unplugged', (error) => {
      this.#failure = error;
      this.#pending?.reject(error);
      this.#stopPolling();
      this.emit('unplugged', error);
    });
    link.on('reconnected', () => {
      if (!(this.#failure instanceof DeviceUnpluggedError)) return;
      this.#failure = undefined;
      this.#present = undefined;
      this.#startPolling();
      this.emit('reconnected');
    });
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
    this.#startPolling();
  }

  readonly #pollIntervalMs: number;

  #startPolling(): void {
    if (this.#pollIntervalMs <= 0 || this.#pollTimer) return;
    this.#pollTimer = setInterval(() => {
      if (this.#busy === 0 && !this.#failure) this.cardPresent().catch(() => undefined);
    }, this.#pollIntervalMs);
    this.#pollTimer.unref();
  }

  async powerOn(): Promise<Atr> {
    const response = await this.#command(MessageType.iccPowerOn, [0, 0, 0], new Uint8Array(0));
    return parseAtr(response.data);
  }

  async powerOff(): Promise<void> {
    await this.#command(MessageType.iccPowerOff, [0, 0, 0], new Uint8Array(0));
  }

  async cardPresent(): Promise<boolean> {
    try {
      const response = await this.#command(MessageType.getSlotStatus, [0, 0, 0], new Uint8Array(0));
      return iccStatus(response.params[0]) !== 'absent';
    } catch (error) {
      // Some readers flag GetSlotStatus on an empty slot as failed (bStatus 0x42, ICC mute).
      if (error instanceof NoCardError) return false;
      throw error;
    }
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (command.length > MAX_DATA_LENGTH) throw new ApduTooLongError(command.length);
    const response = await this.#command(MessageType.xfrBlock, [0, 0, 0], command);
    return response.data;
  }

  /** PC_to_RDR_Escape: a vendor command, answered by RDR_to_PC_Escape. */
  async escape(data: Uint8Array): Promise<Uint8Array> {
    const response = await this.#command(MessageType.escape, [0, 0, 0], data);
    return response.data;
  }

  async close(): Promise<void> {
    this.#stopPolling();
    this.#failure ??= new TransportClosedError('ccid reader');
    this.#pending?.reject(this.#failure);
    await this.#link.close();
  }

  #stopPolling(): void {
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  #command(type: number, params: [number, number, number], data: Uint8Array): Promise<CcidMessage> {
    this.#busy += 1;
    const run = this.#queue.then(() => this.#exchange(type, params, data));
    this.#queue = run.catch(() => undefined);
    return run.finally(() => {
      this.#busy -= 1;
    });
  }

  async #exchange(type: number, params: [number, number, number], data: Uint8Array): Promise<CcidMessage> {
    if (this.#failure) throw this.#failure;
    const seq = this.#seq;
    this.#seq = (this.#seq + 1) & 0xff;
    const response = this.#awaitResponse(seq);
    try {
      await this.#link.send(encodeMessage({ type, slot: this.#slot, seq, params, data }));
    } catch (error) {
      this.#pending?.reject(error as Error);
      await response.catch(() => undefined);
      throw error;
    }
    const message = await response;
    this.#link.responseReceived();
    const [bStatus, bError] = message.params;
    const icc = iccStatus(bStatus);
    if (commandStatus(bStatus) === 'failed') {
      if (icc === 'absent') {
        const wasPresent = this.#present === true;
        this.#setPresent(false);
        throw type === MessageType.xfrBlock && wasPresent ? new CardRemovedError() : new NoCardError();
      }
      if (icc === 'inactive' && type === MessageType.xfrBlock) {
        throw new CcidCommandError(bError, slotErrorName(bError), 'card-not-powered');
      }
      throw new CcidCommandError(bError, slotErrorName(bError), bError === 0xfe ? 'card-mute' : 'ccid-command-failed');
    }
    this.#setPresent(icc !== 'absent');
    return message;
  }

  #awaitResponse(seq: number): Promise<CcidMessage> {
    return new Promise<CcidMessage>((resolve, reject) => {
      let timer: NodeJS.Timeout;
      let resent = false;
      const done = (): void => {
        clearTimeout(timer);
        if (this.#pending === pending) this.#pending = undefined;
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (resent) {
            done();
            reject(new CcidTimeoutError('response', this.#responseTimeoutMs));
            return;
          }
          // One NAK ("resend your last response") before giving up: the response may have been lost.
          resent = true;
          arm();
          this.#link.requestResend().then(
            (sent) => {
              if (!sent && this.#pending === pending) {
                done();
                reject(new CcidTimeoutError('response', this.#responseTimeoutMs));
              }
            },
            () => undefined,
          );
        }, this.#responseTimeoutMs);
      };
      const pending: PendingResponse = {
        seq,
        resolve: (m) => {
          done();
          resolve(m);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        extend: () => arm(),
      };
      this.#pending = pending;
      arm();
    });
  }

  #onMessage(bytes: Uint8Array): void {
    let message: CcidMessage;
    try {
      message = decodeMessage(bytes);
    } catch {
      return;
    }
    const pending = this.#pending;
    if (!pending || message.seq !== pending.seq || !RESPONSE_TYPES.has(message.type) || message.slot !== this.#slot) {
      this.strayResponses += 1;
      return;
    }
    // CCID 1.1 §6.2.6: time extension — the real answer follows with the same bSeq.
    if (commandStatus(message.params[0]) === 'time-extension') {
      pending.extend();
      return;
    }
    pending.resolve(message);
  }

  #onNotify(slotState: number): void {
    const present = (slotState & 0x01) !== 0;
    const changed = (slotState & 0x02) !== 0;
    if (changed && present && this.#present === true) {
      // Removed and re-inserted between two reports.
      this.#setPresent(false);
    }
    this.#setPresent(present);
  }

  #setPresent(present: boolean): void {
    const previous = this.#present;
    this.#present = present;
    if (previous === undefined || previous === present) return;
    this.emit(present ? 'card-inserted' : 'card-removed');
  }
}

export interface CcidSerialReaderOptions extends CcidReaderOptions, SerialLinkOptions {
  path: string;
  baudRate?: number;
  reconnect?: ReconnectPolicy;
}

export async function openCcidSerialReader(options: CcidSerialReaderOptions): Promise<CcidReader> {
  const transport = await SerialTransport.open({
    path: options.path,
    baudRate: options.baudRate ?? 115200,
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
  });
  return new CcidReader(new SerialCcidLink(transport, options), options);
}

export async function openCcidHidReader(
  address: HidAddress,
  options: CcidReaderOptions & { opener?: HidOpener } = {},
): Promise<CcidReader> {
  const transport = await HidTransport.open(address, options.opener ?? openNodeHid);
  return new CcidReader(new HidCcidLink(transport), options);
}
