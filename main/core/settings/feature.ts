// The settings feature: what the operator sees of the settings (never the key, only whether one is set) and the
// KioskApi methods that change them. Who may call the changing ones is the operator gate's business.
import { KioskError, type BackendView, type KioskSlice, type SettingsView } from '../../../preload/contract';
import { DEFAULT_TRANSCRIPTION_MODEL, MODEL_SHUTDOWNS, migrateRealtimeModel } from '../realtime/models';
import { setOpenAIKeyForCurrentOrigin, updateSettingsKeepingKeyBound, usableOpenAIKey } from './key-binding';
import type { SecretStore, SettingsStore } from './types';

export interface SettingsFeatureDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  /** The backend part of the view (the sync feature owns it). */
  backendView: () => BackendView;
  log?: (line: string) => void;
}

export function createSettingsFeature(deps: SettingsFeatureDeps) {
  // Settings written by an older version may name a model OpenAI shuts down: switch to the current one and keep
  // the reason (with the date) for the operator until the settings are changed.
  const migration = migrateRealtimeModel(deps.settings.get().model);
  if (migration) deps.settings.update({ model: migration.to, modelMigration: migration.message });
  const usableKey = () => usableOpenAIKey(deps.secrets, deps.settings);
  function view(): SettingsView {
    const s = deps.settings.get();
    const hasKey = usableKey() !== null;
    return {
      practiceMode: s.practiceMode ?? !hasKey,
      openaiBaseUrl: s.openaiBaseUrl,
      model: s.model,
      transcriptionModel: s.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL,
      voice: s.voice,
      audioProfile: s.audioProfile ?? 'speakers',
      ...(s.modelMigration ? { modelNotice: s.modelMigration } : {}),
      hasOpenAIKey: hasKey,
      secretStorage: deps.secrets.kind,
      backend: deps.backendView(),
    };
  }

  const api = {
    async getSettings() {
      return view();
    },
    async updateSettings(patch) {
      const migrated = patch.model !== undefined ? migrateRealtimeModel(patch.model) : null;
      if (migrated) throw new KioskError('invalid_request', migrated.message.replace('this kiosk now uses', 'choose for example'));
      const transcriptionShutdown = patch.transcriptionModel !== undefined ? MODEL_SHUTDOWNS.get(patch.transcriptionModel) : undefined;
      if (transcriptionShutdown) {
        throw new KioskError('invalid_request', `The transcription model "${patch.transcriptionModel}" is shut down by OpenAI on ${transcriptionShutdown}; choose for example "${DEFAULT_TRANSCRIPTION_MODEL}".`);
      }
      const { keyRemoved } = updateSettingsKeepingKeyBound(deps.secrets, deps.settings, { ...patch, ...(patch.model !== undefined ? { modelMigration: undefined } : {}) });
      if (keyRemoved) deps.log?.('the OpenAI base URL moved to another origin: the key was removed; enter it again for the new origin');
      return view();
    },
    async setOpenAIKey({ key }) {
      setOpenAIKeyForCurrentOrigin(deps.secrets, deps.settings, key);
      return view();
    },
    async clearOpenAIKey() {
      deps.secrets.clearOpenAIKey();
      return view();
    },
  } satisfies KioskSlice<'getSettings' | 'updateSettings' | 'setOpenAIKey' | 'clearOpenAIKey'>;

  return { view, api, usableKey };
}

export type SettingsFeature = ReturnType<typeof createSettingsFeature>;
