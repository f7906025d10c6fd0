export declare const FRAME_MS = 20;
export declare const SAMPLES_PER_FRAME = 960;
export interface RtpOut {
    payload: Buffer;
    marker: boolean;
    sequenceNumber: number;
    timestamp: number;
}
export declare class PacedRtpSender {
    private readonly sink;
    private readonly onSent?;
    private seq;
    private readonly tsBase;
    private readonly streamStart;
    private lastTs;
    private timer;
    private playback;
    /** `onSent` sees the performance.now() of each send (the jitter benchmark reads it). */
    constructor(sink: (p: RtpOut) => void, onSent?: ((at: number) => void) | undefined);
    get active(): boolean;
    play(packets: Buffer[], onEnd: () => void): void;
    stop(): void;
    private tick;
}
