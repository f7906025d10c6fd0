// The interview call's state as one explicit machine. PURE: `reduceCall(state, event)` gives the next state,
// and the questions the call asks before acting (may it recover, probe, roll over?) are functions of the state.
//
//   stage:  active ──loss──▶ recovering ──succeeded──▶ active
//                              └──failed──▶ gave_up (the operator finishes; everything said is saved)
//           any ──ended/abandoned──▶ stopped (final: no new call is set up)
//   finishing: the interviewer called end_session; the call ends once it has stopped speaking (no recovery then).
//   mainLink: the link to main (the web host's socket) as last reported; down → the first redial waits for it.
//   probing: a probe of the call is out (one at a time).
//   openingSent: the current call's opening events went out (once per call, after its session.created).

export type CallStage = 'active' | 'recovering' | 'gave_up' | 'stopped';

export interface CallState {
  stage: CallStage;
  finishing: boolean;
  mainLink: 'up' | 'down';
  probing: boolean;
  openingSent: boolean;
}

export type CallEvent =
  | { type: 'recovery_started' }
  | { type: 'recovery_succeeded' }
  | { type: 'recovery_failed' }
  | { type: 'finish_requested' }
  | { type: 'stopped' }
  | { type: 'main_link'; up: boolean }
  | { type: 'probe_started' }
  | { type: 'probe_ended' }
  | { type: 'call_connecting' }
  | { type: 'opening_sent' };

export const initialCallState: CallState = { stage: 'active', finishing: false, mainLink: 'up', probing: false, openingSent: false };

export function reduceCall(s: CallState, e: CallEvent): CallState {
  switch (e.type) {
    case 'recovery_started':
      return mayRecover(s) ? { ...s, stage: 'recovering' } : s;
    case 'recovery_succeeded':
      return s.stage === 'recovering' ? { ...s, stage: 'active' } : s;
    case 'recovery_failed':
      return s.stage === 'recovering' ? { ...s, stage: 'gave_up' } : s;
    case 'finish_requested':
      return s.finishing ? s : { ...s, finishing: true };
    case 'stopped':
      return s.stage === 'stopped' ? s : { ...s, stage: 'stopped' };
    case 'main_link': {
      const mainLink = e.up ? 'up' : 'down';
      return s.mainLink === mainLink ? s : { ...s, mainLink };
    }
    case 'probe_started':
      return mayProbe(s) ? { ...s, probing: true } : s;
    case 'probe_ended':
      return s.probing ? { ...s, probing: false } : s;
    case 'call_connecting':
      return s.openingSent ? { ...s, openingSent: false } : s;
    case 'opening_sent':
      return s.openingSent ? s : { ...s, openingSent: true };
  }
}

/** Ended or abandoned: nothing new may start. */
export const isStopped = (s: CallState): boolean => s.stage === 'stopped';
export const isRecovering = (s: CallState): boolean => s.stage === 'recovering';
/** A lost (or expiring) call may be replaced: not while already replacing it, after the end, or while finishing. */
export const mayRecover = (s: CallState): boolean => s.stage !== 'recovering' && s.stage !== 'stopped' && !s.finishing;
/** A planned switch waits for the same freedom as a recovery. */
export const mayRollover = mayRecover;
/** One probe at a time, and only of a call that is not being replaced, ended or finishing. */
export const mayProbe = (s: CallState): boolean => !s.probing && mayRecover(s);
