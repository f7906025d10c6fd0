// Disclosure and consent, before the microphone opens: the interviewer is an AI, what is recorded, what is assessed
// (the position's competencies), who sees the results and for how long (operator settings), and the alternative.
// "I would prefer not to" tells the operator and starts nothing. The text is versioned (DISCLOSURE_VERSION); the
// version, the language it was read in, the choices and the time go with the session (ConsentRecord).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CandidateView, ConsentRecord, KioskBridge, PositionView, SettingsView, SetupData } from '../../preload/contract';
import { DISCLOSURE_VERSION, formatList, uiLanguage } from '../i18n';
import { ErrorBox, ScreenHeading } from './common';

export function Disclosure(props: {
  kiosk: KioskBridge;
  candidate: CandidateView;
  position: PositionView;
  onAccept: (consent: ConsentRecord) => void;
  onDeclined: () => void;
  /** What let this candidate start (kiosk mode): main asks for it before taking a decline. */
  invitationId?: string;
  operatorTicket?: string;
}) {
  const { t } = useTranslation();
  const { kiosk, position } = props;
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [setup, setSetup] = useState<SetupData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [ackAi, setAckAi] = useState(false);
  const [ackRecording, setAckRecording] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([kiosk.getSettings(), kiosk.getSetupData()]).then(
      ([s, d]) => live && (setSettings(s), setSetup(d)),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [kiosk]);

  function accept() {
    if (!ackAi || !ackRecording) return;
    props.onAccept({
      noticeVersion: DISCLOSURE_VERSION,
      language: uiLanguage(),
      choices: { aiInterviewer: ackAi, recording: ackRecording },
      at: new Date().toISOString(),
    });
  }

  async function decline() {
    setBusy(true);
    setError(null);
    try {
      await kiosk.declineInterview({
        candidateId: props.candidate.id, positionId: position.id, noticeVersion: DISCLOSURE_VERSION, language: uiLanguage(),
        ...(props.invitationId ? { invitationId: props.invitationId } : {}),
        ...(props.operatorTicket ? { operatorTicket: props.operatorTicket } : {}),
      });
      props.onDeclined();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const audience = settings?.disclosure.resultsAudience.trim() || t('disclosure.defaultAudience', { company: setup?.tenant.name ?? '' });
  return (
    <section className="screen" aria-labelledby="disclosure-title">
      <ScreenHeading>
        <span id="disclosure-title">{t('disclosure.title')}</span>
      </ScreenHeading>
      <p>{t('disclosure.intro')}</p>
      <ErrorBox error={error} />
      {settings && setup && (
        <>
          <div className="panel notice">
            <h2>{t('disclosure.aiTitle')}</h2>
            <p>{t('disclosure.ai')}</p>
            <h2>{t('disclosure.recordedTitle')}</h2>
            <p>{t('disclosure.recorded')}</p>
            <h2>{t('disclosure.assessedTitle')}</h2>
            <p>
              {position.competencies.length > 0
                ? t('disclosure.assessed', { position: position.title, competencies: formatList(position.competencies) })
                : t('disclosure.assessedNoList', { position: position.title })}
            </p>
            <h2>{t('disclosure.resultsTitle')}</h2>
            <p>{t('disclosure.results', { audience })}</p>
            <p>{t('disclosure.retention', { count: settings.disclosure.retentionDays })}</p>
            <p className="muted">{t('disclosure.version', { version: DISCLOSURE_VERSION })}</p>
          </div>
          <div className="panel">
            <h2>{t('disclosure.choiceTitle')}</h2>
            <p>{t('disclosure.alternative')}</p>
            <label className="check">
              <input type="checkbox" checked={ackAi} onChange={(e) => setAckAi(e.target.checked)} />
              <span>{t('disclosure.ackAi')}</span>
            </label>
            <label className="check">
              <input type="checkbox" checked={ackRecording} onChange={(e) => setAckRecording(e.target.checked)} />
              <span>{t('disclosure.ackRecording')}</span>
            </label>
            {!(ackAi && ackRecording) && <p className="muted">{t('disclosure.acceptHint')}</p>}
          </div>
          <div className="actions">
            <button type="button" className="primary" onClick={accept} disabled={!ackAi || !ackRecording || busy}>
              {t('disclosure.accept')}
            </button>
            <button type="button" onClick={() => void decline()} disabled={busy}>
              {busy ? t('disclosure.declining') : t('disclosure.decline')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

/** After "I would prefer not to": nothing started, the operator knows. */
export function Declined(props: { onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="screen" aria-labelledby="declined-title">
      <ScreenHeading>
        <span id="declined-title">{t('disclosure.declinedTitle')}</span>
      </ScreenHeading>
      <p role="status">{t('disclosure.declined')}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={props.onDone}>
          {t('disclosure.backToStart')}
        </button>
      </div>
    </section>
  );
}
