import { createHash, generateKeyPairSync } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { FileTerminalKey } from '../identity/terminal-key';
import { createRequestToken } from './request-token';

describe('createRequestToken', () => {
  it('carries the protocol members; body_sha256 only with a body; a new jti every time', async () => {
    const key = await FileTerminalKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const body = new TextEncoder().encode('{"code":"12345678"}');
    const base = { terminalId: 't-1', authorityId: 'auth', now: 1_800_000_000.7 };
    const post = await createRequestToken(key, { ...base, method: 'post', path: '/v1/sessions/s/bind-code?x=1', body });
    const { payload, protectedHeader } = await compactVerify(post, await importJWK(key.publicJwk, 'ES256'), { algorithms: ['ES256'] });
    const p = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'kiosk-request+jwt', kid: key.kid });
    expect(p).toMatchObject({ iss: 't-1', aud: 'auth', iat: 1_800_000_000, exp: 1_800_000_060, htm: 'POST', htu: '/v1/sessions/s/bind-code' });
    expect(p.body_sha256).toBe(createHash('sha256').update(body).digest('base64url'));
    const get = await createRequestToken(key, { ...base, method: 'GET', path: '/v1/csca' });
    const g = JSON.parse(Buffer.from(get.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(g).not.toHaveProperty('body_sha256');
    expect(g.jti).not.toBe(p.jti);
  });
});
