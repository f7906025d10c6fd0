export interface Clip {
    step: number;
    text: string;
    durationMs: number;
    packets: Buffer[];
}
/** resources/voice, found from this file (source tree) or from the working directory (packaged builds set it). */
export declare function defaultVoiceDir(): string;
export declare function loadClips(dir?: string): Clip[];
/** The clip for a script step; steps past the end repeat the closing line. */
export declare function clipForStep(clips: Clip[], step: number): Clip;
export declare const isClosingStep: (clips: Clip[], step: number) => boolean;
/** Splits a line into transcript deltas of about two words each (each delta keeps its trailing space). */
export declare function transcriptPieces(text: string, wordsPerPiece?: number): string[];
