// The interview room: the call, who is speaking, the live transcript (as main saved it), elapsed time, End.
import { useEffect, useRef, useState } from 'react';
import type { KioskBridge, SessionSummary, SessionView, TranscriptEntryView } from '../../preload/contract';
import { InterviewCall, type PreparedPeer } from '../call/interview-call';
import { callPhaseLabel, type CallPhase } from '../logic/connection';
import { entryStateLabel, entryText, mergeEntries, orderedEntries, speakerLabel } from '../logic/entries';
import { formatElapsed } from '../logic/format';
import { initialSpeakingState, speakingLabel, type SpeakingState } from '../logic/speaking';
import { ErrorBox, ScreenHeading } from './common';

interface LogLine {
  id: number;
  text: string;
  level: 'info' | 'error';
}

export function Interview(props: {
  kiosk: KioskBridge;
  session: SessionView;
  mic: MediaStream;
  prepared?: Promise<PreparedPeer>;
  onEnded: (summary: SessionSummary) => void;
  onBack: () => void;
}) {
  const { kiosk, session } = props;
  const audioRef = useRef<HTMLAudioElement>(null);
  const callRef = useRef<InterviewCall | null>(null);
  const [phase, setPhase] = useState<CallPhase>('connecting');
  const [speaking, setSpeaking] = useState<SpeakingState>(initialSpeakingState);
  const [entries, setEntries] = useState<Map<string, TranscriptEntryView>>(new Map());
  const [log, setLog] = useState<LogLine[]>([]);
  const [startError, setStartError] = useState<unknown>(null);
  const [endError, setEndError] = useState<unknown>(null);
  const [ending, setEnding] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [startedAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const onEndedRef = useRef(props.onEnded);
  onEndedRef.current = props.onEnded;

  // The transcript as main pushes it (only this session's entries).
  useEffect(
    () =>
      kiosk.on('transcript', (payload) => {
        if (payload.sessionId !== session.id) return;
        setEntries((current) => mergeEntries(current, payload.entries));
      }),
    [kiosk, session.id],
  );

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);

  // The call: one per mounted screen.
  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    let nextLogId = 0;
    const addLog = (text: string, level: 'info' | 'error') => setLog((lines) => [...lines.slice(-49), { id: nextLogId++, text, level }]);
    const call = new InterviewCall({
      kiosk,
      sessionId: session.id,
      mic: props.mic,
      audio,
      record: session.recordingConsent,
      ...(props.prepared ? { prepared: props.prepared } : {}),
      callbacks: {
        onPhase: setPhase,
        onSpeaking: setSpeaking,
        onLog: addLog,
        onEnding: () => setEnding(true),
        onEnded: (summary) => onEndedRef.current(summary),
        onEndFailed: (err) => {
          setEndError(err);
          setEnding(false);
        },
      },
    });
    callRef.current = call;
    call.start().catch((err: unknown) => setStartError(err));
    return () => {
      // Leaving the screen without End (should not happen): free the devices; main keeps what it has.
      call.abandon();
    };
  }, [kiosk, session.id, session.recordingConsent, props.mic, props.prepared]);

  function end() {
    setConfirming(false);
    setEnding(true);
    setEndError(null);
    void callRef.current?.end('operator');
  }

  const ordered = orderedEntries(entries);
  const elapsed = formatElapsed(now - startedAt);

  return (
    <section className="screen interview" aria-labelledby="interview-title">
      <ScreenHeading>
        <span id="interview-title">Interview</span>
      </ScreenHeading>
      <p>
        {session.candidateName} — {session.positionTitle}
      </p>
      <audio ref={audioRef} autoPlay aria-hidden="true" />

      {startError ? (
        <ErrorBox error={startError}>
          <p>The interview could not start. Nothing was recorded.</p>
          <button type="button" onClick={props.onBack}>
            Back to setup
          </button>
        </ErrorBox>
      ) : (
        <>
          <div className="status-bar">
            <p role="status" aria-live="polite" aria-label="Connection">
              <span className={`dot ${phase}`} aria-hidden="true" /> {ending ? 'Ending and saving…' : callPhaseLabel(phase)}
            </p>
            <p aria-live="polite" aria-label="Who is speaking" className="speaking">
              {speakingLabel(speaking)}
            </p>
            <p className="elapsed" aria-label="Elapsed time">
              <time>{elapsed}</time>
            </p>
          </div>

          <div className="actions">
            {!confirming ? (
              <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={ending}>
                End interview
              </button>
            ) : (
              <div role="group" aria-label="Confirm end" className="actions">
                <span>End the interview now?</span>
                <button type="button" className="danger" onClick={end} autoFocus>
                  Yes, end now
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  No, continue
                </button>
              </div>
            )}
          </div>
          <ErrorBox error={endError}>
            <button type="button" onClick={end}>
              Try to end again
            </button>
          </ErrorBox>
        </>
      )}

      <h2>Transcript</h2>
      <ol className="transcript" aria-live="polite" aria-label="Transcript">
        {ordered.map((e) => (
          <li key={e.id} className={`entry ${e.speaker} ${e.status}`} data-seq={e.seq} data-item-id={e.itemId}>
            <span className="who">{speakerLabel(e.speaker)}</span>
            <span className="text">{entryText(e)}</span>
            <span className={`state ${e.saved ? 'saved' : 'unsaved'}`}>{entryStateLabel(e)}</span>
          </li>
        ))}
      </ol>
      {ordered.length === 0 && !startError && <p className="muted">The transcript appears here as the interview goes on.</p>}

      {log.length > 0 && (
        <details className="log">
          <summary>Messages ({log.length})</summary>
          <ul aria-label="Messages">
            {log.map((l) => (
              <li key={l.id} className={l.level}>
                {l.text}
              </li>
            ))}
          </ul>
        </details>
      )}
      {log.some((l) => l.level === 'error') && (
        <p className="warn" role="alert">
          {log.filter((l) => l.level === 'error').at(-1)?.text}
        </p>
      )}
    </section>
  );
}
