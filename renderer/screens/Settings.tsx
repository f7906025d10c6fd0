// Operator settings. The OpenAI key is write-only: it can be set, replaced or removed, never shown.
import { useEffect, useState } from 'react';
import { VOICES, type KioskBridge, type SettingsView, type Voice } from '../../preload/contract';
import { ErrorBox, ScreenHeading } from './common';

export function Settings(props: { kiosk: KioskBridge; onDone: () => void }) {
  const { kiosk } = props;
  const [view, setView] = useState<SettingsView | null>(null);
  const [practiceMode, setPracticeMode] = useState(true);
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [voice, setVoice] = useState<Voice>('marin');
  const [newKey, setNewKey] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const apply = (v: SettingsView) => {
    setView(v);
    setPracticeMode(v.practiceMode);
    setBaseUrl(v.openaiBaseUrl);
    setModel(v.model);
    setVoice(v.voice);
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
        <span id="settings-title">Operator settings</span>
      </ScreenHeading>
      <ErrorBox error={error} />
      <p className="status" role="status" aria-live="polite">
        {status}
      </p>
      {!view && !error && <p>Loading settings…</p>}
      {view && (
        <>
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => kiosk.updateSettings({ practiceMode, openaiBaseUrl: baseUrl.trim(), model: model.trim(), voice }), 'Settings saved.');
            }}
          >
            <label className="check">
              <input type="checkbox" checked={practiceMode} onChange={(e) => setPracticeMode(e.target.checked)} />
              <span>Practice mode (use the built-in practice interviewer, no OpenAI account needed)</span>
            </label>
            <label className="field">
              <span>OpenAI base URL</span>
              <input type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} required />
            </label>
            <label className="field">
              <span>Model</span>
              <input type="text" value={model} onChange={(e) => setModel(e.target.value)} required />
            </label>
            <label className="field">
              <span>Voice</span>
              <select value={voice} onChange={(e) => setVoice(e.target.value as Voice)}>
                {VOICES.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                Save settings
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
              void run(() => kiosk.setOpenAIKey({ key }), 'The OpenAI key was saved.');
            }}
          >
            <h2>OpenAI key</h2>
            <p aria-live="polite">
              {view.hasOpenAIKey ? 'A key is set.' : 'No key is set.'}
              {view.secretStorage === 'plaintext-file' && ' (Stored in a file readable only by this user on this machine.)'}
            </p>
            <label className="field">
              <span>{view.hasOpenAIKey ? 'Replace OpenAI key' : 'Set OpenAI key'}</span>
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
                {view.hasOpenAIKey ? 'Replace key' : 'Set key'}
              </button>
              {view.hasOpenAIKey && (
                <button type="button" disabled={busy} onClick={() => void run(() => kiosk.clearOpenAIKey(), 'The OpenAI key was removed.')}>
                  Remove key
                </button>
              )}
            </div>
          </form>
        </>
      )}
      <div className="actions">
        <button type="button" onClick={props.onDone}>
          Back to setup
        </button>
      </div>
    </section>
  );
}
