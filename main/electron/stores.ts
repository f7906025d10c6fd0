// Electron's settings (electron-store) and secrets (safeStorage, OS-backed encryption) behind the core's
// interfaces. safeStorage is injected so the secret store can be unit-tested with a fake.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../core/files/atomic';
import type ElectronStore from 'electron-store';
import { KioskError } from '../../preload/contract';
import { sanitizeSettings } from '../core/settings/file-stores';
import type { SafeStorageLike, SecretStore, SettingsStore, StoredSettings } from '../core/settings/types';

export function electronSettingsStore(store: Pick<ElectronStore<Record<string, unknown>>, 'store'>): SettingsStore {
  return {
    get: () => sanitizeSettings(store.store),
    update(patch: Partial<StoredSettings>) {
      const next = sanitizeSettings({ ...sanitizeSettings(store.store), ...patch });
      store.store = next as unknown as Record<string, unknown>;
      return next;
    },
  };
}

/** Electron's safeStorage as these stores need it, with the Linux backend query (absent elsewhere). */
export interface ElectronSafeStorage extends SafeStorageLike {
  getSelectedStorageBackend?(): string;
}

export const PLAINTEXT_BACKEND_REFUSAL =
  "On this Linux desktop Electron's secret storage has no keyring to use (its 'basic_text' backend only obfuscates " +
  'with a password built into every copy of Chromium), so secrets are not stored. Run the kiosk in a session with ' +
  'GNOME Keyring or KWallet unlocked, or start it with --password-store=gnome-libsecret.';

/**
 * safeStorage with the plain-text backend refused: on Linux, when Chromium found no keyring it falls back to
 * 'basic_text' and still reports encryption as available (Electron docs, safeStorage.getSelectedStorageBackend).
 * The wrapper reports it unavailable instead, so the stores refuse to write a secret, and `refusal` says why.
 */
export function keyringOnlySafeStorage(safe: ElectronSafeStorage, platform: NodeJS.Platform): SafeStorageLike & { refusal(): string | null } {
  const refusal = () => (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text' ? PLAINTEXT_BACKEND_REFUSAL : null);
  return {
    isEncryptionAvailable: () => refusal() === null && safe.isEncryptionAvailable(),
    encryptString: (text) => {
      const why = refusal();
      if (why) throw new Error(why);
      return safe.encryptString(text);
    },
    decryptString: (data) => safe.decryptString(data),
    refusal,
  };
}

/** The key, encrypted with safeStorage, in a 0600 file (e.g. <userData>/secrets.bin). */
export function safeStorageSecretStore(safe: SafeStorageLike, file: string, log: (line: string) => void = () => {}): SecretStore {
  return {
    kind: 'safeStorage',
    getOpenAIKey() {
      if (!existsSync(file)) return null;
      try {
        const parsed = JSON.parse(safe.decryptString(readFileSync(file))) as { openaiKey?: unknown };
        return typeof parsed.openaiKey === 'string' && parsed.openaiKey ? parsed.openaiKey : null;
      } catch (error) {
        // Undecryptable (another OS user, a changed keyring): treat as unset; the operator enters it again.
        log(`the stored OpenAI key could not be decrypted: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    },
    setOpenAIKey(key: string) {
      if (!safe.isEncryptionAvailable()) {
        const why = 'refusal' in safe && typeof safe.refusal === 'function' ? (safe.refusal as () => string | null)() : null;
        throw new KioskError('not_configured', why ?? 'This computer offers no secure storage for the key (no OS keyring), so it was not saved.');
      }
      writeFileAtomic(file, safe.encryptString(JSON.stringify({ openaiKey: key })));
    },
    clearOpenAIKey() {
      rmSync(file, { force: true });
    },
  };
}

/**
 * A codec for small records (the operator-lock file): safeStorage-encrypted when the OS offers it, else plain JSON
 * (the record holds only a scrypt hash). Reads both, so a machine that gains a keyring keeps its PIN.
 */
export function safeStorageCodec(safe: SafeStorageLike): { encode(text: string): Buffer; decode(data: Buffer): string } {
  return {
    encode: (text) => (safe.isEncryptionAvailable() ? safe.encryptString(text) : Buffer.from(text, 'utf8')),
    decode: (data) => (data[0] === 0x7b /* { */ ? data.toString('utf8') : safe.decryptString(data)),
  };
}
