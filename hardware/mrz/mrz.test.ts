import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyboardWedgeScannerSimulator, SerialMrzScannerSimulator } from '../../fixtures/mrz/mrz-scanner-sim';
import { MRZ_SPECIMENS } from '../../fixtures/mrz/specimens';
import { HardwareError } from '../transport/errors';
import { mrzCheckDigit } from './check-digit';
import { KeyboardWedgeDecoder } from './keyboard-wedge';
import { MrzLineAssembler } from './line-assembler';
import { parseMrzDocument } from './mrz-document';
import { mrzKeyFromFields, mrzKeyFromLines } from './mrz-key';
import { openHidMrzScanner, openSerialMrzScanner } from './mrz-scanner';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

describe('MRZ parsing and the BAC/PACE key input', () => {
  it('reproduces the ICAO 9303-11 worked example MRZ_information', () => {
    expect(mrzKeyFromFields('L898902C', '690806', '940623').mrzInformation).toBe('L898902C<369080619406236');
  });

  it('computes ICAO 9303-3 check digits', () => {
    expect(mrzCheckDigit('L898902C3')).toBe('6');
    expect(mrzCheckDigit('740812')).toBe('2');
    expect(mrzCheckDigit('a')).toBeUndefined();
  });

  it.each(['td1', 'td2', 'td3'] as const)('parses the %s specimen and derives the key', (format) => {
    const lines = MRZ_SPECIMENS[format]!;
    const document = parseMrzDocument(lines);
    expect(document.format).toBe(format.toUpperCase());
    expect(document.warnings.join()).toMatch(/UTO/);
    const key = mrzKeyFromLines(lines);
    expect(key.documentNumber).toBe(document.documentNumber);
    expect(key.mrzInformation).toHaveLength(24);
    expect(key).toEqual(mrzKeyFromFields(document.documentNumber, document.dateOfBirth, document.dateOfExpiry));
  });

  it('rejects a wrong check digit and a wrong shape with typed errors', () => {
    const lines = [...MRZ_SPECIMENS.td3!];
    lines[1] = lines[1]!.slice(0, 9) + ((Number(lines[1]![9]) + 1) % 10) + lines[1]!.slice(10);
    expect(() => mrzKeyFromLines(lines)).toThrowError(expect.objectContaining({ code: 'mrz-check-digit' }));
    expect(() => mrzKeyFromLines(['P<UTO'])).toThrowError(expect.objectContaining({ code: 'mrz-format' }));
    expect(() => mrzKeyFromFields('L89', '691306', '940623')).toThrowError(expect.objectContaining({ code: 'mrz-format' }));
  });

  it('never throws an untyped error on arbitrary MRZ-alphabet input (property)', () => {
    const line = (n: number) => fc.string({ unit: fc.constantFrom(...'ABCZ0129<'), minLength: n, maxLength: n });
    fc.assert(
      fc.property(fc.oneof(fc.tuple(line(30), line(30), line(30)), fc.tuple(line(36), line(36)), fc.tuple(line(44), line(44))), (lines) => {
        try {
          mrzKeyFromLines([...lines]);
        } catch (error) {
          expect(error).toBeInstanceOf(HardwareError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('MRZ line assembly (§4)', () => {
  it('assembles any split of a CR/CRLF stream and ignores noise lines (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('td1', 'td2', 'td3'),
        fc.constantFrom('\r', '\r\n'),
        fc.array(fc.nat(200), { maxLength: 8 }),
        (format, end, cuts) => {
          const lines = MRZ_SPECIMENS[format]!;
          const text = `hello${end}${lines.join(end)}${end}${end}`;
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const assembler = new MrzLineAssembler();
          const out: string[][] = [];
          let last = 0;
          for (const p of [...points, text.length]) {
            out.push(...assembler.push(text.slice(last, p)));
            last = p;
          }
          expect(out).toEqual([lines]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decodes keyboard reports with shift, caps lock and held keys', () => {
    const decoder = new KeyboardWedgeDecoder();
    const typed = [
      [0x02, 0, 0x04, 0, 0, 0, 0, 0], // A
      [0x02, 0, 0x04, 0, 0, 0, 0, 0], // still held: no repeat
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0x02, 0, 0x36, 0, 0, 0, 0, 0], // <
      [0, 0, 0x1e, 0x27, 0, 0, 0, 0], // 1 0
      [0, 0, 0x39, 0, 0, 0, 0, 0], // caps lock on
      [0, 0, 0x05, 0, 0, 0, 0, 0], // B
      [0, 0, 0x28, 0, 0, 0, 0, 0], // Enter
    ].map((r) => decoder.push(Uint8Array.from(r)));
    expect(typed.join('')).toBe('A<10B\r');
  });
});

describe('MRZ scanners end to end', () => {
  it('reads a document from a serial scanner on a real pty', async () => {
    const sim = await SerialMrzScannerSimulator.start();
    cleanup.push(() => sim.close());
    const scanner = await openSerialMrzScanner({ path: sim.hostPath });
    cleanup.push(() => scanner.close());
    const next = scanner.nextDocument(2000);
    await sim.scan(MRZ_SPECIMENS.td1!, { noise: 'GARBAGE LINE\r\n' });
    expect(await next).toEqual(MRZ_SPECIMENS.td1);
    const second = scanner.nextDocument(2000);
    await sim.scan(MRZ_SPECIMENS.td3!, { lineEnding: '\r', trailingBlank: false });
    expect(mrzKeyFromLines(await second).documentNumber).toBe('L898902C3');
  });

  it('reads a document typed by a keyboard-wedge scanner, and times out with a typed error', async () => {
    const sim = new KeyboardWedgeScannerSimulator();
    const scanner = await openHidMrzScanner({ path: 'wedge' }, sim.opener);
    cleanup.push(() => scanner.close());
    await expect(scanner.nextDocument(20)).rejects.toMatchObject({ code: 'mrz-scan-timeout' });
    const next = scanner.nextDocument(1000);
    sim.type('user typing\r');
    sim.scan(MRZ_SPECIMENS.td2!);
    expect(await next).toEqual(MRZ_SPECIMENS.td2);
  });
});
