// Operator screen: what the sync engine is doing (pending rows, last success, last error, next retry), the rows
// the backend refused for good (with their errors and a retry button), the Supabase backend settings and the
// device sign-in. The anon key and the password go to main and are never shown again; tokens never reach here.
import { useEffect, useState } from 'react';
import type { KioskBridge, QuarantinedRowView, SettingsView, SyncStatus } from '../../preload/contract';
import { ErrorBox, ScreenHeading } from './common';

const STATE_WORDS: Record<SyncStatus['state'], string> = {
  not_configured: 'No backend is set up. Interviews stay on this kiosk only.',
  signed_out: 'The kiosk is not signed in to the backend. Uploads wait until a device sign-in.',
  idle: 'Everything is uploaded.',
  syncing: 'Uploading…',
  retrying: 'The backend cannot be reached right now. Nothing is lost; the kiosk keeps retrying by itself.',
};

/** "3 rows waiting" etc.: the status line in words (pure, for tests). */
export function syncSummary(s: SyncStatus): string {
  const parts = [STATE_WORDS[s.state]];
  if (s.pending > 0) parts.push(`${s.pending} ${s.pending === 1 ? 'row is' : 'rows are'} waiting to be uploaded.`);
  if (s.quarantined.length > 0) {
    parts.push(`${s.quarantined.length} ${s.quarantined.length === 1 ? 'row was' : 'rows were'} refused by the backend and need attention.`);
  }
  return parts.join(' ');
}

const KIND_WORDS: Record<QuarantinedRowView['kind'], string> = {
  session: 'Interview',
  entry: 'Transcript line',
  invitation_redeem: 'Invitation code (redeemed offline)',
  invitation: 'Invitation completion',
  recording: 'Recording',
};

export function kindLabel(kind: QuarantinedRowView['kind']): string {
  return KIND_WORDS[kind];
}

/** A time for the operator: local time of day, or "never". */
export function whenText(iso: string | null, now: Date = new Date()): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'unknown';
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

export function Operator(props: { kiosk: KioskBridge; onDone: () => void }) {
  const { kiosk } = props;
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [url, setUrl] = useState('');
  const [anonKey, setAnonKey] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');

  useEffect(() => {
    let live = true;
    const off = kiosk.on('sync', (s) => live && setStatus(s));
    Promise.all([kiosk.getSyncStatus(), kiosk.getSettings()]).then(([s, v]) => {
      if (!live) return;
      setStatus(s);
      setSettings(v);
      setUrl(v.backend?.url ?? '');
    }, (err: unknown) => live && setError(err));
    return () => {
      live = false;
      off();
    };
  }, [kiosk]);

  async function run(action: () => Promise<SyncStatus>, done: string | ((s: SyncStatus) => string)) {
    setBusy(true);
    setError(null);
    setNote('');
    try {
      const s = await action();
      setStatus(s);
      setSettings(await kiosk.getSettings());
      setNote(typeof done === 'string' ? done : done(s));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const backend = settings?.backend;
  return (
    <section className="screen" aria-labelledby="operator-title">
      <ScreenHeading>
        <span id="operator-title">Operator: sync and backend</span>
      </ScreenHeading>
      <ErrorBox error={error} />
      <p className="status" role="status" aria-live="polite">
        {note}
      </p>

      <div className="panel" aria-labelledby="sync-title">
        <h2 id="sync-title">Upload status</h2>
        {!status && !error && <p>Loading…</p>}
        {status && (
          <>
            <p aria-live="polite" data-testid="sync-summary">{syncSummary(status)}</p>
            <dl className="facts">
              <dt>Waiting to upload</dt>
              <dd data-testid="sync-pending">{status.pending}</dd>
              <dt>Last successful upload</dt>
              <dd>{whenText(status.lastSuccessAt)}</dd>
              <dt>Last download of candidates and positions</dt>
              <dd>{whenText(status.lastPullAt)}</dd>
              <dt>Last error</dt>
              <dd data-testid="sync-last-error">{status.lastError ? `${status.lastError.message} (${whenText(status.lastError.at)})` : 'none'}</dd>
              {status.nextRetryAt && (
                <>
                  <dt>Next automatic try</dt>
                  <dd>{whenText(status.nextRetryAt)}</dd>
                </>
              )}
            </dl>
            <div className="actions">
              <button type="button" disabled={busy || status.state === 'not_configured' || status.state === 'signed_out'}
                onClick={() => void run(() => kiosk.syncNow(), (s) => (s.state === 'idle' ? 'Upload and download finished.' : 'Sync did not finish: see the last error below. The kiosk keeps trying by itself.'))}>
                Sync now
              </button>
            </div>
          </>
        )}
      </div>

      {status && status.quarantined.length > 0 && (
        <div className="panel" aria-labelledby="quarantine-title">
          <h2 id="quarantine-title">Refused by the backend</h2>
          <p className="muted">These rows are kept on this kiosk. Fix the cause (or ask support), then retry them. The other rows keep uploading.</p>
          <ul className="quarantine">
            {status.quarantined.map((q) => (
              <li key={q.id}>
                <p>
                  <strong>{kindLabel(q.kind)}</strong> <span className="muted">{q.rowId}</span>
                </p>
                <p>{q.error}</p>
                <p className="muted">
                  {q.code ? `Code ${q.code}. ` : ''}Tried {q.attempts} {q.attempts === 1 ? 'time' : 'times'}; refused at {whenText(q.at)}.
                </p>
                <button type="button" disabled={busy} onClick={() => void run(() => kiosk.retryQuarantined({ ids: [q.id] }), 'The row was tried again.')}>
                  Retry this row
                </button>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void run(() => kiosk.retryQuarantined(), 'All refused rows were tried again.')}>
              Retry all refused rows
            </button>
          </div>
        </div>
      )}

      <form
        className="stack panel"
        autoComplete="off"
        aria-labelledby="backend-title"
        onSubmit={(e) => {
          e.preventDefault();
          const key = anonKey.trim();
          setAnonKey('');
          void run(() => kiosk.configureBackend({ supabaseUrl: url.trim(), anonKey: key }), 'The backend settings were saved.');
        }}
      >
        <h2 id="backend-title">Backend (Supabase)</h2>
        <p aria-live="polite">{backend?.configured ? `Connected to ${backend.url}.` : 'No backend is set.'}</p>
        <label className="field">
          <span>Supabase URL</span>
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://your-project.supabase.co" />
        </label>
        <label className="field">
          <span>{backend?.configured ? 'Anon key (type it again to change the backend)' : 'Anon key'}</span>
          <input type="password" value={anonKey} onChange={(e) => setAnonKey(e.target.value)} required autoComplete="off" spellCheck={false} />
        </label>
        <div className="actions">
          <button type="submit" disabled={busy || !url.trim() || !anonKey.trim()}>
            Save backend
          </button>
        </div>
      </form>

      <form
        className="stack panel"
        autoComplete="off"
        aria-labelledby="device-title"
        onSubmit={(e) => {
          e.preventDefault();
          const pw = password;
          setPassword(''); // never keep the password in the page longer than needed
          void run(() => kiosk.signInDevice({ email: email.trim(), password: pw }), 'The kiosk is signed in.');
        }}
      >
        <h2 id="device-title">Device sign-in</h2>
        <p aria-live="polite" data-testid="signed-in-as">
          {backend?.signedInAs ? `Signed in as ${backend.signedInAs}.` : 'Not signed in.'}
        </p>
        {backend?.configured && (
          <>
            <label className="field">
              <span>Device email</span>
              <input type="text" inputMode="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
            </label>
            <label className="field">
              <span>Password</span>
              <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
            </label>
            <div className="actions">
              <button type="submit" className="primary" disabled={busy || !email.trim() || !password}>
                Sign in
              </button>
              {backend.signedInAs && (
                <button type="button" disabled={busy} onClick={() => void run(() => kiosk.signOutDevice(), 'The kiosk is signed out.')}>
                  Sign out
                </button>
              )}
            </div>
          </>
        )}
      </form>

      <div className="actions">
        <button type="button" onClick={props.onDone}>
          Back to setup
        </button>
      </div>
    </section>
  );
}
