import type { KioskBridge, SessionSummary } from '../../preload/contract';
import { type CallPhase } from '../logic/connection';
import { type SpeakingState } from '../logic/speaking';
export interface CallCallbacks {
    onPhase(phase: CallPhase): void;
    onSpeaking(state: SpeakingState): void;
    onLog(line: string, level: 'info' | 'error'): void;
    /** The interview ended (End pressed, or the interviewer called end_session) and main returned the summary. */
    onEnded(summary: SessionSummary): void;
    onEndFailed(error: unknown): void;
}
export interface CallOptions {
    kiosk: KioskBridge;
    sessionId: string;
    mic: MediaStream;
    audio: HTMLAudioElement;
    record: boolean;
    callbacks: CallCallbacks;
}
export declare class InterviewCall {
    private readonly options;
    private readonly kiosk;
    private readonly sessionId;
    private readonly cb;
    private pc;
    private dc;
    private readonly events;
    private readonly chunks;
    private readonly waiter;
    private speaking;
    private openingEvents;
    private openingSent;
    private finishing;
    private ending;
    private phase;
    private audioCtx;
    private mixDest;
    private recorder;
    private chunkSeq;
    private recordingFailed;
    private firstAudioMarked;
    constructor(options: CallOptions);
    /** Connects. Rejects (with main's KioskError, e.g. realtime_unauthorized) when the call cannot be set up. */
    start(): Promise<void>;
    /** Ends the interview (idempotent): cancel speech, flush the recording and the event queue, close, tell main. */
    end(reason: 'operator' | 'end_session' | 'error'): Promise<void>;
    /** Ends without telling main (used when start() failed or the screen goes away). */
    abandon(): void;
    private doEnd;
    private teardown;
    private updatePhase;
    private onMessage;
    /** Reports one event to main and carries out what main asks for. Runs inside the event queue. */
    private report;
    private execute;
    /** Sends a client event and reports it; for use inside the event queue (keeps order). */
    private sendAndReportInQueue;
    /** Sends a client event from outside the queue; its report joins the queue in order. */
    private sendAndReport;
    private onRemoteTrack;
    private pendingRemote;
    private startRecording;
    private onChunk;
    /** Stops the recorder and waits until its last chunk has been appended by main. */
    private stopRecording;
}
