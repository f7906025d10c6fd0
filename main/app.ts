// Electron entry: only wiring. The decisions live in small modules that take Electron objects as arguments and
// are unit-tested with fakes: main/electron/security.ts (pure rules), session.ts (session and web-contents
// handlers), kiosk.ts (shortcuts, close guard, display sleep, crash policy, exit codes), ipc.ts, stores.ts;
// everything else is the plain-Node core in main/core.
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  powerSaveBlocker,
  protocol,
  safeStorage,
  session,
  systemPreferences,
} from 'electron';
import ElectronStore from 'electron-store';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createKioskService, type KioskService } from './core/api/service';
import { loadEmulator } from './simulator/lazy';
import type { KioskDatabase } from './core/db/database';
import { openOrSalvage } from './core/db/recover';
import { describeSalvage } from './core/db/salvage';
import { provisionOperatorPin, readNewPin } from './core/operator/provision';
import { fileLockRecordStore } from './core/operator/store';
import { DEFAULT_SETTINGS } from './core/settings/types';
import { safeStorageCredentialStore } from './core/settings/credentials';
import { registerIpc } from './electron/ipc';
import { CrashPolicy, EXIT_CODES, installKioskGuards, PreventDisplaySleep, shellMode } from './electron/kiosk';
import { appProtocolResponse } from './electron/protocol';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, windowOptions } from './electron/security';
import { hardenSession, hardenWebContents } from './electron/session';
import { checkStartup, describeStartupProblems } from './electron/startup';
import { electronSettingsStore, keyringOnlySafeStorage, safeStorageCodec, safeStorageSecretStore } from './electron/stores';

const appRoot = app.getAppPath();
const isDev = !app.isPackaged;
const mode = shellMode(process.argv, process.env);
const log = (line: string) => console.log(`[kiosk] ${line}`);
// Packaged builds refuse debugging, sandbox-off, proxy and certificate-bypass switches and variables, and ignore
// KIOSK_SQLITE_BINDING and --user-data-dir (main/electron/startup.ts).
const startup = checkStartup({ packaged: app.isPackaged, argv: process.argv, env: process.env, platform: process.platform });

// A per-run profile (tests, several kiosks on one machine; development builds only): before anything reads it.
if (startup.userDataDir) app.setPath('userData', resolve(startup.userDataDir));

// Must happen before `ready`.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
// Practice mode talks WebRTC to the in-process emulator on 127.0.0.1; Chromium needs this to gather loopback
// candidates. The setting is not known before `ready`, so it is always on (it only adds loopback candidates).
app.commandLine.appendSwitch('allow-loopback-in-peer-connection');
app.enableSandbox();

const crashes = new CrashPolicy(app, { relaunch: !mode.supervised, log });
process.on('uncaughtException', (error) => crashes.fatal(error));
// A stray rejected promise (a retry path, a closed peer) does not leave main in an unknown state, and restarting
// would cut a live interview: log it. Electron's own default for it is a warning too.
process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));

function sqliteBinding(): string | undefined {
  const candidates = [
    startup.sqliteBindingFromEnv,
    // Packaged: electron-builder's extraResources copy of .cache/electron-native (electron-builder.yml).
    join(process.resourcesPath ?? '', 'native', `electron-${process.versions.electron}`, 'better_sqlite3.node'),
    join(process.resourcesPath ?? '', 'native', 'better_sqlite3.node'),
    join(appRoot, '.cache', 'electron-native', `electron-${process.versions.electron}`, 'better_sqlite3.node'),
    join(appRoot, '.cache', 'electron-native', 'better_sqlite3.node'),
  ];
  return candidates.find((p): p is string => typeof p === 'string' && p.length > 0 && existsSync(p));
}

/** safeStorage, refusing Linux's plain-text backend (main/electron/stores.ts); only valid after `ready`. */
const secretStorage = () => keyringOnlySafeStorage(safeStorage, process.platform);

let service: KioskService | null = null;
let db: KioskDatabase | null = null;
let mainWindow: BrowserWindow | null = null;
let allowClose: () => void = () => {};
let exitCode: number = EXIT_CODES.ok;
const displaySleep = new PreventDisplaySleep(powerSaveBlocker, log);

/** The deliberate operator quit (PIN checked by the core): close cleanly, then exit with the operator code. */
function operatorQuit(): void {
  exitCode = EXIT_CODES.operatorQuit;
  allowClose();
  app.quit(); // before-quit closes the core; will-quit exits with exitCode
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const binding = sqliteBinding();
  const opened = openOrSalvage(join(userData, 'kiosk.sqlite'), binding ? { nativeBinding: binding } : {});
  db = opened.db;
  const salvage = opened.salvage;
  const settingsStore = new ElectronStore<Record<string, unknown>>({ name: 'settings', defaults: { ...DEFAULT_SETTINGS } });
  service = createKioskService({
    db,
    dataDir: userData,
    ...(salvage ? { storageNotices: [{ message: describeSalvage(salvage), at: salvage.at }] } : {}),
    settings: electronSettingsStore(settingsStore),
    secrets: safeStorageSecretStore(secretStorage(), join(userData, 'secrets.bin'), console.warn),
    // The device's Supabase refresh token, encrypted with safeStorage (never the password, never to the renderer).
    credentials: safeStorageCredentialStore(secretStorage(), join(userData, 'device-credentials.bin'), console.warn),
    kioskMode: mode.kiosk,
    packaged: app.isPackaged,
    operatorLock: fileLockRecordStore(userData, { codec: safeStorageCodec(secretStorage()), log }),
    onQuit: operatorQuit,
    // The report view on screen as PDF (Electron's Chromium print): the review workspace's export.
    printToPdf: async () => {
      const page = mainWindow?.webContents;
      if (!page) throw new Error('no window to print');
      return new Uint8Array(await page.printToPDF({ printBackground: true, pageSize: 'A4' }));
    },
    startEmulator: loadEmulator,
    log,
  });
  service.events.on('session', (s) => displaySleep.update(s));

  const rendererDir = join(appRoot, 'dist', 'renderer');
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererDir, request, (path, token) => service!.evaluation.mediaFile(path, token)));
  hardenSession(session.defaultSession, { platform: process.platform, systemPreferences, log });

  if (mode.kiosk) Menu.setApplicationMenu(null);
  mainWindow = new BrowserWindow(
    windowOptions({ preloadPath: join(appRoot, 'dist', 'preload', 'index.cjs'), kiosk: mode.kiosk, devTools: isDev && !mode.kiosk }),
  );
  const window = mainWindow;
  if (mode.kiosk) allowClose = installKioskGuards(window, { platform: process.platform, log }).allowClose;
  const unregister = registerIpc({ ipcMain, window, dispatch: service.dispatch, events: service.events });
  window.webContents.on('render-process-gone', (_event, details) => crashes.rendererGone(details, window.webContents));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    unregister();
    mainWindow = null;
  });
  await window.loadURL(APP_ENTRY_URL);
}

if (startup.problems.length > 0) {
  console.error(describeStartupProblems(startup.problems));
  app.exit(EXIT_CODES.startFailed);
} else if (process.argv.includes('--set-operator-pin')) {
  // The administrator's provisioning step: the PIN from the terminal, its hash into the operator-lock file.
  app.whenReady()
    .then(async () => {
      const store = fileLockRecordStore(app.getPath('userData'), { codec: safeStorageCodec(secretStorage()), log });
      await provisionOperatorPin(store, await readNewPin(process.stdin, process.stdout));
      console.log('Operator PIN set.');
      app.exit(EXIT_CODES.ok);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      app.exit(EXIT_CODES.startFailed);
    });
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
  app.on('child-process-gone', (_event, details) => crashes.childGone(details));
  app.whenReady().then(start).catch((error: unknown) => {
    console.error('[kiosk] failed to start:', error);
    app.exit(EXIT_CODES.startFailed);
  });
  app.on('window-all-closed', () => app.quit());
  // A supervisor stopping us (systemctl stop, logoff) is not an escape attempt: let the kiosk window close.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      allowClose();
      app.quit();
    });
  }
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !service) return;
    closing = true;
    event.preventDefault();
    displaySleep.stop();
    void service.close().finally(() => {
      db?.close();
      service = null;
      app.quit();
    });
  });
  app.on('will-quit', (event) => {
    if (exitCode === EXIT_CODES.ok) return;
    event.preventDefault();
    app.exit(exitCode);
  });
}
