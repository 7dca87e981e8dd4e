/**
 * Preload (sandboxed, context-isolated): exposes exactly one named function per contract
 * channel and a filtered event subscription as `window.kiosk`. No Node, no ipcRenderer, no
 * generic `invoke` ever reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channels, eventChannels, type EventName } from '../common/channels';

const api: Record<string, unknown> = {};
for (const [name, wire] of Object.entries(channels)) {
  api[name] = (...args: unknown[]) => ipcRenderer.invoke(wire, args);
}
api.onEvent = (name: EventName, listener: (payload: unknown) => void) => {
  const wire = Object.hasOwn(eventChannels, name) ? eventChannels[name] : undefined;
  if (!wire) throw new Error(`unknown event ${String(name)}`);
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(wire, wrapped);
  return () => ipcRenderer.removeListener(wire, wrapped);
};

contextBridge.exposeInMainWorld('kiosk', Object.freeze(api));
