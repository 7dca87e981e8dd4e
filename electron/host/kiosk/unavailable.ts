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
