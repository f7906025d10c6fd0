// The settings feature: what the operator sees of the settings (never the key, only whether one is set) and the
// KioskApi methods that change them. Who may call the changing ones is the operator gate's business.
import type { BackendView, KioskSlice, SettingsView } from '../../../preload/contract';
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
  const usableKey = () => usableOpenAIKey(deps.secrets, deps.settings);
  function view(): SettingsView {
    const s = deps.settings.get();
    const hasKey = usableKey() !== null;
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
      const { keyRemoved } = updateSettingsKeepingKeyBound(deps.secrets, deps.settings, patch);
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
