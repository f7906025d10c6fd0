// getKiosk(): the one way the renderer reaches main. In Electron the preload exposes `window.kiosk`; in a plain
// browser (the web host) the same interface is carried over a same-origin WebSocket to /kiosk.
import type { KioskBridge } from '../../preload/contract';
import { adoptBridge } from '../../preload/wire';
import { createWsBridge, type WsBridge } from './ws-client';

declare global {
  interface Window {
    kiosk?: KioskBridge;
  }
}

let cached: KioskBridge | null = null;
let socketBridge: WsBridge | null = null;

export function kioskSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/kiosk`;
}

export function getKiosk(): KioskBridge {
  if (cached) return cached;
  // The preload's rejections arrive as contextBridge copies; adoptBridge makes them KioskErrors again.
  if (window.kiosk) cached = adoptBridge(window.kiosk);
  else cached = socketBridge = createWsBridge({ url: kioskSocketUrl(window.location) });
  return cached;
}

/**
 * Follows the link to main where it can break while the page lives on: the web host's socket. Under Electron,
 * main and the renderer live and die together, so there is nothing to follow (the listener is never called).
 */
export function watchMainLink(listener: (up: boolean) => void): () => void {
  getKiosk();
  return socketBridge ? socketBridge.onLinkChange(listener) : () => undefined;
}
