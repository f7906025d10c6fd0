// Operator screen: what the sync engine is doing (pending rows, last success, last error, next retry), the rows
// the backend refused for good (with their errors and a retry button), the Supabase backend settings and the
// device sign-in. The anon key and the password go to main and are never shown again; tokens never reach here.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskBridge, OperatorNotice, QuarantinedRowView, QueueCounts, SettingsView, SyncItemKind, SyncStatus } from '../../preload/contract';
import { formatDateTime, formatNumber, t as translate } from '../i18n';
import { ErrorBox, ScreenHeading } from './common';

const STATE_KEYS = {
  not_configured: 'operator.stateNotConfigured',
  signed_out: 'operator.stateSignedOut',
  idle: 'operator.stateIdle',
  syncing: 'operator.stateSyncing',
  retrying: 'operator.stateRetrying',
} as const satisfies Record<SyncStatus['state'], string>;

/** "3 rows waiting" etc.: the status line in words (pure, for tests). */
export function syncSummary(s: SyncStatus): string {
  const parts = [translate(STATE_KEYS[s.state])];
  if (s.pending > 0) parts.push(translate('operator.pending', { count: s.pending }));
  if (s.quarantined.length > 0) parts.push(translate('operator.refused', { count: s.quarantined.length }));
  return parts.join(' ');
}

const KIND_KEYS = {
  session: 'operator.kindSession',
  entry: 'operator.kindEntry',
  invitation_redeem: 'operator.kindInvitationRedeem',
  invitation: 'operator.kindInvitation',
  recording: 'operator.kindRecording',
  evaluation: 'operator.kindEvaluation',
  override: 'operator.kindOverride',
  dismissal: 'operator.kindDismissal',
} as const satisfies Record<QuarantinedRowView['kind'], string>;

export function kindLabel(kind: QuarantinedRowView['kind']): string {
  return translate(KIND_KEYS[kind]);
}

/** A time for the operator, in the UI language: time of day (today) or date and time, or "never". */
/** The recording upload in words: megabytes the backend confirmed of the total, and the share. */
export function uploadProgressText(upload: NonNullable<SyncStatus['upload']>): string {
  const mb = (bytes: number) => formatNumber(bytes / 1048576, { maximumFractionDigits: 1 });
  return translate('operator.recordingUploadProgress', {
    sent: mb(upload.sentBytes),
    total: mb(upload.totalBytes),
    percent: formatNumber(upload.totalBytes > 0 ? upload.sentBytes / upload.totalBytes : 0, { style: 'percent' }),
  });
}

export function whenText(iso: string | null, now: Date = new Date()): string {
  if (!iso) return translate('common.never');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return translate('common.unknown');
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? formatDateTime(d, { timeStyle: 'medium' }) : formatDateTime(d, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function Operator(props: { kiosk: KioskBridge; onDone: () => void }) {
  const { t } = useTranslation();
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
  const [notices, setNotices] = useState<OperatorNotice[] | null>(null);
  /** A new backend URL was not applied: rows are still queued for the current one and the operator must choose. */
  const [moving, setMoving] = useState<{ supabaseUrl: string; anonKey: string; queued: QueueCounts } | null>(null);

  useEffect(() => {
    let live = true;
    const off = kiosk.on('sync', (s) => live && setStatus(s));
    Promise.all([kiosk.getSyncStatus(), kiosk.getSettings()]).then(([s, v]) => {
      if (!live) return;
      setStatus(s);
      setSettings(v);
      setUrl(v.backend?.url ?? '');
    }, (err: unknown) => live && setError(err));
    kiosk.getOperatorNotices().then((n) => live && setNotices(n), (err: unknown) => live && setError(err));
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

  /** The queue to a folder on this machine: needed before discarding it or moving the kiosk to another company. */
  async function exportQueue() {
    setBusy(true);
    setError(null);
    setNote('');
    try {
      const done = await kiosk.exportQueue();
      setNote(t('operator.queueExported', { total: done.counts.total, directory: done.directory }));
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
        <span id="operator-title">{t('operator.title')}</span>
      </ScreenHeading>
      <ErrorBox error={error} />
      <p className="status" role="status" aria-live="polite">
        {note}
      </p>

      <div className="panel" aria-labelledby="notices-title">
        <h2 id="notices-title">{t('operator.noticesTitle')}</h2>
        {notices && notices.length === 0 && <p>{t('operator.noticesNone')}</p>}
        {notices && notices.length > 0 && (
          <ul className="notices" data-testid="operator-notices">
            {notices.map((n) => (
              <li key={n.id} data-kind={n.kind}>
                {t(n.kind === 'declined' ? 'operator.noticeDeclined' : 'operator.noticeHelp', { candidate: n.candidateName, position: n.positionTitle })}{' '}
                <span className="muted">{t('operator.noticeAt', { when: whenText(n.at) })}</span>
                {n.kind === 'help' && n.resolvedAt && <span className="muted"> {t('operator.noticeResolved', { when: whenText(n.resolvedAt) })}</span>}
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="panel" aria-labelledby="sync-title">
        <h2 id="sync-title">{t('operator.uploadStatus')}</h2>
        {!status && !error && <p>{t('common.loading')}</p>}
        {status && (
          <>
            <p aria-live="polite" data-testid="sync-summary">{syncSummary(status)}</p>
            {status.storageNotices?.map((n) => (
              <p key={n.at + n.message} role="alert" data-testid="storage-notice">
                {t('operator.storageNotice', { message: n.message, when: whenText(n.at) })}
              </p>
            ))}
            <dl className="facts">
              <dt>{t('operator.waiting')}</dt>
              <dd data-testid="sync-pending">{status.pending}</dd>
              <dt>{t('operator.lastSuccess')}</dt>
              <dd>{whenText(status.lastSuccessAt)}</dd>
              <dt>{t('operator.lastPull')}</dt>
              <dd>{whenText(status.lastPullAt)}</dd>
              <dt>{t('operator.lastError')}</dt>
              <dd data-testid="sync-last-error">
                {status.lastError ? t('operator.lastErrorAt', { message: status.lastError.message, when: whenText(status.lastError.at) }) : t('common.none')}
              </dd>
              {status.nextRetryAt && (
                <>
                  <dt>{t('operator.nextRetry')}</dt>
                  <dd>{whenText(status.nextRetryAt)}</dd>
                </>
              )}
              {status.reviewer && (
                <>
                  <dt>{t('operator.reviewerDecisions')}</dt>
                  <dd data-testid="sync-reviewer">
                    {t('operator.reviewerPending', { count: status.reviewer.pending })}
                    {status.reviewer.waiting ? ` ${status.reviewer.waiting}` : ''}
                    {status.reviewer.lastError ? ` ${t('operator.lastErrorAt', { message: status.reviewer.lastError.message, when: whenText(status.reviewer.lastError.at) })}` : ''}
                  </dd>
                </>
              )}
              {status.upload && (
                <>
                  <dt>{t('operator.recordingUpload')}</dt>
                  <dd data-testid="sync-upload">
                    <progress max={status.upload.totalBytes} value={status.upload.sentBytes} aria-label={t('operator.recordingUpload')} />{' '}
                    {uploadProgressText(status.upload)}
                  </dd>
                </>
              )}
            </dl>
            <div className="actions">
              <button type="button" disabled={busy || status.state === 'not_configured' || status.state === 'signed_out'}
                onClick={() => void run(() => kiosk.syncNow(), (s) => (s.state === 'idle' ? t('operator.syncDone') : t('operator.syncNotDone')))}>
                {t('operator.syncNow')}
              </button>
              {(status.pending > 0 || status.quarantined.length > 0) && (
                <button type="button" disabled={busy} onClick={() => void exportQueue()}>{t('operator.queueExport')}</button>
              )}
            </div>
          </>
        )}
      </div>

      {status && status.quarantined.length > 0 && (
        <div className="panel" aria-labelledby="quarantine-title">
          <h2 id="quarantine-title">{t('operator.refusedTitle')}</h2>
          <p className="muted">{t('operator.refusedHelp')}</p>
          <ul className="quarantine">
            {status.quarantined.map((q) => (
              <li key={q.id}>
                <p>
                  <strong>{kindLabel(q.kind)}</strong> <span className="muted">{q.rowId}</span>
                </p>
                <p>{q.error}</p>
                <p className="muted">
                  {q.code ? t('operator.code', { code: q.code }) : ''}
                  {t('operator.tried', { count: q.attempts, when: whenText(q.at) })}
                </p>
                <button type="button" disabled={busy} onClick={() => void run(() => kiosk.retryQuarantined({ ids: [q.id] }), t('operator.retriedRow'))}>
                  {t('operator.retryRow')}
                </button>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void run(() => kiosk.retryQuarantined(), t('operator.retriedAll'))}>
              {t('operator.retryAll')}
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
          const request = { supabaseUrl: url.trim(), anonKey: key };
          let applied = true;
          void run(async () => {
            const r = await kiosk.configureBackend(request);
            applied = r.applied;
            setMoving(r.applied ? null : { ...request, queued: r.queued! });
            return r.status;
          }, () => (applied ? t('operator.backendSaved') : ''));
        }}
      >
        <h2 id="backend-title">{t('operator.backendTitle')}</h2>
        <p aria-live="polite">{backend?.configured ? t('operator.connectedTo', { url: backend.url }) : t('operator.noBackend')}</p>
        <label className="field">
          <span>{t('operator.url')}</span>
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://your-project.supabase.co" />
        </label>
        <label className="field">
          <span>{backend?.configured ? t('operator.anonKeyChange') : t('operator.anonKey')}</span>
          <input type="password" value={anonKey} onChange={(e) => setAnonKey(e.target.value)} required autoComplete="off" spellCheck={false} />
        </label>
        <div className="actions">
          <button type="submit" disabled={busy || !url.trim() || !anonKey.trim()}>
            {t('operator.saveBackend')}
          </button>
        </div>
      </form>

      {moving && (
        <div className="panel" role="alertdialog" aria-labelledby="queue-ask-title" data-testid="queue-choice">
          <h2 id="queue-ask-title">{t('operator.queueAskTitle')}</h2>
          <p>{t('operator.queueAsk', { total: moving.queued.total, refused: moving.queued.quarantined })}</p>
          <ul>
            {(Object.entries(moving.queued.byKind) as [SyncItemKind, number][]).map(([kind, n]) => (
              <li key={kind}>{kindLabel(kind)}: {n}</li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void run(async () => {
              const r = await kiosk.configureBackend({ supabaseUrl: moving.supabaseUrl, anonKey: moving.anonKey, queued: 'keep' });
              setMoving(null);
              return r.status;
            }, t('operator.queueKept'))}>{t('operator.queueKeep')}</button>
            <button type="button" disabled={busy} onClick={() => void exportQueue()}>{t('operator.queueExport')}</button>
            <button type="button" disabled={busy} onClick={() => void run(async () => {
              const r = await kiosk.configureBackend({ supabaseUrl: moving.supabaseUrl, anonKey: moving.anonKey, queued: 'discard' });
              setMoving(null);
              return r.status;
            }, t('operator.queueDiscarded'))}>{t('operator.queueDiscard')}</button>
            <button type="button" disabled={busy} onClick={() => setMoving(null)}>{t('operator.queueCancel')}</button>
          </div>
        </div>
      )}

      <form
        className="stack panel"
        autoComplete="off"
        aria-labelledby="device-title"
        onSubmit={(e) => {
          e.preventDefault();
          const pw = password;
          setPassword(''); // never keep the password in the page longer than needed
          void run(() => kiosk.signInDevice({ email: email.trim(), password: pw }), t('operator.signedIn'));
        }}
      >
        <h2 id="device-title">{t('operator.deviceTitle')}</h2>
        <p aria-live="polite" data-testid="signed-in-as">
          {backend?.signedInAs ? t('operator.signedInAs', { email: backend.signedInAs }) : t('operator.notSignedIn')}
        </p>
        {backend?.configured && (
          <>
            <label className="field">
              <span>{t('operator.email')}</span>
              <input type="text" inputMode="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
            </label>
            <label className="field">
              <span>{t('operator.password')}</span>
              <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
            </label>
            <div className="actions">
              <button type="submit" className="primary" disabled={busy || !email.trim() || !password}>
                {t('operator.signIn')}
              </button>
              {backend.signedInAs && (
                <button type="button" disabled={busy} onClick={() => void run(() => kiosk.signOutDevice(), t('operator.signedOut'))}>
                  {t('operator.signOut')}
                </button>
              )}
            </div>
          </>
        )}
      </form>

      <div className="actions">
        <button type="button" onClick={props.onDone}>
          {t('common.backToSetup')}
        </button>
      </div>
    </section>
  );
}
