/**
 * The development composition: resolves `sim:<profile>` reader URIs to a CCID reader simulator on
 * a pseudo-terminal holding that profile's virtual chip, and `authority.url = embedded` to the
 * reference authority on loopback with this kiosk enrolled and a demo citizen account for the
 * card's holder. Then it composes the kiosk exactly as production does.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES_DIR } from '../../fixtures/cards/card-profile';
import type { KioskConfig } from '../host/config';
import { composeKiosk, readerOpener, type KioskComposition } from '../host/kiosk/compose';
import { kioskMatcher } from '../host/kiosk/kiosk-matcher';
import type { Logger } from '../host/logger';
import { calibratedThreshold, createDemoCitizen, enrollDevKiosk, startDevAuthority, startSimulatedReader, type DevAuthority, type SimulatedReader } from './dev-environment';

export interface DevelopmentKiosk extends KioskComposition {
  authorityUrl: string;
  /** Where the demo citizen's app key was written (for `fixtures/citizen-app/cli.ts`). */
  citizenKeyFile: string | undefined;
}

/** `sim:genuine` → the `utopia-genuine` card profile (fixtures/cards/profiles); full ids pass through. */
export function profileId(name: string): string {
  if (name === '') return 'utopia-genuine';
  return existsSync(join(PROFILES_DIR, `${name}.json`)) ? name : `utopia-${name}`;
}

export function needsDevelopmentComposition(config: KioskConfig): boolean {
  return config.reader.uri.startsWith('sim:') || config.authority.url === 'embedded';
}

export async function composeDevelopmentKiosk(config: KioskConfig, logger: Logger): Promise<DevelopmentKiosk> {
  const cleanups: Array<() => Promise<void>> = [];
  const release = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    return await composeWith(config, logger, cleanups, release);
  } catch (error) {
    // A kiosk that cannot start (e.g. a corrupt store) leaves no simulator or authority behind.
    await release();
    throw error;
  }
}

async function composeWith(
  config: KioskConfig,
  logger: Logger,
  cleanups: Array<() => Promise<void>>,
  release: () => Promise<void>,
): Promise<DevelopmentKiosk> {
  let reader: SimulatedReader | undefined;
  if (config.reader.uri.startsWith('sim:')) {
    reader = await startSimulatedReader(profileId(config.reader.uri.slice('sim:'.length)));
    cleanups.push(() => reader!.close());
    logger.info({ reader: reader.uri, profile: reader.card.profile.id }, 'simulated reader with the card on it');
  }
  let authority: DevAuthority | undefined;
  let authorityUrl = config.authority.url;
  let citizenKeyFile: string | undefined;
  if (authorityUrl === 'embedded') {
    // Its own folder, never inside the kiosk's: the authority keeps holder data, the kiosk must not.
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-dev-authority-'));
    authority = await startDevAuthority({ dir, matcher: { ...kioskMatcher(), threshold: calibratedThreshold() } });
    cleanups.push(() => authority!.close());
    authorityUrl = authority.url;
    await enrollDevKiosk(config.dataDir, authority);
    if (reader) {
      const app = await createDemoCitizen(authority, reader.card);
      citizenKeyFile = join(dir, 'demo-citizen.json');
      mkdirSync(dir, { recursive: true });
      writeFileSync(citizenKeyFile, JSON.stringify(app.keyFile), { mode: 0o600 });
    }
    logger.info({ authority: authorityUrl, citizenKeyFile }, 'embedded reference authority');
  }
  const composition = await composeKiosk({
    config,
    logger,
    authorityUrl,
    ...(reader ? { openReader: readerOpener(reader.uri, config.reader.pollIntervalMs) } : {}),
    machine: { timeouts: config.session.timeoutsMs, maxFaceAttempts: config.session.maxFaceAttempts },
    warnMs: config.session.idleWarningMs,
  });
  return {
    ...composition,
    authorityUrl,
    citizenKeyFile,
    async close() {
      await composition.close();
      await release();
    },
  };
}
