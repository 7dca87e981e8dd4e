import { randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectory } from '../store/test-support';
import { AesGcmBodySealer, SealedBodyError, loadOrCreateOutboxKey } from './sealed-body';

describe('AesGcmBodySealer', () => {
  const sealer = new AesGcmBodySealer(new Uint8Array(randomBytes(32)));
  const jws = 'eyJhbGciOiJFUzI1NiJ9.eyJkb2MiOiJQPFVUT0VSSUtTU09OIn0.c2ln';

  it('round-trips and hides the attestation', () => {
    const jti = randomUUID();
    const sealed = sealer.seal(jti, jws);
    expect(sealed).not.toContain('eyJkb2Mi');
    expect(sealer.open(jti, sealed)).toBe(jws);
    expect(sealer.seal(jti, jws)).not.toBe(sealed);
  });

  it('refuses another row’s jti, another key and a flipped byte, with a typed error', () => {
    const jti = randomUUID();
    const sealed = sealer.seal(jti, jws);
    expect(() => sealer.open(randomUUID(), sealed)).toThrow(SealedBodyError);
    expect(() => new AesGcmBodySealer(new Uint8Array(32)).open(jti, sealed)).toThrow(SealedBodyError);
    const flipped = sealed.slice(0, -3) + (sealed.at(-3) === 'A' ? 'B' : 'A') + sealed.slice(-2);
    expect(() => sealer.open(jti, flipped)).toThrow(expect.objectContaining({ code: 'outbox-body-unreadable' }));
  });

  it('reads plain rows written before sealing; the plain codec refuses sealed rows', async () => {
    expect(sealer.open('x', jws)).toBe(jws);
    const { plainBodies } = await import('./sealed-body');
    expect(() => plainBodies.open('x', sealer.seal('x', jws))).toThrow(SealedBodyError);
  });

  it('creates a 0600 key file once', () => {
    const dir = scratchDirectory();
    try {
      const path = join(dir.path, 'outbox.key');
      const key = loadOrCreateOutboxKey(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(loadOrCreateOutboxKey(path)).toEqual(key);
    } finally {
      dir.remove();
    }
  });
});
