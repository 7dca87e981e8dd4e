import { ApduFormatError, encodeCommandApdu, parseResponseApdu, type CommandApdu, type ResponseApdu } from '../apdu/apdu';
import { followGetResponse } from '../apdu/card-channel';
import type { ApduTransceiver } from '../apdu/transceiver';
import { CardStatusError, IcaoError, type IcaoErrorCode } from './errors';
import type { SecureMessaging } from './secure-messaging';

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
    const exchange = async (c: Uint8Array) => {
      const r = await this.transceiver.transmit(c);
      this.stats.apdus++;
      this.stats.bytes += c.length + r.length;
      return r;
    };
    const getResponse = async (c: Uint8Array) => {
      const r = await exchange(c);
      if (r.length < 2) throw new IcaoError('malformed-response', `GET RESPONSE answered ${r.length} bytes`);
      return r;
    };
    // ISO/IEC 7816-4 §5.3.4: 61xx — more response bytes wait for GET RESPONSE (plain, even under SM).
    return followGetResponse(getResponse, command, await exchange(command));
  }

  /** Sends one command (protected when a session is up) and returns its verified response. */
  async send(c: CommandApdu): Promise<ResponseApdu> {
    if (this.sm) {
      const sm = this.sm;
      const raw = await this.transmitRaw(await asIcaoError('bad-argument', async () => sm.wrap(c)));
      return sm.unwrap(raw);
    }
    const command = await asIcaoError('bad-argument', async () => encodeCommandApdu(c));
    const raw = await this.transmitRaw(command);
    return asIcaoError('malformed-response', async () => parseResponseApdu(raw));
  }

  /** Like send(), but any status other than 9000 throws CardStatusError. */
  async expectOk(c: CommandApdu, what: string): Promise<Uint8Array> {
    const r = await this.send(c);
    if (r.sw !== 0x9000) throw new CardStatusError(r.sw, what);
    return r.data;
  }
}

/** Callers of the chip layer branch on IcaoError codes: APDU format faults are reported as one. */
async function asIcaoError<T>(code: IcaoErrorCode, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApduFormatError) throw new IcaoError(code, error.message, { cause: error });
    throw error;
  }
}
