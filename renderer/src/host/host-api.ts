/**
 * The renderer's view of the host: the contract's named functions, whichever shell carries
 * them (Electron's preload as `window.kiosk`, or the web host's WebSocket bridge). Envelopes
 * are unwrapped here; a failure becomes a HostCallError with the host's stable code.
 */
import {
  channelNames,
  type ChannelName,
  type Envelope,
  type EventName,
  type EventPayload,
  type HostApi,
  type HostErrorShape,
  type RawHostBridge,
} from '../../../electron/common/contract';
import { connectWebBridge } from './web-bridge';

export class HostCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: HostErrorShape['issues'],
  ) {
    super(message);
    this.name = 'HostCallError';
  }
}

export type Host = HostApi & {
  onEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new HostCallError(envelope.error.code, envelope.error.message, envelope.error.issues);
}

export function hostFromBridge(bridge: RawHostBridge): Host {
  const api: Record<string, unknown> = {};
  for (const name of channelNames) {
    const call = bridge[name] as (...args: unknown[]) => Promise<Envelope<unknown>>;
    api[name] = async (...args: unknown[]) => unwrap(await call(...args));
  }
  api.onEvent = bridge.onEvent.bind(bridge);
  return api as Host;
}

declare global {
  interface Window {
    kiosk?: RawHostBridge;
  }
}

export async function connectHost(): Promise<Host> {
  if (window.kiosk) return hostFromBridge(window.kiosk);
  return hostFromBridge(await connectWebBridge());
}

export type { ChannelName };
