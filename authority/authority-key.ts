import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JWK } from 'jose';
import { jwkThumbprint } from './jws';

export class AuthorityKeyError extends Error {
  readonly code = 'authority-key';
  constructor(message: string) {
    super(message);
    this.name = 'AuthorityKeyError';
  }
}

export interface AuthorityKey {
  privateKey: KeyObject;
  publicJwk: JWK;
  kid: string;
}

/** Loads the ES256 signing key (PKCS#8 PEM), generating it with mode 0600 on first start. */
export async function loadOrCreateAuthorityKey(file: string): Promise<AuthorityKey> {
  let pem: string;
  try {
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new AuthorityKeyError(`${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    }
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  }
  return authorityKeyFromPem(pem);
}

export async function authorityKeyFromPem(pem: string): Promise<AuthorityKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new AuthorityKeyError('authority key is not a PKCS#8 PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AuthorityKeyError('authority key must be EC P-256 (ES256)');
  }
  const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicJwk: JWK = { kty: kty!, crv: crv!, x: x!, y: y! };
  const kid = await jwkThumbprint(publicJwk);
  return { privateKey, publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' }, kid };
}
