/**
 * The web host's side of the contract in the browser: the same named functions as the
 * Electron preload, carried over a loopback WebSocket authenticated by the per-launch secret
 * found in the page URL's fragment.
 */
import {
  channelNames,
  contract,
  eventNames,
  events,
  type Envelope,
  type EventName,
  type RawHostBridge,
} from '../../../electron/common/contract';

const BRIDGE_PROTOCOL = 'kiosk-bridge.v1';
const SECRET_KEY = 'kiosk.bridge-secret';

/** Takes the secret from `#bridge=…` once, keeps it for reloads of this tab, and clears the URL. */
export function takeBridgeSecret(location: Location, storage: Storage, history: History): string | undefined {
  const match = /(?:^#|&)bridge=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(SECRET_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(SECRET_KEY) ?? undefined;
}

export async function connectWebBridge(): Promise<RawHostBridge> {
  const secret = takeBridgeSecret(window.location, window.sessionStorage, window.history);
  if (!secret) throw new Error('This page was opened without its bridge secret; start it with `npm start`.');
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/bridge`;
  const socket = new WebSocket(url, [BRIDGE_PROTOCOL, `secret.${secret}`]);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('The kiosk host refused the bridge connection.')), { once: true });
  });

  let nextId = 1;
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  socket.addEventListener('message', (message: MessageEvent<string>) => {
    const data = JSON.parse(message.data) as { id?: number | null; envelope?: Envelope<unknown>; event?: string; payload?: unknown };
    if (typeof data.id === 'number' && data.envelope) {
      pending.get(data.id)?.(data.envelope);
      pending.delete(data.id);
    } else if (typeof data.event === 'string') {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const settle of pending.values()) settle({ ok: false, error: { code: 'bridge-closed', message: 'the host connection closed' } });
    pending.clear();
  });

  const bridge: Record<string, unknown> = {};
  for (const name of channelNames) {
    const channel = contract[name].channel;
    bridge[name] = (...args: unknown[]) =>
      new Promise<Envelope<unknown>>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, channel, args }));
      });
  }
  bridge.onEvent = (name: EventName, listener: (payload: unknown) => void) => {
    if (!eventNames.includes(name)) throw new Error(`unknown event ${String(name)}`);
    const wire = events[name].channel;
    const set = listeners.get(wire) ?? new Set();
    set.add(listener);
    listeners.set(wire, set);
    return () => set.delete(listener);
  };
  return bridge as RawHostBridge;
}
