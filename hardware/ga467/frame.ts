import { HardwareError } from '../transport/errors';

/** Reader wire protocol §3 (GA 467 SAM frames). */
export const PREAMBLE = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69);
/** Longest LEN accepted: read text + photo is 0x0508; anything far beyond is noise. */
export const MAX_FRAME_LEN = 0x1000;

export class Ga467FrameError extends HardwareError {
  constructor(message: string) {
    super('ga467-frame-invalid', message);
  }
}

/** CHK: XOR of every byte after the preamble, LEN included, CHK excluded. */
export function ga467Checksum(bytes: Uint8Array): number {
  let chk = 0;
  for (const b of bytes) chk ^= b;
  return chk;
}

/** `AA AA AA 96 69 | LEN | body | CHK` where body is CMD PARA DATA (or SW1 SW2 SW3 DATA). */
export function encodeGa467Frame(body: Uint8Array): Uint8Array {
  const len = body.length + 1;
  if (len > MAX_FRAME_LEN) throw new Ga467FrameError(`frame body too long (${body.length})`);
  const frame = new Uint8Array(PREAMBLE.length + 2 + len);
  frame.set(PREAMBLE);
  frame[5] = len >> 8;
  frame[6] = len & 0xff;
  frame.set(body, 7);
  frame[frame.length - 1] = ga467Checksum(frame.subarray(5, frame.length - 1));
  return frame;
}

export function encodeGa467Command(cmd: number, para: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeGa467Frame(Uint8Array.from([cmd, para, ...data]));
}

export type Ga467Frame = { kind: 'frame'; body: Uint8Array } | { kind: 'bad-checksum' };

/** Streaming parser: any split, merged frames, noise; resyncs on the preamble after a bad candidate. */
export class Ga467FrameParser {
  #buffer = new Uint8Array(0);

  get pending(): boolean {
    return this.#buffer.length > 0;
  }

  push(chunk: Uint8Array): Ga467Frame[] {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
    const frames: Ga467Frame[] = [];
    let start = 0;
    const b = this.#buffer;
    for (;;) {
      const at = findPreamble(b, start);
      if (at < 0) {
        // keep a possible preamble prefix at the tail
        start = Math.max(start, b.length - (PREAMBLE.length - 1));
        while (start < b.length && b[start] !== 0xaa) start += 1;
        break;
      }
      if (b.length - at < 7) {
        start = at;
        break;
      }
      const len = ((b[at + 5] ?? 0) << 8) | (b[at + 6] ?? 0);
      if (len < 1 || len > MAX_FRAME_LEN) {
        start = at + 1;
        continue;
      }
      const end = at + 7 + len;
      if (b.length < end) {
        start = at;
        break;
      }
      const chk = b[end - 1];
      if (ga467Checksum(b.subarray(at + 5, end - 1)) !== chk) {
        frames.push({ kind: 'bad-checksum' });
        start = at + 1;
        continue;
      }
      frames.push({ kind: 'frame', body: b.slice(at + 7, end - 1) });
      start = end;
    }
    this.#buffer = b.slice(start);
    return frames;
  }

  /** Abandons a stalled candidate (inter-byte timeout). */
  expire(): Ga467Frame[] {
    if (this.#buffer.length === 0) return [];
    const rest = this.#buffer.slice(1);
    this.#buffer = new Uint8Array(0);
    return this.push(rest);
  }

  reset(): void {
    this.#buffer = new Uint8Array(0);
  }
}

function findPreamble(b: Uint8Array, from: number): number {
  outer: for (let i = from; i + PREAMBLE.length <= b.length; i += 1) {
    for (let j = 0; j < PREAMBLE.length; j += 1) if (b[i + j] !== PREAMBLE[j]) continue outer;
    return i;
  }
  return -1;
}
