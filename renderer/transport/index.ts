// getKiosk(): the one way the renderer reaches main. In Electron the preload exposes `window.kiosk`; in a plain
// browser (the web host) the same interface is carried over a same-origin WebSocket to /kiosk.
import type { KioskBridge } from '../../preload/contract';
import { createWsBridge } from './ws-client';

declare global {
  interface Window {
    kiosk?: KioskBridge;
  }
}

let cached: KioskBridge | null = null;

export function kioskSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/kiosk`;
}

export function getKiosk(): KioskBridge {
  if (cached) return cached;
  cached = window.kiosk ?? createWsBridge({ url: kioskSocketUrl(window.location) });
  return cached;
}
