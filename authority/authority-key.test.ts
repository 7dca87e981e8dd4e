import { mkdtempSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthorityKeyError, loadOrCreateAuthorityKey } from './authority-key';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'authority-key-'));
  dirs.push(d);
  return d;
}

describe('loadOrCreateAuthorityKey', () => {
  it('generates a P-256 key with mode 0600 on first start and reloads the same key', async () => {
    const file = join(tempDir(), 'keys', 'authority.pem');
    const first = await loadOrCreateAuthorityKey(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(first.kid).toBe(await calculateJwkThumbprint(first.publicJwk, 'sha256'));
    const again = await loadOrCreateAuthorityKey(file);
    expect(again.kid).toBe(first.kid);
  });

  it('refuses a key file others can read', async () => {
    const file = join(tempDir(), 'authority.pem');
    await loadOrCreateAuthorityKey(file);
    chmodSync(file, 0o644);
    await expect(loadOrCreateAuthorityKey(file)).rejects.toBeInstanceOf(AuthorityKeyError);
  });
});
