import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TerminalKeyError } from './terminal-key';

/**
 * The per-terminal HMAC key under which identifiers enter the audit log (file, 32 random bytes,
 * mode 0600). Without it a pseudonym cannot be linked to a person, not even by a store dump.
 */
export function loadOrCreatePseudonymSecret(path: string): Uint8Array {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const secret = readFileSync(path);
  if (secret.length !== 32) throw new TerminalKeyError('terminal-key-unreadable', `${path} is not a 32-byte secret`);
  return new Uint8Array(secret);
}
