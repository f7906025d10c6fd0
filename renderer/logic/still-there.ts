// "Still there?": after the first exchange, a silence after the interviewer's line shows the prompt; a further
// silence has the interviewer check in aloud; a further silence after that check-in pauses the interview (the
// break state) — never an abrupt end. The candidate speaking, typing an answer or pressing "I'm still here"
// clears it. PURE: (state, event) → { state, effect }, times from the caller's clock.

export interface SilenceLimits {
  /** Silence after the interviewer's line before the prompt. */
  stillThereAfterMs: number;
  /** Further silence before the spoken check-in, and again after it before the pause. */
  checkInAfterMs: number;
}

export type SilenceStage =
  /** Not watching: before the first exchange, while someone speaks, or while the interview waits (help, break). */
  | 'idle'
  /** The interviewer finished a line; counting the silence since `since`. */
  | 'armed'
  /** "Still there?" is shown since `since`. */
  | 'prompt'
  /** The interviewer was asked to check in aloud; the silence counts from the end of that line. */
  | 'checked_in';

export interface SilenceState {
  /** The candidate has answered once (spoken or typed): only then is silence watched. */
  exchanged: boolean;
  stage: SilenceStage;
  /** When the silence being counted began (null while a line plays). */
  since: number | null;
}

export type SilenceEvent =
  | { type: 'interviewer_started' }
  | { type: 'interviewer_done'; at: number }
  | { type: 'candidate_spoke' }
  | { type: 'answered' }
  | { type: 'still_here'; at: number }
  | { type: 'hold'; on: boolean }
  | { type: 'tick'; at: number };

/** What the screen does: show the prompt (and record it), ask for the spoken check-in, pause. */
export type SilenceEffect = 'prompt' | 'check_in' | 'pause' | null;

export const initialSilence: SilenceState = { exchanged: false, stage: 'idle', since: null };

/** The prompt is on screen in these stages. */
export const showsPrompt = (s: SilenceState): boolean => s.stage === 'prompt' || s.stage === 'checked_in';

export function reduceSilence(state: SilenceState, event: SilenceEvent, limits: SilenceLimits): { state: SilenceState; effect: SilenceEffect } {
  const same = { state, effect: null };
  switch (event.type) {
    case 'answered':
      // Only marks the first exchange: a transcript often arrives after the next question has begun, and the
      // candidate's speech itself already stopped the count (candidate_spoke).
      return state.exchanged ? same : { state: { ...state, exchanged: true }, effect: null };
    case 'candidate_spoke':
      return state.stage === 'idle' ? same : { state: { ...state, stage: 'idle', since: null }, effect: null };
    case 'hold':
      return { state: { ...state, stage: 'idle', since: null }, effect: null };
    case 'interviewer_started':
      // The check-in itself is playing: keep the prompt, stop counting until it ends.
      if (state.stage === 'checked_in') return { state: { ...state, since: null }, effect: null };
      return state.stage === 'idle' ? same : { state: { ...state, stage: 'idle', since: null }, effect: null };
    case 'interviewer_done':
      if (state.stage === 'checked_in') return { state: { ...state, since: event.at }, effect: null };
      // The prompt is shown and no line started since (that would have reset it): a second end of the same line
      // (output_audio_buffer.stopped after .cleared, or a late one on a busy kiosk) must not ask "Still there?" again.
      if (state.stage === 'prompt') return same;
      if (!state.exchanged) return same;
      return { state: { ...state, stage: 'armed', since: event.at }, effect: null };
    case 'still_here':
      if (!showsPrompt(state)) return same;
      return { state: { ...state, stage: 'armed', since: event.at }, effect: null };
    case 'tick': {
      if (state.since === null) return same;
      const silent = event.at - state.since;
      if (state.stage === 'armed' && silent >= limits.stillThereAfterMs) return { state: { ...state, stage: 'prompt', since: event.at }, effect: 'prompt' };
      if (state.stage === 'prompt' && silent >= limits.checkInAfterMs) return { state: { ...state, stage: 'checked_in', since: null }, effect: 'check_in' };
      if (state.stage === 'checked_in' && silent >= limits.checkInAfterMs) return { state: { ...state, stage: 'idle', since: null }, effect: 'pause' };
      return same;
    }
  }
}
