// Electron entry: lifecycle, the hardened window, the app:// protocol, IPC, and the core wired to Electron's
// stores. Everything with logic lives in main/core (plain Node) or main/electron/security.ts (pure).
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session, type WebContents } from 'electron';
import ElectronStore from 'electron-store';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createKioskService, type KioskService } from './core/api/service';
import { openDatabase, type KioskDatabase } from './core/db/database';
import { DEFAULT_SETTINGS } from './core/settings/types';
import { registerIpc } from './electron/ipc';
import { appProtocolResponse } from './electron/protocol';
import {
  allowNavigation,
  allowPermission,
  allowPermissionCheck,
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  windowOptions,
} from './electron/security';
import { electronSettingsStore, safeStorageSecretStore } from './electron/stores';

/** Exit code of a deliberate operator quit, so a kiosk supervisor can tell it from a crash. */
export const OPERATOR_EXIT_CODE = 64;

const appRoot = app.getAppPath();
const isDev = !app.isPackaged;
const kioskMode = process.argv.includes('--kiosk') || process.env.KIOSK_MODE === '1';

// Must happen before `ready`.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
// Practice mode talks WebRTC to the in-process emulator on 127.0.0.1; Chromium needs this to gather loopback
// candidates. The setting is not known before `ready`, so it is always on (it only adds loopback candidates).
app.commandLine.appendSwitch('allow-loopback-in-peer-connection');
app.enableSandbox();

function sqliteBinding(): string | undefined {
  const candidates = [
    process.env.KIOSK_SQLITE_BINDING,
    join(appRoot, '.cache', 'electron-native', `electron-${process.versions.electron}`, 'better_sqlite3.node'),
    join(appRoot, '.cache', 'electron-native', 'better_sqlite3.node'),
  ];
  return candidates.find((p): p is string => typeof p === 'string' && p.length > 0 && existsSync(p));
}

function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!allowNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

let service: KioskService | null = null;
let db: KioskDatabase | null = null;
let mainWindow: BrowserWindow | null = null;

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const binding = sqliteBinding();
  db = openDatabase(join(userData, 'kiosk.sqlite'), binding ? { nativeBinding: binding } : {});
  const settingsStore = new ElectronStore<Record<string, unknown>>({ name: 'settings', defaults: { ...DEFAULT_SETTINGS } });
  service = createKioskService({
    db,
    dataDir: userData,
    settings: electronSettingsStore(settingsStore),
    secrets: safeStorageSecretStore(safeStorage, join(userData, 'secrets.bin'), console.warn),
    log: (line) => console.log(`[kiosk] ${line}`),
  });

  const rendererDir = join(appRoot, 'dist', 'renderer');
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererDir, request));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    callback(allowPermission(permission, { requestingUrl: details.requestingUrl, mediaTypes: mediaTypes ?? [] }));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowPermissionCheck(permission, requestingOrigin));
  // No remote content: anything that is not our scheme or a loopback Realtime/emulator request is cancelled.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = details.url.startsWith(`${APP_SCHEME}:`) || details.url.startsWith('devtools:') ||
      details.url.startsWith('blob:') || details.url.startsWith('data:');
    callback({ cancel: !ok });
  });

  mainWindow = new BrowserWindow(windowOptions({ preloadPath: join(appRoot, 'dist', 'preload', 'index.cjs'), kiosk: kioskMode, devTools: isDev }));
  const window = mainWindow;
  const unregister = registerIpc({ ipcMain, window, dispatch: service.dispatch, events: service.events });
  window.webContents.on('render-process-gone', (_event, details) => {
    console.error(`[kiosk] renderer gone (${details.reason}); reloading`);
    if (!window.isDestroyed()) window.webContents.reload();
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    unregister();
    mainWindow = null;
  });
  await window.loadURL(APP_ENTRY_URL);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.whenReady().then(start).catch((error: unknown) => {
    console.error('[kiosk] failed to start:', error);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !service) return;
    closing = true;
    event.preventDefault();
    void service.close().finally(() => {
      db?.close();
      service = null;
      app.quit();
    });
  });
}
