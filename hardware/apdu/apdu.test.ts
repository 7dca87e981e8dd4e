import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEST_AID, TestCard } from '../../fixtures/sim/test-card';
import { HardwareError } from '../transport/errors';
import {
  decodeCommandApdu,
  decodeLe,
  encodeCommandApdu,
  encodeLe,
  encodeResponseApdu,
  isExtendedCommandApdu,
  parseResponseApdu,
  responseApdu,
  tryDecodeCommandApdu,
  type CommandApdu,
} from './apdu';
import { CardChannel, followGetResponse } from './card-channel';
import { ApduError, statusWordCode } from './status-words';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe('command APDU encoding (ISO/IEC 7816-4 §5.1)', () => {
  it('encodes the four cases short and extended', () => {
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0x84, p1: 0, p2: 0 }))).toBe('00840000');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }))).toBe('0084000008');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }))).toBe('00B0000000');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Uint8Array.of(1, 0x1e) }))).toBe('00A4020C02011E');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65536 }))).toBe('00B00000000000');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1000 }))).toBe('00B000000003E8');
    expect(toHex(encodeCommandApdu({ cla: 0, ins: 0x2a, p1: 0, p2: 0, data: new Uint8Array(300), le: 256 })).slice(0, 14)).toBe('002A000000012C');
    expect(() => encodeCommandApdu({ cla: 0x100, ins: 0, p1: 0, p2: 0 })).toThrowError(expect.objectContaining({ code: 'apdu-format-invalid' }));
  });

  const commandArb: fc.Arbitrary<CommandApdu> = fc.record(
    {
      cla: fc.nat(255),
      ins: fc.nat(255),
      p1: fc.nat(255),
      p2: fc.nat(255),
      data: fc.uint8Array({ minLength: 1, maxLength: 400 }),
      le: fc.integer({ min: 1, max: 65536 }),
    },
    { requiredKeys: ['cla', 'ins', 'p1', 'p2'] },
  );

  it('decode(encode(c)) = c for every case (property)', () => {
    fc.assert(
      fc.property(commandArb, (command) => {
        expect(decodeCommandApdu(encodeCommandApdu(command))).toEqual(command);
      }),
      { numRuns: 1000 },
    );
  });

  it('tryDecodeCommandApdu gives undefined exactly where decodeCommandApdu refuses', () => {
    expect(tryDecodeCommandApdu(Uint8Array.of(0, 0xb0, 0, 0, 0))).toEqual({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 });
    expect(tryDecodeCommandApdu(Uint8Array.of(0, 0xa4, 0, 0, 2, 1))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        let decoded;
        try {
          decoded = decodeCommandApdu(bytes);
        } catch {
          decoded = undefined;
        }
        expect(tryDecodeCommandApdu(bytes)).toEqual(decoded);
      }),
    );
  });

  it('never throws untyped errors decoding arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeCommandApdu(bytes);
          parseResponseApdu(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('Le field (ISO/IEC 7816-4 §5.1)', () => {
  it('encodes 256 as 00 short and 65536 as 00 00 extended, and reads them back', () => {
    expect(toHex(encodeLe(8, false))).toBe('08');
    expect(toHex(encodeLe(256, false))).toBe('00');
    expect(toHex(encodeLe(256, true))).toBe('0100');
    expect(toHex(encodeLe(1000, true))).toBe('03E8');
    expect(toHex(encodeLe(65536, true))).toBe('0000');
    expect(decodeLe(Uint8Array.of(0))).toBe(256);
    expect(decodeLe(Uint8Array.of(0, 0))).toBe(65536);
    expect(decodeLe(Uint8Array.of(0x03, 0xe8))).toBe(1000);
  });

  it('refuses a Le the field cannot carry, with a typed error', () => {
    for (const [le, extended] of [[0, false], [257, false], [65537, true], [1.5, true]] as const) {
      expect(() => encodeLe(le, extended)).toThrowError(expect.objectContaining({ code: 'apdu-format-invalid' }));
    }
    expect(() => decodeLe(new Uint8Array(3))).toThrowError(expect.objectContaining({ code: 'apdu-format-invalid' }));
  });

  it('decodeLe(encodeLe(le)) = le (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65536 }), (le) => {
        if (le <= 256) expect(decodeLe(encodeLe(le, false))).toBe(le);
        expect(decodeLe(encodeLe(le, true))).toBe(le);
      }),
    );
  });

  it('tells extended from short commands', () => {
    expect(isExtendedCommandApdu(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }))).toBe(false);
    expect(isExtendedCommandApdu(encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 257 }))).toBe(true);
    expect(isExtendedCommandApdu(encodeCommandApdu({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: new Uint8Array(2) }))).toBe(false);
    expect(isExtendedCommandApdu(encodeCommandApdu({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: new Uint8Array(2) }, { extended: true }))).toBe(true);
    expect(isExtendedCommandApdu(Uint8Array.of(0, 0x84, 0, 0))).toBe(false);
  });
});

describe('response APDU', () => {
  it('builds, encodes and parses data ‖ SW1 SW2 with the status word as one number', () => {
    const response = responseApdu(Uint8Array.of(1, 2), 0x6282);
    expect(response).toEqual({ data: Uint8Array.of(1, 2), sw1: 0x62, sw2: 0x82, sw: 0x6282 });
    expect(toHex(encodeResponseApdu(response))).toBe('01026282');
    expect(toHex(encodeResponseApdu({ data: new Uint8Array(0), sw: 0x9000 }))).toBe('9000');
    expect(() => responseApdu(new Uint8Array(0), 0x10000)).toThrowError(expect.objectContaining({ code: 'apdu-format-invalid' }));
    expect(() => encodeResponseApdu({ data: new Uint8Array(0), sw: -1 })).toThrowError(expect.objectContaining({ code: 'apdu-format-invalid' }));
  });

  it('parse(encode(r)) = r (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(0xffff), (data, sw) => {
        expect(parseResponseApdu(encodeResponseApdu({ data, sw }))).toEqual(responseApdu(data, sw));
      }),
    );
  });
});

describe('status words', () => {
  it('maps status words to typed errors', () => {
    const error = new ApduError(0x69, 0x82);
    expect(error.code).toBe('security-status-not-satisfied');
    expect(error).toBeInstanceOf(HardwareError);
    expect(new ApduError(0x63, 0xc2).retriesLeft).toBe(2);
    expect(statusWordCode(0x6a, 0x82)).toBe('file-not-found');
    expect(statusWordCode(0x6d, 0x12)).toBe('ins-not-supported');
    expect(statusWordCode(0x90, 0x00)).toBe('ok');
    expect(statusWordCode(0x12, 0x34)).toBe('sw-1234');
  });
});

describe('CardChannel', () => {
  function setup() {
    const card = new TestCard();
    card.reset();
    return { card, channel: new CardChannel({ transmit: async (c) => card.transmit(c) }) };
  }

  it('follows 61xx with GET RESPONSE until all data is read', async () => {
    const { channel, card } = setup();
    const response = await channel.send({ cla: 0, ins: 0xca, p1: 0, p2: 0, le: 256 });
    expect(response.sw).toBe(0x9000);
    expect(response.data).toEqual(Uint8Array.from({ length: 300 }, (_, i) => i & 0xff));
    expect(card.received.filter((c) => c[1] === 0xc0)).toHaveLength(2);
  });

  it('re-issues a 6Cxx command with the right Le', async () => {
    const { channel, card } = setup();
    const response = await channel.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 256 });
    expect(response.sw).toBe(0x9000);
    expect(response.data.length).toBe(8);
    expect(toHex(card.received.at(-1)!)).toBe('0084000008');
  });

  it('expectOk throws the typed status-word error', async () => {
    const { channel } = setup();
    await expect(channel.expectOk({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 })).rejects.toMatchObject({
      code: 'no-current-ef',
      sw1: 0x69,
      sw2: 0x86,
    });
    await channel.expectOk({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: TEST_AID });
    expect((await channel.expectOk({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 })).length).toBe(4);
  });

  it('followGetResponse joins 61xx parts, asks on the command\'s logical channel and stops at 64 rounds', async () => {
    const sent: string[] = [];
    const parts = [Uint8Array.of(0xaa, 0x61, 0x02), Uint8Array.of(0xbb, 0xcc, 0x90, 0x00)];
    const joined = await followGetResponse(
      async (c) => {
        sent.push(toHex(c));
        return parts.shift()!;
      },
      Uint8Array.of(0x03, 0xca, 0, 0, 0),
      Uint8Array.of(0x11, 0x61, 0x00),
    );
    expect(sent).toEqual(['03C0000000', '03C0000002']);
    expect(toHex(joined)).toBe('11AABBCC9000');

    let rounds = 0;
    const endless = await followGetResponse(
      async () => {
        rounds += 1;
        return Uint8Array.of(0x61, 0x01);
      },
      Uint8Array.of(0, 0xca, 0, 0, 0),
      Uint8Array.of(0x61, 0x01),
    );
    expect(rounds).toBe(64);
    expect(toHex(endless)).toBe('6101');
    const plain = Uint8Array.of(0x6a, 0x82);
    expect(await followGetResponse(async () => Uint8Array.of(0x90, 0), Uint8Array.of(0, 0xb0, 0, 0, 0), plain)).toBe(plain);
    await expect(followGetResponse(async () => Uint8Array.of(0x90), Uint8Array.of(0, 0xca, 0, 0, 0), Uint8Array.of(0x61, 0))).rejects.toMatchObject({
      code: 'apdu-format-invalid',
    });
  });
});
