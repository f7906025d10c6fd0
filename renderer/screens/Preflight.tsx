// Pre-flight check: microphone level, speaker test, then Start (creates the session).
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CandidateView, ConsentRecord, KioskBridge, PositionView, SessionView, SettingsView } from '../../preload/contract';
import { preparePeer, type PreparedPeer } from '../call/interview-call';
import { levelLabel, meterLevel, rms } from '../logic/audio';
import { ErrorBox, ScreenHeading } from './common';
import { DisplayControls } from './Display';

/**
 * The call's microphone: echo cancellation, noise suppression and auto gain ON. The Realtime service has no echo
 * canceller: on a kiosk with speakers the interviewer's own voice would reach the mic, server VAD would interrupt
 * the interviewer and transcribe it as the candidate (the official Agents SDK captures with getUserMedia({audio:
 * true}), i.e. the browser's processing on). The meter and the recording read the same processed track.
 */
export const MIC_CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: false,
};

/** The processing the browser actually applied to a mic track (getSettings), in words for the pre-flight. */
export function micProcessing(track: MediaStreamTrack | undefined): { on: boolean; text: string } {
  const s = (track?.getSettings() ?? {}) as MediaTrackSettings;
  const parts = [
    ['echo cancellation', s.echoCancellation],
    ['noise suppression', s.noiseSuppression],
    ['auto gain', s.autoGainControl],
  ] as const;
  return { on: parts.every(([, v]) => v === true), text: parts.map(([name, v]) => `${name} ${v === true ? 'on' : 'off'}`).join(', ') };
}

export function Preflight(props: {
  kiosk: KioskBridge;
  candidate: CandidateView;
  position: PositionView;
  /** What the candidate accepted on the disclosure screen (before this screen opened the microphone). */
  consent: ConsentRecord;
  /** From a redeemed invitation code: the session is linked to it (and completes it). */
  invitationId?: string;
  /** Kiosk mode: the staff's one-time ticket for this candidate (from authorizeCandidate). */
  operatorTicket?: string;
  /** The operator chose extra time for this candidate at setup. */
  operatorExtraTime?: boolean;
  onBack: () => void;
  onStarted: (session: SessionView, mic: MediaStream, prepared: Promise<PreparedPeer>) => void;
}) {
  const { t } = useTranslation();
  const [mic, setMic] = useState<MediaStream | null>(null);
  const [micError, setMicError] = useState<unknown>(null);
  const [micTry, setMicTry] = useState(0);
  const [level, setLevel] = useState(0);
  const [tone, setTone] = useState<'idle' | 'playing' | 'ask' | 'heard' | 'not-heard'>('idle');
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);
  // Extra time (an accommodation): chosen by the operator at setup (it arrives ticked) or asked for here. The
  // candidate cannot untick the operator's choice: the staff arranged it with them (often agreed beforehand), a
  // tap on a public kiosk should not quietly drop it, and having it costs the candidate nothing (nothing about it
  // is assessed). Who wants it off asks the staff, who start again without it.
  const byOperator = props.operatorExtraTime === true;
  const [extraTime, setExtraTime] = useState(byOperator);
  const handedOver = useRef(false);
  // The kiosk's audio profile (operator settings) decides the service's noise reduction: shown here to be confirmed.
  const [audioProfile, setAudioProfile] = useState<SettingsView['audioProfile'] | null>(null);
  useEffect(() => {
    let live = true;
    props.kiosk.getSettings().then((v) => live && setAudioProfile(v.audioProfile), () => undefined);
    return () => {
      live = false;
    };
  }, [props.kiosk]);

  // Open the microphone and drive the level meter.
  useEffect(() => {
    let stream: MediaStream | null = null;
    let ctx: AudioContext | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let live = true;
    setMicError(null);
    navigator.mediaDevices
      .getUserMedia(MIC_CONSTRAINTS)
      .then((s) => {
        if (!live) {
          s.getTracks().forEach((t) => t.stop());
          return;
        }
        stream = s;
        setMic(s);
        ctx = new AudioContext();
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 2048;
        ctx.createMediaStreamSource(s).connect(analyser);
        const buf = new Float32Array(analyser.fftSize);
        timer = setInterval(() => {
          analyser.getFloatTimeDomainData(buf);
          setLevel(meterLevel(rms(buf)));
        }, 100);
      })
      .catch((err: unknown) => {
        if (!live) return;
        const reason = err instanceof DOMException && err.name === 'NotAllowedError'
          ? t('preflight.micRefused')
          : err instanceof DOMException && err.name === 'NotFoundError'
            ? t('preflight.micNotFound')
            : t('preflight.micFailed');
        setMicError(new Error(t('preflight.micThen', { reason })));
      });
    return () => {
      live = false;
      clearInterval(timer);
      void ctx?.close().catch(() => undefined);
      // The stream lives on into the interview when Start handed it over.
      if (stream && !handedOver.current) stream.getTracks().forEach((t) => t.stop());
    };
  }, [micTry]);

  function playTone() {
    setTone('playing');
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 660;
    const t0 = ctx.currentTime;
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(0.3, t0 + 0.05);
    gain.gain.setValueAtTime(0.3, t0 + 0.95);
    gain.gain.linearRampToValueAtTime(0, t0 + 1);
    osc.connect(gain).connect(ctx.destination);
    osc.onended = () => {
      void ctx.close().catch(() => undefined);
      setTone('ask');
    };
    osc.start(t0);
    osc.stop(t0 + 1);
  }

  async function start() {
    if (!mic || starting) return;
    performance.mark('kiosk:start-pressed');
    setStarting(true);
    setStartError(null);
    // The offer (ICE gathering is the slow part) is prepared while main creates the session.
    const prepared = preparePeer(mic);
    prepared.catch(() => undefined); // the interview screen reports a failure
    try {
      const session = await props.kiosk.createSession({
        candidateId: props.candidate.id,
        positionId: props.position.id,
        ...(props.invitationId ? { invitationId: props.invitationId } : {}),
        ...(props.operatorTicket ? { operatorTicket: props.operatorTicket } : {}),
        recordingConsent: props.consent.choices.recording,
        consent: props.consent,
        ...(extraTime || byOperator ? { extraTime: true, extraTimeBy: byOperator ? 'operator' as const : 'candidate' as const } : {}),
      });
      handedOver.current = true;
      props.onStarted(session, mic, prepared);
    } catch (err) {
      void prepared.then((p) => p.pc.close(), () => undefined);
      setStartError(err);
      setStarting(false);
    }
  }

  return (
    <section className="screen" aria-labelledby="preflight-title">
      <ScreenHeading>
        <span id="preflight-title">{t('preflight.title')}</span>
      </ScreenHeading>
      <p>
        {props.candidate.name} — {props.position.title}
      </p>

      <div className="panel">
        <h2>{t('preflight.microphone')}</h2>
        <ErrorBox error={micError}>
          <button type="button" onClick={() => setMicTry((n) => n + 1)}>
            {t('preflight.micRetry')}
          </button>
        </ErrorBox>
        {!micError && !mic && <p aria-live="polite">{t('preflight.micOpening')}</p>}
        {mic && (
          <>
            <p>{t('preflight.micSay')}</p>
            <meter className="level" min={0} max={1} low={0.15} high={0.9} optimum={0.6} value={level} aria-label={t('preflight.micLevel')} />
            <p className="muted">{levelLabel(level)}</p>
            {(() => {
              const processing = micProcessing(mic.getAudioTracks()[0]);
              return (
                <p className={processing.on ? 'muted' : 'warning'} data-testid="mic-processing">
                  {processing.on ? t('preflight.micProcessingOn') : t('preflight.micProcessingOff', { detail: processing.text })}
                </p>
              );
            })()}
            {audioProfile && (
              <p className="muted" data-testid="audio-profile" data-profile={audioProfile}>
                {audioProfile === 'headset' ? t('preflight.audioProfileHeadset') : t('preflight.audioProfileSpeakers')}
              </p>
            )}
          </>
        )}
      </div>

      <div className="panel">
        <h2>{t('preflight.speaker')}</h2>
        <div className="actions">
          <button type="button" onClick={playTone} disabled={tone === 'playing'}>
            {tone === 'idle' ? t('preflight.playTone') : t('preflight.playToneAgain')}
          </button>
        </div>
        <div aria-live="polite">
          {tone === 'playing' && <p>{t('preflight.playing')}</p>}
          {tone === 'ask' && (
            <div className="actions" role="group" aria-label={t('preflight.heardQuestion')}>
              <p>{t('preflight.heardQuestion')}</p>
              <button type="button" onClick={() => setTone('heard')}>
                {t('preflight.heardYes')}
              </button>
              <button type="button" onClick={() => setTone('not-heard')}>
                {t('preflight.heardNo')}
              </button>
            </div>
          )}
          {tone === 'heard' && <p>{t('preflight.speakerWorks')}</p>}
          {tone === 'not-heard' && <p className="warn">{t('preflight.speakerCheck')}</p>}
        </div>
      </div>

      <div className="panel">
        <h2>{t('display.group')}</h2>
        <DisplayControls />
      </div>

      <div className="panel">
        <h2>{t('preflight.pace')}</h2>
        <label className="check">
          <input type="checkbox" checked={extraTime || byOperator} onChange={(e) => setExtraTime(e.target.checked)} disabled={starting || byOperator}
            {...(byOperator ? { 'aria-describedby': 'extra-time-by-staff' } : {})} />
          <span>{t('preflight.extraTime')}</span>
        </label>
        {byOperator && <p id="extra-time-by-staff">{t('preflight.extraTimeByStaff')}</p>}
        <p className="muted">{t('preflight.extraTimeHint')}</p>
      </div>

      <div className="panel">
        <h2>{t('preflight.recording')}</h2>
        <p>{t('preflight.consented')}</p>
      </div>

      <ErrorBox error={startError} />
      <div className="actions">
        <button type="button" className="primary" onClick={() => void start()} disabled={!mic || starting}>
          {starting ? t('preflight.starting') : t('preflight.start')}
        </button>
        <button type="button" onClick={props.onBack}>
          {t('common.backToSetup')}
        </button>
      </div>
    </section>
  );
}
