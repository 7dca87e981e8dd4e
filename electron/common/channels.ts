/**
 * The wire names of the contract's channels and events, without their schemas, so that the
 * sandboxed preload stays tiny. `contract.ts` attaches a schema to every one of these names and
 * the compiler checks that the two lists agree.
 */
import { diagnosticsChannels } from './diagnostics-channels';

export const channels = {
  appInfo: 'app:info',
  listDevices: 'devices:list',
  // The citizen session: the renderer sends events, the host's session machine decides.
  sessionState: 'session:state',
  sessionStart: 'session:start',
  sessionChooseLanguage: 'session:choose-language',
  sessionAcceptConsent: 'session:accept-consent',
  sessionKeypad: 'session:keypad',
  sessionSubmitCode: 'session:submit-code',
  sessionSubmitAccessKey: 'session:submit-access-key',
  sessionFaceReference: 'session:face-reference',
  sessionFaceDecision: 'session:face-decision',
  sessionRetry: 'session:retry',
  sessionCancel: 'session:cancel',
  sessionActivity: 'session:activity',
  sessionDeviceFault: 'session:device-fault',
  sessionCameraPolicy: 'session:camera-policy',
  // The technician's diagnostics screens (electron/common/diagnostics-channels.ts).
  ...diagnosticsChannels,
} as const;

export const eventChannels = {
  devicesChanged: 'event:devices-changed',
  sessionState: 'event:session-state',
  /** One line of the diagnostics reader test's protocol trace, as it happens. */
  diagnosticsTrace: 'event:diagnostics-trace',
} as const;

export type ChannelName = keyof typeof channels;
export type EventName = keyof typeof eventChannels;
