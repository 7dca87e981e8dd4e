import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ByteTransport, TransportEvents } from '../transport/transport';
import { TypedEmitter } from '../transport/typed-emitter';
import { SerialCcidLink } from './ccid-link';
import { CcidReader } from './ccid-reader';
import { ACK_FRAME, encodeFrame } from './serial-framing';

const STX = 0x02;

/** RDR_to_PC_SlotStatus for `seq`: processed, card present and inactive. */
const slotStatus = (seq: number) => encodeFrame(Uint8Array.of(0x81, 0, 0, 0, 0, 0, seq, 0x01, 0, 0));

/** Splits what the host wrote into frames (commands and NAKs). */
function commandFrames(bytes: number[]): { frames: Uint8Array[]; rest: number[] } {
  const frames: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== STX) {
      i += 1;
      continue;
    }
    const nak = bytes[i + 1] === 0x00;
    const need = nak ? 13 : bytes.length - i >= 6 ? 13 + ((bytes[i + 2] ?? 0) | ((bytes[i + 3] ?? 0) << 8)) : Infinity;
    if (bytes.length - i < need) break;
    frames.push(Uint8Array.from(bytes.slice(i, i + need)));
    i += need;
  }
  return { frames, rest: bytes.slice(i) };
}

/**
 * The device side of reader wire protocol §1, in memory: ACKs each command it takes, accepts no
 * new command until it has answered the current one, answers a retransmission of the command it
 * is working on with another ACK, and a repeat of the command it answered last from its memory.
 * `stall()` models a reader (or a simulator's process) that reads nothing for a while; on
 * `resume()` everything written meanwhile arrives in one piece.
 */
class ReaderOnTheLine extends TypedEmitter<TransportEvents> implements ByteTransport {
  readonly kind = 'serial' as const;
  readonly path = 'memory:reader';
  isOpen = true;
  readonly executed: number[] = [];
  readonly written: Uint8Array[] = [];
  #stalled = false;
  #rx: number[] = [];
  #busy: number | undefined;
  #last: { seq: number; response: Uint8Array } | undefined;

  stall(): void {
    this.#stalled = true;
  }

  resume(): void {
    this.#stalled = false;
    this.#drain();
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.written.push(Uint8Array.from(bytes));
    this.#rx.push(...bytes);
    if (!this.#stalled) this.#drain();
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  #drain(): void {
    const { frames, rest } = commandFrames(this.#rx);
    this.#rx = rest;
    for (const frame of frames) this.#onFrame(frame);
  }

  #onFrame(frame: Uint8Array): void {
    if (frame[1] === 0x00) {
      if (this.#busy === undefined && this.#last) this.#send(this.#last.response);
      return;
    }
    const seq = frame[7]!;
    if (this.#busy !== undefined) {
      if (seq === this.#busy) this.#send(ACK_FRAME);
      return;
    }
    if (this.#last?.seq === seq) {
      this.#send(ACK_FRAME);
      this.#send(this.#last.response);
      return;
    }
    this.#busy = seq;
    this.executed.push(seq);
    this.#send(ACK_FRAME);
    // The answer leaves once the command has run: later frames of the same piece find it busy.
    queueMicrotask(() => {
      const response = slotStatus(seq);
      this.#busy = undefined;
      this.#last = { seq, response };
      this.#send(response);
    });
  }

  #send(bytes: Uint8Array): void {
    queueMicrotask(() => this.emit('data', bytes));
  }
}

/** A line the test answers by hand, for the orderings a real reader can produce. */
class ScriptedLine extends TypedEmitter<TransportEvents> implements ByteTransport {
  readonly kind = 'serial' as const;
  readonly path = 'memory:scripted';
  isOpen = true;
  readonly written: Uint8Array[] = [];
  async write(bytes: Uint8Array): Promise<void> {
    this.written.push(Uint8Array.from(bytes));
  }
  async close(): Promise<void> {
    this.isOpen = false;
  }
  reply(bytes: Uint8Array): void {
    this.emit('data', bytes);
  }
}

const settled = <T>(promise: Promise<T>) => {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
};

/**
 * A presence poll whose first ACK and answer belonged to an earlier command: the reader
 * (scripted) sends an ACK and a stale slot status (`bStatus` 0xF0) right after the poll is written.
 */
async function pollAnsweredByAnEarlierCommand() {
  const line = new ScriptedLine();
  const reader = new CcidReader(new SerialCcidLink(line), { pollIntervalMs: 0, responseTimeoutMs: 5_000 });
  const present = settled(reader.cardPresent());
  await vi.advanceTimersByTimeAsync(0);
  expect(line.written).toHaveLength(1);
  line.reply(ACK_FRAME); // a late ACK of some earlier command, taken for ours
  line.reply(slotStatus(0xf0)); // that earlier command's answer
  return { line, reader, present };
}

describe('serial CCID link: an ACK that belonged to an earlier command', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resends a command a busy reader ignored, instead of stalling for the response timeout', async () => {
    const line = new ReaderOnTheLine();
    const reader = new CcidReader(new SerialCcidLink(line), { pollIntervalMs: 0, responseTimeoutMs: 5_000 });
    // The reader stops reading the line: the host gives up on a presence poll after its ACK retries…
    line.stall();
    const poll = settled(reader.cardPresent());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(poll.error).toMatchObject({ code: 'ccid-timeout', phase: 'ack' });
    // …and sends the next command while the reader has not even seen the first.
    const next = settled(reader.cardPresent());
    await vi.advanceTimersByTimeAsync(50);
    // Back: it takes the first command, ACKs its two copies, ignores the second (busy), answers the first.
    line.resume();
    await vi.advanceTimersByTimeAsync(400);
    expect(next).toEqual({ done: true, value: true });
    // Each command ran once.
    expect(line.executed).toEqual([0, 1]);
    expect(reader.strayResponses).toBeGreaterThanOrEqual(1);
    await reader.close();
  });

  it('does not resend a command the reader ACKs once it is idle again', async () => {
    const { line, reader, present } = await pollAnsweredByAnEarlierCommand();
    await vi.advanceTimersByTimeAsync(100);
    line.reply(ACK_FRAME); // ours, taken now that the reader is idle
    await vi.advanceTimersByTimeAsync(1_000);
    expect(line.written).toHaveLength(1);
    line.reply(slotStatus(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(present).toEqual({ done: true, value: true });
    expect(line.written).toHaveLength(1);
    await reader.close();
  });

  it('resends once no ACK follows the earlier answer, and accepts the answer to the resent command', async () => {
    const { line, reader, present } = await pollAnsweredByAnEarlierCommand();
    await vi.advanceTimersByTimeAsync(299);
    expect(line.written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(line.written).toHaveLength(2);
    expect(line.written[1]).toEqual(line.written[0]);
    line.reply(ACK_FRAME);
    line.reply(slotStatus(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(present).toEqual({ done: true, value: true });
    await reader.close();
  });

  it('resends at most twice, then the response timeout reports a typed error', async () => {
    const { line, reader, present } = await pollAnsweredByAnEarlierCommand();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(line.written).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(present.error).toMatchObject({ code: 'ccid-timeout', phase: 'response' });
    // The two resends and one NAK, nothing more.
    expect(line.written).toHaveLength(4);
    await reader.close();
  });
});
