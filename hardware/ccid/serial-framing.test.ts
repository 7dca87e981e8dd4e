import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAtr } from '../atr/atr';
import { HardwareError } from '../transport/errors';
import { decodeMessage, encodeMessage, MessageType } from './ccid-message';
import {
  ACK_FRAME,
  encodeFrame,
  errorFrame,
  NAK_FRAME,
  notifyFrame,
  SerialFrameParser,
  type ErrorFrameKind,
  type SerialFrame,
} from './serial-framing';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('CCID serial framing (reader wire protocol §1)', () => {
  it('reproduces the worked example byte for byte', () => {
    const powerOn = encodeFrame(
      encodeMessage({ type: MessageType.iccPowerOn, slot: 0, seq: 1, params: [0, 0, 0], data: new Uint8Array(0) }),
    );
    expect(Buffer.from(powerOn).toString('hex')).toBe('0262000000000001000000' + '6303');

    const parser = new SerialFrameParser();
    const frames = parser.push(
      hex('02 00 00 03 02 80 0D 00 00 00 00 01 00 00 00 3B 2A 00 80 65 24 B0 00 02 00 82 90 00 FC 03'),
    );
    expect(frames[0]).toEqual({ kind: 'ack' });
    expect(frames[1]?.kind).toBe('message');
    const message = decodeMessage((frames[1] as { message: Uint8Array }).message);
    expect(message).toMatchObject({ type: 0x80, slot: 0, seq: 1, params: [0, 0, 0] });
    expect(parseAtr(message.data).historicalBytes.length).toBe(10);
    // and the reader side encodes the same response frame
    expect(encodeFrame(encodeMessage({ ...message }))).toEqual(
      hex('02 80 0D 00 00 00 00 01 00 00 00 3B 2A 00 80 65 24 B0 00 02 00 82 90 00 FC 03'),
    );
  });

  it('recognises ACK, NAK, notify and every error frame', () => {
    const kinds: ErrorFrameKind[] = ['checksum', 'length', 'missingEtx', 'frameTimeout', 'badSlot'];
    const parser = new SerialFrameParser();
    const stream = [ACK_FRAME, NAK_FRAME, notifyFrame(0x03), ...kinds.map(errorFrame)];
    const frames = parser.push(Uint8Array.from(stream.flatMap((f) => [...f])));
    expect(frames).toEqual([
      { kind: 'ack' },
      { kind: 'nak' },
      { kind: 'notify', slotState: 3 },
      ...kinds.map((error) => ({ kind: 'error', error })),
    ]);
    expect(Buffer.from(errorFrame('checksum')).toString('hex')).toBe('02ffff03');
  });

  it('reports a bad checksum on a well-delimited frame and carries on', () => {
    const good = encodeFrame(encodeMessage({ type: 0x81, slot: 0, seq: 4, params: [0, 0, 0], data: new Uint8Array(0) }));
    const bad = Uint8Array.from(good);
    bad[bad.length - 2] = (bad[bad.length - 2] ?? 0) ^ 0x01;
    const frames = new SerialFrameParser().push(Uint8Array.from([...bad, ...good]));
    expect(frames.map((f) => f.kind)).toEqual(['bad-checksum', 'message']);
  });

  it('resynchronises on STX after garbage, and expire() abandons a stalled candidate', () => {
    const good = encodeFrame(encodeMessage({ type: 0x80, slot: 0, seq: 9, params: [0, 0, 0], data: hex('9000') }));
    const parser = new SerialFrameParser();
    // garbage that looks like the start of a long frame swallows the real one until it expires
    const frames = parser.push(Uint8Array.from([0x55, 0x02, 0x80, 0xff, 0x00, 0x00, 0x00, ...good]));
    expect(frames.map((f) => f.kind)).toEqual([]);
    expect(parser.pending).toBe(true);
    expect(parser.expire().map((f) => f.kind)).toEqual(['message']);
    expect(parser.pending).toBe(false);
  });

  const frameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
    fc.constant(ACK_FRAME),
    fc.integer({ min: 0, max: 3 }).map((s) => notifyFrame(s)),
    fc.constantFrom<ErrorFrameKind>('checksum', 'length', 'missingEtx', 'frameTimeout', 'badSlot').map(errorFrame),
    fc
      .record({
        type: fc.constantFrom(0x62, 0x63, 0x65, 0x6f, 0x6b, 0x80, 0x81, 0x83),
        seq: fc.integer({ min: 0, max: 255 }),
        params: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)),
        data: fc.uint8Array({ maxLength: 261 }),
      })
      .map((m) => encodeFrame(encodeMessage({ ...m, slot: 0 }))),
  );

  it('reassembles any split of a valid stream (property)', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(300), { maxLength: 12 }), (frames, cuts) => {
        const stream = Uint8Array.from(frames.flatMap((f) => [...f]));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const parser = new SerialFrameParser();
        const out: SerialFrame[] = [];
        let last = 0;
        for (const p of [...points, stream.length]) {
          out.push(...parser.push(stream.subarray(last, p)));
          last = p;
        }
        const expected = new SerialFrameParser().push(stream);
        expect(out).toEqual(expected);
        expect(out.length).toBe(frames.length);
        expect(parser.pending).toBe(false);
      }),
      { numRuns: 2500 },
    );
  });

  it('never throws on arbitrary bytes and finds a valid frame after them once stale bytes expire (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), frameArb, (garbage, frame) => {
        const parser = new SerialFrameParser();
        const out: SerialFrame[] = [];
        try {
          out.push(...parser.push(garbage));
          out.push(...parser.push(frame));
          for (let i = 0; i < 400 && parser.pending; i += 1) out.push(...parser.expire());
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
          return;
        }
        const wanted = new SerialFrameParser().push(frame)[0];
        expect(out).toContainEqual(wanted);
      }),
      { numRuns: 4000 },
    );
  });
});
