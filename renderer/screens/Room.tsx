// The room view (operator only): the tenant's kiosks at a glance — state, question, offline when heartbeats
// stop, help requests raised at the top — and one kiosk's interview followed live. The observer signs in here,
// but the credentials and the live connection stay in main; this screen only gets the rows main pushes.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskBridge, RoomKioskView, RoomTranscriptView, RoomView } from '../../preload/contract';
import { attentionOrder, isOffline } from '../logic/room';
import { warmUpIds } from '../logic/warm-up';
import { ErrorBox, ScreenHeading } from './common';

const STATE_KEYS = {
  idle: 'room.stateIdle',
  pre_flight: 'room.statePreflight',
  interviewing: 'room.stateInterviewing',
  reconnecting: 'room.stateReconnecting',
  paused: 'room.statePaused',
  help_requested: 'room.stateHelp',
  finished: 'room.stateFinished',
} as const satisfies Record<RoomKioskView['state'], string>;

export function Room(props: { kiosk: KioskBridge; onDone: () => void }) {
  const { t } = useTranslation();
  const { kiosk } = props;
  const [room, setRoom] = useState<RoomView | null>(null);
  const [followed, setFollowed] = useState<{ deviceId: string; transcript: RoomTranscriptView | null } | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const offRoom = kiosk.on('room', setRoom);
    const offTranscript = kiosk.on('roomTranscript', (tr) =>
      setFollowed((f) => (f && f.transcript?.sessionId === tr.sessionId ? { ...f, transcript: tr } : f)));
    kiosk.getRoom().then(setRoom, setError);
    // Offline is judged against the clock, so the grid re-renders even when nothing arrives.
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => { offRoom(); offTranscript(); clearInterval(tick); };
  }, [kiosk]);

  async function signIn(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      setRoom(await kiosk.signInObserver({ email, password }));
    } catch (err) {
      setError(err);
    } finally {
      setPassword('');
    }
  }

  async function follow(k: RoomKioskView) {
    setError(null);
    try {
      const transcript = await kiosk.followSession({ sessionId: k.sessionId });
      setFollowed({ deviceId: k.deviceId, transcript });
    } catch (err) {
      setError(err);
    }
  }

  // A followed kiosk that moved on to a new interview is followed there too.
  const followedKiosk = followed ? room?.kiosks.find((k) => k.deviceId === followed.deviceId) : undefined;
  useEffect(() => {
    if (followedKiosk && followedKiosk.sessionId && followedKiosk.sessionId !== followed?.transcript?.sessionId) void follow(followedKiosk);
  }, [followedKiosk?.sessionId]);

  const signedIn = Boolean(room?.signedInAs);
  const kiosks = room ? attentionOrder(room.kiosks) : [];
  const helpers = kiosks.filter((k) => k.state === 'help_requested');
  const warmUp = followed?.transcript ? warmUpIds(followed.transcript.entries, followed.transcript.warmUp) : new Set<string>();
  return (
    <section className="panel" aria-label={t('room.title')}>
      <ScreenHeading>{t('room.title')}</ScreenHeading>
      {error !== null && <ErrorBox error={error} />}
      {!signedIn && (
        <form onSubmit={signIn}>
          <p>{t('room.signInHint')}</p>
          <label>
            <span>{t('room.email')}</span>
            <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <label>
            <span>{t('room.password')}</span>
            <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          <button type="submit">{t('room.signIn')}</button>
        </form>
      )}
      {signedIn && room && (
        <>
          <p data-testid="room-connection" role="status">
            {t('room.signedInAs', { email: room.signedInAs })} {room.live ? t('room.live') : t('room.reconnecting')}
            {room.problem ? ` ${room.problem}` : ''}
          </p>
          {helpers.length > 0 && (
            <div role="alert" className="error" data-testid="room-help">
              {helpers.map((k) => t('room.helpAlert', { label: k.label })).join(' ')}
            </div>
          )}
          {kiosks.length === 0 && <p>{t('room.noKiosks')}</p>}
          <ul className="room-grid" aria-label={t('room.gridLabel')}>
            {kiosks.map((k) => {
              // While our own connection is down every kiosk looks silent: judge offline only while live.
              const offline = room.live && isOffline(k, now, room.offlineAfterMs);
              return (
                <li key={k.deviceId} data-testid="room-kiosk" data-label={k.label} data-state={offline ? 'offline' : k.state}
                  className={k.state === 'help_requested' ? 'room-kiosk help' : 'room-kiosk'}>
                  <strong>{k.label}</strong>{' '}
                  <span data-testid="room-kiosk-state">{offline ? t('room.offline') : t(STATE_KEYS[k.state])}</span>
                  {!offline && k.state === 'interviewing' && k.question !== null && <span> · {t('room.question', { k: k.question })}</span>}
                  {k.sessionId && (
                    <button type="button" onClick={() => void follow(k)} aria-pressed={followed?.deviceId === k.deviceId}>
                      {t('room.follow', { label: k.label })}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {followed?.transcript && (
            <section aria-labelledby="room-transcript-title">
              <h3 id="room-transcript-title">{t('room.transcriptTitle', { label: followedKiosk?.label ?? '' })}</h3>
              <ol data-testid="room-transcript" aria-live="polite">
                {followed.transcript.entries.map((e) => (
                  <li key={e.id} data-entry-id={e.id} data-status={e.status}>
                    <span className="speaker">{e.speaker === 'interviewer' ? t('room.interviewer') : t('room.candidate')}:</span> {e.text}
                    {warmUp.has(e.id) && <span className="warm-up-mark"> ({t('review.warmUp')})</span>}
                  </li>
                ))}
              </ol>
            </section>
          )}
          <button type="button" onClick={() => kiosk.signOutObserver().then((r) => { setRoom(r); setFollowed(null); }, setError)}>
            {t('room.signOut')}
          </button>
        </>
      )}
      <button type="button" onClick={props.onDone}>{t('common.backToSetup')}</button>
    </section>
  );
}
