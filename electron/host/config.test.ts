import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, environmentOverrides, loadConfig } from './config';

const noEnv = { XDG_DATA_HOME: '/nonexistent-kiosk-test' };

describe('loadConfig', () => {
  it('has embedded defaults: simulated reader, embedded authority, loopback web host', () => {
    const config = loadConfig({ env: noEnv });
    expect(config.reader.uri).toBe('sim:genuine');
    expect(config.authority.url).toBe('embedded');
    expect(config.webHost.host).toBe('127.0.0.1');
    expect(config.camera.source).toBe('auto');
    expect(config.locale.default).toBe('zh-CN');
  });

  it('layers file, then environment, then explicit overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ reader: { uri: 'ccid-serial:/dev/ttyUSB0?baud=115200' }, logLevel: 'warn' }));
    const config = loadConfig({
      file,
      env: { ...noEnv, KIOSK_LOG_LEVEL: 'debug', KIOSK_WEB_HOST__PORT: '8123' },
      overrides: { reader: { pollIntervalMs: 500 } },
    });
    expect(config.reader.uri).toBe('ccid-serial:/dev/ttyUSB0?baud=115200');
    expect(config.reader.pollIntervalMs).toBe(500);
    expect(config.logLevel).toBe('debug');
    expect(config.webHost.port).toBe(8123);
  });

  it('names the key of a bad value', () => {
    expect(() => loadConfig({ env: { ...noEnv, KIOSK_WEB_HOST__PORT: '70000' } })).toThrow(/webHost\.port/);
    expect(() => loadConfig({ env: { ...noEnv, KIOSK_AUTHORITY__URL: 'ftp://x' } })).toThrow(ConfigError);
  });

  it('refuses unknown keys in the file and in the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ reader: { uri: 'sim:genuine', bogus: 1 } }));
    expect(() => loadConfig({ file, env: noEnv })).toThrow(/reader/);
    expect(() => environmentOverrides({ KIOSK_NOPE: '1' })).toThrow(/KIOSK_NOPE/);
  });

  it('refuses a web host that is not on loopback', () => {
    expect(() => loadConfig({ env: noEnv, overrides: { webHost: { host: '0.0.0.0' } } })).toThrow(ConfigError);
  });

  it('reports a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, '{ reader: ');
    expect(() => loadConfig({ file, env: noEnv })).toThrow(/not valid JSON/);
  });
});
