/**
 * The one typed contract between the renderer and the host. Every channel has a zod schema for
 * its arguments and its result; the host validates both (see electron/host/dispatcher.ts), the
 * preload exposes one named function per channel, and the web host carries the same calls over
 * its loopback WebSocket. Environment-free: no DOM, no Node.
 */
import { z } from 'zod';
import { channels, eventChannels, type ChannelName, type EventName } from './channels';
import { diagnosticsChannelSpecs, TraceLine } from './diagnostics-contract';
import { AccessKeyInput, FaceDecision, FaceReference, KeypadKey, Locale, ScreenState } from './session-state';

export type { ChannelName, EventName };

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** How the renderer is hosted: inside Electron, or by the web host in a browser. */
  shell: z.enum(['electron', 'web']),
  platform: z.string(),
  defaultLocale: z.enum(['zh-CN', 'en']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const SerialDevice = z.object({
  path: z.string(),
  manufacturer: z.string().optional(),
  vendorId: z.string().optional(),
  productId: z.string().optional(),
  serialNumber: z.string().optional(),
});
export const HidDevice = z.object({
  path: z.string().optional(),
  vendorId: z.number().int(),
  productId: z.number().int(),
  product: z.string().optional(),
  manufacturer: z.string().optional(),
  usagePage: z.number().int().optional(),
});
export const DeviceList = z.object({
  serial: z.array(SerialDevice),
  hid: z.array(HidDevice),
  /** An enumeration that could not run (e.g. libusb missing) is reported, not thrown. */
  errors: z.array(z.object({ source: z.enum(['serial', 'hid']), message: z.string() })),
  /** The reader the kiosk is configured to use, as a URI (e.g. `sim:genuine`). */
  configuredReader: z.string(),
});
export type DeviceList = z.infer<typeof DeviceList>;

interface ChannelSpec {
  channel: string;
  args: z.ZodTuple<[] | [z.ZodType, ...z.ZodType[]], null>;
  result: z.ZodType;
}

export const contract = {
  appInfo: { channel: channels.appInfo, args: z.tuple([]), result: AppInfo },
  listDevices: { channel: channels.listDevices, args: z.tuple([]), result: DeviceList },
  sessionState: { channel: channels.sessionState, args: z.tuple([]), result: ScreenState },
  sessionStart: { channel: channels.sessionStart, args: z.tuple([]), result: z.void() },
  sessionChooseLanguage: { channel: channels.sessionChooseLanguage, args: z.tuple([Locale]), result: z.void() },
  sessionAcceptConsent: { channel: channels.sessionAcceptConsent, args: z.tuple([]), result: z.void() },
  sessionKeypad: { channel: channels.sessionKeypad, args: z.tuple([KeypadKey]), result: z.void() },
  sessionSubmitCode: { channel: channels.sessionSubmitCode, args: z.tuple([]), result: z.void() },
  sessionSubmitAccessKey: { channel: channels.sessionSubmitAccessKey, args: z.tuple([AccessKeyInput]), result: z.void() },
  /** The chip portrait for the face worker; only while the face screen is shown. */
  sessionFaceReference: { channel: channels.sessionFaceReference, args: z.tuple([]), result: FaceReference },
  sessionFaceDecision: { channel: channels.sessionFaceDecision, args: z.tuple([FaceDecision]), result: z.void() },
  sessionRetry: { channel: channels.sessionRetry, args: z.tuple([]), result: z.void() },
  sessionCancel: { channel: channels.sessionCancel, args: z.tuple([]), result: z.void() },
  /** A touch anywhere: restarts the inactivity countdown. */
  sessionActivity: { channel: channels.sessionActivity, args: z.tuple([]), result: z.void() },
  /** The renderer lost (or regained) a device only it can see: the camera. */
  sessionDeviceFault: { channel: channels.sessionDeviceFault, args: z.tuple([z.enum(['camera-lost', 'camera-ok'])]), result: z.void() },
  /** Camera labels allowed to feed liveness (config `camera.allowedLabels`; empty = any non-virtual camera). */
  sessionCameraPolicy: { channel: channels.sessionCameraPolicy, args: z.tuple([]), result: z.strictObject({ allow: z.array(z.string().max(200)).max(50) }) },
  ...diagnosticsChannelSpecs,
} as const satisfies { [K in ChannelName]: ChannelSpec & { channel: (typeof channels)[K] } };

export type Contract = typeof contract;
export type ChannelArgs<K extends ChannelName> = z.input<Contract[K]['args']>;
export type ChannelResult<K extends ChannelName> = z.output<Contract[K]['result']>;

/** Host → renderer notifications. */
export const events = {
  devicesChanged: { channel: eventChannels.devicesChanged, payload: DeviceList },
  sessionState: { channel: eventChannels.sessionState, payload: ScreenState },
  diagnosticsTrace: { channel: eventChannels.diagnosticsTrace, payload: TraceLine },
} as const satisfies { [K in EventName]: { channel: (typeof eventChannels)[K]; payload: z.ZodType } };
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]['payload']>;

/** Errors crossing the boundary are plain data with a stable code. */
export const HostErrorShape = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type HostErrorShape = z.infer<typeof HostErrorShape>;

/** Every invocation answers with this envelope, so errors keep their code across IPC. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: HostErrorShape };

/** The named functions the preload (or the web bridge) exposes to the renderer. */
export type HostApi = {
  [K in ChannelName]: (...args: ChannelArgs<K>) => Promise<ChannelResult<K>>;
};

/** The raw surface the preload exposes as `window.kiosk`: envelopes, unwrapped by the renderer. */
export type RawHostBridge = {
  [K in ChannelName]: (...args: ChannelArgs<K>) => Promise<Envelope<ChannelResult<K>>>;
} & {
  onEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export const channelNames = Object.keys(contract) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];
export const channelByWireName: ReadonlyMap<string, ChannelName> = new Map(
  channelNames.map((name) => [contract[name].channel, name]),
);
