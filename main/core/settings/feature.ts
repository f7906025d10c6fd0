// The settings feature: what the operator sees of the settings (never the key, only whether one is set) and the
// KioskApi methods that change them. Who may call the changing ones is the operator gate's business.
import { KioskError, type BackendView, type KioskSlice, type SettingsView } from '../../../preload/contract';
import { BUILT_IN_REALTIME_HOSTS, realtimeHostProblem } from '../realtime/hosts';
import { DEFAULT_TRANSCRIPTION_MODEL, REALTIME_MODEL_CHOICES, TRANSCRIPTION_MODEL_CHOICES, migrateRealtimeModel, migrateTranscriptionModel } from '../realtime/models';
import { setOpenAIKeyForCurrentOrigin, updateSettingsKeepingKeyBound, usableOpenAIKey } from './key-binding';
import { CONTROL_SETTINGS, DEFAULT_RESULTS_RETENTION_DAYS, RETENTION_DAYS, type SecretStore, type SettingsStore } from './types';

export interface SettingsFeatureDeps {
  settings: SettingsStore;
  secrets: SecretStore;
  /** The backend part of the view (the sync feature owns it). */
  backendView: () => BackendView;
  /** A packaged (Electron) build: the key goes only to listed https Realtime hosts. */
  packaged?: boolean;
  log?: (line: string) => void;
}

export function createSettingsFeature(deps: SettingsFeatureDeps) {
  // Settings written by an older version may name a model OpenAI shuts down: switch to the current one and keep
  // the reason (with the date) for the operator until the settings are changed.
  const stored = deps.settings.get();
  const migration = migrateRealtimeModel(stored.model);
  const transcription = stored.transcriptionModel !== undefined ? migrateTranscriptionModel(stored.transcriptionModel) : null;
  if (migration || transcription) {
    deps.settings.update({
      ...(migration ? { model: migration.to } : {}),
      ...(transcription ? { transcriptionModel: transcription.to } : {}),
      modelMigration: [migration?.message, transcription?.message].filter(Boolean).join(' '),
    });
  }
  const usableKey = () => usableOpenAIKey(deps.secrets, deps.settings);
  const packaged = deps.packaged ?? false;
  const hostProblem = (baseUrl: string, extra = deps.settings.get().realtimeHosts ?? []) => realtimeHostProblem(baseUrl, { packaged, extraHosts: extra });
  function view(): SettingsView {
    const s = deps.settings.get();
    const hasKey = usableKey() !== null;
    return {
      practiceMode: s.practiceMode ?? !hasKey,
      openaiBaseUrl: s.openaiBaseUrl,
      model: s.model,
      transcriptionModel: s.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL,
      modelChoices: { realtime: [...REALTIME_MODEL_CHOICES], transcription: [...TRANSCRIPTION_MODEL_CHOICES] },
      voice: s.voice,
      audioProfile: s.audioProfile ?? 'speakers',
      retentionDays: s.retentionDays ?? RETENTION_DAYS.default,
      realtimeHosts: { builtIn: [...BUILT_IN_REALTIME_HOSTS], extra: s.realtimeHosts ?? [], enforced: packaged },
      ...(s.modelMigration ? { modelNotice: s.modelMigration } : {}),
      hasOpenAIKey: hasKey,
      secretStorage: deps.secrets.kind,
      backend: deps.backendView(),
      disclosure: { resultsAudience: s.resultsAudience ?? '', retentionDays: s.resultsRetentionDays ?? DEFAULT_RESULTS_RETENTION_DAYS },
      candidateControls: {
        breakLimitSec: s.breakLimitSec ?? CONTROL_SETTINGS.breakLimitSec.default,
        stillThereAfterSec: s.stillThereAfterSec ?? CONTROL_SETTINGS.stillThereAfterSec.default,
        checkInAfterSec: s.checkInAfterSec ?? CONTROL_SETTINGS.checkInAfterSec.default,
      },
    };
  }

  const api = {
    async getSettings() {
      return view();
    },
    async updateSettings({ disclosure, candidateControls, ...rest }) {
      const migrated = rest.model !== undefined ? migrateRealtimeModel(rest.model) : null;
      if (migrated) throw new KioskError('invalid_request', migrated.message.replace('this kiosk now uses', 'choose for example'));
      const migratedTranscription = rest.transcriptionModel !== undefined ? migrateTranscriptionModel(rest.transcriptionModel) : null;
      if (migratedTranscription) throw new KioskError('invalid_request', migratedTranscription.message.replace('this kiosk now uses', 'choose for example'));
      if (rest.openaiBaseUrl !== undefined || rest.realtimeHosts !== undefined) {
        const s = deps.settings.get();
        const problem = hostProblem(rest.openaiBaseUrl ?? s.openaiBaseUrl, rest.realtimeHosts ?? s.realtimeHosts ?? []);
        if (problem) throw new KioskError('invalid_request', `${problem} Nothing was changed.`);
      }
      const patch = {
        ...rest,
        ...(rest.model !== undefined || rest.transcriptionModel !== undefined ? { modelMigration: undefined } : {}),
        ...(disclosure?.resultsAudience !== undefined ? { resultsAudience: disclosure.resultsAudience } : {}),
        ...(disclosure?.retentionDays !== undefined ? { resultsRetentionDays: disclosure.retentionDays } : {}),
        ...candidateControls,
      };
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

  return { view, api, usableKey, hostProblem: (baseUrl: string) => hostProblem(baseUrl) };
}

export type SettingsFeature = ReturnType<typeof createSettingsFeature>;
