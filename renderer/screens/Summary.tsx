// After the interview: duration, the saved transcript with each entry's saved/synced state, recording size.
import { useEffect, useState } from 'react';
import type { KioskBridge, SessionSummary } from '../../preload/contract';
import { entryStateLabel, entryText, mergeEntries, orderedEntries, speakerLabel } from '../logic/entries';
import { formatBytes, formatElapsed } from '../logic/format';
import { ErrorBox, ScreenHeading } from './common';

export function Summary(props: { kiosk: KioskBridge; sessionId: string; initial: SessionSummary | null; onNew: () => void }) {
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
      setSummary((s) => (s ? { ...s, entries: [...mergeEntries(new Map(s.entries.map((e) => [e.id, e])), payload.entries).values()] } : s));
    });
    return () => {
      live = false;
      off();
    };
  }, [kiosk, sessionId]);

  const entries = summary ? orderedEntries(summary.entries) : [];
  const allSaved = entries.every((e) => e.saved);

  return (
    <section className="screen" aria-labelledby="summary-title">
      <ScreenHeading>
        <span id="summary-title">Interview finished</span>
      </ScreenHeading>
      <ErrorBox error={error} />
      {summary && (
        <>
          <dl className="facts">
            <dt>Candidate</dt>
            <dd>{summary.session.candidateName}</dd>
            <dt>Position</dt>
            <dd>{summary.session.positionTitle}</dd>
            <dt>Status</dt>
            <dd data-testid="session-status">{summary.session.status === 'completed' ? 'Completed' : summary.session.status}</dd>
            <dt>Duration</dt>
            <dd>{summary.durationMs === null ? 'unknown' : formatElapsed(summary.durationMs)}</dd>
            <dt>Recording</dt>
            <dd>
              {summary.recording
                ? `${formatBytes(summary.recording.bytes)}${summary.recording.finalized ? ', saved' : ', still being saved'}`
                : 'none'}
            </dd>
            <dt>Transcript</dt>
            <dd>
              {entries.length} entries{entries.length > 0 && (allSaved ? ', all saved' : ', some not yet saved')}
            </dd>
          </dl>
          <h2>Transcript</h2>
          <ol className="transcript" aria-label="Transcript">
            {entries.map((e) => (
              <li key={e.id} className={`entry ${e.speaker} ${e.status}`} data-seq={e.seq}>
                <span className="who">{speakerLabel(e.speaker)}</span>
                <span className="text">{entryText(e)}</span>
                <span className={`state ${e.saved ? 'saved' : 'unsaved'}`}>{entryStateLabel(e)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
      {!summary && !error && <p aria-live="polite">Loading the summary…</p>}
      <div className="actions">
        <button type="button" className="primary" onClick={props.onNew}>
          New interview
        </button>
      </div>
    </section>
  );
}
