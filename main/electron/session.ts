// The session and web-contents handlers, built by functions that take Electron's objects as arguments, so tests
// call them under Node with fakes (only `import type` from electron here). The decisions themselves are the pure
// functions of ./security.
import type { Session, SystemPreferences, WebContents } from 'electron';
import { allowNavigation, allowPermission, allowPermissionCheck, allowRequest } from './security';

export interface MicrophoneAccess {
  platform: NodeJS.Platform;
  /** macOS only: the OS-level microphone consent (TCC). */
  systemPreferences?: Pick<SystemPreferences, 'getMediaAccessStatus' | 'askForMediaAccess'>;
  log?: (line: string) => void;
}

type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0] & {};
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0] & {};

/**
 * Decides a permission request: our rule first (audio capture for app://kiosk only), then, on macOS, the OS's
 * own microphone consent — asked for when not yet determined, so the system prompt (with
 * NSMicrophoneUsageDescription) appears instead of a silent failure.
 */
export async function decidePermission(
  permission: string,
  details: { requestingUrl?: string; mediaTypes?: readonly string[] },
  mic: MicrophoneAccess,
): Promise<boolean> {
  if (!allowPermission(permission, details)) {
    mic.log?.(`denied permission ${permission} for ${details.requestingUrl ?? 'an unknown page'}`);
    return false;
  }
  if (mic.platform !== 'darwin' || !mic.systemPreferences) return true;
  const status = mic.systemPreferences.getMediaAccessStatus('microphone');
  if (status === 'granted') return true;
  if (status === 'not-determined') return mic.systemPreferences.askForMediaAccess('microphone');
  mic.log?.(`macOS microphone access is ${status}: allow it in System Settings → Privacy & Security → Microphone`);
  return false;
}

export function permissionRequestHandler(mic: MicrophoneAccess): PermissionRequestHandler {
  return (_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    decidePermission(permission, { requestingUrl: details.requestingUrl, mediaTypes: mediaTypes ?? [] }, mic).then(callback, (error: unknown) => {
      mic.log?.(`permission check failed: ${String(error)}`);
      callback(false);
    });
  };
}

/** The synchronous check (e.g. enumerateDevices labels): our origin, media, and never video. */
export const permissionCheckHandler: PermissionCheckHandler = (_contents, permission, requestingOrigin, details) =>
  allowPermissionCheck(permission, requestingOrigin) && details?.mediaType !== 'video';

export type SessionLike = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onBeforeRequest'>;
};

/** Installs every handler of the default session: permissions, device access, and no remote content. */
export function hardenSession(ses: SessionLike, mic: MicrophoneAccess): void {
  ses.setPermissionRequestHandler(permissionRequestHandler(mic));
  ses.setPermissionCheckHandler(permissionCheckHandler);
  ses.setDevicePermissionHandler(() => false); // no HID, serial, USB
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = allowRequest(details.url);
    if (!ok) mic.log?.(`blocked a request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !ok });
  });
}

export type WebContentsLike = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

/** Every web contents (app's `web-contents-created`): no new windows, no navigation away, no <webview>. */
export function hardenWebContents(contents: WebContentsLike, log: (line: string) => void = () => {}): void {
  contents.setWindowOpenHandler(({ url }) => {
    log(`denied a new window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!allowNavigation(url)) {
      event.preventDefault();
      log(`denied navigation to ${url.slice(0, 200)}`);
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
