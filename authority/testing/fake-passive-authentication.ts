/**
 * TEST-ONLY stand-in for hardware/icao/pa until it is wired in: the "SOD" is a JSON list of
 * data-group SHA-256 hashes plus the DSC/CSCA digests it claims. It checks the hash binding of
 * every data group it is given (the part of step 5 the authority can test without a PKI); the
 * signature chain is what the real module adds. Active authentication is real ECDSA P-256 over
 * the challenge, with "DG15" holding the SubjectPublicKeyInfo DER.
 */
import { createHash, createPublicKey, verify, type KeyObject, sign } from 'node:crypto';
import type { ActiveAuthenticationPort, PassiveAuthenticationPort } from '../document-check';

export interface FakeSod {
  hashes: Record<string, string>;
  dsc_sha256: string;
  csca_sha256: string;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64url');

export function fakeSod(dataGroups: Record<number, Uint8Array>, dg2Hash: Uint8Array): Uint8Array {
  const hashes: Record<string, string> = { '2': Buffer.from(dg2Hash).toString('base64url') };
  for (const [n, bytes] of Object.entries(dataGroups)) hashes[n] = sha(bytes);
  const sod: FakeSod = { hashes, dsc_sha256: sha(Buffer.from('fake-dsc')), csca_sha256: sha(Buffer.from('fake-csca')) };
  return new TextEncoder().encode(JSON.stringify(sod));
}

export const fakePassiveAuthentication: PassiveAuthenticationPort = async ({ sod, dataGroups, dataGroupHashes }) => {
  let parsed: FakeSod;
  try {
    parsed = JSON.parse(Buffer.from(sod).toString('utf8')) as FakeSod;
  } catch {
    throw new Error('SOD does not decode');
  }
  for (const [n, bytes] of dataGroups) {
    if (parsed.hashes[String(n)] !== sha(bytes)) throw new Error(`DG${n} hash differs from the SOD`);
  }
  for (const [n, hash] of dataGroupHashes) {
    if (parsed.hashes[String(n)] !== Buffer.from(hash).toString('base64url')) throw new Error(`DG${n} hash differs from the SOD`);
  }
  return {
    dscSha256: new Uint8Array(Buffer.from(parsed.dsc_sha256, 'base64url')),
    cscaSha256: new Uint8Array(Buffer.from(parsed.csca_sha256, 'base64url')),
  };
};

export const fakeActiveAuthentication: ActiveAuthenticationPort = ({ dg15, challenge, signature }) => {
  const key = createPublicKey({ key: Buffer.from(dg15), format: 'der', type: 'spki' });
  return verify('sha256', challenge, { key, dsaEncoding: 'ieee-p1363' }, signature);
};

export function fakeDg15(chipKey: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(chipKey).export({ format: 'der', type: 'spki' }));
}

export function chipSign(chipKey: KeyObject, challengeHex: string): Uint8Array {
  return new Uint8Array(sign('sha256', Buffer.from(challengeHex, 'hex'), { key: chipKey, dsaEncoding: 'ieee-p1363' }));
}
