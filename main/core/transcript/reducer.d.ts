import type { EntryStatus, Speaker } from '../../../preload/contract';
export interface ReducerEntry {
    /** Stable per (session, item): see entryIdFor. */
    id: string;
    itemId: string;
    /** undefined while the item's place is not known yet; null = first item of a conversation. */
    previousItemId: string | null | undefined;
    seq: number;
    speaker: Speaker;
    text: string;
    startMs: number | null;
    status: EntryStatus;
    confidence: number | null;
}
interface ItemLink {
    prev: string | null | undefined;
    /** Arrival order: ties and unknown places are broken by it. */
    arrival: number;
}
interface InternalEntry extends ReducerEntry {
    /** For interviewer entries: `.done` has delivered the authoritative transcript. */
    textDone: boolean;
    responseId: string | null;
}
export interface TranscriptState {
    readonly sessionId: string;
    /** Epoch ms of the interview start; null until the first call starts. */
    readonly interviewStartMs: number | null;
    /** Offset (ms) of the current call's start from the interview start: audio_start_ms counts from the call. */
    readonly callOffsetMs: number;
    readonly entries: Readonly<Record<string, InternalEntry>>;
    /** Every conversation item seen (entries and non-entries), for ordering. */
    readonly links: Readonly<Record<string, ItemLink>>;
    /** Items that are not transcript entries (client-created, system, function calls). */
    /** 'client': the renderer reported creating it; 'inferred': looked like history, until a response claims it. */
    readonly skipped: Readonly<Record<string, 'client' | 'inferred'>>;
    /** response id → interview-relative ms when it was created. */
    readonly responses: Readonly<Record<string, number | null>>;
    /** item id → audio_start_ms from speech_started, until the item's entry exists. */
    readonly speechStarts: Readonly<Record<string, number>>;
    readonly arrivals: number;
    readonly endSessionCalls: readonly string[];
    /** The last few server event_ids: a re-delivered event (a retried report) is applied once, not twice. */
    readonly recentEventIds: readonly string[];
}
export interface ReduceResult {
    state: TranscriptState;
    /** Entries whose stored form changed (text, status, seq, …), in seq order. */
    changed: ReducerEntry[];
    /** The model called end_session (first time this call id is seen). */
    endSession: boolean;
}
export type EntryIdFn = (sessionId: string, itemId: string) => string;
export interface CreateStateOptions {
    sessionId: string;
    interviewStartMs: number | null;
    callOffsetMs?: number;
    /** Entries already stored (after a restart). */
    existing?: readonly ReducerEntry[];
}
export declare function createTranscriptState(options: CreateStateOptions): TranscriptState;
/** A new call began (first call or a reconnect): audio_start_ms of its events count from here. */
export declare function withCall(state: TranscriptState, interviewStartMs: number, callOffsetMs: number): TranscriptState;
type AnyEvent = {
    type: string;
} & Record<string, unknown>;
/** The entries in conversation order. */
export declare function orderedEntries(state: TranscriptState): ReducerEntry[];
export declare function reduceTranscript(state: TranscriptState, event: AnyEvent, nowMs: number, entryId: EntryIdFn, direction?: 'server' | 'client'): ReduceResult;
/** Marks every in-progress entry final (a candidate turn that never got its transcription is marked failed). */
export declare function finalizeAll(state: TranscriptState, entryId: EntryIdFn): ReduceResult;
export {};
