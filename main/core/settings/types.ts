// Settings and secrets behind small interfaces: Electron stores them with electron-store and safeStorage
// (main/electron/), the web host in files in its data dir (./file-stores.ts). The core sees only these.
import type { Voice } from '../../../preload/contract';
import { DEFAULT_REALTIME_MODEL, DEFAULT_TRANSCRIPTION_MODEL } from '../realtime/models';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com';
export const DEFAULT_MODEL: string = DEFAULT_REALTIME_MODEL;
export const DEFAULT_VOICE: Voice = 'marin';
export const DEFAULT_TRANSCRIPTION: string = DEFAULT_TRANSCRIPTION_MODEL;

/** What is persisted. practiceMode is absent until the operator chooses: then it follows "is a key set?". */
export interface StoredSettings {
  openaiBaseUrl: string;
  model: string;
  /** Absent in files written before it was a setting: the default. */
  transcriptionModel?: string;
  voice: Voice;
  practiceMode?: boolean;
  /** Microphone setup of this kiosk: a headset (near_field noise reduction) or speakers (far_field). */
  audioProfile?: 'headset' | 'speakers';
  /** A stored model was replaced because OpenAI shuts it down (told to the operator until settings change). */
  modelMigration?: string;
  /** The origin the OpenAI key was entered for (main/core/settings/key-binding.ts). */
  openaiKeyOrigin?: string;
  /** Days a confirmed-uploaded interview's transcript and recording stay on the kiosk (main/core/sync/retention.ts). */
  retentionDays?: number;
  /** Realtime hosts the operator added to the built-in list (main/core/realtime/hosts.ts). */
  realtimeHosts?: string[];
  /** The Supabase project (main-side only; the renderer sees the URL and whether a key is set). */
  supabaseUrl?: string;
  supabaseAnonKey?: string;
  /** Told to the candidate before the interview (see DisclosureSettings in the contract). */
  resultsAudience?: string;
  /** Days the backend keeps results, as told to the candidate (DisclosureSettings.retentionDays). */
  resultsRetentionDays?: number;
  /** The candidate's controls during the interview (CandidateControlSettings); absent = the defaults. */
  breakLimitSec?: number;
  stillThereAfterSec?: number;
  checkInAfterSec?: number;
}

/** The candidate's controls: a break's longest length, and the silences before "Still there?" and before the
 * spoken check-in (and again before the pause). Seconds. */
export const CONTROL_SETTINGS = {
  breakLimitSec: { default: 300, min: 10, max: 1800 },
  stillThereAfterSec: { default: 20, min: 5, max: 300 },
  checkInAfterSec: { default: 15, min: 5, max: 300 },
} as const;

/** Local copies of uploaded interviews are deleted this many days after the upload was confirmed. There is no
 * "keep forever": a kiosk in a public room must not become an archive of candidates' voices (the backend is). */
export const RETENTION_DAYS = { default: 30, min: 1, max: 365 } as const;

/** What the candidate is told about how long the backend keeps the recording, transcript and results, unless the
 * operator says otherwise (not the kiosk's local retention above). */
export const DEFAULT_RESULTS_RETENTION_DAYS = 180;

export const DEFAULT_SETTINGS: StoredSettings = {
  openaiBaseUrl: DEFAULT_OPENAI_BASE_URL,
  model: DEFAULT_MODEL,
  voice: DEFAULT_VOICE,
};

export interface SettingsStore {
  get(): StoredSettings;
  update(patch: Partial<StoredSettings>): StoredSettings;
}

/** Electron's safeStorage as the stores use it (passed in, so the core never imports electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SecretStore {
  readonly kind: 'safeStorage' | 'plaintext-file';
  getOpenAIKey(): string | null;
  setOpenAIKey(key: string): void;
  clearOpenAIKey(): void;
}

/** In-memory stores, for tests and benchmarks. */
export function memorySettingsStore(initial: Partial<StoredSettings> = {}): SettingsStore {
  let current: StoredSettings = { ...DEFAULT_SETTINGS, ...initial };
  return {
    get: () => ({ ...current }),
    update(patch) {
      current = { ...current, ...patch };
      return { ...current };
    },
  };
}

export function memorySecretStore(key: string | null = null): SecretStore {
  let value = key;
  return {
    kind: 'plaintext-file',
    getOpenAIKey: () => value,
    setOpenAIKey: (k) => void (value = k),
    clearOpenAIKey: () => void (value = null),
  };
}
