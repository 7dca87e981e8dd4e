import { createHmac, generateKeyPairSync } from 'node:crypto';
import { CompactSign } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { b64u, signCompactJws } from '../identity/compact-jws';
import { FileTerminalKey } from '../identity/terminal-key';
import { SignatureRejectedError, verifyProtocolJws } from './verify-jws';

const newKey = () => FileTerminalKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);

describe('verifyProtocolJws', () => {
  let signer: FileTerminalKey;
  let other: FileTerminalKey;
  beforeAll(async () => {
    signer = await newKey();
    other = await newKey();
  });

  const forge = async (header: Record<string, unknown>, payload: string) => {
    const input = `${b64u(JSON.stringify(header))}.${b64u(payload)}`;
    const sig = await signer.sign(new TextEncoder().encode(input));
    return `${input}.${b64u(sig)}`;
  };

  it('accepts a good ES256 JWS and returns its payload', async () => {
    const jws = await signCompactJws(signer, 'upgrade-receipt+jwt', { jti: 'j' });
    const out = await verifyProtocolJws(jws, [other.publicJwk, signer.publicJwk], 'upgrade-receipt+jwt');
    expect(out.payload).toEqual({ jti: 'j' });
    expect(out.kid).toBe(signer.kid);
  });

  it('refuses alg none and HS256 (even keyed with the public key)', async () => {
    const none = `${b64u(JSON.stringify({ alg: 'none', typ: 'upgrade-receipt+jwt', kid: signer.kid }))}.${b64u('{"jti":"j"}')}.`;
    await expect(verifyProtocolJws(none, [signer.publicJwk], 'upgrade-receipt+jwt')).rejects.toThrow(/alg "none" refused/);
    const header = b64u(JSON.stringify({ alg: 'HS256', typ: 'upgrade-receipt+jwt', kid: signer.kid }));
    const input = `${header}.${b64u('{"jti":"j"}')}`;
    const mac = createHmac('sha256', JSON.stringify(signer.publicJwk)).update(input).digest();
    await expect(verifyProtocolJws(`${input}.${b64u(mac)}`, [signer.publicJwk], 'upgrade-receipt+jwt')).rejects.toThrow(
      SignatureRejectedError,
    );
  });

  it('refuses crit, a wrong typ, duplicate members, an unknown kid and a bad signature', async () => {
    const typ = 'upgrade-receipt+jwt';
    await expect(verifyProtocolJws(await forge({ alg: 'ES256', typ, kid: signer.kid, crit: ['x'], x: 1 }, '{}'), [signer.publicJwk], typ)).rejects.toThrow(/crit/);
    await expect(verifyProtocolJws(await signCompactJws(signer, 'other+jwt', {}), [signer.publicJwk], typ)).rejects.toThrow(/typ/);
    await expect(verifyProtocolJws(await forge({ alg: 'ES256', typ, kid: signer.kid }, '{"jti":"a","jti":"b"}'), [signer.publicJwk], typ)).rejects.toThrow(/duplicate/);
    await expect(verifyProtocolJws(await signCompactJws(signer, typ, {}), [other.publicJwk], typ)).rejects.toThrow(/kid/);
    // kid claims the trusted key, signature is by another key
    const claimed = await forge({ alg: 'ES256', typ, kid: other.kid }, '{}');
    await expect(verifyProtocolJws(claimed, [other.publicJwk], typ)).rejects.toThrow(/does not verify/);
    const good = await signCompactJws(signer, typ, { jti: 'a' });
    const [h, , s] = good.split('.');
    await expect(verifyProtocolJws(`${h}.${b64u('{"jti":"b"}')}.${s}`, [signer.publicJwk], typ)).rejects.toThrow(/does not verify/);
  });

  it('interoperates with jose-produced ES256 JWS', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await FileTerminalKey.fromKeyObject(privateKey);
    const jws = await new CompactSign(new TextEncoder().encode('{"a":1}'))
      .setProtectedHeader({ alg: 'ES256', typ: 't+jwt', kid: key.kid })
      .sign(privateKey);
    expect((await verifyProtocolJws(jws, [key.publicJwk], 't+jwt')).payload).toEqual({ a: 1 });
  });
});
