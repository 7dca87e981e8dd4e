import { encodeCommandApdu, encodeResponseApdu, parseResponseApdu, tryDecodeCommandApdu, type CommandApdu, type ResponseApdu } from './apdu';
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
    let raw = await this.#inner.transmit(command);
    const response = parseResponseApdu(raw);
    if (response.sw1 === 0x6c) {
      const decoded = tryDecodeCommandApdu(command);
      if (!decoded) return raw;
      raw = await this.#inner.transmit(encodeCommandApdu({ ...decoded, le: response.sw2 === 0 ? 256 : response.sw2 }));
      parseResponseApdu(raw);
    }
    return followGetResponse((c) => this.#inner.transmit(c), command, raw);
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

/**
 * ISO/IEC 7816-4 §5.3.4 / §11.7.1: while the card answers 61xx, GET RESPONSE on the command's
 * logical channel fetches the next part (Le = xx). Returns all the data ‖ the last status word;
 * `first` is the card's answer to `command`, and `exchange` sends one more C-APDU.
 */
export async function followGetResponse(
  exchange: (command: Uint8Array) => Promise<Uint8Array>,
  command: Uint8Array,
  first: Uint8Array,
): Promise<Uint8Array> {
  if (first.length < 2 || first[first.length - 2] !== 0x61) return first;
  let response = parseResponseApdu(first);
  const parts: Uint8Array[] = [response.data];
  const cla = (command[0] ?? 0) & 0x03;
  for (let i = 0; i < MAX_GET_RESPONSE && response.sw1 === 0x61; i += 1) {
    const getResponse = encodeCommandApdu({ cla, ins: 0xc0, p1: 0x00, p2: 0x00, le: response.sw2 === 0 ? 256 : response.sw2 });
    response = parseResponseApdu(await exchange(getResponse));
    parts.push(response.data);
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return encodeResponseApdu({ data, sw: response.sw });
}
