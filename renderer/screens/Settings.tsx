// Operator settings. The OpenAI key is write-only: it can be set, replaced or removed, never shown.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VOICES, type KioskBridge, type SettingsView, type Voice } from '../../preload/contract';
import { ErrorBox, ScreenHeading } from './common';

export function Settings(props: { kiosk: KioskBridge; onDone: () => void }) {
  const { t } = useTranslation();
  const { kiosk } = props;
  const [view, setView] = useState<SettingsView | null>(null);
  const [practiceMode, setPracticeMode] = useState(true);
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [transcriptionModel, setTranscriptionModel] = useState('');
  const [audioProfile, setAudioProfile] = useState<SettingsView['audioProfile']>('speakers');
  const [voice, setVoice] = useState<Voice>('marin');
  const [audience, setAudience] = useState('');
  const [resultsDays, setResultsDays] = useState('180');
  const [retentionDays, setRetentionDays] = useState('');
  const [controls, setControls] = useState({ breakLimitSec: '', stillThereAfterSec: '', checkInAfterSec: '' });
  const [extraHosts, setExtraHosts] = useState('');
  const [newKey, setNewKey] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const apply = (v: SettingsView) => {
    setView(v);
    setPracticeMode(v.practiceMode);
    setBaseUrl(v.openaiBaseUrl);
    setModel(v.model);
    setTranscriptionModel(v.transcriptionModel);
    setAudioProfile(v.audioProfile);
    setVoice(v.voice);
    setAudience(v.disclosure.resultsAudience);
    setResultsDays(String(v.disclosure.retentionDays));
    setRetentionDays(v.retentionDays !== undefined ? String(v.retentionDays) : '');
    if (v.candidateControls) {
      const c = v.candidateControls;
      setControls({ breakLimitSec: String(c.breakLimitSec), stillThereAfterSec: String(c.stillThereAfterSec), checkInAfterSec: String(c.checkInAfterSec) });
    }
    setExtraHosts(v.realtimeHosts?.extra.join(', ') ?? '');
  };

  useEffect(() => {
    kiosk.getSettings().then(apply, setError);
  }, [kiosk]);

  async function run(action: () => Promise<SettingsView>, done: string) {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      apply(await action());
      setStatus(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="screen" aria-labelledby="settings-title">
      <ScreenHeading>
        <span id="settings-title">{t('settings.title')}</span>
      </ScreenHeading>
      <ErrorBox error={error} />
      <p className="status" role="status" aria-live="polite">
        {status}
      </p>
      {!view && !error && <p>{t('settings.loading')}</p>}
      {view && (
        <>
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => kiosk.updateSettings({
                practiceMode, openaiBaseUrl: baseUrl.trim(), model: model.trim(), transcriptionModel: transcriptionModel.trim(), voice, audioProfile,
                disclosure: { resultsAudience: audience.trim(), retentionDays: Number(resultsDays) },
                // Main validates both (whole days 1–365; host names); a wrong value comes back as an error in words.
                ...(view.retentionDays !== undefined ? { retentionDays: Number(retentionDays) } : {}),
                ...(view.candidateControls
                  ? { candidateControls: { breakLimitSec: Number(controls.breakLimitSec), stillThereAfterSec: Number(controls.stillThereAfterSec), checkInAfterSec: Number(controls.checkInAfterSec) } }
                  : {}),
                ...(view.realtimeHosts ? { realtimeHosts: extraHosts.split(/[\s,]+/).filter(Boolean) } : {}),
              }), t('settings.saved'));
            }}
          >
            <label className="check">
              <input type="checkbox" checked={practiceMode} onChange={(e) => setPracticeMode(e.target.checked)} />
              <span>{t('settings.practice')}</span>
            </label>
            <label className="field">
              <span>{t('settings.baseUrl')}</span>
              <input type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} required />
            </label>
            <ModelPicker label={t('settings.model')} choices={view.modelChoices.realtime} value={model} onChange={setModel} name="model" />
            <ModelPicker label={t('settings.transcriptionModel')} choices={view.modelChoices.transcription} value={transcriptionModel} onChange={setTranscriptionModel} name="transcription-model" />
            <label className="field">
              <span>{t('settings.audioProfile')}</span>
              <select name="audio-profile" value={audioProfile} onChange={(e) => setAudioProfile(e.target.value as SettingsView['audioProfile'])}>
                <option value="speakers">{t('settings.audioSpeakers')}</option>
                <option value="headset">{t('settings.audioHeadset')}</option>
              </select>
            </label>
            <label className="field">
              <span>{t('settings.voice')}</span>
              <select value={voice} onChange={(e) => setVoice(e.target.value as Voice)}>
                {VOICES.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('settings.audience')}</span>
              <input type="text" value={audience} onChange={(e) => setAudience(e.target.value)} maxLength={200} />
            </label>
            <label className="field">
              <span>{t('settings.resultsRetentionDays')}</span>
              <input type="number" inputMode="numeric" min={1} max={3650} value={resultsDays} onChange={(e) => setResultsDays(e.target.value)} required />
            </label>
            {view.realtimeHosts && (
              <label className="field">
                <span>{t('settings.realtimeHosts', { builtIn: view.realtimeHosts.builtIn.join(', ') })}</span>
                <input type="text" value={extraHosts} onChange={(e) => setExtraHosts(e.target.value)} spellCheck={false} placeholder="my-resource.openai.azure.com" />
                {view.realtimeHosts.enforced && <small className="muted">{t('settings.realtimeHostsEnforced')}</small>}
              </label>
            )}
            {view.retentionDays !== undefined && (
              <label className="field">
                <span>{t('settings.retentionDays')}</span>
                <input type="number" min={1} max={365} step={1} value={retentionDays} onChange={(e) => setRetentionDays(e.target.value)} required />
              </label>
            )}
            {view.candidateControls && (
              <fieldset className="stack">
                <legend>{t('settings.controlsTitle')}</legend>
                {(['breakLimitSec', 'stillThereAfterSec', 'checkInAfterSec'] as const).map((key) => (
                  <label className="field" key={key}>
                    <span>{t(`settings.${key}`)}</span>
                    <input
                      type="number"
                      inputMode="numeric"
                      step={1}
                      value={controls[key]}
                      onChange={(e) => setControls((c) => ({ ...c, [key]: e.target.value }))}
                      required
                    />
                  </label>
                ))}
              </fieldset>
            )}
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                {t('settings.save')}
              </button>
            </div>
          </form>

          <form
            className="stack key-form"
            autoComplete="off"
            onSubmit={(e) => {
              e.preventDefault();
              const key = newKey.trim();
              if (!key) return;
              setNewKey(''); // never keep the key in the page longer than needed
              void run(() => kiosk.setOpenAIKey({ key }), t('settings.keySaved'));
            }}
          >
            <h2>{t('settings.keyTitle')}</h2>
            <p aria-live="polite">
              {view.hasOpenAIKey ? t('settings.keySet') : t('settings.keyNotSet')}
              {view.secretStorage === 'plaintext-file' && t('settings.keyPlaintext')}
            </p>
            <label className="field">
              <span>{view.hasOpenAIKey ? t('settings.keyReplaceLabel') : t('settings.keySetLabel')}</span>
              <input
                type="password"
                value={newKey}
                onChange={(e) => setNewKey(e.target.value)}
                autoComplete="new-password"
                spellCheck={false}
              />
            </label>
            <div className="actions">
              <button type="submit" disabled={busy || !newKey.trim()}>
                {view.hasOpenAIKey ? t('settings.keyReplace') : t('settings.keySetButton')}
              </button>
              {view.hasOpenAIKey && (
                <button type="button" disabled={busy} onClick={() => void run(() => kiosk.clearOpenAIKey(), t('settings.keyRemoved'))}>
                  {t('settings.keyRemove')}
                </button>
              )}
            </div>
          </form>
        </>
      )}
      <div className="actions">
        <button type="button" onClick={props.onDone}>
          {t('common.backToSetup')}
        </button>
      </div>
    </section>
  );
}

/** A model from the offered list, or "other" with a typed name (main checks the name and says what is wrong). */
function ModelPicker(props: { label: string; name: string; choices: string[]; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const listed = props.choices.includes(props.value);
  const [other, setOther] = useState(!listed);
  const typed = other || !listed;
  return (
    <div className="field">
      <label>
        <span>{props.label}</span>
        <select
          name={props.name}
          value={typed ? '' : props.value}
          onChange={(e) => {
            const v = e.target.value;
            setOther(v === '');
            if (v !== '') props.onChange(v);
          }}
        >
          {props.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
          <option value="">{t('settings.modelOther')}</option>
        </select>
      </label>
      {typed && (
        <label>
          <span>{t('settings.modelTyped', { what: props.label })}</span>
          <input type="text" name={`${props.name}-other`} value={props.value} onChange={(e) => props.onChange(e.target.value)} spellCheck={false} required />
        </label>
      )}
    </div>
  );
}
