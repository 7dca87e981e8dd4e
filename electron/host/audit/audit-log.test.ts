import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTerminalKey } from '../identity/terminal-key';
import { openStore, type KioskStore } from '../store/database';
import { scratchDirectory } from '../store/test-support';
import { AuditEventError, AuditLog } from './audit-log';
import { treeHead, leafHash, verifyInclusion, verifyConsistency } from './merkle';

describe('AuditLog', () => {
  let dir: ReturnType<typeof scratchDirectory>;
  let store: KioskStore;
  let key: FileTerminalKey;
  let log: AuditLog;
  beforeEach(async () => {
    dir = scratchDirectory();
    store = openStore(join(dir.path, 'kiosk.db'));
    key = await FileTerminalKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    log = new AuditLog(store, key, new Uint8Array(32).fill(7));
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  const session = randomUUID();

  it('appends events as RFC 9162 leaves; the head matches MTH over the stored leaf texts', () => {
    log.append({ kind: 'session-opened', session_id: session, policy_version: 'p1' });
    log.append({ kind: 'card-read', session_id: session, result: 'ok', doc_kind: 'icao9303', pa: 'valid', chip_auth: 'AA', document: log.pseudonym('E12345678') });
    const head = log.append({ kind: 'match-decision', session_id: session, attempt: 1, decision: 'match', score: 0.9, threshold: 0.5, liveness: 'live' });
    expect(head.treeSize).toBe(3);
    const texts = log.leaves().map((l) => l.leaf);
    expect(Buffer.from(head.root).toString('hex')).toBe(Buffer.from(treeHead(texts.map((t) => leafHash(new TextEncoder().encode(t))))).toString('hex'));
    // The pseudonym hides the document number.
    expect(texts.join('\n')).not.toContain('E12345678');
  });

  it('refuses events with free text or unknown members (no personal data by construction)', () => {
    expect(() => log.append({ kind: 'diagnostics', entry: 'Zhang San tried again' } as never)).toThrow(AuditEventError);
    expect(() => log.append({ kind: 'session-opened', session_id: session, policy_version: 'p', name: 'x' } as never)).toThrow(AuditEventError);
  });

  it('recovers from an append rolled back with its transaction', () => {
    log.append({ kind: 'diagnostics', entry: 'boot' });
    expect(() =>
      store.transaction(() => {
        log.append({ kind: 'diagnostics', entry: 'lost' });
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(log.head().treeSize).toBe(1);
    log.append({ kind: 'diagnostics', entry: 'kept' });
    expect(log.leaves().map((l) => JSON.parse(l.leaf).entry)).toEqual(['boot', 'kept']);
  });

  it('signs checkpoints, proves inclusion and consistency, and verifies clean', async () => {
    for (let i = 0; i < 5; i += 1) log.append({ kind: 'diagnostics', entry: `e${i}` });
    const first = await log.checkpoint('t-1');
    for (let i = 0; i < 6; i += 1) log.append({ kind: 'diagnostics', entry: `f${i}` });
    await log.checkpoint('t-1');
    const head = log.head();
    const proof = log.inclusionProof(3, head.treeSize);
    const leaf3 = leafHash(new TextEncoder().encode(log.leaves(3, 1)[0]?.leaf ?? ''));
    expect(verifyInclusion(leaf3, 3, head.treeSize, proof, head.root)).toBe(true);
    const cproof = log.consistencyProof(5, head.treeSize);
    expect(verifyConsistency(5, head.treeSize, Buffer.from(first.payload.root, 'base64url'), head.root, cproof)).toBe(true);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: true, treeSize: 11, checkpoints: 2, problems: [] });
  });

  it('detects an edited leaf and a rewritten history', async () => {
    for (let i = 0; i < 4; i += 1) log.append({ kind: 'diagnostics', entry: `e${i}` });
    await log.checkpoint('t-1');
    store.db.prepare('UPDATE audit_leaf SET leaf = ? WHERE leaf_index = 1').run('{"kind":"diagnostics","entry":"forged"}');
    const edited = await log.verify();
    expect(edited.ok).toBe(false);
    expect(edited.problems.join('\n')).toMatch(/leaf 1: stored hash/);
    expect(edited.problems.join('\n')).toMatch(/not consistent/);
  });

  it('detects a checkpoint not signed by this terminal', async () => {
    log.append({ kind: 'diagnostics', entry: 'x' });
    await log.checkpoint('t-1');
    const other = await FileTerminalKey.fromKeyObject(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const result = await log.verify(other.publicJwk);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/checkpoint 1/);
  });
});
