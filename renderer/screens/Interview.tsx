// The interview room: the call, who is speaking, the live transcript (as main saved it), elapsed time, End.
import { readPageConfig } from '../transport/page-config';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CandidateControl, CandidateControlLimits, InterviewHold, InterviewProgress, KioskBridge, SessionSummary, SessionView, TranscriptEntryView } from '../../preload/contract';
import { initialSilence, reduceSilence, showsPrompt, type SilenceEvent, type SilenceState } from '../logic/still-there';
import { InterviewCall, preparePeer, type PreparedPeer } from '../call/interview-call';
import { callPhaseLabel, type CallPhase } from '../logic/connection';
import { entryStateLabel, entryText, mergeEntries, orderedEntries, speakerLabel } from '../logic/entries';
import { heardSoFar, initialCaptionState, reduceCaptions, revealing, shownEntryText, type CaptionState } from '../logic/captions';
import { DisplayControls, useDisplay } from './Display';
import { formatElapsed } from '../logic/format';
import { initialSpeakingState, speakingLabel, type SpeakingState } from '../logic/speaking';
import { MAX_RECONNECT_ATTEMPTS, reconnectStatusText } from '../logic/reconnect';
import { ErrorBox, ScreenHeading } from './common';
import { MIC_CONSTRAINTS } from './Preflight';
import { warmUpIds, warmUpStage } from '../logic/warm-up';

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
  const { t } = useTranslation();
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
  /** What the candidate has heard of the interviewer's lines (captions never run ahead of the audio). */
  // Kept in a ref: transcript deltas arrive every few tens of ms and must not each re-render the room; the screen
  // re-renders on the audio's own events and, while a line is revealed, on a short timer.
  const captionsRef = useRef<CaptionState>(initialCaptionState);
  const captions = captionsRef.current;
  /** The call's audio clock (ms of interviewer audio played out): what the captions reveal by. */
  const [captionNow, setCaptionNow] = useState(0);
  const { prefs } = useDisplay();
  const [limits, setLimits] = useState<CandidateControlLimits | null>(null);
  const [progress, setProgress] = useState<InterviewProgress | null>(null);
  const [hold, setHold] = useState<InterviewHold>('none');
  const [holdSince, setHoldSince] = useState<number | null>(null);
  const [typing, setTyping] = useState(false);
  const [typed, setTyped] = useState('');
  const [controlError, setControlError] = useState<unknown>(null);
  const [silence, setSilence] = useState<SilenceState>(initialSilence);
  const silenceRef = useRef(silence);
  const limitsRef = useRef(limits);
  limitsRef.current = limits;
  const onEndedRef = useRef(props.onEnded);
  onEndedRef.current = props.onEnded;

  // The transcript as main pushes it (only this session's entries).
  useEffect(
    () =>
      kiosk.on('transcript', (payload) => {
        if (payload.sessionId !== session.id) return;
        setEntries((current) => mergeEntries(current, payload.entries));
        if (payload.progress) setProgress(payload.progress);
        if (payload.entries.some((e) => e.speaker === 'candidate')) silenceStep({ type: 'answered' });
      }),
    [kiosk, session.id],
  );

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);

  // While a line is being revealed, the captions move on a short timer (whole words at the speaking pace).
  const captionsMoving = revealing(captions);
  useEffect(() => {
    if (!captionsMoving) return;
    const timer = setInterval(() => setCaptionNow(callRef.current?.audioClockMs() ?? 0), 200);
    return () => clearInterval(timer);
  }, [captionsMoving]);
  /** A candidate control: main records it; the call sends what main asks for. Errors are shown in words. */
  const control = useCallback(async (c: CandidateControl): Promise<boolean> => {
    const call = callRef.current;
    if (!call) return false;
    setControlError(null);
    try {
      const result = await call.control(c);
      setHold(result.hold);
      const paused = result.hold !== 'none';
      call.setMicPaused(paused);
      setHoldSince((since) => (paused ? (since ?? Date.now()) : null));
      if (paused) silenceStep({ type: 'hold', on: true });
      return true;
    } catch (err) {
      setControlError(err);
      return false;
    }
  }, []);

  /** "Still there?": the pure machine in ../logic/still-there.ts, fed by the call's events and the clock. */
  const silenceStep = useCallback((event: SilenceEvent) => {
    const l = limitsRef.current;
    if (!l) return;
    const r = reduceSilence(silenceRef.current, event, l);
    silenceRef.current = r.state;
    setSilence(r.state);
    if (r.effect === 'prompt') void control({ kind: 'still_there' });
    else if (r.effect === 'check_in') void control({ kind: 'check_in' });
    else if (r.effect === 'pause') void control({ kind: 'break', by: 'silence' });
  }, [control]);

  useEffect(() => {
    if (hold === 'none') silenceStep({ type: 'tick', at: now });
    // A break ends by itself at its limit, with a spoken check-in.
    if (hold === 'break' && holdSince !== null && limits && now - holdSince >= limits.breakLimitMs) {
      setHoldSince(null);
      void control({ kind: 'resume', by: 'limit' });
    }
  }, [now, hold, holdSince, limits, control, silenceStep]);

  // The call: one per mounted screen.
  useEffect(() => {
    const audio = audioRef.current;
    if (!audio) return;
    let nextLogId = 0;
    const addLog = (text: string, level: 'info' | 'error') => setLog((lines) => [...lines.slice(-49), { id: nextLogId++, text, level }]);
    const pageConfig = readPageConfig();
    const call = new InterviewCall({
      kiosk,
      sessionId: session.id,
      mic: props.mic,
      audio,
      record: session.recordingConsent,
      ...(props.prepared ? { prepared: props.prepared } : {}),
      ...(props.resume ? { startReason: 'restart' as const } : {}),
      ...(props.watchMainLink ? { watchMainLink: props.watchMainLink } : {}),
      ...(pageConfig.reconnectDelayScale !== undefined ? { delayScale: pageConfig.reconnectDelayScale } : {}),
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
        onControls: (l, h) => {
          setLimits(l);
          // After a restart the interview may be waiting (help, a break): the screen and the microphone follow.
          setHold(h);
          call.setMicPaused(h !== 'none');
          setHoldSince((since) => (h !== 'none' ? (since ?? Date.now()) : null));
        },
        onServerEvent: (event) => {
          if (event.type === 'output_audio_buffer.started') silenceStep({ type: 'interviewer_started' });
          else if (event.type === 'output_audio_buffer.stopped' || event.type === 'output_audio_buffer.cleared') silenceStep({ type: 'interviewer_done', at: Date.now() });
          else if (event.type === 'input_audio_buffer.speech_started') silenceStep({ type: 'candidate_spoke' });
          const at = callRef.current?.audioClockMs() ?? 0; // captions run on played audio, not wall time
          const next = reduceCaptions(captionsRef.current, event, at);
          if (next === captionsRef.current) return;
          captionsRef.current = next;
          if (!event.type.endsWith('.delta')) setCaptionNow(at);
        },
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
  }, [kiosk, session.id, session.recordingConsent, props.mic, props.prepared, props.resume, props.watchMainLink, silenceStep]);

  async function sendTyped(event: React.FormEvent) {
    event.preventDefault();
    if (await control({ kind: 'typed', text: typed })) {
      setTyped('');
      setTyping(false);
    }
  }

  async function stillHere() {
    silenceStep({ type: 'still_here', at: Date.now() });
    await control({ kind: 'still_here' });
  }

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

  const ordered = useMemo(() => orderedEntries(entries), [entries]);
  const elapsed = formatElapsed(now - startedAt);
  // Interviewer lines show what was heard so far; a stored interrupted line is the server's heard part.
  const shown = ordered.map((e) => {
    const interrupted = e.status === 'final' && e.text.endsWith('…');
    const text = shownEntryText(captions, e, interrupted, captionNow);
    return text === e.text ? e : { ...e, text }; // unchanged rows stay the same object (TranscriptRow is memoised)
  });
  // The warm-up (unscored) as the evaluation sees it: its lines are marked, and a status says where we are.
  const warmUpLines = useMemo(() => warmUpIds(ordered, session.warmUp), [ordered, session.warmUp]);
  const stage = useMemo(() => warmUpStage(ordered, session.warmUp), [ordered, session.warmUp]);
  const currentLine = captions.current;
  const currentEntry = currentLine ? ordered.find((e) => e.itemId === currentLine) : undefined;
  const caption = currentEntry
    ? shown.find((e) => e.itemId === currentLine)!.text
    : currentLine
      ? (heardSoFar(captions, currentLine, captionNow) ?? '')
      : '';

  return (
    <section className="screen interview" aria-labelledby="interview-title">
      <ScreenHeading>
        <span id="interview-title">{t('interview.title')}</span>
      </ScreenHeading>
      <p>
        {session.candidateName} — {session.positionTitle}
      </p>
      {/* Who the candidate is talking to: the persona's name, always marked as an AI (disclosure). */}
      <p className="interviewer" data-testid="interviewer">
        {t('interview.interviewer')}: <strong>{session.interviewerName ?? t('interview.interviewerUnnamed')}</strong>
        <abbr className="badge" title={t('interview.aiMarkFull')}>
          {t('interview.aiMark')}
        </abbr>
      </p>
      <audio ref={audioRef} autoPlay aria-hidden="true" />

      {startError ? (
        <ErrorBox error={startError}>
          <p>{t('interview.couldNotStart')}</p>
          <button type="button" onClick={props.onBack}>
            {t('common.backToSetup')}
          </button>
        </ErrorBox>
      ) : (
        <>
          <div className="status-bar">
            <p role="status" aria-live="polite" aria-label={t('interview.connection')}>
              <span className={`dot ${phase}`} aria-hidden="true" />{' '}
              {ending
                ? t('interview.ending')
                : reconnectFailed
                  ? t('interview.connectionLost')
                  : phase === 'reconnecting' && rollingOver
                    ? callPhaseLabel('live')
                    : phase === 'reconnecting' && reconnectAttempt !== null
                      ? reconnectStatusText(reconnectAttempt)
                      : callPhaseLabel(phase)}
            </p>
            <p aria-live="polite" aria-label={t('interview.whoSpeaking')} className="speaking">
              {speakingLabel(speaking, session.interviewerName)}
            </p>
            <p className="elapsed" aria-label={t('interview.elapsed')}>
              <time>{elapsed}</time>
            </p>
          </div>

          <section className="candidate-controls" aria-label={t('controls.region')}>
            {session.warmUp && (
              // Always in the document, so a screen reader announces each change of stage once.
              <p className="warm-up-status" role="status" aria-live="polite" data-stage={stage ?? 'scored'}>
                {stage === 'warm_up' ? t('interview.warmUpNow') : stage === 'scored_start' ? t('interview.scoredStarts') : ''}
              </p>
            )}
            <p className="progress" role="status" aria-live="polite">
              {progress && progress.asked > 0
                ? t('controls.progress', { asked: progress.asked, count: progress.expected })
                : t('controls.progressNone')}
            </p>
            {hold === 'help' && (
              <div role="status" aria-live="assertive" className="hold help-requested">
                <p>{t('controls.helpOnWay')}</p>
                <button type="button" onClick={() => void control({ kind: 'resume', by: 'button' })}>
                  {t('controls.resume')}
                </button>
              </div>
            )}
            {hold === 'break' && (
              <div role="status" aria-live="polite" className="hold paused">
                <p>{t('controls.onBreak')}</p>
                {limits && holdSince !== null && (
                  <p className="countdown">
                    {t('controls.breakLeft', { time: formatElapsed(Math.max(0, limits.breakLimitMs - (now - holdSince))) })}
                  </p>
                )}
                <button type="button" onClick={() => void control({ kind: 'resume', by: 'button' })} autoFocus>
                  {t('controls.resume')}
                </button>
              </div>
            )}
            {hold === 'none' && showsPrompt(silence) && (
              <div role="alert" className="still-there">
                <p>
                  <strong>{t('controls.stillThere')}</strong> {t('controls.stillThereDetail')}
                </p>
                <button type="button" onClick={() => void stillHere()}>
                  {t('controls.stillHere')}
                </button>
              </div>
            )}
            {hold === 'none' && (
              <div className="actions">
                <button type="button" onClick={() => void control({ kind: 'repeat' })} disabled={ending || phase !== 'live'}>
                  {t('controls.repeat')}
                </button>
                <button type="button" aria-expanded={typing} aria-controls="typed-answer" onClick={() => setTyping((v) => !v)} disabled={ending}>
                  {t('controls.type')}
                </button>
                <button type="button" onClick={() => void control({ kind: 'break', by: 'button' })} disabled={ending || phase !== 'live'}>
                  {t('controls.break')}
                </button>
                <button type="button" onClick={() => void control({ kind: 'help' })} disabled={ending}>
                  {t('controls.help')}
                </button>
              </div>
            )}
            {hold === 'none' && typing && (
              <form id="typed-answer" className="typed-answer" onSubmit={(e) => void sendTyped(e)}>
                <label htmlFor="typed-answer-text">{t('controls.typeLabel')}</label>
                <textarea
                  id="typed-answer-text"
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  maxLength={limits?.maxTypedChars}
                  rows={4}
                  aria-describedby="typed-answer-hint"
                  autoFocus
                />
                <p id="typed-answer-hint" className="muted">
                  {t('controls.typeHint', { count: limits?.maxTypedChars ?? 0 })}
                </p>
                <button type="submit" disabled={typed.trim() === '' || ending || phase !== 'live'}>
                  {t('controls.send')}
                </button>
                <button type="button" onClick={() => setTyping(false)}>
                  {t('controls.closeType')}
                </button>
              </form>
            )}
            <ErrorBox error={controlError} />
          </section>

          {reconnectFailed && !ending && (
            <div role="alert" className="error-box" aria-label={t('interview.connectionLost')}>
              <p>{t('interview.lostDetail', { count: MAX_RECONNECT_ATTEMPTS })}</p>
              <button type="button" onClick={finishAfterFailure}>
                {t('interview.finish')}
              </button>
            </div>
          )}
          {prefs.captions && (
            <div className="captions" role="region" aria-label={t('captions.region')} data-item-id={currentLine ?? ''}>
              {/* Outside the live caption line: the mark is read with the region, not again with every word. */}
              {currentLine && (currentEntry ? warmUpLines.has(currentEntry.id) : stage === 'warm_up') && (
                <p className="warm-up-mark">{t('review.warmUp')}</p>
              )}
              <p aria-live="polite">
                {currentLine ? caption : <span className="muted">{t('captions.empty')}</span>}
              </p>
            </div>
          )}
          <DisplayControls captions />
          <div className="actions">
            {!confirming ? (
              <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={ending}>
                {t('interview.end')}
              </button>
            ) : (
              <div role="group" aria-label={t('interview.confirmEnd')} className="actions">
                <span>{t('interview.endNow')}</span>
                <button type="button" className="danger" onClick={end} autoFocus>
                  {t('interview.endYes')}
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  {t('interview.endNo')}
                </button>
              </div>
            )}
          </div>
          <ErrorBox error={endError}>
            <button type="button" onClick={end}>
              {t('interview.endAgain')}
            </button>
          </ErrorBox>
        </>
      )}

      <h2>{t('interview.transcript')}</h2>
      <ol className="transcript" aria-label={t('interview.transcript')}>
        {shown.map((e) => (
          <TranscriptRow key={e.id} entry={e} warmUp={warmUpLines.has(e.id)} />
        ))}
      </ol>
      {ordered.length === 0 && !startError && <p className="muted">{t('interview.transcriptEmpty')}</p>}

      {log.length > 0 && (
        <details className="log">
          <summary>{t('interview.messages', { count: log.length })}</summary>
          <ul aria-label={t('interview.messagesLabel')}>
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
 * start (in kiosk mode main offers it only to the unlocked operator). Opens the mic and prepares the peer, then hands over to the room, whose
 * first call tells main it is a restart (main restores the context from the saved transcript).
 */
export function ResumeOffer(props: {
  kiosk: KioskBridge;
  onResume: (session: SessionView, mic: MediaStream, prepared: Promise<PreparedPeer>) => void;
}) {
  const { t } = useTranslation();
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
      setSession(found); // kiosk mode: main offers it only to the unlocked operator (never to a walk-up)
    })();
    return () => {
      live = false;
    };
  }, [kiosk, resume]);

  if (!session) return null;
  return (
    <div role="region" aria-label={t('resume.region')} className="resume-offer">
      <p>{t('resume.text', { candidate: session.candidateName, position: session.positionTitle })}</p>
      <button type="button" onClick={() => void resume(session)} disabled={busy}>
        {busy ? t('resume.resuming') : t('resume.resume')}
      </button>
      <ErrorBox error={error} />
    </div>
  );
}

/**
 * One transcript row, memoised on its entry: main pushes only the entries that changed and mergeEntries keeps the
 * others' objects, so an event re-renders one row, not the whole list. (Re-rendering every row on every event made
 * the page's cost per event grow with the transcript: measured by tests/bench/soak.bench.ts.) Every row stays in
 * the document, so a screen reader can still read the whole transcript.
 */
const TranscriptRow = memo(function TranscriptRow({ entry: e, warmUp }: { entry: TranscriptEntryView; warmUp: boolean }) {
  const { t } = useTranslation(); // also re-renders the row when the language changes
  return (
    <li className={`entry ${e.speaker} ${e.status}`} data-seq={e.seq} data-item-id={e.itemId}>
      <span className="who">{speakerLabel(e.speaker)}</span>
      <span className="text">{entryText(e)}</span>
      {e.typed && <span className="typed-mark"> ({t('controls.typedMark')})</span>}
      {warmUp && <span className="warm-up-mark"> ({t('review.warmUp')})</span>}
      <span className={`state ${e.saved ? 'saved' : 'unsaved'}`}>{entryStateLabel(e)}</span>
    </li>
  );
});
