import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../host/config';
import { verifyTechnicianPin } from '../../host/diagnostics/technician-pin';
import { openKioskRuntime } from '../../host/session/kiosk-runtime';
import { scratchDirectory } from '../../host/store/test-support';
import { ExitCode, UsageError } from '../command';
import { recordingIo } from './cli-test-io';
import { configFileFor, createSetPinCommand } from './diagnostics';

const cost = { log2N: 10, r: 8, p: 1 };

describe('kioskctl diagnostics set-pin', () => {
  let dir: ReturnType<typeof scratchDirectory>;
  beforeEach(() => {
    dir = scratchDirectory('kioskctl-pin-');
  });
  afterEach(() => dir.remove());

  it('writes only the scrypt hash, keeps other keys, 0600, and audits the change', async () => {
    const file = join(dir.path, 'config.json');
    writeFileSync(file, JSON.stringify({ reader: { uri: 'ccid-serial:/dev/ttyUSB0' }, diagnostics: { idleTimeoutSeconds: 60 } }));
    const io = recordingIo();
    const command = createSetPinCommand({ readPin: async () => '5551234', cost });
    expect(await command.run(['--config', file, '--data-dir', dir.path, '--json'], io)).toBe(ExitCode.ok);
    expect(io.json()).toEqual({ ok: true, file });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('5551234');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const config = loadConfig({ file, env: {}, overrides: { dataDir: dir.path } });
    expect(config.reader.uri).toBe('ccid-serial:/dev/ttyUSB0');
    expect(config.diagnostics.idleTimeoutSeconds).toBe(60);
    expect(await verifyTechnicianPin('5551234', config.diagnostics.pinHash!)).toBe(true);
    const runtime = await openKioskRuntime({ dataDir: dir.path });
    try {
      expect(runtime.audit.leaves().map((l) => JSON.parse(l.leaf))).toEqual([expect.objectContaining({ kind: 'configuration-change', key: 'diagnostics.pin-hash' })]);
    } finally {
      runtime.close();
    }
  });

  it('refuses a PIN that is not 6 to 12 digits, writing nothing', async () => {
    const file = join(dir.path, 'config.json');
    const command = createSetPinCommand({ readPin: async () => '12ab', cost });
    await expect(command.run(['--config', file], recordingIo())).rejects.toBeInstanceOf(UsageError);
    expect(() => statSync(file)).toThrow();
  });

  it('finds the file the kiosk reads', () => {
    expect(configFileFor({ config: 'x.json' }, {})).toMatch(/x\.json$/);
    expect(configFileFor({}, { KIOSK_CONFIG: '/etc/kiosk/config.json' })).toBe('/etc/kiosk/config.json');
    expect(configFileFor({ dataDir: '/var/lib/kiosk' }, {})).toBe('/var/lib/kiosk/config.json');
  });
});
