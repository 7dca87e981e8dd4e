/**
 * The packaging configuration as electron-builder itself reads it: its own loader (YAML, `extends`
 * merging) and its own JSON-schema validation, then the properties the kiosk's security relies
 * on. No Electron download is needed: packaging itself is documented in docs/DEPLOYMENT.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

interface FileSet { filter?: string[] }
interface BuilderConfig {
  electronVersion?: string;
  asar?: boolean;
  asarUnpack?: string[];
  npmRebuild?: boolean;
  files?: Array<FileSet | string>;
  extraResources?: Array<{ from: string; to: string }>;
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string | Array<string | { target: string }>; executableName?: string };
  deb?: { depends?: string[] };
  directories?: { output?: string };
}

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

async function load(file: string): Promise<BuilderConfig> {
  const config = await getConfig(root, join(root, file), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

const targets = (config: BuilderConfig) => [config.linux?.target ?? []].flat().map((t) => (typeof t === 'string' ? t : t.target));

describe('electron-builder.yml (the kiosk package)', () => {
  it('passes electron-builder\'s own schema validation', async () => {
    await expect(load('electron-builder.yml')).resolves.toBeDefined();
  });

  it('burns the security fuses: no run-as-node, no NODE_OPTIONS, no inspector, asar integrity, only app.asar', async () => {
    const config = await load('electron-builder.yml');
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app into asar, natives unpacked, rebuilt for Electron, and pins the Electron version', async () => {
    const config = await load('electron-builder.yml');
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
    const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.electron;
    expect(config.electronVersion).toBe(pinned);
  });

  it('ships the built app only: no sources, tests, source maps, fixtures or authority', async () => {
    const config = await load('electron-builder.yml');
    const filters = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(filters).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', '!**/*.map', '!**/*.test.*']));
    expect(filters.some((f) => /fixtures|e2e|authority|\.ts$/.test(f) && !f.startsWith('!'))).toBe(false);
  });

  it('carries the face models and WASM, and the Linux integration files, as resources', async () => {
    const config = await load('electron-builder.yml');
    expect(config.extraResources).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'build/models', to: 'models' }), expect.objectContaining({ from: 'electron/packaging/linux', to: 'linux' })]));
    for (const file of ['id-upgrade-kiosk.service', '70-id-upgrade-kiosk.rules']) expect(existsSync(join(root, 'electron/packaging/linux', file))).toBe(true);
  });

  it('builds dir, AppImage and deb for Linux, the deb depending on cage and libusb', async () => {
    const config = await load('electron-builder.yml');
    expect(targets(config)).toEqual(['dir', 'AppImage', 'deb']);
    expect(config.linux?.executableName).toBe('id-upgrade-kiosk');
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['cage', 'libusb-1.0-0']));
  });

  it('the systemd unit starts that executable under cage, as the kiosk user, restarting always', () => {
    const unit = readFileSync(join(root, 'electron/packaging/linux/id-upgrade-kiosk.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/cage .*-- \/usr\/bin\/id-upgrade-kiosk\b/m);
    expect(unit).toMatch(/^User=kiosk$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^KIOSK_CONFIG=|^Environment=KIOSK_CONFIG=/m);
  });
});

describe('electron-builder.e2e.yml (the unfused test build)', () => {
  it('extends the kiosk package, outputs elsewhere, builds a dir only, and leaves every fuse at its default', async () => {
    const base = await load('electron-builder.yml');
    const e2e = await load('electron-builder.e2e.yml');
    expect(e2e.directories?.output).toBe('release-e2e');
    expect(targets(e2e)).toEqual(['dir']);
    expect(e2e.electronFuses).toMatchObject({ runAsNode: true, enableNodeOptionsEnvironmentVariable: true, enableNodeCliInspectArguments: true, onlyLoadAppFromAsar: false });
    // Everything else is the kiosk's own configuration.
    expect(e2e.asar).toBe(base.asar);
    expect(e2e.extraResources).toEqual(base.extraResources);
    expect(e2e.electronVersion).toBe(base.electronVersion);
  });
});
