import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStubAuthority, type StubAuthority } from '../../host/authority-client/stub-authority';
import { queueDecidedUpgrade } from '../../host/attestation/attestation';
import { sampleDecidedUpgrade } from '../../host/attestation/sample-upgrade';
import { openKioskRuntime } from '../../host/session/kiosk-runtime';
import { scratchDirectory } from '../../host/store/test-support';
import { ExitCode } from '../command';
import { auditVerify } from './audit';
import { recordingIo } from './cli-test-io';
import { enrollCommand } from './enroll';
import { outboxExport, outboxList, outboxRetry } from './outbox';

describe('kioskctl outbox and audit', () => {
  let stub: StubAuthority;
  let dir: ReturnType<typeof scratchDirectory>;
  beforeAll(async () => {
    stub = await startStubAuthority();
  });
  afterAll(() => stub.close());
  beforeEach(async () => {
    dir = scratchDirectory();
    await enrollCommand.run(['--authority', stub.url, '--token', stub.issueEnrollmentToken(), '--data-dir', dir.path, '--json'], recordingIo());
  });
  afterEach(() => dir.remove());

  const queueOne = async () => {
    const runtime = await openKioskRuntime({ dataDir: dir.path });
    const session = stub.createBoundSession(runtime.identity!.terminalId);
    const queued = await queueDecidedUpgrade(
      sampleDecidedUpgrade({
        terminalId: runtime.identity!.terminalId,
        authorityId: stub.authorityId,
        session: { session_id: session.session_id, nonce: session.nonce, policy_version: 'p1', submit_by: new Date(session.submit_by * 1000).toISOString() },
      }),
      { store: runtime.store, audit: runtime.audit, key: runtime.key, sealer: runtime.sealer },
    );
    runtime.close();
    return queued.jti;
  };

  it('lists, retries (delivers) and exports; audit verify passes', async () => {
    stub.setFaults(() => '503');
    const jti = await queueOne();
    let io = recordingIo();
    expect(await outboxList.run(['--data-dir', dir.path, '--json'], io)).toBe(ExitCode.ok);
    expect(io.json()).toMatchObject({ ok: true, depth: 1, entries: [{ jti, state: 'pending' }] });
    io = recordingIo();
    await outboxRetry.run(['--data-dir', dir.path, '--json'], io);
    expect(io.json()).toMatchObject({ results: [{ jti, result: 'pending' }], pending: 1 });
    stub.setFaults(() => 'none');
    io = recordingIo();
    expect(await outboxRetry.run(['--jti', jti, '--data-dir', dir.path, '--json'], io)).toBe(ExitCode.ok);
    expect(io.json()).toMatchObject({ results: [{ jti, result: 'delivered' }], pending: 0 });
    io = recordingIo();
    await outboxExport.run(['--with-attestations', '--data-dir', dir.path, '--json'], io);
    expect((io.json() as { entries: Array<{ receipt: string; attestation: null }> }).entries[0]).toMatchObject({ attestation: null, receipt: expect.stringMatching(/^ey/) });
    io = recordingIo();
    expect(await auditVerify.run(['--checkpoint', '--data-dir', dir.path, '--json'], io)).toBe(ExitCode.ok);
    expect(io.json()).toMatchObject({ ok: true, treeSize: 3, checkpoints: 1 });
  });

  it('exports pending attestations only when asked to', async () => {
    stub.setFaults(() => '503');
    await queueOne();
    let io = recordingIo();
    await outboxExport.run(['--data-dir', dir.path, '--json'], io);
    const plain = (io.json() as { entries: Array<{ attestation: string | null; attestation_sha256: string }> }).entries[0];
    expect(plain?.attestation).toBeNull();
    expect(plain?.attestation_sha256).toMatch(/^[A-Za-z0-9_-]{43}$/);
    io = recordingIo();
    await outboxExport.run(['--with-attestations', '--data-dir', dir.path, '--json'], io);
    expect((io.json() as { entries: Array<{ attestation: string }> }).entries[0]?.attestation).toMatch(/^ey/);
    stub.setFaults(() => 'none');
  });

  it('audit verify fails on a tampered log', async () => {
    await queueOne();
    const runtime = await openKioskRuntime({ dataDir: dir.path });
    await runtime.audit.checkpoint('t');
    runtime.store.db.prepare("UPDATE audit_leaf SET leaf = '{}' WHERE leaf_index = 0").run();
    runtime.close();
    const io = recordingIo();
    expect(await auditVerify.run(['--data-dir', dir.path, '--json'], io)).toBe(ExitCode.failed);
    expect(io.json()).toMatchObject({ ok: false });
  });

  it('a corrupt database is reported as store-corrupt, exit unavailable', async () => {
    writeFileSync(join(dir.path, 'kiosk.db'), Buffer.alloc(4096, 0x42));
    for (const suffix of ['-wal', '-shm']) writeFileSync(join(dir.path, `kiosk.db${suffix}`), '');
    const io = recordingIo();
    expect(await outboxList.run(['--data-dir', dir.path, '--json'], io)).toBe(ExitCode.unavailable);
    expect(io.json()).toMatchObject({ ok: false, error: { code: 'store-corrupt' } });
  });
});
