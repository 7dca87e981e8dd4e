import type { ApduTransceiver } from '../apdu/transceiver';
import { CardStatusError, IcaoError } from './errors';
import { encodeCommand, splitResponse, type CommandApdu, type ResponseApdu, type SecureMessaging } from './secure-messaging';

/** Counters for the timings report. */
export interface ChannelStats {
  apdus: number;
  /** C-APDU + R-APDU bytes on the card interface. */
  bytes: number;
}

/**
 * The terminal's view of one card session: plain APDUs until access control succeeds, then
 * every APDU through secure messaging.
 */
export class ChipChannel {
  sm: SecureMessaging | undefined;
  readonly stats: ChannelStats = { apdus: 0, bytes: 0 };

  constructor(
    readonly transceiver: ApduTransceiver,
    private readonly signal?: AbortSignal,
  ) {}

  async transmitRaw(command: Uint8Array): Promise<Uint8Array> {
    if (this.signal?.aborted) throw new IcaoError('aborted', 'chip session aborted by the caller');
    let r = await this.transceiver.transmit(command);
    this.stats.apdus++;
    this.stats.bytes += command.length + r.length;
    // ISO/IEC 7816-4 §5.3.4: 61xx — more response bytes wait for GET RESPONSE (plain, even under SM).
    for (let i = 0; i < 64 && r.length >= 2 && r[r.length - 2] === 0x61; i++) {
      const get = Uint8Array.of(command[0]! & 0x03, 0xc0, 0x00, 0x00, r[r.length - 1]!);
      const more = await this.transceiver.transmit(get);
      this.stats.apdus++;
      this.stats.bytes += get.length + more.length;
      const joined = new Uint8Array(r.length - 2 + more.length);
      joined.set(r.subarray(0, r.length - 2));
      joined.set(more, r.length - 2);
      r = joined;
    }
    return r;
  }

  /** Sends one command (protected when a session is up) and returns its verified response. */
  async send(c: CommandApdu): Promise<ResponseApdu> {
    if (this.sm) {
      const raw = await this.transmitRaw(this.sm.wrap(c));
      return this.sm.unwrap(raw);
    }
    return splitResponse(await this.transmitRaw(encodeCommand(c)));
  }

  /** Like send(), but any status other than 9000 throws CardStatusError. */
  async expectOk(c: CommandApdu, what: string): Promise<Uint8Array> {
    const r = await this.send(c);
    if (r.sw !== 0x9000) throw new CardStatusError(r.sw, what);
    return r.data;
  }
}
