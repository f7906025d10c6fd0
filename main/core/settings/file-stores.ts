// Web-host (and dev) stores: settings as JSON in the data dir; the key in a 0600 file whose name says that it
// is plaintext. Writes are atomic (temp file + rename) so a crash never leaves half a file.
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { VOICES, type Voice } from '../../../preload/contract';
import { writeFileAtomic } from '../files/atomic';
import { MAX_EXTRA_REALTIME_HOSTS, REALTIME_HOST_PATTERN } from '../realtime/hosts';
import { MODEL_NAME } from '../realtime/models';
import { CONTROL_SETTINGS, DEFAULT_SETTINGS, RETENTION_DAYS, type SecretStore, type SettingsStore, type StoredSettings } from './types';

export const SETTINGS_FILE = 'settings.json';
export const PLAINTEXT_SECRETS_FILE = 'secrets.plaintext.json';

function readJson(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // a damaged file falls back to defaults; the next write replaces it
  }
}

/** Keeps only well-formed fields, so a hand-edited or damaged file cannot inject bad values. */
export function sanitizeSettings(raw: unknown): StoredSettings {
  const out: StoredSettings = { ...DEFAULT_SETTINGS };
  if (raw === null || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  if (typeof r.openaiBaseUrl === 'string' && /^https?:\/\/[^\s]+$/.test(r.openaiBaseUrl)) out.openaiBaseUrl = r.openaiBaseUrl;
  if (typeof r.model === 'string' && MODEL_NAME.test(r.model)) out.model = r.model;
  if (typeof r.transcriptionModel === 'string' && MODEL_NAME.test(r.transcriptionModel)) out.transcriptionModel = r.transcriptionModel;
  if (typeof r.voice === 'string' && (VOICES as readonly string[]).includes(r.voice)) out.voice = r.voice as Voice;
  if (typeof r.practiceMode === 'boolean') out.practiceMode = r.practiceMode;
  if (r.audioProfile === 'headset' || r.audioProfile === 'speakers') out.audioProfile = r.audioProfile;
  if (typeof r.modelMigration === 'string' && r.modelMigration.length <= 1000) out.modelMigration = r.modelMigration;
  if (typeof r.openaiKeyOrigin === 'string' && /^https?:\/\/[^\s/]+$/.test(r.openaiKeyOrigin)) out.openaiKeyOrigin = r.openaiKeyOrigin;
  if (Array.isArray(r.realtimeHosts) && r.realtimeHosts.length <= MAX_EXTRA_REALTIME_HOSTS
    && r.realtimeHosts.every((h) => typeof h === 'string' && REALTIME_HOST_PATTERN.test(h))) out.realtimeHosts = [...(r.realtimeHosts as string[])];
  if (Number.isInteger(r.retentionDays) && (r.retentionDays as number) >= RETENTION_DAYS.min && (r.retentionDays as number) <= RETENTION_DAYS.max) {
    out.retentionDays = r.retentionDays as number;
  }
  if (typeof r.supabaseUrl === 'string' && /^https?:\/\/[^\s]+$/.test(r.supabaseUrl)) out.supabaseUrl = r.supabaseUrl;
  if (typeof r.supabaseAnonKey === 'string' && /^[\w.-]{20,4096}$/.test(r.supabaseAnonKey)) out.supabaseAnonKey = r.supabaseAnonKey;
  if (typeof r.resultsAudience === 'string' && r.resultsAudience.length <= 200) out.resultsAudience = r.resultsAudience;
  if (typeof r.resultsRetentionDays === 'number' && Number.isInteger(r.resultsRetentionDays) && r.resultsRetentionDays >= 1 && r.resultsRetentionDays <= 3650) {
    out.resultsRetentionDays = r.resultsRetentionDays;
  }
  for (const key of ['breakLimitSec', 'stillThereAfterSec', 'checkInAfterSec'] as const) {
    const v = r[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= CONTROL_SETTINGS[key].min && v <= CONTROL_SETTINGS[key].max) out[key] = v;
  }
  return out;
}

export function fileSettingsStore(dataDir: string): SettingsStore {
  const file = join(dataDir, SETTINGS_FILE);
  let current = sanitizeSettings(readJson(file));
  return {
    get: () => ({ ...current }),
    update(patch) {
      const next = sanitizeSettings({ ...current, ...patch });
      writeFileAtomic(file, JSON.stringify(next, null, 2) + '\n');
      current = next;
      return { ...current };
    },
  };
}

export function plaintextSecretStore(dataDir: string): SecretStore {
  const file = join(dataDir, PLAINTEXT_SECRETS_FILE);
  const read = (): string | null => {
    const raw = readJson(file) as { openaiKey?: unknown } | undefined;
    return typeof raw?.openaiKey === 'string' && raw.openaiKey.length > 0 ? raw.openaiKey : null;
  };
  if (existsSync(file)) chmodSync(file, 0o600);
  return {
    kind: 'plaintext-file',
    getOpenAIKey: read,
    setOpenAIKey(key) {
      writeFileAtomic(file, JSON.stringify({ openaiKey: key }) + '\n');
    },
    clearOpenAIKey() {
      rmSync(file, { force: true });
    },
  };
}
