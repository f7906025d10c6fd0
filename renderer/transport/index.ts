// getKiosk(): the one way the renderer reaches main. In Electron the preload exposes `window.kiosk`; in a plain
// browser (the web host) the same interface is carried over a same-origin WebSocket to /kiosk.
import type { KioskBridge } from '../../preload/contract';
import { adoptBridge, socketProtocols, tokenFromFragment } from '../../preload/wire';
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

const TOKEN_KEY = 'kiosk-web-token';

/**
 * The web host's socket token: taken from the address fragment the host printed (`#token=…`), kept for this tab
 * in sessionStorage (a reload still works) and removed from the address bar at once, so it is not left on screen.
 */
export function takeSocketToken(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  history: Pick<History, 'replaceState'>,
): string | null {
  const fromFragment = tokenFromFragment(location.hash);
  if (fromFragment) {
    storage.setItem(TOKEN_KEY, fromFragment);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    return fromFragment;
  }
  return storage.getItem(TOKEN_KEY);
}

export function getKiosk(): KioskBridge {
  if (cached) return cached;
  // The preload's rejections arrive as contextBridge copies; adoptBridge makes them KioskErrors again.
  if (window.kiosk) cached = adoptBridge(window.kiosk);
  else {
    const token = takeSocketToken(window.location, window.sessionStorage, window.history);
    cached = socketBridge = createWsBridge({
      url: kioskSocketUrl(window.location),
      protocols: token ? socketProtocols(token) : [],
      ...(token ? {} : { unreachableHint: 'This page was opened without its access token: open the full address the web host printed (it ends in #token=…).' }),
    });
  }
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
