// The Electron shell's pure pieces, under plain Node (the Electron binary cannot run here).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { handleIpcRequest } from '../../../main/electron/ipc';
import { appProtocolResponse } from '../../../main/electron/protocol';
import {
  allowNavigation,
  allowPermission,
  allowPermissionCheck,
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  isTrustedSender,
  windowOptions,
} from '../../../main/electron/security';
import { electronSettingsStore, safeStorageSecretStore } from '../../../main/electron/stores';

test('the window is isolated, sandboxed, without Node, with web security', () => {
  const o = windowOptions({ preloadPath: '/app/dist/preload/index.cjs', kiosk: true });
  assert.equal(o.webPreferences?.contextIsolation, true);
  assert.equal(o.webPreferences?.sandbox, true);
  assert.equal(o.webPreferences?.nodeIntegration, false);
  assert.equal(o.webPreferences?.webSecurity, true);
  assert.equal(o.webPreferences?.webviewTag, false);
  assert.equal(o.webPreferences?.allowRunningInsecureContent, false);
  assert.equal(o.webPreferences?.preload, '/app/dist/preload/index.cjs');
  assert.equal(o.kiosk, true);
  assert.equal(o.webPreferences?.devTools, false);
});

test('navigation stays inside app://kiosk', () => {
  assert.equal(allowNavigation(APP_ENTRY_URL), true);
  assert.equal(allowNavigation('app://kiosk/interview'), true);
  for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://other/index.html', 'http://127.0.0.1:5180/', 'javascript:alert(1)', 'not a url']) {
    assert.equal(allowNavigation(url), false, url);
  }
});

test('only the microphone (audio only) for our own origin is granted', () => {
  assert.equal(allowPermission('media', { requestingUrl: 'app://kiosk/index.html', mediaTypes: ['audio'] }), true);
  assert.equal(allowPermission('media', { requestingUrl: 'app://kiosk/index.html', mediaTypes: ['audio', 'video'] }), false);
  assert.equal(allowPermission('media', { requestingUrl: 'app://kiosk/index.html', mediaTypes: [] }), false);
  assert.equal(allowPermission('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] }), false);
  for (const p of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'openExternal']) {
    assert.equal(allowPermission(p, { requestingUrl: 'app://kiosk/index.html', mediaTypes: ['audio'] }), false, p);
  }
  assert.equal(allowPermissionCheck('media', 'app://kiosk'), true);
  assert.equal(allowPermissionCheck('media', 'https://evil.example'), false);
  assert.equal(allowPermissionCheck('geolocation', 'app://kiosk'), false);
});

test('IPC: only the main frame of the main window at our origin reaches the dispatcher', async () => {
  const seen: unknown[] = [];
  const dispatch = async (method: string, payload: unknown) => {
    seen.push([method, payload]);
    return { ok: true as const, value: 'ok' };
  };
  const good = { frameUrl: 'app://kiosk/index.html', isMainFrame: true, webContentsId: 7 };
  assert.deepEqual(await handleIpcRequest(dispatch, good, 7, { method: 'getSettings' }), { ok: true, value: 'ok' });
  const bad = [
    { ...good, webContentsId: 8 },
    { ...good, isMainFrame: false },
    { ...good, frameUrl: 'https://evil.example/' },
    { ...good, frameUrl: null },
  ];
  for (const sender of bad) {
    const r = await handleIpcRequest(dispatch, sender, 7, { method: 'getSettings' });
    assert.equal(r.ok, false);
  }
  assert.equal((await handleIpcRequest(dispatch, good, null, { method: 'getSettings' })).ok, false, 'window destroyed');
  assert.equal((await handleIpcRequest(dispatch, good, 7, 'getSettings')).ok, false);
  assert.equal(seen.length, 1, 'refused requests never reached the dispatcher');
  assert.equal(isTrustedSender(good, 7), true);
});

test('app:// serves the renderer with a CSP, index.html for routes, and refuses traversal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-app-proto-'));
  try {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'assets', 'a.js'), 'x');
    const js = await appProtocolResponse(dir, { url: 'app://kiosk/assets/a.js', method: 'GET' });
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(await (await appProtocolResponse(dir, { url: 'app://kiosk/interview', method: 'GET' })).text(), '<!doctype html>');
    for (const evil of ['app://kiosk/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 'app://kiosk/..%2f..%2f..%2fetc%2fpasswd', 'app://kiosk/%00']) {
      const r = await appProtocolResponse(dir, { url: evil, method: 'GET' });
      assert.ok(!(await r.text()).includes('root:'), `${evil} must not leave the renderer dir`);
    }
    assert.equal((await appProtocolResponse(dir, { url: 'app://other/index.html', method: 'GET' })).status, 404);
    assert.equal((await appProtocolResponse(dir, { url: 'app://kiosk/index.html', method: 'POST' })).status, 405);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('safeStorage secret store: encrypted at rest, 0600, refuses without encryption, survives a bad file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-safe-'));
  try {
    const fake = {
      available: true,
      isEncryptionAvailable() { return this.available; },
      encryptString: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
      decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
    };
    const file = join(dir, 'secrets.bin');
    const store = safeStorageSecretStore(fake, file);
    assert.equal(store.kind, 'safeStorage');
    assert.equal(store.getOpenAIKey(), null);
    store.setOpenAIKey('sk-live-abcdefghijklmnopqrstuvwxyz');
    assert.equal(store.getOpenAIKey(), 'sk-live-abcdefghijklmnopqrstuvwxyz');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(!readFileSync(file).toString('utf8').includes('sk-live'), 'not plaintext on disk');
    writeFileSync(file, 'garbage');
    assert.equal(store.getOpenAIKey(), null);
    fake.available = false;
    assert.throws(() => store.setOpenAIKey('sk-live-abcdefghijklmnopqrstuvwxyz'), /no secure storage/);
    store.clearOpenAIKey();
    assert.equal(store.getOpenAIKey(), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('electron-store settings are sanitized on read and write', () => {
  const backing = { store: { openaiBaseUrl: 'javascript:x', model: 'gpt-realtime', voice: 'robot', junk: 1 } as Record<string, unknown> };
  const s = electronSettingsStore(backing);
  assert.deepEqual(s.get(), { openaiBaseUrl: 'https://api.openai.com', model: 'gpt-realtime', voice: 'marin' });
  s.update({ voice: 'cedar', practiceMode: false });
  assert.deepEqual(backing.store, { openaiBaseUrl: 'https://api.openai.com', model: 'gpt-realtime', voice: 'cedar', practiceMode: false });
});
