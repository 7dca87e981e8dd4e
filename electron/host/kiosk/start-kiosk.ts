/**
 * Starts the citizen kiosk for a shell: the production composition, or, when the configuration
 * names simulators (`sim:<profile>`) or the embedded authority, the development composition
 * (electron/dev). The development composition is loaded from the source tree at run time (via
 * tsx), never bundled into the shipped host: simulators and the test PKI stay out of the product,
 * and they find their data files (card profiles, portraits) where the repository keeps them.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KioskConfig } from '../config';
import type { Logger } from '../logger';
import { composeKiosk, type KioskComposition } from './compose';

export type StartedKiosk = KioskComposition & { authorityUrl: string };

export class DevelopmentCompositionUnavailableError extends Error {
  readonly code = 'development-composition-unavailable';
  constructor(detail: string) {
    super(`sim: readers and the embedded authority need the source tree and tsx (development only): ${detail}`);
    this.name = 'DevelopmentCompositionUnavailableError';
  }
}

/** The repository root, from the source tree (electron/host/kiosk) or from dist/electron. */
function repositoryRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [resolve(here, '../../..'), resolve(here, '../..')].find((root) => existsSync(join(root, 'electron/dev/dev-kiosk.ts')));
}

export async function startKiosk(config: KioskConfig, logger: Logger): Promise<StartedKiosk> {
  if (config.reader.uri.startsWith('sim:') || config.authority.url === 'embedded') {
    const root = repositoryRoot();
    if (!root) throw new DevelopmentCompositionUnavailableError('electron/dev/dev-kiosk.ts not found');
    let tsImport: (specifier: string, parent: string) => Promise<unknown>;
    try {
      ({ tsImport } = (await import('tsx/esm/api')) as { tsImport: typeof tsImport });
    } catch (error) {
      throw new DevelopmentCompositionUnavailableError(String(error));
    }
    const dev = (await tsImport(pathToFileURL(join(root, 'electron/dev/dev-kiosk.ts')).href, import.meta.url)) as typeof import('../../dev/dev-kiosk');
    return dev.composeDevelopmentKiosk(config, logger);
  }
  const composition = await composeKiosk({
    config,
    logger,
    authorityUrl: config.authority.url,
    machine: { timeouts: config.session.timeoutsMs, maxFaceAttempts: config.session.maxFaceAttempts },
    warnMs: config.session.idleWarningMs,
  });
  return { ...composition, authorityUrl: config.authority.url };
}
