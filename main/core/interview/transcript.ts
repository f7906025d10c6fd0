// Transcript ingestion and durability: every Realtime event the renderer reports goes through the reducer, and
// each changed entry is committed to SQLite (one transaction) before the `transcript` event says it is saved.
// This is where an entry is made durable.
import { KioskError, type CallAction, type KioskSlice, type RealtimeEventReport, type TranscriptEntryView } from '../../../preload/contract';
import type { KioskEventEmitter } from '../api/events';
import type { KioskStore, SessionRow } from '../db/store';
import { entryIdFor } from '../transcript/ids';
import { createTranscriptState, finalizeAll, reduceTranscript, type ReducerEntry, type TranscriptState } from '../transcript/reducer';
import type { Sessions } from './sessions';

/** The Realtime call a session is on (kept to hang it up when replaced or ended). */
export interface LiveCall {
  id: string;
  baseUrl: string;
  apiKey: string;
}

/** What main keeps in memory per session in progress; rebuilt from SQLite after a restart. */
export interface LiveSession {
  transcript: TranscriptState;
  finishRequested: boolean;
  call: LiveCall | null;
}

const toView = (e: ReducerEntry, synced = false): TranscriptEntryView => ({
  id: e.id, itemId: e.itemId, seq: e.seq, speaker: e.speaker, text: e.text, startMs: e.startMs, status: e.status, saved: true, synced,
});

export interface TranscriptsDeps {
  store: KioskStore;
  events: KioskEventEmitter;
  sessions: Sessions;
  now: () => number;
}

export function createTranscripts(deps: TranscriptsDeps) {
  const { store, events } = deps;
  const live = new Map<string, LiveSession>();

  /** The in-memory reducer state of a session; rebuilt from SQLite after a restart. */
  function liveFor(row: SessionRow): LiveSession {
    let s = live.get(row.id);
    if (!s) {
      const calls = store.calls(row);
      s = {
        transcript: createTranscriptState({
          sessionId: row.id,
          interviewStartMs: row.start_time ? Date.parse(row.start_time) : null,
          callOffsetMs: calls.at(-1)?.offsetMs ?? 0,
          existing: store.reducerEntries(row.id),
        }),
        finishRequested: false,
        call: null,
      };
      live.set(row.id, s);
    }
    return s;
  }

  function persist(sessionId: string, changed: ReducerEntry[]): void {
    if (changed.length === 0) return;
    store.writeEntries(sessionId, changed); // one transaction, committed before the event says saved
    events.emit('transcript', { sessionId, entries: changed.map((e) => toView(e)) });
  }

  /** Ends every entry still in progress (a call ended or was replaced) and makes that durable. */
  function finalize(sessionId: string, s: LiveSession): void {
    const finalized = finalizeAll(s.transcript, entryIdFor);
    persist(sessionId, finalized.changed);
    s.transcript = finalized.state;
  }

  const api = {
    async reportRealtimeEvent({ sessionId, direction, event }: RealtimeEventReport) {
      // No await before the write: events are applied in the order they arrive.
      const row = deps.sessions.require(sessionId);
      if (row.status === 'scheduled') {
        throw new KioskError('conflict', 'Realtime events arrived for an interview whose call has not started.');
      }
      if (row.status !== 'in_progress') return { actions: [] }; // late events after the end change nothing
      const s = liveFor(row);
      const result = reduceTranscript(s.transcript, event, deps.now(), entryIdFor, direction);
      persist(sessionId, result.changed);
      s.transcript = result.state;
      const actions: CallAction[] = [];
      if (result.endSession && !s.finishRequested) {
        s.finishRequested = true;
        actions.push({ kind: 'finish', reason: 'end_session' });
      }
      return { actions };
    },
  } satisfies KioskSlice<'reportRealtimeEvent'>;

  return { liveFor, finalize, forget: (sessionId: string) => void live.delete(sessionId), api };
}

export type Transcripts = ReturnType<typeof createTranscripts>;
