// The interview room: the call, who is speaking, the live transcript (as main saved it), elapsed time, End.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { KioskBridge, SessionSummary, SessionView, TranscriptEntryView } from '../../preload/contract';
import { InterviewCall, preparePeer, type PreparedPeer } from '../call/interview-call';
import { callPhaseLabel, type CallPhase } from '../logic/connection';
import { entryStateLabel, entryText, mergeEntries, orderedEntries, speakerLabel } from '../logic/entries';
import { formatElapsed } from '../logic/format';
import { initialSpeakingState, speakingLabel, type SpeakingState } from '../logic/speaking';
import { reconnectStatusText } from '../logic/reconnect';
import { ErrorBox, ScreenHeading } from './common';
import { MIC_CONSTRAINTS } from './Preflight';

interface LogLine {
  id: number;
  text: string;
  level: 'info' | 'error';
}

export function Interview(props: {
  kiosk: KioskBridge;
  /** See CallOptions.watchMainLink. */
  watchMainLink?: (listener: (up: boolean) => void) => () => void;
  session: SessionView;
  mic: MediaStream;
  prepared?: Promise<PreparedPeer>;
  /** Resuming an interview the kiosk was running before it restarted (main restores the context). */
  resume?: boolean;
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
  const [reconnectAttempt, setReconnectAttempt] = useState<number | null>(null);
  const [reconnectFailed, setReconnectFailed] = useState(false);
  /** A planned switch before the session limit: the candidate should see no alarm, only a short pause. */
  const [rollingOver, setRollingOver] = useState(false);
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
      ...(props.resume ? { startReason: 'restart' as const } : {}),
      ...(props.watchMainLink ? { watchMainLink: props.watchMainLink } : {}),
      callbacks: {
        onReconnecting: (attempt, why) => {
          const planned = why === 'rollover' && attempt === 0;
          setRollingOver(planned);
          setReconnectAttempt(planned ? null : attempt);
        },
        onReconnected: () => {
          setRollingOver(false);
          setReconnectAttempt(null);
        },
        onReconnectFailed: () => {
          setReconnectAttempt(null);
          setReconnectFailed(true);
        },
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
  }, [kiosk, session.id, session.recordingConsent, props.mic, props.prepared, props.resume, props.watchMainLink]);

  function end() {
    setConfirming(false);
    setEnding(true);
    setEndError(null);
    void callRef.current?.end('operator');
  }

  /** After every reconnect try failed: end and save (the session is marked as ended by an error). */
  function finishAfterFailure() {
    setEnding(true);
    setEndError(null);
    void callRef.current?.end('error');
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
              <span className={`dot ${phase}`} aria-hidden="true" />{' '}
              {ending
                ? 'Ending and saving…'
                : reconnectFailed
                  ? 'Connection lost'
                  : phase === 'reconnecting' && rollingOver
                    ? callPhaseLabel('live')
                    : phase === 'reconnecting' && reconnectAttempt !== null
                      ? reconnectStatusText(reconnectAttempt)
                      : callPhaseLabel(phase)}
            </p>
            <p aria-live="polite" aria-label="Who is speaking" className="speaking">
              {speakingLabel(speaking)}
            </p>
            <p className="elapsed" aria-label="Elapsed time">
              <time>{elapsed}</time>
            </p>
          </div>

          {reconnectFailed && !ending && (
            <div role="alert" className="error-box" aria-label="Connection lost">
              <p>
                The connection to the interviewer could not be restored after 10 tries. Everything said so far, and the
                recording, is saved.
              </p>
              <button type="button" onClick={finishAfterFailure}>
                Finish interview
              </button>
            </div>
          )}
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

/**
 * An interview the kiosk was running when it stopped (app killed, renderer crashed): offered for resumption on
 * start, resumed at once in kiosk mode. Opens the mic and prepares the peer, then hands over to the room, whose
 * first call tells main it is a restart (main restores the context from the saved transcript).
 */
export function ResumeOffer(props: {
  kiosk: KioskBridge;
  onResume: (session: SessionView, mic: MediaStream, prepared: Promise<PreparedPeer>) => void;
}) {
  const { kiosk, onResume } = props;
  const [session, setSession] = useState<SessionView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const onResumeRef = useRef(onResume);
  onResumeRef.current = onResume;

  const resume = useCallback(async (s: SessionView) => {
    setBusy(true);
    setError(null);
    try {
      const mic = await navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
      const prepared = preparePeer(mic);
      prepared.catch(() => undefined); // the interview screen reports a failure
      onResumeRef.current(s, mic, prepared);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    let live = true;
    void (async () => {
      const found = await kiosk.getResumableSession().catch(() => null);
      if (!live || !found) return;
      setSession(found);
      const kioskMode = await kiosk.getOperatorLockState().then((s) => s.kioskMode, () => false);
      if (live && kioskMode) void resume(found); // kiosk mode: nobody to ask
    })();
    return () => {
      live = false;
    };
  }, [kiosk, resume]);

  if (!session) return null;
  return (
    <div role="region" aria-label="Interrupted interview" className="resume-offer">
      <p>
        The interview with {session.candidateName} ({session.positionTitle}) was interrupted. Everything said so far is
        saved.
      </p>
      <button type="button" onClick={() => void resume(session)} disabled={busy}>
        {busy ? 'Resuming…' : 'Resume interview'}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}
