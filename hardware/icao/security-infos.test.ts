import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes';
import { SecurityInfosError } from './errors';
import { OID } from './oids';
import { encodeDg14, encodeSecurityInfos, parseSecurityInfos, type SecurityInfo } from './security-infos';

describe('SecurityInfos', () => {
  it('parses the EF.CardAccess of ICAO 9303-11 Appendix G.1 (ECDH-GM, AES-128, brainpoolP256r1)', () => {
    const infos = parseSecurityInfos(fromHex('31143012060A04007F0007020204020202010202010D'));
    expect(infos).toEqual([{ kind: 'PACEInfo', protocol: '0.4.0.127.0.7.2.2.4.2.2', version: 2, parameterId: 13 }]);
    expect(toHex(encodeSecurityInfos(infos))).toBe('31143012060A04007F0007020204020202010202010D');
  });

  const spki = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' }));

  it('round-trips every kind, including unknown entries, through DG14', () => {
    const infos: SecurityInfo[] = [
      { kind: 'PACEInfo', protocol: `${OID.idPaceDhGm}.2`, version: 2, parameterId: 0 },
      { kind: 'PACEDomainParameterInfo', protocol: OID.idPaceEcdhGm, domainParameter: { algorithm: OID.standardizedDomainParameters, parameters: fromHex('02010D') }, parameterId: 5 },
      { kind: 'ChipAuthenticationInfo', protocol: `${OID.idCaEcdh}.2`, version: 1, keyId: 1 },
      { kind: 'ChipAuthenticationDomainParameterInfo', protocol: OID.idCaEcdh, domainParameter: { algorithm: OID.standardizedDomainParameters, parameters: fromHex('02010D') } },
      { kind: 'ChipAuthenticationPublicKeyInfo', protocol: OID.idPkEcdh, subjectPublicKeyInfo: spki, keyId: 1 },
      { kind: 'ActiveAuthenticationInfo', protocol: OID.aaProtocolObject, version: 1, signatureAlgorithm: `${OID.ecdsaPlainSignatures}.3` },
      { kind: 'TerminalAuthenticationInfo', protocol: OID.idTA, version: 1 },
      // SEQUENCE { OID 1.2.3.4, OCTET STRING 0A }: an entry this codec does not know
      { kind: 'Unknown', protocol: '1.2.3.4', der: fromHex('300806032A030404010A') },
    ];
    const dg14 = encodeDg14(infos);
    expect(dg14[0]).toBe(0x6e);
    expect(parseSecurityInfos(dg14)).toEqual(infos);
  });

  it('rejects garbage with a typed error', () => {
    expect(() => parseSecurityInfos(fromHex('3003020101'))).toThrow(SecurityInfosError);
    expect(() => parseSecurityInfos(fromHex('31033001'))).toThrow(SecurityInfosError);
  });

  it('property: arbitrary bytes give SecurityInfos or a SecurityInfosError, never anything else', () => {
    const structured = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.uint8Array({ maxLength: 60 }).map((b) => Uint8Array.of(0x31, b.length, ...b)),
      fc.uint8Array({ maxLength: 60 }).map((b) => Uint8Array.of(0x31, b.length + 2, 0x30, b.length, ...b)),
    );
    fc.assert(
      fc.property(structured, (bytes) => {
        try {
          parseSecurityInfos(bytes);
          return true;
        } catch (e) {
          return e instanceof SecurityInfosError;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
