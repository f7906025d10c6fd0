// Pure security decisions for the Electron shell, testable under plain Node (only `import type` from electron).
import type { BrowserWindowConstructorOptions } from 'electron';

/** The renderer is served from app://kiosk/ (a privileged, secure custom scheme), never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  stream: true,
  corsEnabled: false,
  bypassCSP: false,
} as const;

/** Served with every app:// response (one policy with the web host and index.html). */
export { CONTENT_SECURITY_POLICY } from '../../preload/csp';

export function windowOptions(options: { preloadPath: string; kiosk: boolean; devTools?: boolean }): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    show: false,
    kiosk: options.kiosk,
    fullscreen: options.kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#101418',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.devTools ?? false,
    },
  };
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    // Custom standard schemes report origin "null" in some runtimes: build it from the parts.
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

export const isAppUrl = (url: string): boolean => originOf(url) === APP_ORIGIN;

/** will-navigate / will-redirect: only within our own origin (a reload or an in-app route). */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * session.webRequest: no remote content. The renderer loads only our scheme (plus blob:/data: it makes itself,
 * and devtools: in development builds). Realtime and the backend are reached by main, never by the page; WebRTC
 * media does not pass through webRequest.
 */
export function allowRequest(url: string): boolean {
  return isAppUrl(url) || url.startsWith('blob:app://kiosk/') || url.startsWith('data:') || url.startsWith('devtools://');
}

/** setPermissionRequestHandler: the microphone (audio only) for our own origin; nothing else, ever. */
export function allowPermission(permission: string, details: { requestingUrl?: string; mediaTypes?: readonly string[] }): boolean {
  if (permission !== 'media') return false;
  if (!details.requestingUrl || !isAppUrl(details.requestingUrl)) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'audio');
}

/** setPermissionCheckHandler: the synchronous check; same rule, without media types. */
export function allowPermissionCheck(permission: string, requestingOrigin: string): boolean {
  return permission === 'media' && originOf(requestingOrigin) === APP_ORIGIN;
}

/** IPC sender validation: the main frame of our main window, showing our origin. */
export function isTrustedSender(sender: { frameUrl: string | null; isMainFrame: boolean; webContentsId: number }, mainWebContentsId: number | null): boolean {
  return (
    mainWebContentsId !== null &&
    sender.webContentsId === mainWebContentsId &&
    sender.isMainFrame &&
    sender.frameUrl !== null &&
    isAppUrl(sender.frameUrl)
  );
}
