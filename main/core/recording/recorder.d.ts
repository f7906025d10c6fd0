import type { KioskStore, RecordingRow } from '../db/store';
/** Largest single chunk (MediaRecorder at 1 s timeslices makes ~20 KB). */
export declare const MAX_CHUNK_BYTES: number;
export declare function createRecorder(store: KioskStore, dataDir: string, now?: () => number): {
    fileFor(sessionId: string): string;
    append(sessionId: string, seq: number, data: Uint8Array): {
        bytes: number;
    };
    finalize(sessionId: string): RecordingRow | null;
    closeAll(): void;
};
export type Recorder = ReturnType<typeof createRecorder>;
