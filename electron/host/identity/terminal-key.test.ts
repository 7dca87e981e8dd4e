import { statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { compactVerify, importJWK, calculateJwkThumbprint } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scratchDirectory } from '../store/test-support';
import { signCompactJws } from './compact-jws';
import { FileTerminalKey, TerminalKeyError } from './terminal-key';

describe('FileTerminalKey', () => {
  let dir: ReturnType<typeof scratchDirectory>;
  beforeEach(() => {
    dir = scratchDirectory();
  });
  afterEach(() => dir.remove());

  it('creates a P-256 PKCS#8 key with mode 0600 and reloads the same key', async () => {
    const path = join(dir.path, 'keys', 'terminal.pem');
    const first = await FileTerminalKey.loadOrCreate(path);
    expect(first.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = await FileTerminalKey.loadOrCreate(path);
    expect(second.created).toBe(false);
    expect(second.key.kid).toBe(first.key.kid);
    expect(first.key.kid).toBe(await calculateJwkThumbprint(first.key.publicJwk, 'sha256'));
    expect(first.key.publicJwk).not.toHaveProperty('d');
  });

  it('produces ES256 JWS that jose verifies with the public JWK, and only with it', async () => {
    const { key } = await FileTerminalKey.loadOrCreate(join(dir.path, 'a.pem'));
    const { key: other } = await FileTerminalKey.loadOrCreate(join(dir.path, 'b.pem'));
    const jws = await signCompactJws(key, 'kiosk-request+jwt', { hello: 'world' });
    const verified = await compactVerify(jws, await importJWK(key.publicJwk, 'ES256'), { algorithms: ['ES256'] });
    expect(verified.protectedHeader).toEqual({ alg: 'ES256', typ: 'kiosk-request+jwt', kid: key.kid });
    await expect(compactVerify(jws, await importJWK(other.publicJwk, 'ES256'))).rejects.toThrow();
  });

  it('refuses a key file readable by others, and a file that is not a key', async () => {
    const path = join(dir.path, 'k.pem');
    await FileTerminalKey.loadOrCreate(path);
    chmodSync(path, 0o644);
    await expect(FileTerminalKey.load(path)).rejects.toMatchObject({ code: 'terminal-key-permissions' });
    const junk = join(dir.path, 'junk.pem');
    writeFileSync(junk, 'not a key', { mode: 0o600 });
    await expect(FileTerminalKey.load(junk)).rejects.toBeInstanceOf(TerminalKeyError);
  });
});

describe('signCompactJws with a token-held key', () => {
  it('builds the same verifiable JWS from the raw signature alone', async () => {
    const file = await FileTerminalKey.fromKeyObject((await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const tokenLike = { kid: file.kid, publicJwk: file.publicJwk, sign: (data: Uint8Array) => file.sign(data) };
    const jws = await signCompactJws(tokenLike, 'kiosk-upgrade+jwt', { a: 1 });
    const out = await compactVerify(jws, await importJWK(file.publicJwk, 'ES256'), { algorithms: ['ES256'] });
    expect(JSON.parse(new TextDecoder().decode(out.payload))).toEqual({ a: 1 });
  });
});
