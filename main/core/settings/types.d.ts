import type { Voice } from '../../../preload/contract';
export declare const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com";
export declare const DEFAULT_MODEL = "gpt-realtime";
export declare const DEFAULT_VOICE: Voice;
/** What is persisted. practiceMode is absent until the operator chooses: then it follows "is a key set?". */
export interface StoredSettings {
    openaiBaseUrl: string;
    model: string;
    voice: Voice;
    practiceMode?: boolean;
}
export declare const DEFAULT_SETTINGS: StoredSettings;
export interface SettingsStore {
    get(): StoredSettings;
    update(patch: Partial<StoredSettings>): StoredSettings;
}
export interface SecretStore {
    readonly kind: 'safeStorage' | 'plaintext-file';
    getOpenAIKey(): string | null;
    setOpenAIKey(key: string): void;
    clearOpenAIKey(): void;
}
/** In-memory stores, for tests and benchmarks. */
export declare function memorySettingsStore(initial?: Partial<StoredSettings>): SettingsStore;
export declare function memorySecretStore(key?: string | null): SecretStore;
