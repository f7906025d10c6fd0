// Who is speaking, and whether a response is active, derived from Realtime server events only.
// Interviewer: between output_audio_buffer.started and .stopped/.cleared (what the candidate actually hears).
// Candidate: between input_audio_buffer.speech_started and .speech_stopped (the server's VAD).
import { t } from '../i18n';

export interface SpeakingState {
  interviewer: boolean;
  candidate: boolean;
  /** A response is being generated (response.created … response.done); End must cancel it. */
  responseActive: boolean;
  /** Server events seen (to tell "nothing yet" from "silence"). */
  sessionCreated: boolean;
}

export const initialSpeakingState: SpeakingState = {
  interviewer: false,
  candidate: false,
  responseActive: false,
  sessionCreated: false,
};

export function reduceSpeaking(state: SpeakingState, event: { type: string }): SpeakingState {
  switch (event.type) {
    case 'session.created':
      return state.sessionCreated ? state : { ...state, sessionCreated: true };
    case 'output_audio_buffer.started':
      return state.interviewer ? state : { ...state, interviewer: true };
    case 'output_audio_buffer.stopped':
    case 'output_audio_buffer.cleared':
      return state.interviewer ? { ...state, interviewer: false } : state;
    case 'input_audio_buffer.speech_started':
      return state.candidate ? state : { ...state, candidate: true };
    case 'input_audio_buffer.speech_stopped':
    case 'input_audio_buffer.cleared':
    case 'input_audio_buffer.timeout_triggered':
      return state.candidate ? { ...state, candidate: false } : state;
    case 'response.created':
      return state.responseActive ? state : { ...state, responseActive: true };
    case 'response.done':
      return state.responseActive ? { ...state, responseActive: false } : state;
    default:
      return state;
  }
}

/** The interviewer has finished talking: nothing generating and nothing left in the output buffer. */
export function interviewerDone(state: SpeakingState): boolean {
  return !state.interviewer && !state.responseActive;
}

/** `interviewerName`: the persona's name, said with the fact that it is an AI. */
export function speakingLabel(state: SpeakingState, interviewerName: string | null = null): string {
  if (state.interviewer && state.candidate) return t('speaking.both');
  if (state.interviewer) return interviewerName ? t('speaking.interviewerNamed', { name: interviewerName }) : t('speaking.interviewer');
  if (state.candidate) return t('speaking.candidate');
  return t('speaking.listening');
}
