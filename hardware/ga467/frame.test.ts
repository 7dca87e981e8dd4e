import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HardwareError } from '../transport/errors';
import { encodeGa467Command, encodeGa467Frame, Ga467FrameParser, type Ga467Frame } from './frame';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe('GA 467 frames (reader wire protocol §3)', () => {
  it('reproduces the worked command frames, checksums included', () => {
    expect(toHex(encodeGa467Command(0x20, 0x01))).toBe('AAAAAA966900032001' + '22');
    expect(toHex(encodeGa467Command(0x20, 0x02))).toBe('AAAAAA966900032002' + '21');
    expect(toHex(encodeGa467Command(0x30, 0x01))).toBe('AAAAAA966900033001' + '32');
  });

  it('parses the worked find-card response (CHK 97) and frames the select/read responses the same way', () => {
    const [frame] = new Ga467FrameParser().push(hex('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97'));
    expect(frame).toEqual({ kind: 'frame', body: hex('00 00 9F 00 00 00 00') });
    const select = encodeGa467Frame(Uint8Array.from([0, 0, 0x90, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(toHex(select.subarray(0, 10))).toBe('AAAAAA9669000C000090');
    const read = encodeGa467Frame(Uint8Array.from([0, 0, 0x90, 0x01, 0x00, 0x04, 0x00, ...new Uint8Array(1280)]));
    expect(toHex(read.subarray(0, 14))).toBe('AAAAAA96690508000090' + '01000400');
    expect(read.length).toBe(7 + 0x0508);
  });

  it('flags a bad checksum and resyncs after noise', () => {
    const good = encodeGa467Frame(hex('00 00 90'));
    const bad = Uint8Array.from(good);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    const frames = new Ga467FrameParser().push(Uint8Array.from([0xaa, 0x13, ...bad, 0xaa, 0xaa, ...good]));
    expect(frames.map((f) => f.kind)).toEqual(['bad-checksum', 'frame']);
  });

  const frameArb = fc.uint8Array({ minLength: 3, maxLength: 1400 }).map(encodeGa467Frame);

  it('reassembles any split of valid frames (property)', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(6000), { maxLength: 10 }), (frames, cuts) => {
        const stream = Uint8Array.from(frames.flatMap((f) => [...f]));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const parser = new Ga467FrameParser();
        const out: Ga467Frame[] = [];
        let last = 0;
        for (const p of [...points, stream.length]) {
          out.push(...parser.push(stream.subarray(last, p)));
          last = p;
        }
        expect(out).toEqual(frames.map((f) => ({ kind: 'frame', body: f.slice(7, -1) })));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws untyped errors on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), (chunks) => {
        const parser = new Ga467FrameParser();
        try {
          for (const chunk of chunks) parser.push(chunk);
          for (let i = 0; i < 100 && parser.pending; i += 1) parser.expire();
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
