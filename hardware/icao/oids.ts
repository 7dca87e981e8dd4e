/** Object identifiers of ICAO 9303-11 §9.2 and BSI TR-03110 / TR-03111 (dotted form). */
const BSI = '0.4.0.127.0.7';
export const OID = {
  idPK: `${BSI}.2.2.1`,
  idPkDh: `${BSI}.2.2.1.1`,
  idPkEcdh: `${BSI}.2.2.1.2`,
  idTA: `${BSI}.2.2.2`,
  idCA: `${BSI}.2.2.3`,
  idCaDh: `${BSI}.2.2.3.1`,
  idCaEcdh: `${BSI}.2.2.3.2`,
  idPACE: `${BSI}.2.2.4`,
  idPaceDhGm: `${BSI}.2.2.4.1`,
  idPaceEcdhGm: `${BSI}.2.2.4.2`,
  idPaceDhIm: `${BSI}.2.2.4.3`,
  idPaceEcdhIm: `${BSI}.2.2.4.4`,
  idPaceEcdhCam: `${BSI}.2.2.4.6`,
  standardizedDomainParameters: `${BSI}.1.2`,
  ecdsaPlainSignatures: `${BSI}.1.1.4.1`,
  /** id-icao-mrtd-security-aaProtocolObject */
  aaProtocolObject: '2.23.136.1.1.5',
  /** id-SecurityObject, eContentType of EF.CardSecurity */
  securityObject: `${BSI}.3.2.1`,
  ecPublicKey: '1.2.840.10045.2.1',
  dhPublicNumber: '1.2.840.10046.2.1',
  /** PKCS #3 dhKeyAgreement, as OpenSSL exports DH keys. */
  dhKeyAgreement: '1.2.840.113549.1.3.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

export const ECDSA_PLAIN_HASHES: Record<string, 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'> = {
  [`${OID.ecdsaPlainSignatures}.1`]: 'sha1',
  [`${OID.ecdsaPlainSignatures}.2`]: 'sha224',
  [`${OID.ecdsaPlainSignatures}.3`]: 'sha256',
  [`${OID.ecdsaPlainSignatures}.4`]: 'sha384',
  [`${OID.ecdsaPlainSignatures}.5`]: 'sha512',
};

export type KeyAgreement = 'DH' | 'ECDH';
export type PaceMapping = 'GM' | 'IM' | 'CAM';
export type CipherSuffix = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';
const CIPHERS: CipherSuffix[] = ['3DES', 'AES-128', 'AES-192', 'AES-256'];

export interface PaceProtocol {
  oid: string;
  agreement: KeyAgreement;
  mapping: PaceMapping;
  cipher: CipherSuffix;
}

/** Decodes an id-PACE-* protocol OID (ICAO 9303-11 §9.2.3); undefined when it is not one. */
export function paceProtocol(oid: string): PaceProtocol | undefined {
  if (!oid.startsWith(OID.idPACE + '.')) return undefined;
  const rest = oid.slice(OID.idPACE.length + 1).split('.');
  if (rest.length !== 2) return undefined;
  const [m, c] = rest.map(Number) as [number, number];
  const mapping: Record<number, [KeyAgreement, PaceMapping]> = { 1: ['DH', 'GM'], 2: ['ECDH', 'GM'], 3: ['DH', 'IM'], 4: ['ECDH', 'IM'], 6: ['ECDH', 'CAM'] };
  const mm = mapping[m];
  const cipher = CIPHERS[c - 1];
  if (!mm || !cipher || (m === 6 && c === 1)) return undefined;
  return { oid, agreement: mm[0], mapping: mm[1], cipher };
}

export function paceProtocolOid(agreement: KeyAgreement, mapping: PaceMapping, cipher: CipherSuffix): string {
  const table: Record<string, number> = { 'DH-GM': 1, 'ECDH-GM': 2, 'DH-IM': 3, 'ECDH-IM': 4, 'ECDH-CAM': 6 };
  const m = table[`${agreement}-${mapping}`];
  if (m === undefined) throw new RangeError(`no PACE protocol ${agreement}-${mapping}`);
  return `${OID.idPACE}.${m}.${CIPHERS.indexOf(cipher) + 1}`;
}

export interface CaProtocol {
  oid: string;
  agreement: KeyAgreement;
  cipher: CipherSuffix;
}

/** Decodes an id-CA-DH-* / id-CA-ECDH-* protocol OID (ICAO 9303-11 §9.2.6). */
export function caProtocol(oid: string): CaProtocol | undefined {
  if (!oid.startsWith(OID.idCA + '.')) return undefined;
  const rest = oid.slice(OID.idCA.length + 1).split('.').map(Number);
  if (rest.length !== 2) return undefined;
  const agreement = rest[0] === 1 ? 'DH' : rest[0] === 2 ? 'ECDH' : undefined;
  const cipher = CIPHERS[(rest[1] ?? 0) - 1];
  if (!agreement || !cipher) return undefined;
  return { oid, agreement, cipher };
}

export function caProtocolOid(agreement: KeyAgreement, cipher: CipherSuffix): string {
  return `${agreement === 'DH' ? OID.idCaDh : OID.idCaEcdh}.${CIPHERS.indexOf(cipher) + 1}`;
}

/** DER content bytes of an OBJECT IDENTIFIER (no tag/length), as PACE's MSE:Set AT tag 80 carries it. */
export function oidContentBytes(oid: string): Uint8Array {
  const arcs = oid.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new RangeError(`bad OID ${oid}`);
  const out: number[] = [];
  const push = (v: bigint) => {
    const tmp: number[] = [Number(v & 0x7fn)];
    v >>= 7n;
    while (v > 0n) {
      tmp.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(...tmp);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return Uint8Array.from(out);
}

export function oidFromContentBytes(bytes: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of bytes) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const a0 = first < 40n ? 0n : first < 80n ? 1n : 2n;
  return [a0, first - a0 * 40n, ...arcs].join('.');
}
