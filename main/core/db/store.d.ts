import type { CandidateView, PositionView, SessionStatus, SessionView, TenantView, TranscriptEntryView } from '../../../preload/contract';
import type { ReducerEntry } from '../transcript/reducer';
import type { KioskDatabase } from './database';
export interface SessionRow {
    id: string;
    tenant_id: string;
    candidate_id: string;
    position_id: string;
    status: SessionStatus;
    recording_consent: number;
    start_time: string | null;
    end_time: string | null;
    status_history: string;
    calls: string;
    created_at: string;
    updated_at: string;
    candidate_name: string;
    position_title: string;
}
export interface CallRecord {
    id: string;
    startedAt: string;
    offsetMs: number;
}
export interface StatusChange {
    status: SessionStatus;
    at: string;
    reason?: string;
}
export interface RecordingRow {
    session_id: string;
    file_name: string;
    bytes: number;
    chunks: number;
    finalized: number;
}
export interface PositionRecord extends PositionView {
    tenantId: string;
}
export declare function sessionView(row: SessionRow): SessionView;
export declare function createStore(db: KioskDatabase): {
    db: KioskDatabase;
    isEmpty(): boolean;
    tenant(): (TenantView & {
        demo: boolean;
    }) | null;
    tenantById(id: string): TenantView | null;
    candidates(tenantId: string): CandidateView[];
    candidate(id: string): (CandidateView & {
        tenantId: string;
    }) | null;
    positions(tenantId: string): PositionView[];
    position(id: string): PositionRecord | null;
    session(id: string): SessionRow | null;
    calls(row: SessionRow): CallRecord[];
    history(row: SessionRow): StatusChange[];
    insertSession(s: {
        id: string;
        tenantId: string;
        candidateId: string;
        positionId: string;
        recordingConsent: boolean;
    }): void;
    updateSession(row: SessionRow, patch: {
        status?: SessionStatus;
        startTime?: string | null;
        endTime?: string | null;
        calls?: CallRecord[];
        reason?: string;
    }): void;
    /** Writes entries in one transaction (write-through from the reducer). */
    writeEntries: (sessionId: string, entries: readonly ReducerEntry[]) => void;
    entries(sessionId: string): TranscriptEntryView[];
    reducerEntries(sessionId: string): ReducerEntry[];
    recording(sessionId: string): RecordingRow | null;
    saveRecording(r: RecordingRow): void;
};
export type KioskStore = ReturnType<typeof createStore>;
