import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStubAuthority, type StubAuthority } from '../../host/authority-client/stub-authority';
import { scratchDirectory } from '../../host/store/test-support';
import { ExitCode } from '../command';
import { recordingIo } from './cli-test-io';
import { enrollCommand } from './enroll';

describe('kioskctl enroll', () => {
  let stub: StubAuthority;
  let dir: ReturnType<typeof scratchDirectory>;
  beforeAll(async () => {
    stub = await startStubAuthority();
  });
  afterAll(() => stub.close());
  beforeEach(() => {
    dir = scratchDirectory();
  });
  afterEach(() => dir.remove());

  it('creates the 0600 key, enrolls and prints the terminal id as JSON', async () => {
    const io = recordingIo();
    const code = await enrollCommand.run(['--authority', stub.url, '--token', stub.issueEnrollmentToken(), '--name', 'hall-2', '--data-dir', dir.path, '--json'], io);
    expect(code).toBe(ExitCode.ok);
    expect(io.json()).toMatchObject({ ok: true, authority_id: stub.authorityId, name: 'hall-2', terminal_id: expect.stringMatching(/^t-/) });
    expect(statSync(join(dir.path, 'terminal-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('reports a refused token as a failure with its problem code', async () => {
    const io = recordingIo();
    const code = await enrollCommand.run(['--authority', stub.url, '--token', 'nope', '--data-dir', dir.path, '--json'], io);
    expect(code).toBe(ExitCode.failed);
    expect(io.json()).toMatchObject({ ok: false, error: { code: 'authority-problem', problem: 'enrollment-token-invalid', status: 403 } });
  });

  it('reports an unreachable authority as unavailable', async () => {
    const io = recordingIo();
    const code = await enrollCommand.run(['--authority', 'http://127.0.0.1:9', '--token', 't', '--data-dir', dir.path, '--json'], io);
    expect(code).toBe(ExitCode.unavailable);
    expect(io.json()).toMatchObject({ ok: false, error: { code: 'authority-unreachable' } });
  });

  it('rejects missing options as usage errors', async () => {
    await expect(enrollCommand.run(['--authority', stub.url], recordingIo())).rejects.toMatchObject({ code: 'usage' });
  });
});
