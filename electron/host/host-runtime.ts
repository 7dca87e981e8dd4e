/**
 * What both shells (Electron main and the web host) start before they open a window or a port:
 * logs, the citizen kiosk, diagnostics and the contract dispatcher. Plain Node.
 */
import { mkdirSync } from 'node:fs';
import type { KioskConfig } from './config';
import { createDiagnostics, type Diagnostics } from './diagnostics/diagnostics-handlers';
import { diagnosticsPortsFor } from './diagnostics/kiosk-ports';
import { LogRing } from './diagnostics/log-ring';
import { createDispatcher, type Dispatch } from './dispatcher';
import { createHostHandlers } from './host-services';
import { startKiosk, type StartedKiosk } from './kiosk/start-kiosk';
import { createLogger, type Logger } from './logger';

export interface HostRuntime {
  logger: Logger;
  /** Absent when the kiosk's services could not start: the screen then says out of service. */
  kiosk: StartedKiosk | undefined;
  diagnostics: Diagnostics;
  dispatch: Dispatch;
}

export async function startHostRuntime(config: KioskConfig, shell: 'electron' | 'web'): Promise<HostRuntime> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // Diagnostics shows the recent log lines (redacted); they still go to stderr too.
  const logs = new LogRing(2000, process.stderr);
  const logger = createLogger(config.logLevel, logs);
  // A full disk or a corrupt database must not become a restart loop: log it, show the
  // out-of-service screen, and keep diagnostics reachable for the technician.
  const kiosk = await startKiosk(config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, 'the kiosk services cannot start: out of service');
    return undefined;
  });
  const diagnostics = createDiagnostics({
    config,
    logs,
    ...(kiosk ? { ports: diagnosticsPortsFor(kiosk.store, { authorityUrl: kiosk.authorityUrl, cardReader: kiosk.cardReader }) } : {}),
    onAuditError: (err) => logger.error({ err }, 'audit append failed'),
  });
  const dispatch = createDispatcher(
    createHostHandlers({ config, shell, ...(kiosk ? { session: kiosk.runtime } : { outOfService: true }), diagnostics }),
    (error, channel) => logger.error({ err: error, channel }, 'host handler failed'),
  );
  return { logger, kiosk, diagnostics, dispatch };
}
