import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CandidateView, InterviewerPersona, InvitationRedemption, KioskBridge, PositionView, SettingsView, SetupData } from '../../preload/contract';
import { formatList } from '../i18n';
import { ErrorBox, ScreenHeading } from './common';

/** "I have an invitation code": the candidate types it; main redeems it (online) or checks the cache (offline). */
function InvitationCode(props: { kiosk: KioskBridge; onRedeemed: (r: InvitationRedemption) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!open) {
    return (
      <div className="actions">
        <button type="button" onClick={() => setOpen(true)}>
          {t('setup.haveCode')}
        </button>
      </div>
    );
  }
  return (
    <form
      className="stack panel"
      aria-labelledby="invitation-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (busy || !code.trim()) return;
        setBusy(true);
        setError(null);
        props.kiosk.redeemInvitation({ code: code.trim() }).then(
          (r) => props.onRedeemed(r),
          (err: unknown) => {
            setError(err);
            setBusy(false);
          },
        );
      }}
    >
      <h2 id="invitation-title">{t('setup.codeTitle')}</h2>
      <label className="field">
        <span>{t('setup.codeLabel')}</span>
        <input type="text" value={code} onChange={(e) => setCode(e.target.value)} autoFocus autoComplete="off" autoCapitalize="characters" spellCheck={false} required />
      </label>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !code.trim()}>
          {busy ? t('setup.codeChecking') : t('setup.codeUse')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function Setup(props: {
  kiosk: KioskBridge;
  onSettings: () => void;
  /** extraTime: the operator chose extra time for this candidate (an accommodation; see Preflight). */
  onContinue: (candidate: CandidateView, position: PositionView, extraTime: boolean) => void;
  /** A redeemed invitation code: continue with its candidate and position. */
  onInvitation?: (redemption: InvitationRedemption) => void;
  /** The operator screen (sync status, backend, device sign-in). */
  onOperator?: () => void;
  /** Kiosk mode: the staff choose a candidate behind the PIN. */
  onStaffStart?: () => void;
  /** The review workspace (past interviews and their evaluations). */
  onReview?: () => void;
  /** The room view (live kiosk status and transcripts; operator only). */
  onRoom?: () => void;
}) {
  const { t } = useTranslation();
  const { kiosk } = props;
  const [data, setData] = useState<SetupData | null>(null);
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [candidateId, setCandidateId] = useState('');
  const [positionId, setPositionId] = useState('');
  const [extraTime, setExtraTime] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([kiosk.getSetupData(), kiosk.getSettings()]).then(
      ([setup, view]) => {
        if (!live) return;
        setData(setup);
        setSettings(view);
        setCandidateId((id) => id || setup.candidates[0]?.id || '');
        setPositionId((id) => id || setup.positions[0]?.id || '');
      },
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [kiosk, reload]);

  const candidate = data?.candidates.find((c) => c.id === candidateId);
  const position = data?.positions.find((p) => p.id === positionId);

  return (
    <section aria-labelledby="setup-title" className="screen">
      <ScreenHeading>
        <span id="setup-title">{t('setup.title')}</span>
      </ScreenHeading>
      {data && (
        <p className="company">
          {data.tenant.name}
          {data.demo && (
            <span className="badge" aria-label={t('setup.demoData')}>
              {t('setup.demoData')}
            </span>
          )}
        </p>
      )}
      {settings && (
        <p className="mode" aria-live="polite">
          {settings.practiceMode
            ? t('setup.modePractice')
            : settings.hasOpenAIKey
              ? t('setup.modeLive', { model: settings.model, voice: settings.voice })
              : t('setup.modeNoKey')}
        </p>
      )}
      <ErrorBox error={error}>
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          {t('common.tryAgain')}
        </button>
      </ErrorBox>
      {!data && !error && <p aria-live="polite">{t('setup.loading')}</p>}
      {data && !data.demo && props.onInvitation && <InvitationCode kiosk={kiosk} onRedeemed={props.onInvitation} />}
      {/* Kiosk mode, a walk-up: no list of people; the invitation code, or the staff start it (actions below). */}
      {data && data.candidates.length === 0 && data.demo && <p>{t('setup.askStaff')}</p>}
      {data && data.candidates.length > 0 && (
        <form
          id="setup-form"
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (candidate && position) props.onContinue(candidate, position, extraTime);
          }}
        >
          <label className="field">
            <span>{t('setup.candidate')}</span>
            <select value={candidateId} onChange={(e) => setCandidateId(e.target.value)} required>
              {data.candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.email ? ` (${c.email})` : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('setup.position')}</span>
            <select value={positionId} onChange={(e) => setPositionId(e.target.value)} required>
              {data.positions.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}
                </option>
              ))}
            </select>
          </label>
          {position && (
            <div className="position-card">
              <p>{position.description}</p>
              {position.competencies.length > 0 && <p className="muted">{t('setup.competencies', { list: formatList(position.competencies) })}</p>}
              <PersonaDetails persona={position.persona} />
            </div>
          )}
          <label className="check">
            <input type="checkbox" checked={extraTime} onChange={(e) => setExtraTime(e.target.checked)} />
            <span>{t('setup.extraTime')}</span>
          </label>
        </form>
      )}
      {/* One actions row in one place in the tree, whether or not the data has loaded: an operator who focused a
          button while the data loaded keeps the focus (a row that moved would unmount the focused button). */}
      <div className="actions">
        {data && data.candidates.length > 0 && (
          <button type="submit" form="setup-form" className="primary" disabled={!candidate || !position}>
            {t('setup.continue')}
          </button>
        )}
        {data && data.candidates.length === 0 && props.onStaffStart && (
          <button type="button" onClick={props.onStaffStart}>
            {t('setup.staffStart')}
          </button>
        )}
        <OperatorButtons onSettings={props.onSettings} onOperator={props.onOperator} onRoom={props.onRoom} onReview={props.onReview} />
      </div>
    </section>
  );
}

/** The position's AI interviewer as the operator should know it: name, voice, formality, what it opens and closes
 * with, how it says names and terms (or that the default interviewer is used). */
function PersonaDetails({ persona }: { persona: InterviewerPersona | null }) {
  const { t } = useTranslation();
  if (!persona) return <p className="muted persona">{t('setup.personaDefault')}</p>;
  return (
    <div className="persona" data-testid="position-persona">
      <p className="muted">
        {t('setup.persona', { name: persona.name, voice: persona.voice ?? t('setup.personaVoiceDefault'), formality: t(`setup.formality_${persona.formality}`) })}
      </p>
      {persona.intro && <p className="muted">{t('setup.personaIntro', { text: persona.intro })}</p>}
      {persona.outro && <p className="muted">{t('setup.personaOutro', { text: persona.outro })}</p>}
      {persona.pronunciation.length > 0 && (
        <p className="muted">
          {t('setup.personaPronunciation', { list: formatList(persona.pronunciation.map((h) => t('setup.personaSayAs', { term: h.term, sayAs: h.sayAs }))) })}
        </p>
      )}
    </div>
  );
}

/** The operator's ways out of setup, offered whether or not the setup data loaded. */
function OperatorButtons(props: { onSettings: () => void; onOperator?: (() => void) | undefined; onRoom?: (() => void) | undefined; onReview?: (() => void) | undefined }) {
  const { t } = useTranslation();
  return (
    <>
      {props.onReview && (
        <button type="button" onClick={props.onReview}>
          {t('review.open')}
        </button>
      )}
      <button type="button" onClick={props.onSettings}>
        {t('setup.operatorSettings')}
      </button>
      {props.onOperator && (
        <button type="button" onClick={props.onOperator}>
          {t('setup.syncBackend')}
        </button>
      )}
      {props.onRoom && (
        <button type="button" onClick={props.onRoom}>
          {t('room.open')}
        </button>
      )}
    </>
  );
}
