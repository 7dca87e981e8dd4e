import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log';
import { FileTerminalKey } from '../identity/terminal-key';
import { openStore, type KioskStore } from '../store/database';
import { StoreFullError } from '../store/errors';
import { scratchDirectory } from '../store/test-support';
import { AttestationError, buildAttestationPayload, queueDecidedUpgrade } from './attestation';
import { sampleDecidedUpgrade } from './sample-upgrade';
import { AttestationPayload } from './schema';

const session = () => ({
  session_id: randomUUID(),
  nonce: randomBytes(32).toString('base64url'),
  policy_version: 'p1',
  submit_by: new Date(Date.now() + 86_400_000).toISOString(),
});

describe('attestation', () => {
  let dir: ReturnType<typeof scratchDirectory>;
  let store: KioskStore;
  let key: FileTerminalKey;
  let audit: AuditLog;
  beforeEach(async () => {
    dir = scratchDirectory();
    store = openStore(join(dir.path, 'kiosk.db'));
    key = await FileTerminalKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    audit = new AuditLog(store, key, new Uint8Array(32));
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  it('is signed ES256 with typ kiosk-upgrade+jwt, exp = submit_by, a UUID jti and the audit head', async () => {
    const s = session();
    audit.append({ kind: 'session-opened', session_id: s.session_id, policy_version: 'p1' });
    const headBefore = audit.head();
    const queued = await queueDecidedUpgrade(sampleDecidedUpgrade({ session: s }), { store, audit, key });
    expect(decodeProtectedHeader(queued.attestation)).toEqual({ alg: 'ES256', typ: 'kiosk-upgrade+jwt', kid: key.kid });
    const { payload } = await compactVerify(queued.attestation, await importJWK(key.publicJwk, 'ES256'));
    const p = AttestationPayload.parse(JSON.parse(new TextDecoder().decode(payload)));
    expect(p.exp).toBe(Math.floor(Date.parse(s.submit_by) / 1000));
    expect(p.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p.audit).toEqual({ tree_size: headBefore.treeSize, root: Buffer.from(headBefore.root).toString('base64url') });
    expect(Object.keys(p).sort()).toEqual(
      ['iss', 'aud', 'iat', 'exp', 'jti', 'session_id', 'nonce', 'policy_version', 'sw', 'doc', 'bio', 'consent', 'audit'].sort(),
    );
  });

  it('lands in the outbox and the audit log together', async () => {
    const queued = await queueDecidedUpgrade(sampleDecidedUpgrade({ session: session() }), { store, audit, key });
    expect(store.db.prepare('SELECT jti, state, body FROM outbox').all()).toEqual([{ jti: queued.jti, state: 'pending', body: queued.attestation }]);
    const leaf = JSON.parse(audit.leaves().at(-1)?.leaf ?? '{}');
    expect(leaf).toMatchObject({ kind: 'submission', jti: queued.jti, outcome: 'queued' });
  });

  it('writes neither when the store is full', async () => {
    audit.append({ kind: 'diagnostics', entry: 'boot' });
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages}`);
    const big = sampleDecidedUpgrade({ session: session() });
    big.doc = { ...big.doc, sod: Buffer.alloc(20_000, 1).toString('base64url') } as typeof big.doc;
    await expect(queueDecidedUpgrade(big, { store, audit, key })).rejects.toBeInstanceOf(StoreFullError);
    expect(store.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(audit.head().treeSize).toBe(1);
  });

  it('refuses a second attestation for the same session', async () => {
    const s = session();
    await queueDecidedUpgrade(sampleDecidedUpgrade({ session: s }), { store, audit, key });
    await expect(queueDecidedUpgrade(sampleDecidedUpgrade({ session: s }), { store, audit, key })).rejects.toMatchObject({
      code: 'attestation-already-decided',
    });
  });

  it('refuses members the protocol does not have (an image, the CAN) and a non-match', () => {
    const head = { treeSize: 0, root: new Uint8Array(32) };
    const withCan = sampleDecidedUpgrade({ session: session() });
    (withCan.doc as Record<string, unknown>).can = '123456';
    expect(() => buildAttestationPayload(withCan, head, Date.now() / 1000)).toThrow(AttestationError);
    const withImage = sampleDecidedUpgrade({ session: session() });
    (withImage.bio as Record<string, unknown>).portrait = 'AAAA';
    expect(() => buildAttestationPayload(withImage, head, Date.now() / 1000)).toThrow(/attestation does not match/);
    const noMatch = sampleDecidedUpgrade({ session: session() });
    (noMatch.bio as Record<string, unknown>).decision = 'no-match';
    expect(() => buildAttestationPayload(noMatch, head, Date.now() / 1000)).toThrow(AttestationError);
    const aaWithoutSignature = sampleDecidedUpgrade({ session: session() });
    aaWithoutSignature.doc = { ...aaWithoutSignature.doc, chip_auth: { method: 'AA', result: 'valid' } } as typeof aaWithoutSignature.doc;
    expect(() => buildAttestationPayload(aaWithoutSignature, head, Date.now() / 1000)).toThrow(/aa_signature/);
  });

  it('refuses a session already past submit_by', () => {
    const s = { ...session(), submit_by: new Date(Date.now() - 1000).toISOString() };
    expect(() => buildAttestationPayload(sampleDecidedUpgrade({ session: s }), { treeSize: 0, root: new Uint8Array(32) }, Date.now() / 1000)).toThrow(
      expect.objectContaining({ code: 'attestation-past-submit-by' }),
    );
  });
});
