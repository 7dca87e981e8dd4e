import { ApduFormatError, decodeCommandApdu, encodeCommandApdu, parseResponseApdu, type CommandApdu, type ResponseApdu } from './apdu';
import { ApduError } from './status-words';
import type { ApduTransceiver } from './transceiver';

/** Bounds the 61xx loop: 64 × 256 bytes is far beyond any response the kiosk reads. */
const MAX_GET_RESPONSE = 64;

/**
 * ISO/IEC 7816-4 transport rules over any ApduTransceiver: 61xx → GET RESPONSE until done,
 * 6Cxx → the same command again with Le = xx. It is itself an ApduTransceiver, so protocol
 * code (secure messaging, ICAO reads) can sit on top unchanged.
 */
export class CardChannel implements ApduTransceiver {
  readonly #inner: ApduTransceiver;

  constructor(inner: ApduTransceiver) {
    this.#inner = inner;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    let response = parseResponseApdu(await this.#inner.transmit(command));
    if (response.sw1 === 0x6c) {
      let decoded: CommandApdu;
      try {
        decoded = decodeCommandApdu(command);
      } catch (error) {
        if (error instanceof ApduFormatError) return join(response);
        throw error;
      }
      response = parseResponseApdu(
        await this.#inner.transmit(encodeCommandApdu({ ...decoded, le: response.sw2 === 0 ? 256 : response.sw2 })),
      );
    }
    if (response.sw1 !== 0x61) return join(response);
    const cla = (command[0] ?? 0) & 0x03;
    const parts: Uint8Array[] = [response.data];
    for (let i = 0; i < MAX_GET_RESPONSE && response.sw1 === 0x61; i += 1) {
      response = parseResponseApdu(
        await this.#inner.transmit(Uint8Array.of(cla, 0xc0, 0x00, 0x00, response.sw2)),
      );
      parts.push(response.data);
    }
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      data.set(part, offset);
      offset += part.length;
    }
    return join({ ...response, data });
  }

  /** Sends a structured command and returns the parsed response, whatever its status word. */
  async send(command: CommandApdu): Promise<ResponseApdu> {
    return parseResponseApdu(await this.transmit(encodeCommandApdu(command)));
  }

  /** Sends a command and returns its data, throwing ApduError unless the status is 9000. */
  async expectOk(command: CommandApdu, context?: string): Promise<Uint8Array> {
    const response = await this.send(command);
    if (response.sw !== 0x9000) throw new ApduError(response.sw1, response.sw2, context);
    return response.data;
  }
}

function join(response: ResponseApdu): Uint8Array {
  const out = new Uint8Array(response.data.length + 2);
  out.set(response.data);
  out[out.length - 2] = response.sw1;
  out[out.length - 1] = response.sw2;
  return out;
}
