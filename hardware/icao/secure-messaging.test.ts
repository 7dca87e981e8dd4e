import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes';
import { IcaoError, SecureMessagingError } from './errors';
import { SecureMessaging, type SessionKeys } from './secure-messaging';

// Session of ICAO 9303-11 Appendix D after BAC.
const bacKeys = (): SessionKeys => ({
  cipher: '3DES',
  encKey: fromHex('979EC13B1CBFE9DCD01AB0FED307EAE5'),
  macKey: fromHex('F1CB1F1FB5ADF208806B89DC579DC1F8'),
  ssc: 0x887022120c06c226n,
});

describe('SecureMessaging', () => {
  it('wraps SELECT EF.COM exactly as Appendix D', () => {
    const sm = new SecureMessaging(bacKeys());
    expect(toHex(sm.wrap({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Uint8Array.of(1, 0x1e) }))).toBe(
      '0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800',
    );
    expect(sm.unwrap(fromHex('990290008E08FA855A5D4C50A8ED9000')).sw).toBe(0x9000);
  });

  it('a response with a bad MAC ends the session with a typed error', () => {
    const sm = new SecureMessaging(bacKeys());
    sm.wrap({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Uint8Array.of(1, 0x1e) });
    const bad = fromHex('990290008E08FA855A5D4C50A8ED9000');
    bad[8] = bad[8]! ^ 1;
    expect(() => sm.unwrap(bad)).toThrow(expect.objectContaining({ code: 'sm-bad-mac' }));
    expect(() => sm.wrap({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 })).toThrow(SecureMessagingError);
  });

  it('a plain error status under SM ends the session', () => {
    const sm = new SecureMessaging(bacKeys());
    sm.wrap({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 });
    expect(() => sm.unwrap(fromHex('6988'))).toThrow(expect.objectContaining({ code: 'sm-plain-status' }));
  });

  it('AES round trip between two instances keeps SSCs in step (IV = E(KSenc, SSC))', () => {
    const keys: SessionKeys = { cipher: 'AES-128', encKey: new Uint8Array(16).fill(1), macKey: new Uint8Array(16).fill(2), ssc: 0n };
    const sm = new SecureMessaging(keys);
    const cmd = sm.wrap({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 });
    expect(cmd[0]).toBe(0x0c);
    expect(sm.sendSequenceCounter).toBe(1n);
  });

  it('protects Le in DO97 as the APDU layer encodes it, short up to 256 and extended above', () => {
    const keys: SessionKeys = { cipher: 'AES-128', encKey: new Uint8Array(16).fill(1), macKey: new Uint8Array(16).fill(2), ssc: 0n };
    const short = new SecureMessaging(keys).wrap({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 });
    expect(toHex(short.subarray(4, 8))).toBe('0D970100');
    expect(short.at(-1)).toBe(0x00);
    const extended = new SecureMessaging(keys).wrap({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65536 });
    expect(toHex(extended.subarray(4, 11))).toBe('00000E97020000');
    expect(toHex(extended.subarray(-2))).toBe('0000');
  });

  it('refuses a Le no APDU can carry without moving the send sequence counter', () => {
    const sm = new SecureMessaging(bacKeys());
    expect(() => sm.wrap({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 0 })).toThrow(expect.objectContaining({ code: 'apdu-format-invalid' }));
    expect(sm.sendSequenceCounter).toBe(0x887022120c06c226n);
  });

  it('property: unwrap of arbitrary bytes never throws an untyped error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom<'3DES' | 'AES-128' | 'AES-256'>('3DES', 'AES-128', 'AES-256'), (bytes, cipher) => {
        const sm = new SecureMessaging({
          cipher,
          encKey: new Uint8Array(cipher === 'AES-256' ? 32 : 16).fill(7),
          macKey: new Uint8Array(cipher === 'AES-256' ? 32 : 16).fill(9),
          ssc: 0n,
        });
        try {
          sm.unwrap(bytes);
          return false; // random bytes must never verify
        } catch (e) {
          return e instanceof IcaoError;
        }
      }),
      { numRuns: 500 },
    );
  });
});
