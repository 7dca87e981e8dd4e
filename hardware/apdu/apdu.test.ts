import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEST_AID, TestCard } from '../../fixtures/sim/test-card';
import { HardwareError } from '../transport/errors';
import { decodeCommandApdu, encodeCommandApdu, parseResponseApdu, type CommandApdu } from './apdu';
import { CardChannel } from './card-channel';
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
});
