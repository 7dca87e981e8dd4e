import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCompactJws, JwsError, parseJwsPayload, publicP256Jwk, signCompactJws, verifyCompactJws } from './jws';

const b64u = (s: string) => Buffer.from(s).toString('base64url');
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = publicKey.export({ format: 'jwk' }) as never;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as JwsError).code;
  }
  return undefined;
}

describe('strict JWS decoding', () => {
  it('accepts ES256 with the expected typ and a kid, and verifies the signature', async () => {
    const jws = await signCompactJws({ a: 1 }, 'x+jwt', 'kid-1', privateKey);
    const decoded = decodeCompactJws(jws, 'x+jwt');
    expect(decoded.header).toEqual({ alg: 'ES256', typ: 'x+jwt', kid: 'kid-1' });
    expect(parseJwsPayload(decoded.payload)).toEqual({ a: 1 });
    await expect(verifyCompactJws(jws, jwk)).resolves.toBeUndefined();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as never;
    await expect(verifyCompactJws(jws, other)).rejects.toMatchObject({ code: 'jws-signature' });
  });

  it('separates malformed input from header rule violations', () => {
    expect(codeOf(() => decodeCompactJws('a.b', 'x'))).toBe('jws-malformed');
    expect(codeOf(() => decodeCompactJws(`${b64u('[1]')}.e30.sig`, 'x'))).toBe('jws-malformed');
    expect(codeOf(() => decodeCompactJws(`${b64u('{"alg":"none","typ":"x","kid":"k"}')}.e30.sig`, 'x'))).toBe('jws-header');
    expect(codeOf(() => decodeCompactJws(`${b64u('{"alg":"HS256","typ":"x","kid":"k"}')}.e30.sig`, 'x'))).toBe('jws-header');
    expect(codeOf(() => decodeCompactJws(`${b64u('{"alg":"ES256","typ":"x","kid":"k","crit":[]}')}.e30.sig`, 'x'))).toBe('jws-header');
    expect(codeOf(() => decodeCompactJws(`${b64u('{"alg":"ES256","typ":"x","kid":"k","kid":"j"}')}.e30.sig`, 'x'))).toBe('jws-header');
    expect(codeOf(() => decodeCompactJws(`${b64u('{"alg":"ES256","typ":"y","kid":"k"}')}.e30.sig`, 'x'))).toBe('jws-header');
    expect(codeOf(() => decodeCompactJws(`${b64u('{"alg":"ES256","typ":"x"}')}.e30.sig`, 'x'))).toBe('jws-header');
  });

  it('keeps only public P-256 members of a JWK and refuses private or other keys', () => {
    expect(publicP256Jwk({ ...(jwk as object), alg: 'ES256' })).toEqual({ kty: 'EC', crv: 'P-256', x: (jwk as { x: string }).x, y: (jwk as { y: string }).y });
    expect(() => publicP256Jwk(privateKey.export({ format: 'jwk' }))).toThrow(JwsError);
    expect(() => publicP256Jwk({ kty: 'EC', crv: 'P-384', x: 'a', y: 'b' })).toThrow(JwsError);
    expect(() => publicP256Jwk({ kty: 'EC', crv: 'P-256', x: b64u('x'.repeat(32)), y: b64u('y'.repeat(32)) })).toThrow(/not a point/);
  });
});
