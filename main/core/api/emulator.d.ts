export interface EmulatorFaultsLike {
    sdpStatus?: number | null;
    dropCallAfterMs?: number | null;
    transcriptionAfterResponse?: boolean;
    transcriptionFailure?: boolean;
}
export interface EmulatorOptionsLike {
    apiKey: string;
    host?: string;
    port?: number;
    candidates?: 'loopback' | 'all';
    userTranscripts?: string[];
    sessionLimitMs?: number;
    faults?: EmulatorFaultsLike;
    log?: (line: string) => void;
}
export interface EmulatorHandleLike {
    baseUrl: string;
    setFaults(faults: Partial<EmulatorFaultsLike>): void;
    calls(): unknown[];
    close(): Promise<void>;
}
export type StartEmulatorFn = (options: EmulatorOptionsLike) => Promise<EmulatorHandleLike>;
export declare const loadEmulator: StartEmulatorFn;
export interface PracticeEmulator {
    ensure(): Promise<{
        baseUrl: string;
        apiKey: string;
    }>;
    handle(): EmulatorHandleLike | null;
    close(): Promise<void>;
}
export declare function practiceEmulator(start: StartEmulatorFn, options?: Partial<EmulatorOptionsLike>): PracticeEmulator;
