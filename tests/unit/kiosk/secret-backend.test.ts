// Linux's plain-text safeStorage backend ('basic_text') is refused: the key is not written, and the refusal says
// why in words. Other backends and other platforms store it encrypted as before.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyringOnlySafeStorage, safeStorageSecretStore, type ElectronSafeStorage } from '../../../main/electron/stores';

function fakeSafe(backend: string): ElectronSafeStorage {
  return {
    isEncryptionAvailable: () => true, // Chromium says yes even for basic_text: that is the trap
    encryptString: (t) => Buffer.from(`enc:${t}`),
    decryptString: (b) => b.toString().slice(4),
    getSelectedStorageBackend: () => backend,
  };
}

test('basic_text on Linux: nothing is stored, and the refusal names the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-backend-'));
  try {
    const file = join(dir, 'secrets.bin');
    const store = safeStorageSecretStore(keyringOnlySafeStorage(fakeSafe('basic_text'), 'linux'), file);
    assert.throws(() => store.setOpenAIKey('sk-test-abcdefghijklmnopqrstuvwxyz'), (e: { code?: string; message?: string }) =>
      e.code === 'not_configured' && /basic_text/.test(e.message ?? '') && /keyring/i.test(e.message ?? ''));
    assert.equal(existsSync(file), false);
    assert.throws(() => keyringOnlySafeStorage(fakeSafe('basic_text'), 'linux').encryptString('x'), /basic_text/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a real keyring on Linux, and any backend answer elsewhere, store the key encrypted', () => {
  for (const [backend, platform] of [['gnome_libsecret', 'linux'], ['kwallet6', 'linux'], ['basic_text', 'win32']] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-backend-'));
    try {
      const store = safeStorageSecretStore(keyringOnlySafeStorage(fakeSafe(backend), platform), join(dir, 'secrets.bin'));
      store.setOpenAIKey('sk-test-abcdefghijklmnopqrstuvwxyz');
      assert.equal(store.getOpenAIKey(), 'sk-test-abcdefghijklmnopqrstuvwxyz', `${backend} on ${platform}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
