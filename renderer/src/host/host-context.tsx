import { createContext, useContext } from 'react';
import type { Host } from './host-api';

export const HostContext = createContext<Host | null>(null);

/** The host for components deep in the tree; calls fail loudly if rendered outside the app. */
export function useHost(): Host {
  const host = useContext(HostContext);
  if (!host) throw new Error('useHost outside <HostContext.Provider>');
  return host;
}

/** Fire-and-forget host calls from event handlers: the resulting state arrives as an event. */
export function fire(call: Promise<unknown>): void {
  call.catch((error: unknown) => console.warn('host call failed', error));
}
