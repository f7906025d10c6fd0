export interface VadParams {
    threshold: number;
    prefixPaddingMs: number;
    silenceDurationMs: number;
}
export type VadEvent = {
    type: 'speech_started';
    audioStartMs: number;
} | {
    type: 'speech_stopped';
    audioEndMs: number;
};
/** Consecutive voiced audio needed before we call it speech: filters clicks and single noisy frames. */
export declare const MIN_SPEECH_MS = 60;
export declare function rmsThreshold(threshold: number): number;
export declare function rms(pcm: Int16Array): number;
export declare class EnergyVad {
    params: VadParams;
    private speaking;
    private voicedRunStart;
    private lastVoicedEnd;
    constructor(params: VadParams);
    get inSpeech(): boolean;
    push(level: number, startMs: number, durationMs: number): VadEvent[];
    /** Forget any speech in progress (input_audio_buffer.clear, turn detection switched off). */
    reset(): void;
}
