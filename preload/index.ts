// The preload (sandboxed, CommonJS after bundling): exposes `window.kiosk`, a KioskBridge whose methods are
// exactly KIOSK_METHODS, each an invoke on the one request channel, and `on()` for KIOSK_EVENTS only. No raw
// ipcRenderer, no channel names, no Node reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, KIOSK_EVENTS, type KioskEventName, type KioskResult } from './contract';
import { createBridge, plainErrorFactory } from './wire';

const listeners = new Map<KioskEventName, Set<(payload: unknown) => void>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, message: unknown) => {
  const m = message as { event?: unknown; payload?: unknown } | null;
  if (!m || typeof m.event !== 'string' || !(KIOSK_EVENTS as readonly string[]).includes(m.event)) return;
  for (const listener of listeners.get(m.event as KioskEventName) ?? []) {
    try {
      listener(m.payload);
    } catch (error) {
      console.error('kiosk event listener failed', error);
    }
  }
});

const bridge = createBridge(
  (method, payload) => ipcRenderer.invoke(IPC_REQUEST_CHANNEL, { method, payload }) as Promise<KioskResult<unknown>>,
  (event, listener) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  },
  // contextBridge keeps only the message of a thrown Error; a plain object keeps the code too.
  plainErrorFactory,
);

contextBridge.exposeInMainWorld('kiosk', bridge);
