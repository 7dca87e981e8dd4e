import type { OutOfServiceReason } from '../../common/session-state';
import { HostError } from '../dispatcher';
import type { SessionHandlers } from './kiosk-runtime';

/** Session channels of a host started without a kiosk runtime (e.g. a unit test of other channels). */
export function unavailableSessionHandlers(): SessionHandlers {
  const refuse = async (): Promise<never> => {
    throw new HostError('no-session', 'this host runs no citizen session');
  };
  return {
    sessionState: refuse,
    sessionStart: refuse,
    sessionChooseLanguage: refuse,
    sessionAcceptConsent: refuse,
    sessionKeypad: refuse,
    sessionSubmitCode: refuse,
    sessionSubmitAccessKey: refuse,
    sessionFaceReference: refuse,
    sessionFaceDecision: refuse,
    sessionRetry: refuse,
    sessionCancel: refuse,
    sessionActivity: refuse,
    sessionDeviceFault: refuse,
    sessionCameraPolicy: refuse,
  };
}

/**
 * Session channels of a kiosk whose own services could not start (a full disk, a corrupt
 * database): the citizen sees the out-of-service screen, nothing else runs, and the process stays
 * up for diagnostics instead of dying into a restart loop.
 */
export function outOfServiceSessionHandlers(reason: OutOfServiceReason = 'internal'): SessionHandlers {
  return {
    ...unavailableSessionHandlers(),
    sessionState: async () => ({ screen: 'out-of-service', reason, session: 0, idleSecondsLeft: null }),
  };
}
