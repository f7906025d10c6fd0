// The kiosk's device credentials for the Supabase backend: the device user's refresh token (and who it belongs
// to). Never the password, never the access token (that lives in memory only). Electron keeps the file encrypted
// with safeStorage; the web host in a 0600 file whose name says it is plaintext; tests in memory.
// safeStorage is passed in structurally, so this stays plain Node (no electron import).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../files/atomic';
import type { SafeStorageLike } from './types';
import { join } from 'node:path';

export interface DeviceCredentials {
  /** The project these tokens belong to: a different URL means signed out. */
  supabaseUrl: string;
  email: string;
  userId: string;
  /** app_metadata.tenant_id of the device user's JWT, or null if absent. */
  tenantId: string | null;
  refreshToken: string;
}

export interface CredentialStore {
  get(): DeviceCredentials | null;
  set(credentials: DeviceCredentials): void;
  clear(): void;
}

export function parseCredentials(raw: unknown): DeviceCredentials | null {
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length < 10_000 ? v : null);
  const supabaseUrl = str(r.supabaseUrl);
  const email = str(r.email);
  const userId = str(r.userId);
  const refreshToken = str(r.refreshToken);
  if (!supabaseUrl || !email || !userId || !refreshToken) return null;
  return { supabaseUrl, email, userId, refreshToken, tenantId: str(r.tenantId) };
}

export function memoryCredentialStore(initial: DeviceCredentials | null = null): CredentialStore {
  let value = initial;
  return {
    get: () => (value ? { ...value } : null),
    set: (c) => void (value = { ...c }),
    clear: () => void (value = null),
  };
}

export const PLAINTEXT_CREDENTIALS_FILE = 'device-credentials.plaintext.json';

/** Web host / dev: a 0600 JSON file in the data dir. */
export function fileCredentialStore(dataDir: string): CredentialStore {
  const file = join(dataDir, PLAINTEXT_CREDENTIALS_FILE);
  return {
    get() {
      if (!existsSync(file)) return null;
      try {
        return parseCredentials(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        return null; // damaged: signed out; the operator signs in again
      }
    },
    set: (c) => writeFileAtomic(file, JSON.stringify(c) + '\n'),
    clear: () => rmSync(file, { force: true }),
  };
}

export class CredentialStorageUnavailable extends Error {
  constructor() {
    super('This computer offers no secure storage (no OS keyring), so the device sign-in could not be kept.');
    this.name = 'CredentialStorageUnavailable';
  }
}

/** Electron: the credentials encrypted with safeStorage in a 0600 file (e.g. <userData>/device.bin). */
export function safeStorageCredentialStore(safe: SafeStorageLike, file: string, log: (line: string) => void = () => {}): CredentialStore {
  return {
    get() {
      if (!existsSync(file)) return null;
      try {
        return parseCredentials(JSON.parse(safe.decryptString(readFileSync(file))));
      } catch (error) {
        log(`the stored device credentials could not be decrypted: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    },
    set(c) {
      if (!safe.isEncryptionAvailable()) throw new CredentialStorageUnavailable();
      writeFileAtomic(file, safe.encryptString(JSON.stringify(c)));
    },
    clear: () => rmSync(file, { force: true }),
  };
}
