// Energy voice-activity detector over 20 ms frames, the emulator's stand-in for server_vad. Pure state machine:
// feed it (rms, frame start, frame length) and it returns speech_started / speech_stopped decisions with the
// audio_start_ms / audio_end_ms the Realtime API reports (ms on the call's audio clock).

export interface VadParams {
  threshold: number; // server_vad threshold 0–1; mapped to an RMS level on 16-bit PCM (0.5 → 500)
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

export type VadEvent = { type: 'speech_started'; audioStartMs: number } | { type: 'speech_stopped'; audioEndMs: number };

/** Consecutive voiced audio needed before we call it speech: filters clicks and single noisy frames. */
export const MIN_SPEECH_MS = 60;

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

  constructor(public params: VadParams) {}

  get inSpeech(): boolean {
    return this.speaking;
  }

  push(level: number, startMs: number, durationMs: number): VadEvent[] {
    const voiced = level >= rmsThreshold(this.params.threshold);
    const endMs = startMs + durationMs;
    if (voiced) {
      if (this.voicedRunStart === null) this.voicedRunStart = startMs;
      this.lastVoicedEnd = endMs;
      if (!this.speaking && endMs - this.voicedRunStart >= MIN_SPEECH_MS) {
        this.speaking = true;
        return [{ type: 'speech_started', audioStartMs: Math.max(0, Math.round(this.voicedRunStart - this.params.prefixPaddingMs)) }];
      }
      return [];
    }
    this.voicedRunStart = this.speaking ? this.voicedRunStart : null;
    if (!this.speaking) return [];
    if (endMs - this.lastVoicedEnd >= this.params.silenceDurationMs) {
      this.speaking = false;
      this.voicedRunStart = null;
      return [{ type: 'speech_stopped', audioEndMs: Math.round(this.lastVoicedEnd) }];
    }
    return [];
  }

  /** Forget any speech in progress (input_audio_buffer.clear, turn detection switched off). */
  reset(): void {
    this.speaking = false;
    this.voicedRunStart = null;
  }
}
