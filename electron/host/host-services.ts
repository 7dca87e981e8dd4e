/**
 * The host services behind the contract, shared by both shells (Electron main and the web
 * host). Plain Node: nothing here imports Electron.
 */
import { createRequire } from 'node:module';
import type { DeviceList } from '../common/contract';
import type { HostHandlers } from './dispatcher';
import type { KioskConfig } from './config';
import { listDevices } from '../../hardware/transport/enumerate';
import type { KioskRuntime } from './kiosk/kiosk-runtime';
import { outOfServiceSessionHandlers, unavailableSessionHandlers } from './kiosk/unavailable';
import { createDiagnostics, type Diagnostics } from './diagnostics/diagnostics-handlers';

export interface HostContext {
  config: KioskConfig;
  shell: 'electron' | 'web';
  /** The citizen session (electron/host/kiosk); absent, the session channels answer `no-session`. */
  session?: KioskRuntime;
  /** Set when the kiosk's services failed to start: the session channels say out of service. */
  outOfService?: boolean;
  /** The technician's diagnostics (electron/host/diagnostics); absent, a gate over the configuration alone. */
  diagnostics?: Diagnostics;
}

export function appVersion(): string {
  // Bundles carry the version from the build; source runs (tests, tsx) read package.json.
  if (process.env.KIOSK_BUILD_VERSION) return process.env.KIOSK_BUILD_VERSION;
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../package.json', './package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'id-upgrade-kiosk' && pkg.version) return pkg.version;
    } catch {
      // try the next layout (source tree vs dist/ bundle)
    }
  }
  return '0.0.0-unknown';
}

export function createHostHandlers(context: HostContext): HostHandlers {
  return {
    appInfo: async () => ({
      name: 'ID Upgrade Kiosk',
      version: appVersion(),
      shell: context.shell,
      platform: `${process.platform}-${process.arch}`,
      defaultLocale: context.config.locale.default,
    }),
    listDevices: async (): Promise<DeviceList> => ({
      ...(await listDevices()),
      configuredReader: context.config.reader.uri,
    }),
    ...(context.session?.handlers ?? (context.outOfService ? outOfServiceSessionHandlers() : unavailableSessionHandlers())),
    ...(context.diagnostics ?? createDiagnostics({ config: context.config })).handlers,
  };
}
