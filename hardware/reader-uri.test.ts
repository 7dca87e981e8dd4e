import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatReaderUri, parseReaderUri } from './reader-uri';
import { HardwareError } from './transport/errors';

describe('reader URIs', () => {
  it('parses every scheme', () => {
    expect(parseReaderUri('ccid-serial:/dev/ttyUSB0?baud=115200')).toEqual({ kind: 'ccid-serial', path: '/dev/ttyUSB0', baudRate: 115200 });
    expect(parseReaderUri('ccid-serial:/dev/ttyUSB0')).toMatchObject({ baudRate: 115200 });
    expect(parseReaderUri('ccid-hid:/dev/hidraw3')).toEqual({ kind: 'ccid-hid', address: { path: '/dev/hidraw3' } });
    expect(parseReaderUri('ccid-hid:072f:90CC')).toEqual({ kind: 'ccid-hid', address: { vendorId: 0x072f, productId: 0x90cc } });
    expect(parseReaderUri('ga467:/dev/ttyS0?baud=500000')).toEqual({ kind: 'ga467', path: '/dev/ttyS0', baudRate: 500000 });
    expect(parseReaderUri('ga467-hid:0400:c35a')).toMatchObject({ kind: 'ga467-hid', address: { vendorId: 0x400 } });
    expect(parseReaderUri('mrz-serial:/dev/ttyACM0')).toMatchObject({ baudRate: 9600 });
    expect(parseReaderUri('sim:ga467/wang-fang')).toEqual({ kind: 'sim', profile: 'ga467/wang-fang' });
  });

  it('rejects bad URIs with a typed error', () => {
    for (const bad of ['', 'ccid-serial:', 'usb:/dev/x', 'ccid-serial:/dev/x?baud=12345', 'ccid-serial:/dev/x?speed=9600', 'ccid-hid:72f:90cc', 'sim:', 'sim:a b', 'ga467-hid:/dev/hidraw0?x=1']) {
      expect(() => parseReaderUri(bad), bad).toThrowError(expect.objectContaining({ code: 'reader-uri-invalid' }));
    }
  });

  it('round-trips generated URIs of every scheme (property)', () => {
    const path = fc.stringMatching(/^\/dev\/[a-zA-Z0-9_]{1,12}$/);
    const hexId = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(4, '0'));
    const uri = fc.oneof(
      fc.tuple(fc.constantFrom('ccid-serial', 'ga467', 'mrz-serial'), path, fc.constantFrom(9600, 115200, 500000)).map(([k, p, b]) => `${k}:${p}?baud=${b}`),
      fc.tuple(fc.constantFrom('ccid-hid', 'ga467-hid', 'mrz-hid'), fc.oneof(path, fc.tuple(hexId, hexId).map(([v, p]) => `${v}:${p}`))).map(([k, t]) => `${k}:${t}`),
      fc.stringMatching(/^[a-z0-9][a-z0-9/_.-]{0,20}$/).map((p) => `sim:${p}`),
    );
    fc.assert(
      fc.property(uri, (text) => {
        expect(formatReaderUri(parseReaderUri(text)).toLowerCase()).toBe(text.toLowerCase());
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips through formatReaderUri and never throws untyped errors (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          const parsed = parseReaderUri(text);
          expect(parseReaderUri(formatReaderUri(parsed))).toEqual(parsed);
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
