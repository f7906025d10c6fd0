import { RTCPeerConnection } from 'werift';
/** Advertised SCTP max-message-size: above our own 1 MiB event limit, so oversized events reach the
 * application layer and get a proper `error` event instead of failing inside the sender's stack. */
export declare const ADVERTISED_MAX_MESSAGE_SIZE: number;
export interface PeerSink {
    onOpen(): void;
    onMessage(data: string | Buffer): void;
    onAudioFrame(level: number, startMs: number, durationMs: number): void;
    onConnected(): void;
    onClosed(reason: string): void;
}
export interface PeerOptions {
    candidates: 'loopback' | 'all';
    log: (line: string) => void;
    onRtpSent?: (at: number) => void;
}
export declare class EmulatorPeer {
    private readonly opts;
    readonly pc: RTCPeerConnection;
    answerSdp: string;
    private dc;
    private sink;
    private pendingOpen;
    private readonly sender;
    private payloadType;
    private decoder;
    private firstTs;
    private closed;
    connected: boolean;
    constructor(opts: PeerOptions);
    private audioTransceiver;
    /** Applies the offer and returns the answer SDP (non-trickle: candidates included). Throws invalid_offer. */
    answer(offerSdp: string): Promise<string>;
    attach(sink: PeerSink): void;
    sendEvent(event: object): void;
    /** Waits (bounded) until queued data-channel messages have left, so a last `error` is not lost on close. */
    flush(maxMs?: number): Promise<void>;
    playClip(packets: Buffer[], onEnd: () => void): void;
    stopAudio(): void;
    private onRtp;
    close(reason?: string): Promise<void>;
}
