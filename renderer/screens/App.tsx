// Screen flow: setup → disclosure (consent) → pre-flight → interview → summary → setup; operator settings from setup.
import { useEffect, useMemo, useState } from 'react';
import { DEFAULT_DISPLAY, displayAttributes } from '../logic/display';
import { DisplayContext } from './Display';
import { useTranslation } from 'react-i18next';
import type { CandidateView, ConsentRecord, PositionView, SessionSummary, SessionView } from '../../preload/contract';
import type { PreparedPeer } from '../call/interview-call';
import { getKiosk, watchMainLink } from '../transport';
import { Interview, ResumeOffer } from './Interview';
import { LanguagePicker } from './LanguagePicker';
import { AdminPanel } from './AdminPanel';
import { Declined, Disclosure } from './Disclosure';
import { Operator } from './Operator';
import { OperatorGate } from './PinPad';
import { Preflight } from './Preflight';
import { Review } from './Review';
import { Room } from './Room';
import { Settings } from './Settings';
import { Setup } from './Setup';
import { Summary } from './Summary';

export type Screen =
  | { name: 'setup' }
  | { name: 'settings' }
  | { name: 'operator' }
  | { name: 'staffStart' }
  | { name: 'disclosure'; candidate: CandidateView; position: PositionView; invitationId?: string; operatorTicket?: string; operatorExtraTime?: boolean }
  | { name: 'declined' }
  | { name: 'review' }
  | { name: 'room' }
  | { name: 'preflight'; candidate: CandidateView; position: PositionView; consent: ConsentRecord; invitationId?: string; operatorTicket?: string; operatorExtraTime?: boolean }
  | { name: 'interview'; session: SessionView; mic: MediaStream; prepared: Promise<PreparedPeer>; resume?: boolean }
  | { name: 'summary'; sessionId: string; summary: SessionSummary | null };

export function App() {
  const { t } = useTranslation();
  const kiosk = useMemo(() => getKiosk(), []);
  const [screen, setScreen] = useState<Screen>({ name: 'setup' });
  // The candidate's display choices last until the next candidate: back at setup they return to the defaults.
  const [display, setDisplay] = useState(DEFAULT_DISPLAY);
  const displayContext = useMemo(() => ({ prefs: display, setPrefs: setDisplay }), [display]);
  useEffect(() => {
    for (const [name, value] of Object.entries(displayAttributes(display))) document.documentElement.setAttribute(name, value);
  }, [display]);
  const toSetup = () => {
    setScreen({ name: 'setup' });
    setDisplay(DEFAULT_DISPLAY);
  };
  /** Bumped when the candidate's own code reopened their interrupted interview: the resume offer asks main again. */
  const [resumeCheck, setResumeCheck] = useState(0);
  // Tell the room view which screen the candidate is on; main derives the interview states itself. A failure
  // here only makes the room view less precise, so it never interrupts the candidate.
  useEffect(() => {
    if (screen.name === 'setup' || screen.name === 'preflight') {
      kiosk.reportKioskState({ state: screen.name === 'setup' ? 'idle' : 'pre_flight' }).catch(() => undefined);
    }
  }, [kiosk, screen.name]);

  return (
    <DisplayContext.Provider value={displayContext}>
    <div className="app">
      <header className="topbar">
        <span className="brand">{t('app.brand')}</span>
        <LanguagePicker />
      </header>
      <main className="content">
        {screen.name === 'setup' && (
          <ResumeOffer key={resumeCheck} kiosk={kiosk} onResume={(session, mic, prepared) => setScreen({ name: 'interview', session, mic, prepared, resume: true })} />
        )}
        {screen.name === 'setup' && (
          <Setup
            kiosk={kiosk}
            onSettings={() => setScreen({ name: 'settings' })}
            onContinue={(candidate, position, extraTime) => setScreen({ name: 'disclosure', candidate, position, ...(extraTime ? { operatorExtraTime: true } : {}) })}
            onInvitation={(r) => (r.resumeSessionId
              ? setResumeCheck((n) => n + 1) // their interrupted interview is offered to continue, not a new one
              : setScreen({ name: 'disclosure', candidate: r.candidate, position: r.position, invitationId: r.invitationId }))}
            onOperator={() => setScreen({ name: 'operator' })}
            onStaffStart={() => setScreen({ name: 'staffStart' })}
            onReview={() => setScreen({ name: 'review' })}
            onRoom={() => setScreen({ name: 'room' })}
          />
        )}
        {/* Kiosk mode: the staff resume an interrupted interview or start a chosen candidate, behind the PIN; main
            issues a one-time ticket for that start (main/core/operator/kiosk-entry.ts). */}
        {screen.name === 'staffStart' && (
          <OperatorGate kiosk={kiosk} onCancel={toSetup}>
            <ResumeOffer kiosk={kiosk} onResume={(session, mic, prepared) => setScreen({ name: 'interview', session, mic, prepared, resume: true })} />
            <Setup
              kiosk={kiosk}
              onSettings={() => setScreen({ name: 'settings' })}
              onContinue={(candidate, position, extraTime) => {
                // The operator's extra time travels with the ticket: main holds to it whatever the screen sends.
                kiosk.authorizeCandidate({ candidateId: candidate.id, positionId: position.id, ...(extraTime ? { extraTime: true } : {}) }).then(
                  ({ ticket }) => setScreen({ name: 'disclosure', candidate, position, operatorTicket: ticket, ...(extraTime ? { operatorExtraTime: true } : {}) }),
                  () => toSetup(),
                );
              }}
            />
          </OperatorGate>
        )}
        {/* Admin screens open only through the operator PIN gate (main enforces it too). */}
        {screen.name === 'settings' && (
          <OperatorGate kiosk={kiosk} onCancel={toSetup}>
            <Settings kiosk={kiosk} onDone={toSetup} />
            <AdminPanel kiosk={kiosk} onLocked={toSetup} />
          </OperatorGate>
        )}
        {screen.name === 'review' && (
          <OperatorGate kiosk={kiosk} onCancel={toSetup}>
            <Review kiosk={kiosk} onDone={toSetup} />
          </OperatorGate>
        )}
        {screen.name === 'operator' && (
          <OperatorGate kiosk={kiosk} onCancel={toSetup}>
            <Operator kiosk={kiosk} onDone={toSetup} />
          </OperatorGate>
        )}
        {screen.name === 'disclosure' && (
          <Disclosure
            kiosk={kiosk}
            candidate={screen.candidate}
            position={screen.position}
            onAccept={(consent) => setScreen({ ...screen, name: 'preflight', consent })}
            onDeclined={() => setScreen({ name: 'declined' })}
            {...(screen.invitationId ? { invitationId: screen.invitationId } : {})}
            {...(screen.operatorTicket ? { operatorTicket: screen.operatorTicket } : {})}
          />
        )}
        {screen.name === 'declined' && <Declined onDone={toSetup} />}
        {screen.name === 'room' && (
          <OperatorGate kiosk={kiosk} onCancel={toSetup}>
            <Room kiosk={kiosk} onDone={toSetup} />
          </OperatorGate>
        )}
        {screen.name === 'preflight' && (
          <Preflight
            kiosk={kiosk}
            candidate={screen.candidate}
            position={screen.position}
            consent={screen.consent}
            {...(screen.invitationId ? { invitationId: screen.invitationId } : {})}
            {...(screen.operatorTicket ? { operatorTicket: screen.operatorTicket } : {})}
            {...(screen.operatorExtraTime ? { operatorExtraTime: true } : {})}
            onBack={toSetup}
            onStarted={(session, mic, prepared) => setScreen({ name: 'interview', session, mic, prepared })}
          />
        )}
        {screen.name === 'interview' && (
          <Interview
            kiosk={kiosk}
            watchMainLink={watchMainLink}
            session={screen.session}
            mic={screen.mic}
            prepared={screen.prepared}
            {...(screen.resume ? { resume: true } : {})}
            onEnded={(summary) => setScreen({ name: 'summary', sessionId: summary.session.id, summary })}
            onBack={toSetup}
          />
        )}
        {screen.name === 'summary' && (
          <Summary kiosk={kiosk} sessionId={screen.sessionId} initial={screen.summary} onNew={toSetup} />
        )}
      </main>
    </div>
    </DisplayContext.Provider>
  );
}
