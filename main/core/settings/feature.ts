// The settings feature: what the operator sees of the settings (never the key, only whether one is set) and the
// KioskApi methods that change them. Who may call the changing ones is the operator gate's business.
import type { BackendView, KioskSlice, SettingsView } from '../../../preload/contract';
import type { SecretStore, SettingsStore } from './types';

export interface SettingsFeatureDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  /** The backend part of the view (the sync feature owns it). */
  backendView: () => BackendView;
}

export function createSettingsFeature(deps: SettingsFeatureDeps) {
  function view(): SettingsView {
    const s = deps.settings.get();
    const hasKey = deps.secrets.getOpenAIKey() !== null;
    return {
      practiceMode: s.practiceMode ?? !hasKey,
      openaiBaseUrl: s.openaiBaseUrl,
      model: s.model,
      voice: s.voice,
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
      deps.settings.update(patch);
      return view();
    },
    async setOpenAIKey({ key }) {
      deps.secrets.setOpenAIKey(key);
      return view();
    },
    async clearOpenAIKey() {
      deps.secrets.clearOpenAIKey();
      return view();
    },
  } satisfies KioskSlice<'getSettings' | 'updateSettings' | 'setOpenAIKey' | 'clearOpenAIKey'>;

  return { view, api };
}

export type SettingsFeature = ReturnType<typeof createSettingsFeature>;
