// The emulator's turn detection over 20 ms frames of decoded candidate audio. Pure state machine: feed it
// (rms, frame start, frame length) and it returns speech_started / speech_stopped decisions with the
// audio_start_ms / audio_end_ms the Realtime API reports (ms on the call's audio clock).
//
// Speech is found by energy for both modes. How long a silence must last before the turn ends depends on the mode
// (openapi.yaml RealtimeTurnDetection):
// - server_vad: "detect the start and end of speech based on audio volume": a fixed `silence_duration_ms`.
// - semantic_vad: "uses a turn detection model (in conjunction with VAD) to semantically estimate whether the user
//   has finished speaking, then dynamically sets a timeout based on this probability. For example, if user audio
//   trails off with "uhhm", the model will score a low probability of turn end and wait longer"; `eagerness`
//   `low`, `medium`, `high` "have max timeouts of 8s, 4s, and 2s respectively", `auto` "is equivalent to `medium`".
//   The emulator has no speech recogniser: what the candidate has said so far comes from the scripted transcript
//   (see `heard` below), and "sounds finished" is judged from that text (turnEndProbability).

export type Eagerness = 'low' | 'medium' | 'high' | 'auto';

export type TurnEnd = { type: 'server_vad'; silenceDurationMs: number } | { type: 'semantic_vad'; eagerness: Eagerness };

export interface VadParams {
  threshold: number; // threshold 0–1; mapped to an RMS level on 16-bit PCM (0.5 → 500)
  prefixPaddingMs: number;
  turnEnd: TurnEnd;
}

export type VadEvent = { type: 'speech_started'; audioStartMs: number } | { type: 'speech_stopped'; audioEndMs: number };

/** Consecutive voiced audio needed before we call it speech: filters clicks and single noisy frames. */
export const MIN_SPEECH_MS = 60;

/** A silence at least this long inside a turn separates two stretches of speech (a thinking pause, not the gap
 * between two words): the scripted text of a turn may be given stretch by stretch. */
export const STRETCH_GAP_MS = 400;

/** semantic_vad's documented longest wait per eagerness (openapi.yaml SemanticVad.eagerness). */
export const SEMANTIC_MAX_WAIT_MS: Record<Eagerness, number> = { low: 8000, medium: 4000, high: 2000, auto: 4000 };

/** The shortest wait, for an utterance that surely sounds finished. Not documented by OpenAI (only the maxima
 * are): the emulator assumes an eighth of the maximum (low 1 s, medium 0.5 s, high 0.25 s). */
export const semanticMinWaitMs = (eagerness: Eagerness): number => SEMANTIC_MAX_WAIT_MS[eagerness] / 8;

/** Words a speaker trails off with when not done: fillers, and a few words no English sentence ends with (kept
 * short on purpose: "I think so." or "the people I worked with." do end sentences). */
const TRAILING = new Set(['um', 'umm', 'uhm', 'uhhm', 'uh', 'uhh', 'er', 'erm', 'hmm', 'and', 'but', 'or', 'because', 'the', 'an']);

/**
 * The emulator's stand-in for the turn detection model's score: how likely the words so far end the turn.
 * null text (nothing scripted: practice mode with a placeholder transcript) → 0.5, undecided. Text ending with
 * terminal punctuation (. ! ?) and not with an ellipsis or a trailing filler/conjunction → 1; anything else → 0.
 */
export function turnEndProbability(text: string | null): number {
  if (text === null) return 0.5;
  const t = text.trim().replace(/["'”’)\]]+$/u, '');
  if (t === '' || /(\.\.\.|…)$/u.test(t) || !/[.!?]$/u.test(t)) return 0;
  const last = t.replace(/[.!?]+$/u, '').split(/[\s,;:]+/u).pop()?.toLowerCase() ?? '';
  return TRAILING.has(last) ? 0 : 1;
}

/** How long a silence must last before the turn ends, given the mode and the words heard so far. */
export function silenceToEndMs(turnEnd: TurnEnd, heardSoFar: string | null): number {
  if (turnEnd.type === 'server_vad') return turnEnd.silenceDurationMs;
  const max = SEMANTIC_MAX_WAIT_MS[turnEnd.eagerness];
  const min = semanticMinWaitMs(turnEnd.eagerness);
  return Math.round(min + (1 - turnEndProbability(heardSoFar)) * (max - min));
}

export function rmsThreshold(threshold: number): number {
  return Math.max(1, 1000 * threshold);
}

export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / pcm.length);
}

export class EnergyVad {
  private speaking = false;
  private voicedRunStart: number | null = null; // start of the current run of voiced frames
  private lastVoicedEnd = 0;
  private stretches = 0; // stretches of speech in the current turn
  private silenceMs = 0; // length of the silence after the last voiced frame (in a turn)

  /** `heard(stretches)`: the scripted words of the current turn after that many stretches of speech (null: not
   * known). Only semantic_vad reads it. */
  constructor(public params: VadParams, private readonly heard: (stretches: number) => string | null = () => null) {}

  get inSpeech(): boolean {
    return this.speaking;
  }

  push(level: number, startMs: number, durationMs: number): VadEvent[] {
    const voiced = level >= rmsThreshold(this.params.threshold);
    const endMs = startMs + durationMs;
    if (voiced) {
      if (this.voicedRunStart === null) this.voicedRunStart = startMs;
      if (this.speaking && this.silenceMs >= STRETCH_GAP_MS) this.stretches++;
      this.silenceMs = 0;
      this.lastVoicedEnd = endMs;
      if (!this.speaking && endMs - this.voicedRunStart >= MIN_SPEECH_MS) {
        this.speaking = true;
        this.stretches = 1;
        return [{ type: 'speech_started', audioStartMs: Math.max(0, Math.round(this.voicedRunStart - this.params.prefixPaddingMs)) }];
      }
      return [];
    }
    this.voicedRunStart = this.speaking ? this.voicedRunStart : null;
    if (!this.speaking) return [];
    this.silenceMs = endMs - this.lastVoicedEnd;
    const needed = this.params.turnEnd.type === 'server_vad' ? this.params.turnEnd.silenceDurationMs : silenceToEndMs(this.params.turnEnd, this.heard(this.stretches));
    if (this.silenceMs >= needed) {
      this.speaking = false;
      this.voicedRunStart = null;
      this.silenceMs = 0;
      return [{ type: 'speech_stopped', audioEndMs: Math.round(this.lastVoicedEnd) }];
    }
    return [];
  }

  /** Forget any speech in progress (input_audio_buffer.clear, turn detection switched off). */
  reset(): void {
    this.speaking = false;
    this.voicedRunStart = null;
    this.silenceMs = 0;
  }
}
