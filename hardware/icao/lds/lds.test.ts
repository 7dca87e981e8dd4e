import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeMrz, crossCheckMrz, encodeDg1, mrzCheckDigit, parseDg1, parseMrzText, type MrzFields } from './dg1';
import { encodeDg11, encodeDg12, parseDg11, parseDg12 } from './dg11-dg12';
import { encodeDg15, parseDg15 } from './dg15';
import { encodeDg2, parseDg2 } from './dg2';
import { encodeEfCom, parseEfCom } from './ef-com';
import { LdsError } from './lds-error';
import { decodePortrait, encodeJpeg2000 } from './portrait';
import { encodeLdsSecurityObject, parseLdsSecurityObject, parseSod } from './sod';

// ICAO 9303-4 Appendix A specimen (Utopia).
const SPECIMEN_TD3 = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10';
const SPECIMEN_TD1 = 'I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<';
const FACE = new Uint8Array(readFileSync(new URL('../../../../shared/data/faces/bbt_amy/1.jpg', import.meta.url)));

function expectTyped(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof LdsError)) throw new Error(`untyped error: ${String(e)}`);
  }
}

describe('DG1', () => {
  it('parses the TD3 specimen with its check digits', () => {
    const dg1 = parseDg1(encodeDg1(SPECIMEN_TD3));
    expect(dg1).toMatchObject({
      format: 'TD3',
      issuingState: 'UTO',
      documentNumber: 'L898902C3',
      birthDate: '740812',
      expiryDate: '120415',
      sex: 'female',
      primaryIdentifier: 'ERIKSSON',
      secondaryIdentifier: 'ANNA MARIA',
      checkDigitsValid: true,
    });
  });

  it('parses the TD1 specimen', () => {
    const dg1 = parseMrzText(SPECIMEN_TD1);
    expect(dg1).toMatchObject({ format: 'TD1', documentNumber: 'D23145890', primaryIdentifier: 'ERIKSSON', checkDigitsValid: true });
  });

  it('flags a wrong check digit', () => {
    const bad = SPECIMEN_TD3.slice(0, 53) + '3' + SPECIMEN_TD3.slice(54);
    expect(parseMrzText(bad).checkDigitsValid).toBe(false);
  });

  it('composes MRZs that parse back (TD1, TD2, TD3)', () => {
    const arb = fc.record({
      format: fc.constantFrom<MrzFields['format']>('TD1', 'TD2', 'TD3'),
      documentCode: fc.constantFrom('P', 'I', 'ID'),
      issuingState: fc.constantFrom('UTO', 'D', 'NLD', 'GBD'), // not FRA: IDFRA on 2×36 is the French national ID layout
      documentNumber: fc.stringMatching(/^[A-Z0-9]{9}$/),
      birthDate: fc.constantFrom('740812', '010101', '991231'),
      sex: fc.constantFrom<MrzFields['sex']>('M', 'F', '<'),
      expiryDate: fc.constantFrom('300101', '351231'),
      nationality: fc.constantFrom('UTO', 'D', 'FRA'),
      primaryIdentifier: fc.stringMatching(/^[A-Z]{2,10}$/),
      secondaryIdentifier: fc.stringMatching(/^[A-Z]{2,8}$/),
    });
    fc.assert(
      fc.property(arb, (generated) => {
        // TD3 is for passports; TD1/TD2 for other documents (ICAO 9303-5/6).
        const f = { ...generated, documentCode: generated.format === 'TD3' ? 'P' : generated.documentCode.replace('P', 'I') };
        const dg1 = parseDg1(encodeDg1(composeMrz(f)));
        expect(dg1.checkDigitsValid).toBe(true);
        expect(dg1.documentNumber).toBe(f.documentNumber);
        expect(dg1.issuingState).toBe(f.issuingState);
        expect(dg1.birthDate).toBe(f.birthDate);
        expect(dg1.primaryIdentifier).toBe(f.primaryIdentifier);
        expect(dg1.secondaryIdentifier).toBe(f.secondaryIdentifier);
      }),
      { numRuns: 100 },
    );
  });

  it('cross-checks against the MRZ used for access', () => {
    const dg1 = parseMrzText(SPECIMEN_TD3);
    expect(crossCheckMrz(dg1, { documentNumber: 'L898902C3', dateOfBirth: '740812', dateOfExpiry: '120415' }).matches).toBe(true);
    expect(crossCheckMrz(dg1, { documentNumber: 'L898902C<', dateOfBirth: '740812', dateOfExpiry: '120416' })).toEqual({
      matches: false,
      mismatched: ['documentNumber', 'dateOfExpiry'],
    });
    expect(mrzCheckDigit('L898902C3')).toBe('6');
  });

  it('rejects non-MRZ text with a typed error', () => {
    expect(() => parseMrzText('HELLO')).toThrow(LdsError);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => expectTyped(() => parseDg1(b))), { numRuns: 500 });
  });
});

describe('EF.COM, DG11, DG12, DG15', () => {
  it('round-trip', () => {
    const com = { ldsVersion: '0107', unicodeVersion: '040000', dataGroups: [1, 2, 11, 12, 14, 15] };
    expect(parseEfCom(encodeEfCom(com))).toEqual(com);
    const dg11 = { fullName: 'ERIKSSON<<ANNA MARIA', otherNames: ['ANNA SVENSSON'], fullDateOfBirth: '19740812', placeOfBirth: 'ZENITH' };
    expect(parseDg11(encodeDg11(dg11))).toEqual(dg11);
    const dg12 = { issuingAuthority: 'UTOPIA PASSPORT OFFICE', dateOfIssue: '20240115', personalizationTime: '20240110093000' };
    expect(parseDg12(encodeDg12(dg12))).toEqual(dg12);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(parseDg15(encodeDg15(ec))).toMatchObject({ keyType: 'ec', namedCurveOid: '1.2.840.10045.3.1.7' });
    expect(parseDg15(encodeDg15(ec)).subjectPublicKeyInfo).toEqual(new Uint8Array(ec));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(parseDg15(encodeDg15(rsa)).keyType).toBe('rsa');
  });

  it('round-trip arbitrary contents', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 16 }), { maxLength: 16 }),
        fc.record({ fullName: text, placeOfBirth: text, otherNames: fc.array(text, { minLength: 1, maxLength: 3 }) }, { requiredKeys: ['fullName'] }),
        fc.record({ issuingAuthority: text, endorsements: text }, { requiredKeys: [] }),
        (groups, dg11, dg12) => {
          const com = { ldsVersion: '0108', unicodeVersion: '040000', dataGroups: groups };
          expect(parseEfCom(encodeEfCom(com))).toEqual(com);
          expect(parseDg11(encodeDg11(dg11))).toEqual(dg11);
          expect(parseDg12(encodeDg12(dg12))).toEqual(dg12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throw untyped errors on arbitrary bytes', () => {
    const parsers = [parseEfCom, parseDg11, parseDg12, parseDg15, parseDg2, parseSod, parseLdsSecurityObject];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...parsers), (bytes, parse) => expectTyped(() => parse(bytes))),
      { numRuns: 3000 },
    );
  });

  it('never throw untyped errors on mutated valid files', () => {
    const valid = [
      [parseEfCom, encodeEfCom({ ldsVersion: '0107', unicodeVersion: '040000', dataGroups: [1, 2] })],
      [parseDg11, encodeDg11({ fullName: 'A<<B', otherNames: ['C'] })],
      [parseDg2, encodeDg2([{ image: FACE, encoding: 'iso19794-5' }])],
      [parseDg2, encodeDg2([{ image: FACE, encoding: 'iso39794-5' }])],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), ([parse, bytes], at, value, cut) => {
        const mutated = bytes.slice(0, Math.max(1, bytes.length - (cut % 64)));
        mutated[at % mutated.length] = value;
        expectTyped(() => parse(mutated));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('DG2', () => {
  it('reads the JPEG portrait from an ISO 19794-5 and an ISO 39794-5 record', () => {
    for (const encoding of ['iso19794-5', 'iso39794-5'] as const) {
      const dg2 = parseDg2(encodeDg2([{ image: FACE, encoding }]));
      expect(dg2.portraits).toHaveLength(1);
      expect(dg2.portraits[0]).toMatchObject({ encoding, format: 'jpeg', width: 150, height: 150 });
      expect(dg2.portraits[0]?.image).toEqual(FACE);
    }
  });

  it('encodes the ISO 39794-5 block as FaceImageDataBlock [APPLICATION 5] with CBEFF format type 0x002A', () => {
    const dg2 = encodeDg2([{ image: FACE, encoding: 'iso39794-5' }]);
    const at = Buffer.from(dg2).indexOf(Buffer.from([0x7f, 0x2e]));
    expect(at).toBeGreaterThan(0);
    // 7F2E, a long-form length, then tag 65.
    const lengthOctets = (dg2[at + 2] ?? 0) & 0x7f;
    expect(dg2[at + 3 + lengthOctets]).toBe(0x65);
    expect(Buffer.from(dg2).includes(Buffer.from([0x88, 0x02, 0x00, 0x2a]))).toBe(true);
    expect(Buffer.from(encodeDg2([{ image: FACE, encoding: 'iso19794-5' }])).includes(Buffer.from([0x88, 0x02, 0x00, 0x08]))).toBe(true);
  });

  it('detects JP2 and raw J2K portraits and decodes them to RGBA', async () => {
    const pixels = await decodePortrait(FACE);
    expect(pixels).toMatchObject({ width: 150, height: 150 });
    for (const container of ['jp2', 'j2k'] as const) {
      const image = await encodeJpeg2000(pixels, { compressionRatio: 12, container });
      const dg2 = parseDg2(encodeDg2([{ image, encoding: 'iso19794-5' }]));
      expect(dg2.portraits[0]).toMatchObject({ format: container, width: 150, height: 150 });
      const decoded = await decodePortrait(dg2.portraits[0]?.image ?? new Uint8Array());
      expect(decoded.rgba.length).toBe(150 * 150 * 4);
      // Lossy, but close to the source: mean absolute error on the red channel.
      let err = 0;
      for (let i = 0; i < 150 * 150; i++) err += Math.abs((decoded.rgba[i * 4] ?? 0) - (pixels.rgba[i * 4] ?? 0));
      expect(err / (150 * 150)).toBeLessThan(12);
    }
  });

  it('decodes or refuses (typed) mutated JPEG and JPEG 2000, and keeps working afterwards', async () => {
    const pixels = await decodePortrait(FACE);
    const j2k = await encodeJpeg2000(pixels, { compressionRatio: 12, container: 'jp2' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(FACE, j2k), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(), async (image, at, x, cut) => {
        const bytes = image.slice(0, image.length - (cut % 2 === 0 ? 0 : cut % image.length));
        if (bytes.length > 0) bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ x;
        try {
          await decodePortrait(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(LdsError);
        }
      }),
      { numRuns: 60 },
    );
    expect((await decodePortrait(j2k)).width).toBe(150);
  });

  it('refuses broken images with typed errors', async () => {
    await expect(decodePortrait(Uint8Array.of(1, 2, 3))).rejects.toBeInstanceOf(LdsError);
    await expect(decodePortrait(FACE.slice(0, 200))).rejects.toBeInstanceOf(LdsError);
  });
});

describe('LDSSecurityObject', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sha1', 'sha256', 'sha384', 'sha512' as const),
        fc.uniqueArray(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 16 }),
        (hashAlgorithm, groups) => {
          const dataGroupHashes = new Map(groups.map((g) => [g, new Uint8Array(32).fill(g)]));
          const lso = parseLdsSecurityObject(encodeLdsSecurityObject({ version: 0, hashAlgorithm, dataGroupHashes }));
          expect(lso.hashAlgorithm).toBe(hashAlgorithm);
          expect(lso.dataGroupHashes).toEqual(dataGroupHashes);
        },
      ),
      { numRuns: 50 },
    );
  });
});
