/**
 * The wire names of the contract's channels and events, without their schemas, so that the
 * sandboxed preload stays tiny. `contract.ts` attaches a schema to every one of these names and
 * the compiler checks that the two lists agree.
 */
import { diagnosticsChannels } from './diagnostics-channels';

export const channels = {
  appInfo: 'app:info',
  listDevices: 'devices:list',
  // The technician's diagnostics screens (electron/common/diagnostics-channels.ts).
  ...diagnosticsChannels,
} as const;

export const eventChannels = {
  devicesChanged: 'event:devices-changed',
} as const;

export type ChannelName = keyof typeof channels;
export type EventName = keyof typeof eventChannels;
