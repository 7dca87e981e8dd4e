import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * How a pending attestation rests in the store. It carries DG1 (the MRZ) and must survive restarts
 * until submit_by, so it is sealed with AES-256-GCM under a per-terminal key file (0600, like the
 * terminal key): a copied or leaked database file does not reveal it. The jti is the AAD, so a
 * body cannot be moved to another row.
 */
export interface BodySealer {
  seal(jti: string, attestation: string): string;
  open(jti: string, stored: string): string;
}

export class SealedBodyError extends Error {
  override readonly name = 'SealedBodyError';
  readonly code = 'outbox-body-unreadable';
}

const PREFIX = 'sealed:v1:';

export class AesGcmBodySealer implements BodySealer {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new SealedBodyError('the outbox key must be 32 bytes');
  }

  seal(jti: string, attestation: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(jti));
    const sealed = Buffer.concat([cipher.update(attestation, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  open(jti: string, stored: string): string {
    // Rows written before sealing existed are plain compact JWS.
    if (!stored.startsWith(PREFIX)) return stored;
    const [iv = '', body = ''] = stored.slice(PREFIX.length).split('.');
    const bytes = Buffer.from(body, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(jti));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SealedBodyError(`attestation ${jti} cannot be unsealed (wrong key or damaged row)`, { cause: error });
    }
  }
}

/** Stores bodies as they are (tests, tools). Refuses a sealed body rather than send ciphertext. */
export const plainBodies: BodySealer = {
  seal: (_jti, a) => a,
  open: (jti, s) => {
    if (s.startsWith(PREFIX)) throw new SealedBodyError(`attestation ${jti} is sealed and this outbox has no key`);
    return s;
  },
};

/** The outbox key file (32 random bytes, mode 0600), created on first use. */
export function loadOrCreateOutboxKey(path: string): Uint8Array {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const key = readFileSync(path);
  if (key.length !== 32) throw new SealedBodyError(`${path} is not a 32-byte key`);
  return new Uint8Array(key);
}
