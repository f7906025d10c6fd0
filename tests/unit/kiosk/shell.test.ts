// The Electron shell's window options, session handlers and kiosk services, built by the same functions
// main/app.ts calls, with Electron's objects stood in by fakes at that seam (the binary cannot run here).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CrashPolicy,
  EXIT_CODES,
  installKioskGuards,
  isEscapeShortcut,
  PreventDisplaySleep,
  shellMode,
  type KeyInput,
} from '../../../main/electron/kiosk';
import { allowRequest, APP_SCHEME_PRIVILEGES, CONTENT_SECURITY_POLICY, windowOptions } from '../../../main/electron/security';
import { decidePermission, hardenSession, hardenWebContents, type SessionLike, type WebContentsLike } from '../../../main/electron/session';
import { safeStorageCodec } from '../../../main/electron/stores';

const OUR = 'app://kiosk/index.html';

describe('window options', () => {
  for (const kiosk of [true, false]) {
    it(`${kiosk ? 'kiosk' : 'recruiter'} window: every security flag`, () => {
      const o = windowOptions({ preloadPath: '/p.cjs', kiosk });
      assert.deepEqual(
        { ...o.webPreferences },
        {
          preload: '/p.cjs',
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
          devTools: false,
        },
      );
      assert.equal(o.kiosk, kiosk);
      assert.equal(o.fullscreen, kiosk);
      assert.equal(o.autoHideMenuBar, true);
      assert.equal(o.show, false, 'shown on ready-to-show, no white flash');
    });
  }

  it('the app:// scheme is secure and standard, and does not bypass the CSP', () => {
    assert.equal(APP_SCHEME_PRIVILEGES.secure, true);
    assert.equal(APP_SCHEME_PRIVILEGES.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.bypassCSP, false);
  });

  it('the CSP allows only our own scripts, no eval, no inline script, no remote anything', () => {
    const d = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((x) => x.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(d['default-src'], ["'self'"]);
    assert.deepEqual(d['script-src'], ["'self'"]);
    assert.deepEqual(d['connect-src'], ["'self'"]);
    assert.deepEqual(d['object-src'], ["'none'"]);
    assert.deepEqual(d['base-uri'], ["'none'"]);
    assert.deepEqual(d['frame-ancestors'], ["'none'"]);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval|https?:|\*/);
    assert.doesNotMatch(d['script-src']!.join(' '), /unsafe-inline/);
  });
});

describe('permissions', () => {
  const linux = { platform: 'linux' as const };
  it('microphone for our origin: yes; camera, both, geolocation, notifications, other origins: no', async () => {
    assert.equal(await decidePermission('media', { requestingUrl: OUR, mediaTypes: ['audio'] }, linux), true);
    assert.equal(await decidePermission('media', { requestingUrl: OUR, mediaTypes: ['video'] }, linux), false);
    assert.equal(await decidePermission('media', { requestingUrl: OUR, mediaTypes: ['audio', 'video'] }, linux), false);
    for (const p of ['geolocation', 'notifications', 'openExternal', 'display-capture', 'clipboard-read', 'hid', 'usb']) {
      assert.equal(await decidePermission(p, { requestingUrl: OUR, mediaTypes: ['audio'] }, linux), false, p);
    }
    for (const url of ['https://evil.example/', 'http://127.0.0.1:5180/', 'file:///tmp/x.html', 'app://other/']) {
      assert.equal(await decidePermission('media', { requestingUrl: url, mediaTypes: ['audio'] }, linux), false, url);
    }
  });

  it('macOS: asks the OS for microphone access when undetermined, respects a denial, never asks for others', async () => {
    const asked: string[] = [];
    const mac = (status: string, answer = true) => ({
      platform: 'darwin' as const,
      systemPreferences: {
        getMediaAccessStatus: () => status as 'granted',
        askForMediaAccess: async (t: 'microphone' | 'camera') => (asked.push(t), answer),
      },
    });
    assert.equal(await decidePermission('media', { requestingUrl: OUR, mediaTypes: ['audio'] }, mac('granted')), true);
    assert.deepEqual(asked, []);
    assert.equal(await decidePermission('media', { requestingUrl: OUR, mediaTypes: ['audio'] }, mac('not-determined', true)), true);
    assert.equal(await decidePermission('media', { requestingUrl: OUR, mediaTypes: ['audio'] }, mac('not-determined', false)), false);
    assert.deepEqual(asked, ['microphone', 'microphone']);
    assert.equal(await decidePermission('media', { requestingUrl: OUR, mediaTypes: ['audio'] }, mac('denied')), false);
    assert.equal(await decidePermission('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] }, mac('not-determined')), false);
    assert.equal(asked.length, 2, 'a refused origin never triggers the OS prompt');
  });

  it('hardenSession installs all handlers, and they decide as above; remote requests are cancelled', async () => {
    const installed: Record<string, (...args: any[]) => any> = {};
    const fake = {
      setPermissionRequestHandler: (h: any) => void (installed.request = h),
      setPermissionCheckHandler: (h: any) => void (installed.check = h),
      setDevicePermissionHandler: (h: any) => void (installed.device = h),
      webRequest: { onBeforeRequest: (h: any) => void (installed.beforeRequest = h) },
    } as unknown as SessionLike;
    hardenSession(fake, { platform: 'linux' });
    const ask = (permission: string, details: object) =>
      new Promise<boolean>((ok) => installed.request!({}, permission, ok, details));
    assert.equal(await ask('media', { requestingUrl: OUR, mediaTypes: ['audio'] }), true);
    assert.equal(await ask('media', { requestingUrl: OUR, mediaTypes: ['video'] }), false);
    assert.equal(await ask('geolocation', { requestingUrl: OUR }), false);
    assert.equal(await ask('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] }), false);
    assert.equal(installed.check!({}, 'media', 'app://kiosk', { mediaType: 'audio' }), true);
    assert.equal(installed.check!({}, 'media', 'app://kiosk', { mediaType: 'video' }), false, 'no camera');
    assert.equal(installed.check!({}, 'media', 'https://evil.example', { mediaType: 'audio' }), false);
    assert.equal(installed.check!({}, 'geolocation', 'app://kiosk', {}), false);
    assert.equal(installed.device!({ deviceType: 'usb', origin: 'app://kiosk' }), false);
    const cancel = (url: string) => new Promise<boolean>((ok) => installed.beforeRequest!({ url }, (r: { cancel: boolean }) => ok(r.cancel)));
    assert.equal(await cancel('app://kiosk/assets/index.js'), false);
    for (const url of ['https://cdn.example/x.js', 'http://127.0.0.1:9/x.js', 'file:///etc/passwd', 'ws://evil.example/', 'app://other/x.js']) {
      assert.equal(await cancel(url), true, url);
    }
    assert.equal(allowRequest('blob:app://kiosk/5f1e'), true);
    assert.equal(allowRequest('blob:https://evil.example/5f1e'), false);
  });
});

describe('navigation and new windows', () => {
  function fakeContents() {
    const emitter = new EventEmitter();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const contents = {
      setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
      on: (e: string, l: (...a: any[]) => void) => emitter.on(e, l),
    } as unknown as WebContentsLike;
    const fire = (name: string, ...args: unknown[]) => {
      const event = { prevented: false, preventDefault() { this.prevented = true; }, url: args[0] };
      emitter.emit(name, event, ...args);
      return event.prevented;
    };
    return { contents, fire, open: (url: string) => openHandler!({ url }).action };
  }

  it('denies every new window and navigation away from app://kiosk, and <webview>', () => {
    const f = fakeContents();
    hardenWebContents(f.contents);
    assert.equal(f.open('https://evil.example/'), 'deny');
    assert.equal(f.open(OUR), 'deny', 'not even our own page in a second window');
    for (const event of ['will-navigate', 'will-redirect']) {
      assert.equal(f.fire(event, 'https://evil.example/'), true, event);
      assert.equal(f.fire(event, 'file:///etc/passwd'), true, event);
      assert.equal(f.fire(event, 'app://kiosk/interview'), false, `${event} inside the app`);
    }
    assert.equal(f.fire('will-frame-navigate', 'http://127.0.0.1:1/'), true);
    assert.equal(f.fire('will-attach-webview'), true);
  });
});

describe('kiosk guards', () => {
  const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ type: 'keyDown', key: k, code: '', control: false, meta: false, alt: false, shift: false, ...mods });

  it('swallows the common escapes, keeps typing, editing and zoom', () => {
    const swallowed = [
      key('F4', { alt: true }), key('w', { control: true }), key('q', { control: true }), key('r', { control: true }),
      key('R', { control: true, shift: true }), key('F5'), key('F11'), key('F12'), key('I', { control: true, shift: true }),
      key('J', { control: true, shift: true }), key('p', { control: true }), key('n', { control: true }), key('ArrowLeft', { alt: true }),
    ];
    for (const k of swallowed) assert.equal(isEscapeShortcut(k, 'linux'), true, JSON.stringify(k));
    const kept = [
      key('a'), key('1'), key('Enter'), key('Tab'), key('Escape'), key('Backspace'), key('c', { control: true }),
      key('v', { control: true }), key('a', { control: true }), key('z', { control: true }), key('+', { control: true }),
      key('F4'), key('w', { control: true, type: 'keyUp' }),
    ];
    for (const k of kept) assert.equal(isEscapeShortcut(k, 'linux'), false, JSON.stringify(k));
    assert.equal(isEscapeShortcut(key('q', { meta: true }), 'darwin'), true);
    assert.equal(isEscapeShortcut(key('i', { meta: true, alt: true }), 'darwin'), true);
    assert.equal(isEscapeShortcut(key('q', { meta: true }), 'linux'), false);
  });

  it('before-input-event swallows, and the window refuses to close until the operator quit allows it', () => {
    const contents = new EventEmitter();
    const win = new EventEmitter();
    const fakeWindow = { webContents: { on: (e: string, l: any) => contents.on(e, l) }, on: (e: string, l: any) => win.on(e, l) };
    const guards = installKioskGuards(fakeWindow as any, { platform: 'win32' });
    const press = (input: KeyInput) => {
      let prevented = false;
      contents.emit('before-input-event', { preventDefault: () => (prevented = true) }, input);
      return prevented;
    };
    assert.equal(press(key('F4', { alt: true })), true);
    assert.equal(press(key('x')), false);
    const close = () => {
      let prevented = false;
      win.emit('close', { preventDefault: () => (prevented = true) });
      return prevented;
    };
    assert.equal(close(), true, 'Alt+F4 from the window manager is refused');
    guards.allowClose();
    assert.equal(close(), false);
  });

  it('shell mode: --kiosk / KIOSK_MODE=1, --recruiter wins, --supervised', () => {
    assert.deepEqual(shellMode(['electron', '.', '--kiosk'], {}), { kiosk: true, supervised: false });
    assert.deepEqual(shellMode([], { KIOSK_MODE: '1', KIOSK_SUPERVISED: '1' }), { kiosk: true, supervised: true });
    assert.deepEqual(shellMode(['--kiosk', '--recruiter'], {}), { kiosk: false, supervised: false });
    assert.deepEqual(shellMode([], {}), { kiosk: false, supervised: false });
  });
});

describe('display sleep', () => {
  it('is prevented while any interview is in progress and allowed after the last ends', () => {
    const started = new Set<number>();
    let next = 1;
    const blocker = {
      start: (type: string) => (assert.equal(type, 'prevent-display-sleep'), started.add(next), next++),
      stop: (id: number) => started.delete(id),
      isStarted: (id: number) => started.has(id),
    };
    const p = new PreventDisplaySleep(blocker);
    p.update({ id: 'a', status: 'scheduled' });
    assert.equal(p.preventing, false);
    p.update({ id: 'a', status: 'in_progress' });
    p.update({ id: 'b', status: 'in_progress' });
    p.update({ id: 'a', status: 'in_progress' });
    assert.equal(started.size, 1, 'one blocker, not one per event');
    p.update({ id: 'a', status: 'completed' });
    assert.equal(p.preventing, true, 'b is still running');
    p.update({ id: 'b', status: 'failed' });
    assert.equal(p.preventing, false);
    assert.equal(started.size, 0);
  });
});

describe('crash policy', () => {
  function fakeApp() {
    return { calls: [] as string[], relaunch() { this.calls.push('relaunch'); }, exit(code: number) { this.calls.push(`exit ${code}`); } };
  }
  const contents = () => ({ reloads: 0, reload() { this.reloads++; }, isDestroyed: () => false });

  it('reloads a crashed renderer; three crashes within a minute relaunch the app with the crash code', () => {
    const app = fakeApp();
    let t = 0;
    const policy = new CrashPolicy(app, { relaunch: true, now: () => t });
    const wc = contents();
    assert.equal(policy.rendererGone({ reason: 'clean-exit', exitCode: 0 }, wc), 'ignore');
    assert.equal(policy.rendererGone({ reason: 'crashed', exitCode: 139 }, wc), 'reload');
    t += 61_000;
    assert.equal(policy.rendererGone({ reason: 'oom', exitCode: 0 }, wc), 'reload');
    t += 1_000;
    assert.equal(policy.rendererGone({ reason: 'crashed', exitCode: 0 }, wc), 'reload');
    assert.equal(wc.reloads, 3);
    assert.deepEqual(app.calls, []);
    assert.equal(policy.rendererGone({ reason: 'crashed', exitCode: 0 }, wc), 'relaunch');
    assert.deepEqual(app.calls, ['relaunch', `exit ${EXIT_CODES.crash}`]);
  });

  it('a vital child process or a main exception restarts once; under a supervisor it only exits', () => {
    const app = fakeApp();
    const policy = new CrashPolicy(app, { relaunch: false });
    assert.equal(policy.childGone({ type: 'GPU', reason: 'crashed', exitCode: 1 }), 'ignore');
    assert.equal(policy.childGone({ type: 'Utility', reason: 'killed', exitCode: 9, serviceName: 'network.mojom.NetworkService' }), 'ignore');
    assert.equal(policy.childGone({ type: 'Utility', reason: 'crashed', exitCode: 1, serviceName: 'network.mojom.NetworkService' }), 'relaunch');
    policy.fatal(new Error('boom'));
    assert.deepEqual(app.calls, [`exit ${EXIT_CODES.crash}`], 'no relaunch under a supervisor, and only one exit');
    assert.notEqual(EXIT_CODES.crash, EXIT_CODES.operatorQuit);
    assert.notEqual(EXIT_CODES.operatorQuit, 0);
  });
});

describe('operator-lock codec', () => {
  it('encrypts when safeStorage can, and reads both encrypted and plain records', () => {
    const safe = {
      available: true,
      isEncryptionAvailable() { return this.available; },
      encryptString: (s: string) => Buffer.concat([Buffer.from('v10'), Buffer.from(s).map((b) => b ^ 0x33)]),
      decryptString: (b: Buffer) => Buffer.from(b.subarray(3).map((x) => x ^ 0x33)).toString(),
    };
    const codec = safeStorageCodec(safe);
    const enc = codec.encode('{"pin":null}');
    assert.ok(!enc.toString().includes('pin'));
    assert.equal(codec.decode(enc), '{"pin":null}');
    safe.available = false;
    assert.equal(codec.encode('{"a":1}').toString(), '{"a":1}');
    assert.equal(codec.decode(Buffer.from('{"a":1}')), '{"a":1}');
  });
});

describe('main/app.ts wiring (static: it imports electron, so it cannot load under Node)', () => {
  const app = readFileSync(new URL('../../../main/app.ts', import.meta.url), 'utf8');
  it('installs every hardening piece and kiosk service', () => {
    for (const needle of [
      /app\.enableSandbox\(\)/,
      /protocol\.registerSchemesAsPrivileged\(\[\{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES \}\]\)/,
      /hardenSession\(session\.defaultSession, \{ platform: process\.platform, systemPreferences/,
      /app\.on\('web-contents-created', \(_event, contents\) => hardenWebContents\(contents/,
      /app\.requestSingleInstanceLock\(\)/,
      /if \(mode\.kiosk\) Menu\.setApplicationMenu\(null\)/,
      /installKioskGuards\(window/,
      /'render-process-gone', \(_event, details\) => crashes\.rendererGone/,
      /app\.on\('child-process-gone', \(_event, details\) => crashes\.childGone\(details\)\)/,
      /process\.on\('uncaughtException', \(error\) => crashes\.fatal\(error\)\)/,
      /service\.events\.on\('session', \(s\) => displaySleep\.update\(s\)\)/,
      /onQuit: operatorQuit/,
      /kioskMode: mode\.kiosk/,
      /app\.exit\(exitCode\)/,
      /loadURL\(APP_ENTRY_URL\)/,
    ]) {
      assert.match(app, needle);
    }
    assert.doesNotMatch(app, /file:\/\/|loadFile\(|nodeIntegration: true|contextIsolation: false|webSecurity: false/);
  });
});
