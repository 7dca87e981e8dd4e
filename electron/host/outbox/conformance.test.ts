/**
 * The kiosk's outbox and authority client against a real HTTP stub authority on 127.0.0.1 that
 * answers every code of authority-protocol.md §3.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStubAuthority, type StubAuthority, type UpgradeFault } from '../authority-client/stub-authority';
import { scratchDirectory } from '../store/test-support';
import { openKiosk, registerKiosk } from './test-harness';

describe('outbox ↔ authority conformance', () => {
  let stub: StubAuthority;
  let dir: ReturnType<typeof scratchDirectory>;
  let kiosk: Awaited<ReturnType<typeof openKiosk>>;
  let terminalId: string;
  let fakeNow: number;

  beforeAll(async () => {
    stub = await startStubAuthority({ processingMs: 0 });
  });
  afterAll(() => stub.close());
  beforeEach(async () => {
    dir = scratchDirectory();
    const reg = await registerKiosk(stub, dir.path);
    terminalId = reg.terminalId;
    fakeNow = Date.now();
    kiosk = await openKiosk({ dataDir: dir.path, ...reg, now: () => fakeNow, backoff: { baseMs: 1000, maxMs: 60_000 } });
    stub.setFaults(() => 'none');
  });
  afterEach(() => {
    kiosk.close();
    dir.remove();
  });

  const queueOne = async () => {
    const session = stub.createBoundSession(terminalId);
    const queued = await kiosk.queue(session);
    return { session, queued };
  };
  const row = (jti: string) => kiosk.outbox.list().find((e) => e.jti === jti);
  const faultsInOrder = (...faults: UpgradeFault[]) => stub.setFaults(({ attempt }) => faults[attempt - 1] ?? 'none');

  it('delivers, verifies the receipt, closes the entry, purges the attestation and audits it', async () => {
    const { queued, session } = await queueOne();
    expect(await kiosk.outbox.attempt(queued.jti)).toBe('delivered');
    expect(stub.counters.accepted.get(queued.jti)).toBe(1);
    expect(stub.sessions.get(session.session_id)?.state).toBe('completed');
    expect(row(queued.jti)).toMatchObject({ state: 'delivered', attempts: 1 });
    const exported = kiosk.outbox.export().find((e) => e.jti === queued.jti);
    expect(exported?.attestation).toBeNull();
    expect(exported?.receipt).toMatch(/^ey/);
    expect(JSON.parse(kiosk.audit.leaves().at(-1)?.leaf ?? '{}')).toMatchObject({ kind: 'submission', outcome: 'delivered', jti: queued.jti });
  });

  it('an outbox without the key never sends the sealed body (stays pending)', async () => {
    const { queued } = await queueOne();
    const { Outbox } = await import('./outbox');
    const keyless = new Outbox({ store: kiosk.store, audit: kiosk.audit, submitter: kiosk.client });
    const before = stub.counters.upgradeRequests;
    expect(await keyless.attempt(queued.jti)).toBe('pending');
    expect(stub.counters.upgradeRequests).toBe(before);
    expect(row(queued.jti)?.lastError).toMatch(/sealed/);
  });

  it('keeps the pending attestation sealed at rest: the database files never hold its payload', async () => {
    const { queued } = await queueOne();
    const payloadSegment = queued.attestation.split('.')[1] ?? '';
    const { readFileSync, existsSync } = await import('node:fs');
    const files = ['kiosk.db', 'kiosk.db-wal'].map((f) => join(dir.path, f)).filter((f) => existsSync(f));
    const raw = Buffer.concat(files.map((f) => readFileSync(f))).toString('latin1');
    expect(raw).not.toContain(payloadSegment.slice(0, 40));
    expect(raw).toContain(queued.jti);
    expect(await kiosk.outbox.attempt(queued.jti)).toBe('delivered');
  });

  for (const fault of ['bad-receipt-signature', 'receipt-alg-none', 'receipt-hs256', 'receipt-other-jti'] as const) {
    it(`does not accept a receipt with ${fault}; the entry stays pending`, async () => {
      faultsInOrder(fault);
      const { queued } = await queueOne();
      expect(await kiosk.outbox.attempt(queued.jti)).toBe('pending');
      expect(row(queued.jti)).toMatchObject({ state: 'pending', attempts: 1 });
      expect(row(queued.jti)?.lastError).toMatch(/^receipt-rejected/);
    });
  }

  it('retries 409 in-progress, 503 (Retry-After), 500, 408, 429 and dropped connections, then delivers exactly once', async () => {
    faultsInOrder('409-in-progress', '503', '500', '408', '429', 'drop');
    const { queued } = await queueOne();
    const seen: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      expect(await kiosk.outbox.attempt(queued.jti)).toBe('pending');
      const entry = row(queued.jti);
      seen.push(entry?.lastError?.split(':')[0] ?? '');
      // The next attempt is scheduled in the future (backoff), not immediately.
      expect(Date.parse(entry?.nextAttemptAt ?? '')).toBeGreaterThan(fakeNow);
      fakeNow = Date.parse(entry?.nextAttemptAt ?? '');
    }
    expect(seen).toEqual(['409 in-progress', '503 unavailable', '500 http-500', '408 http-408', '429 rate-limited', 'unreachable']);
    expect(await kiosk.outbox.attempt(queued.jti)).toBe('delivered');
    expect(stub.counters.accepted.get(queued.jti)).toBe(1);
    expect(row(queued.jti)?.attempts).toBe(7);
  });

  it('backs off exponentially between retries', async () => {
    stub.setFaults(() => '503');
    const { queued } = await queueOne();
    const delays: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await kiosk.outbox.attempt(queued.jti);
      const next = Date.parse(row(queued.jti)?.nextAttemptAt ?? '');
      delays.push(next - fakeNow);
      fakeNow = next;
    }
    for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(((delays[i - 1] ?? 0) * 2) / 2 - 1);
    expect(delays[4]).toBeGreaterThanOrEqual(8000);
  });

  it('treats 422 policy as final and records the problem type; no further sends', async () => {
    faultsInOrder('422-policy');
    const { queued } = await queueOne();
    expect(await kiosk.outbox.attempt(queued.jti)).toBe('rejected');
    expect(row(queued.jti)).toMatchObject({ state: 'rejected', problemType: 'policy' });
    const before = stub.counters.upgradeRequests;
    kiosk.outbox.makeDue();
    await kiosk.outbox.drainDue();
    expect(stub.counters.upgradeRequests).toBe(before);
    expect(JSON.parse(kiosk.audit.leaves().at(-1)?.leaf ?? '{}')).toMatchObject({ outcome: 'rejected', problem: 'policy' });
  });

  it('treats 400 bad-request and 422 document-invalid as final', async () => {
    faultsInOrder('400-bad-request');
    const a = await queueOne();
    expect(await kiosk.outbox.attempt(a.queued.jti)).toBe('rejected');
    expect(row(a.queued.jti)?.problemType).toBe('bad-request');
    faultsInOrder('422-document');
    const b = await queueOne();
    expect(await kiosk.outbox.attempt(b.queued.jti)).toBe('rejected');
    expect(row(b.queued.jti)?.problemType).toBe('document-invalid');
  });

  it('a session already completed (409 session-state) is final, not retried forever', async () => {
    const { queued, session } = await queueOne();
    stub.sessions.get(session.session_id)!.state = 'completed';
    expect(await kiosk.outbox.attempt(queued.jti)).toBe('rejected');
    expect(row(queued.jti)?.problemType).toBe('session-state');
  });

  it('gets the stored receipt again (200) when the first receipt was lost on the way', async () => {
    const { queued } = await queueOne();
    // The authority stored the receipt, the kiosk never saw it (e.g. it crashed while reading).
    await kiosk.client.submitUpgrade(queued.attestation, queued.jti, queued.payload.session_id);
    expect(stub.counters.accepted.get(queued.jti)).toBe(1);
    expect(await kiosk.outbox.attempt(queued.jti)).toBe('delivered');
    expect(stub.counters.accepted.get(queued.jti)).toBe(1);
  });

  it('follows an authority key rotation: a receipt under a new kid is verified after GET /v1/keys', async () => {
    await stub.rotateSigner();
    const { queued } = await queueOne();
    expect(await kiosk.outbox.attempt(queued.jti)).toBe('delivered');
    expect(kiosk.client.identity.authorityJwks.keys.map((k) => k.x)).toEqual([stub.signer.publicJwk.x]);
  });

  it('expires an entry past submit_by without sending it', async () => {
    const session = stub.createBoundSession(terminalId, 60);
    const queued = await kiosk.queue(session);
    fakeNow = session.submit_by * 1000 + 1;
    const before = stub.counters.upgradeRequests;
    expect(await kiosk.outbox.attempt(queued.jti)).toBe('expired');
    expect(stub.counters.upgradeRequests).toBe(before);
    expect(row(queued.jti)).toMatchObject({ state: 'expired', problemType: 'submit-by-passed' });
  });

  it('keeps running (no crash loop) when the store refuses writes at close time, and delivers once it is back', async () => {
    const { queued } = await queueOne();
    // Reads work, every write fails: the receipt arrives but the entry cannot be closed.
    kiosk.store.db.pragma('query_only = 1');
    const errors: unknown[] = [];
    const { Outbox } = await import('./outbox');
    const outbox = new Outbox({ store: kiosk.store, audit: kiosk.audit, submitter: kiosk.client, sealer: kiosk.sealer, pollMs: 20, onError: (e) => errors.push(e) });
    const controller = new AbortController();
    const running = outbox.run(controller.signal);
    for (let i = 0; i < 100 && errors.length < 2; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(errors[0]).toMatchObject({ name: 'StoreError', code: 'store-unavailable' });
    expect(row(queued.jti)?.state).toBe('pending');
    kiosk.store.db.pragma('query_only = 0');
    for (let i = 0; i < 200 && row(queued.jti)?.state !== 'delivered'; i += 1) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await running;
    expect(row(queued.jti)?.state).toBe('delivered');
    // The authority accepted it once; the retry after the failed close got the stored receipt.
    expect(stub.counters.accepted.get(queued.jti)).toBe(1);
  });

  it('two processes delivering the same entry close it once, with one audit leaf', async () => {
    const { queued } = await queueOne();
    const { Outbox } = await import('./outbox');
    const other = new Outbox({ store: kiosk.store, audit: kiosk.audit, submitter: kiosk.client, sealer: kiosk.sealer });
    const results = await Promise.all([kiosk.outbox.attempt(queued.jti), other.attempt(queued.jti)]);
    // The loser either saw 409 in-progress (still pending) or the stored receipt; either way one close.
    for (let i = 0; i < 3 && row(queued.jti)?.state !== 'delivered'; i += 1) await kiosk.outbox.attempt(queued.jti);
    expect(results).toContain('delivered');
    expect(row(queued.jti)?.state).toBe('delivered');
    const delivered = kiosk.audit.leaves().filter((l) => l.leaf.includes(queued.jti) && l.leaf.includes('"outcome":"delivered"'));
    expect(delivered).toHaveLength(1);
    expect(stub.counters.accepted.get(queued.jti)).toBe(1);
  });

  it('resumes pending entries after a restart (new process, same store)', async () => {
    stub.setFaults(() => '503');
    const { queued } = await queueOne();
    await kiosk.outbox.attempt(queued.jti);
    kiosk.close();
    stub.setFaults(() => 'none');
    const reg = { terminalId, authorityId: stub.authorityId, authorityJwks: stub.authorityJwks(), authorityUrl: stub.url };
    kiosk = await openKiosk({ dataDir: dir.path, ...reg });
    const controller = new AbortController();
    kiosk.outbox.makeDue();
    const running = kiosk.outbox.run(controller.signal);
    for (let i = 0; i < 100 && row(queued.jti)?.state !== 'delivered'; i += 1) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await running;
    expect(row(queued.jti)?.state).toBe('delivered');
  });

  it('stops at once when aborted while it drains (no wait it cannot end)', async () => {
    const { queued } = await queueOne();
    kiosk.outbox.makeDue();
    const controller = new AbortController();
    const running = kiosk.outbox.run(controller.signal);
    // Abort while the first drain is still sending, before the loop would start its wait.
    controller.abort();
    const outcome = await Promise.race([running.then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still running'), 2000))]);
    expect(outcome).toBe('stopped');
    expect(row(queued.jti)?.state).toBe('delivered');
  });
});
