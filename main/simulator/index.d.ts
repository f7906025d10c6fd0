export interface EmulatorFaults {
    sdpStatus?: number | null;
    dropCallAfterMs?: number | null;
    transcriptionAfterResponse?: boolean;
    transcriptionFailure?: boolean;
}
export interface EmulatorOptions {
    apiKey: string;
    host?: string;
    port?: number;
    candidates?: 'loopback' | 'all';
    userTranscripts?: string[];
    sessionLimitMs?: number;
    faults?: EmulatorFaults;
    log?: (line: string) => void;
}
export interface EmulatorCallInfo {
    id: string;
    model: string;
    connected: boolean;
    closed: boolean;
    userTurns: number;
    scriptStep: number;
    replayedItems: number;
    events: {
        direction: 'in' | 'out';
        type: string;
        at: number;
    }[];
}
export interface EmulatorHandle {
    baseUrl: string;
    setFaults(faults: Partial<EmulatorFaults>): void;
    calls(): EmulatorCallInfo[];
    close(): Promise<void>;
}
/** Largest HTTP request body accepted (an SDP offer is a few KB; a session config rarely more than 100 KB). */
export declare const MAX_BODY_BYTES: number;
export declare function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle>;
