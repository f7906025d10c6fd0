import { Conversation } from './conversation';
import { type Clip } from './script';
import { type JsonObject } from './session';
/** Largest data-channel message accepted (UTF-8 bytes). Larger ones get `error` code `message_too_large`. */
export declare const MAX_EVENT_BYTES: number;
export interface CallFaults {
    transcriptionAfterResponse?: boolean;
    transcriptionFailure?: boolean;
}
export interface CallPorts {
    send(event: JsonObject): void;
    /** Start sending a clip as paced RTP; call onEnd when its last packet has gone out. */
    playClip(clip: Clip, onEnd: () => void): void;
    stopAudio(): void;
    /** The call logic wants the call torn down (session limit). */
    close(reason: string): void;
    log(line: string): void;
}
export interface CallOptions {
    id: string;
    session: JsonObject;
    clips: Clip[];
    userTranscripts?: string[];
    faults: () => CallFaults;
    ports: CallPorts;
}
export declare class RealtimeCall {
    private readonly opts;
    readonly id: string;
    session: JsonObject;
    private view;
    readonly conversation: Conversation;
    readonly conversationId: string;
    readonly events: {
        direction: 'in' | 'out';
        type: string;
        at: number;
    }[];
    userTurns: number;
    replayedItems: number;
    private active;
    private playing;
    private lastResponseId;
    private audioOutputStarted;
    private readonly vad;
    private turn;
    private heldTranscripts;
    private readonly timers;
    private readonly audioDurations;
    private closed;
    constructor(opts: CallOptions);
    /** Next script step the interviewer will speak. */
    get scriptStep(): number;
    get hasActiveResponse(): boolean;
    private send;
    private sendError;
    private later;
    /** Data channel open: the first server event is session.created. */
    onOpen(): void;
    /** Session limit reached: error session_expired, then the peer is torn down by the port. */
    expire(limitMs: number): void;
    dispose(): void;
    onMessage(data: string | Buffer): void;
    private dispatch;
    private onSessionUpdate;
    private onItemCreate;
    private itemIdOf;
    private onItemDelete;
    private onItemRetrieve;
    private onItemTruncate;
    private onResponseCreate;
    private onResponseCancel;
    private onOutputClear;
    /** One decoded 20 ms frame of candidate audio: its RMS level and position on the call's audio clock. */
    onAudioFrame(level: number, startMs: number, durationMs: number): void;
    private onSpeechStarted;
    private onSpeechStopped;
    private deliverTranscript;
    private startResponse;
    private onClipEnded;
    private cancelActive;
    private finishResponse;
    private emitEndSessionCall;
    private responseObject;
}
