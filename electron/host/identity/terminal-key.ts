import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

/**
 * The terminal's ES256 signing key. The private half never leaves the key's holder: a PKCS#8 file
 * here, a PKCS#11 token later (same interface: `sign` returns the 64-byte raw r‖s, RFC 7518 §3.4).
 */
export interface TerminalKey {
  /** RFC 7638 thumbprint of `publicJwk` (b64u). */
  readonly kid: string;
  readonly publicJwk: JWK;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export class TerminalKeyError extends Error {
  override readonly name = 'TerminalKeyError';
  constructor(
    readonly code: 'terminal-key-unreadable' | 'terminal-key-permissions' | 'terminal-key-type',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function publicJwkOf(key: KeyObject): JWK {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new TerminalKeyError('terminal-key-type', 'the terminal key is not a P-256 EC key');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** A software key in a PKCS#8 PEM file of mode 0600. */
export class FileTerminalKey implements TerminalKey {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicJwk: JWK,
    readonly kid: string,
  ) {}

  static async fromKeyObject(privateKey: KeyObject): Promise<FileTerminalKey> {
    const publicJwk = publicJwkOf(privateKey);
    return new FileTerminalKey(privateKey, publicJwk, await calculateJwkThumbprint(publicJwk, 'sha256'));
  }

  /** Loads the key at `path`, generating it (mode 0600, parent 0700) on first use. */
  static async loadOrCreate(path: string): Promise<{ key: FileTerminalKey; created: boolean }> {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
      // 'wx' so two processes racing on first start cannot both write a key.
      writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      return { key: await FileTerminalKey.fromKeyObject(privateKey), created: true };
    }
    return { key: await FileTerminalKey.load(path), created: false };
  }

  static async load(path: string): Promise<FileTerminalKey> {
    let pem: string;
    try {
      if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
        throw new TerminalKeyError('terminal-key-permissions', `${path} is readable by others; expected mode 0600`);
      }
      pem = readFileSync(path, 'utf8');
    } catch (error) {
      if (error instanceof TerminalKeyError) throw error;
      throw new TerminalKeyError('terminal-key-unreadable', `cannot read the terminal key ${path}`, { cause: error });
    }
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: pem, format: 'pem' });
    } catch (error) {
      throw new TerminalKeyError('terminal-key-unreadable', `${path} is not a PKCS#8 private key`, { cause: error });
    }
    return FileTerminalKey.fromKeyObject(key);
  }

  /** For jose's CompactSign (compact-jws.ts); never exported from this process. */
  get joseKey(): KeyObject {
    return this.privateKey;
  }

  sign(data: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(nodeSign('sha256', data, { key: this.privateKey, dsaEncoding: 'ieee-p1363' })));
  }
}
