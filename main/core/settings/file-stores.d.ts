import { type SecretStore, type SettingsStore, type StoredSettings } from './types';
export declare const SETTINGS_FILE = "settings.json";
export declare const PLAINTEXT_SECRETS_FILE = "secrets.plaintext.json";
/** Keeps only well-formed fields, so a hand-edited or damaged file cannot inject bad values. */
export declare function sanitizeSettings(raw: unknown): StoredSettings;
export declare function fileSettingsStore(dataDir: string): SettingsStore;
export declare function plaintextSecretStore(dataDir: string): SecretStore;
