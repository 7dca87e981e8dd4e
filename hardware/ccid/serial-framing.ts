import { COMMAND_TYPES, HEADER_LENGTH, MAX_DATA_LENGTH, RESPONSE_TYPES } from './ccid-message';

export const STX = 0x02;
export const ETX = 0x03;

/** Reader wire protocol §1 error frames `02 XX XX 03`. */
export const ErrorFrame = {
  checksum: 0xff,
  length: 0xfe,
  missingEtx: 0xfd,
  frameTimeout: 0x99,
  badSlot: 0xfb,
} as const;
export type ErrorFrameKind = keyof typeof ErrorFrame;
const ERROR_FRAME_KIND = new Map<number, ErrorFrameKind>(
  Object.entries(ErrorFrame).map(([kind, byte]) => [byte, kind as ErrorFrameKind]),
);

export type SerialFrame =
  | { kind: 'ack' }
  | { kind: 'nak' }
  | { kind: 'error'; error: ErrorFrameKind }
  | { kind: 'notify'; slotState: number }
  | { kind: 'message'; message: Uint8Array }
  /** A complete, well-delimited frame whose CHK did not match. */
  | { kind: 'bad-checksum' };

export const ACK_FRAME = Uint8Array.of(STX, 0x00, 0x00, ETX);
export const NAK_FRAME = Uint8Array.of(STX, ...new Array<number>(11).fill(0), ETX);

export function errorFrame(kind: ErrorFrameKind): Uint8Array {
  return Uint8Array.of(STX, ErrorFrame[kind], ErrorFrame[kind], ETX);
}

export function xorChecksum(bytes: Uint8Array): number {
  let chk = 0;
  for (const b of bytes) chk ^= b;
  return chk;
}

/** `02 | CCID message | CHK | 03`, CHK = XOR of every byte of the message. */
export function encodeFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(message.length + 3);
  frame[0] = STX;
  frame.set(message, 1);
  frame[message.length + 1] = xorChecksum(message);
  frame[message.length + 2] = ETX;
  return frame;
}

export function notifyFrame(slotState: number): Uint8Array {
  return Uint8Array.of(STX, 0x50, slotState, 0x50 ^ slotState, ETX);
}

type Attempt = { frame: SerialFrame; length: number } | 'incomplete' | 'invalid';

/**
 * Streaming parser for the serial framing: accepts any split of the byte stream, merged frames
 * and interleaved garbage. A candidate that turns out not to be a frame (or fails its CHK) costs
 * one byte: the parser drops its STX and resynchronises on the next STX.
 */
export class SerialFrameParser {
  #buffer = new Uint8Array(0);

  /** True while a partial frame is buffered (the caller arms its inter-byte timeout). */
  get pending(): boolean {
    return this.#buffer.length > 0;
  }

  push(chunk: Uint8Array): SerialFrame[] {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
    return this.#drain();
  }

  /** Inter-byte timeout: the buffered candidate will never complete, so resync past its STX. */
  expire(): SerialFrame[] {
    if (this.#buffer.length === 0) return [];
    this.#buffer = this.#buffer.slice(1);
    return this.#drain();
  }

  reset(): void {
    this.#buffer = new Uint8Array(0);
  }

  #drain(): SerialFrame[] {
    const frames: SerialFrame[] = [];
    let start = 0;
    const buffer = this.#buffer;
    for (;;) {
      const stx = buffer.indexOf(STX, start);
      if (stx < 0) {
        start = buffer.length;
        break;
      }
      const attempt = tryFrame(buffer, stx);
      if (attempt === 'incomplete') {
        start = stx;
        break;
      }
      if (attempt === 'invalid') {
        start = stx + 1;
        continue;
      }
      frames.push(attempt.frame);
      // A checksum failure may be garbage posing as a frame head: rescan inside it rather than skip it.
      start = attempt.frame.kind === 'bad-checksum' ? stx + 1 : stx + attempt.length;
    }
    this.#buffer = buffer.slice(start);
    return frames;
  }
}

function tryFrame(b: Uint8Array, at: number): Attempt {
  const available = b.length - at;
  const byte = (i: number): number => b[at + i] ?? -1;
  if (available < 2) return 'incomplete';
  const first = byte(1);
  if (first === 0x00) {
    if (available < 4) return 'incomplete';
    if (byte(2) !== 0x00) return 'invalid';
    if (byte(3) === ETX) return { frame: { kind: 'ack' }, length: 4 };
    for (let i = 3; i < Math.min(available, 12); i += 1) if (byte(i) !== 0x00) return 'invalid';
    if (available < 13) return 'incomplete';
    return byte(12) === ETX ? { frame: { kind: 'nak' }, length: 13 } : 'invalid';
  }
  const errorKind = ERROR_FRAME_KIND.get(first);
  if (errorKind) {
    if (available < 4) return 'incomplete';
    return byte(2) === first && byte(3) === ETX ? { frame: { kind: 'error', error: errorKind }, length: 4 } : 'invalid';
  }
  if (first === 0x50) {
    if (available < 5) return 'incomplete';
    if (byte(4) !== ETX) return 'invalid';
    const state = byte(2);
    if (byte(3) !== (0x50 ^ state)) return { frame: { kind: 'bad-checksum' }, length: 5 };
    return { frame: { kind: 'notify', slotState: state }, length: 5 };
  }
  if (!COMMAND_TYPES.has(first) && !RESPONSE_TYPES.has(first)) return 'invalid';
  if (available < 1 + HEADER_LENGTH) return 'incomplete';
  const dataLength = byte(2) | (byte(3) << 8) | (byte(4) << 16) | (byte(5) << 24);
  if (dataLength < 0 || dataLength > MAX_DATA_LENGTH) return 'invalid';
  const total = 1 + HEADER_LENGTH + dataLength + 2;
  if (available < total) return 'incomplete';
  if (byte(total - 1) !== ETX) return 'invalid';
  const message = b.slice(at + 1, at + 1 + HEADER_LENGTH + dataLength);
  if (xorChecksum(message) !== byte(total - 2)) return { frame: { kind: 'bad-checksum' }, length: total };
  return { frame: { kind: 'message', message }, length: total };
}
