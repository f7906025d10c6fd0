// After the interview: duration, the saved transcript with each entry's saved/synced state, recording size. On a
// kiosk (main sends counts instead of the transcript) only status and counts, and back to the welcome screen when
// main's time for it is up, before the next person can read it.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskBridge, SessionSummary } from '../../preload/contract';
import { entryStateLabel, entryText, mergeEntries, orderedEntries, speakerLabel } from '../logic/entries';
import { formatBytes, formatElapsed } from '../logic/format';
import { warmUpIds } from '../logic/warm-up';
import { formatDateTime } from '../i18n';
import { ErrorBox, ScreenHeading } from './common';

const STATUS_KEYS = {
  completed: 'summary.statusCompleted',
  failed: 'summary.statusFailed',
  in_progress: 'summary.statusInProgress',
  scheduled: 'summary.statusScheduled',
} as const;

export function Summary(props: { kiosk: KioskBridge; sessionId: string; initial: SessionSummary | null; onNew: () => void }) {
  const { t } = useTranslation();
  const { kiosk, sessionId } = props;
  const [summary, setSummary] = useState<SessionSummary | null>(props.initial);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    kiosk.getSessionSummary({ sessionId }).then(
      (s) => live && setSummary(s),
      (err: unknown) => live && setError(err),
    );
    // Saved/synced marks keep changing after the end (sync runs in the background).
    const off = kiosk.on('transcript', (payload) => {
      if (payload.sessionId !== sessionId) return;
      setSummary((s) => (s && !s.counts ? { ...s, entries: [...mergeEntries(new Map(s.entries.map((e) => [e.id, e])), payload.entries).values()] } : s));
    });
    return () => {
      live = false;
      off();
    };
  }, [kiosk, sessionId]);

  // Kiosk mode: leave for the welcome screen once main's time for this summary is up.
  const clearAfterMs = useRef(props.initial?.clearAfterMs ?? summary?.clearAfterMs);
  clearAfterMs.current ??= summary?.clearAfterMs;
  const leave = useRef(props.onNew);
  leave.current = props.onNew;
  const hasDeadline = clearAfterMs.current !== undefined;
  useEffect(() => {
    if (clearAfterMs.current === undefined) return;
    // Just after main has forgotten it: the welcome screen appears only once the summary is gone main-side too.
    const timer = setTimeout(() => leave.current(), clearAfterMs.current + 250);
    return () => clearTimeout(timer);
  }, [hasDeadline]);

  const entries = summary ? orderedEntries(summary.entries) : [];
  const warmUp = warmUpIds(entries, summary?.session.warmUp ?? false);
  const entryCount = summary?.counts?.entries ?? entries.length;
  const allSaved = summary?.counts ? summary.counts.saved === summary.counts.entries : entries.every((e) => e.saved);

  return (
    <section className="screen" aria-labelledby="summary-title">
      <ScreenHeading>
        <span id="summary-title">{t('summary.title')}</span>
      </ScreenHeading>
      <ErrorBox error={error} />
      {summary && (
        <>
          <dl className="facts">
            {summary.session.candidateName && (
              <>
                <dt>{t('summary.candidate')}</dt>
                <dd>{summary.session.candidateName}</dd>
              </>
            )}
            <dt>{t('summary.position')}</dt>
            <dd>{summary.session.positionTitle}</dd>
            <dt>{t('summary.status')}</dt>
            <dd data-testid="session-status" data-status={summary.session.status}>{t(STATUS_KEYS[summary.session.status])}</dd>
            {summary.session.startedAt && (
              <>
                <dt>{t('summary.started')}</dt>
                <dd>{formatDateTime(new Date(summary.session.startedAt))}</dd>
              </>
            )}
            <dt>{t('summary.duration')}</dt>
            <dd>{summary.durationMs === null ? t('common.unknown') : formatElapsed(summary.durationMs)}</dd>
            <dt>{t('summary.recording')}</dt>
            <dd>
              {summary.recording
                ? t(summary.recording.finalized ? 'summary.recordingSaved' : 'summary.recordingSaving', { size: formatBytes(summary.recording.bytes) })
                : t('common.none')}
            </dd>
            <dt>{t('summary.transcript')}</dt>
            <dd>
              {entryCount === 0
                ? t('summary.entries', { count: 0 })
                : t(allSaved ? 'summary.allSaved' : 'summary.someUnsaved', { entries: t('summary.entries', { count: entryCount }) })}
            </dd>
          </dl>
          {!summary.counts && (
            <>
              <h2>{t('summary.transcript')}</h2>
              <ol className="transcript" aria-label={t('summary.transcript')}>
                {entries.map((e) => (
                  <li key={e.id} className={`entry ${e.speaker} ${e.status}`} data-seq={e.seq}>
                    <span className="who">{speakerLabel(e.speaker)}</span>
                    <span className="text">{entryText(e)}</span>
                    {warmUp.has(e.id) && <span className="warm-up-mark"> ({t('review.warmUp')})</span>}
                    <span className={`state ${e.saved ? 'saved' : 'unsaved'}`}>{entryStateLabel(e)}</span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      )}
      {!summary && !error && <p aria-live="polite">{t('summary.loading')}</p>}
      <div className="actions">
        <button type="button" className="primary" onClick={props.onNew}>
          {t('summary.newInterview')}
        </button>
      </div>
    </section>
  );
}
