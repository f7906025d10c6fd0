// Transcript ingestion and durability: every Realtime event the renderer reports goes through the reducer, and
// each changed entry is committed to SQLite (one transaction) before the `transcript` event says it is saved.
// This is where an entry is made durable.
import { KioskError, warmUpEntryCount, type CallAction, type InterviewProgress, type KioskSlice, type RealtimeEventReport, type TranscriptEntryView } from '../../../preload/contract';
import type { KioskEventEmitter } from '../api/events';
import type { KioskStore, SessionRow } from '../db/store';
import { CONTROL_ITEM_PREFIX, entryIdFor } from '../transcript/ids';
import { createTranscriptState, finalizeAll, orderedEntries, reduceTranscript, withCall, withTypedAnswer, type ReducerEntry, type ResponseOutcome, type TranscriptState } from '../transcript/reducer';
import { wireEvent } from '../realtime/client-events';
import { rolloverAfterMs } from '../recovery/policy';
import type { Sessions } from './sessions';
import { backoffDelay, type BackoffPolicy } from '../../../preload/backoff';

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
  /** Responses in a row that ended failed, incomplete or text-only (the turn is retried with backoff). */
  failedTurns: number;
  /** The call whose audio clock is anchored (at its session.created), so a re-delivered one does not move it. */
  audioAnchoredCall: string | null;
  /** The interview opens with an unscored warm-up question (not counted as a question in the progress). */
  warmUp: boolean;
}

/** Retrying a turn that produced nothing the candidate heard: backoff, and when to tell the operator / give up. */
export const TURN_RETRY = {
  backoff: { stepsMs: [500], factor: 2, capMs: 8000, jitter: [1, 1] } satisfies BackoffPolicy,
  tellOperatorAfter: 2,
  giveUpAfter: 6,
} as const;

/** The retry decision for a response outcome (pure): what to send, what to tell the operator. */
export function turnRetryActions(outcome: ResponseOutcome, failedBefore: number, finishing: boolean): { actions: CallAction[]; failedTurns: number } {
  const unheard = outcome.status === 'failed' || outcome.status === 'incomplete' || (outcome.status === 'completed' && outcome.textOnly);
  if (!unheard) return { actions: [], failedTurns: outcome.status === 'completed' ? 0 : failedBefore };
  const failedTurns = failedBefore + 1;
  const what = outcome.textOnly && outcome.status === 'completed'
    ? 'answered in text only (nothing was spoken)'
    : `ended ${outcome.status}${outcome.details ? ` (${outcome.details})` : ''}`;
  const actions: CallAction[] = [];
  if (finishing) return { actions, failedTurns }; // the goodbye is under way: no new question
  if (failedTurns > TURN_RETRY.giveUpAfter) {
    actions.push({ kind: 'notice', level: 'error', message: `The interviewer's response ${what} ${failedTurns} times in a row; it is not retried any more. Finish the interview or wait for the candidate to speak.` });
    return { actions, failedTurns };
  }
  const afterMs = backoffDelay(failedTurns - 1, TURN_RETRY.backoff);
  actions.push({
    kind: 'notice',
    level: failedTurns >= TURN_RETRY.tellOperatorAfter ? 'error' : 'info',
    message: `The interviewer's response ${what}; asking again in ${(afterMs / 1000).toFixed(1)} s (try ${failedTurns}).`,
  });
  // A bare response.create: the session instructions stay in effect (an override would replace them).
  actions.push({ kind: 'send', event: wireEvent({ type: 'response.create' }), afterMs });
  return { actions, failedTurns };
}

const toView = (e: ReducerEntry, synced = false): TranscriptEntryView => ({
  id: e.id, itemId: e.itemId, seq: e.seq, speaker: e.speaker, text: e.text, startMs: e.startMs, status: e.status, saved: true, synced,
  ...(e.typed ? { typed: true } : {}),
});

/**
 * Questions asked so far: the interviewer's lines that were not cut off in their first words (not failed, not
 * empty), except the answers to the candidate's controls (a line right after a control note: the question
 * repeated, "take your time", a check-in), and, in an interview with a warm-up, the warm-up question (it is not
 * one of the assessed questions the progress counts; see warmUpEntryCount). Entries in conversation order. Pure.
 */
export function questionsAsked(entries: readonly Pick<ReducerEntry, 'speaker' | 'status' | 'text' | 'previousItemId'>[], warmUp = false): number {
  let n = 0;
  for (const e of warmUp ? entries.slice(warmUpEntryCount(entries)) : entries) {
    if (e.speaker !== 'interviewer' || e.status === 'failed' || e.text.trim() === '') continue;
    if (typeof e.previousItemId === 'string' && e.previousItemId.startsWith(CONTROL_ITEM_PREFIX)) continue;
    n++;
  }
  return n;
}

/** SQLite's "database or disk is full", or the OS's ENOSPC under it. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

export interface TranscriptsDeps {
  store: KioskStore;
  /** About how many questions the interview has (for the progress sent with every transcript change). */
  expectedQuestions?: () => number;
  events: KioskEventEmitter;
  sessions: Sessions;
  now: () => number;
  log?: (line: string) => void;
  /** How long before the session's end to roll over (main/core/recovery/policy.ts). */
  rolloverMarginMs?: number;
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
        failedTurns: 0,
        audioAnchoredCall: null,
        warmUp: row.warm_up === 1,
      };
      live.set(row.id, s);
    }
    return s;
  }

  // A full disk does not end the interview: entries that could not be written are held here (latest version of each)
  // and written with the next change once the disk has room again; committed entries are untouched, because the
  // failed write is one rolled-back transaction. Held entries are lost only if the app stops before the disk
  // recovers, which is why the operator is told at once.
  const unsaved = new Map<string, Map<string, ReducerEntry>>();

  function persist(sessionId: string, changed: ReducerEntry[]): CallAction[] {
    const held = unsaved.get(sessionId);
    const batch = held ? [...new Map([...held, ...changed.map((e) => [e.id, e] as const)]).values()] : changed;
    if (batch.length === 0) return [];
    try {
      store.writeEntries(sessionId, batch); // one transaction, committed before the event says saved
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      unsaved.set(sessionId, new Map(batch.map((e) => [e.id, e] as const)));
      if (held) return [];
      deps.log?.(`session ${sessionId}: the disk is full; transcript entries are held in memory until it has room`);
      return [{ kind: 'notice', level: 'error', message: 'The disk is full: the newest transcript lines are kept in memory only and are written as soon as there is room again. Free disk space now, and do not close the app.' }];
    }
    unsaved.delete(sessionId);
    events.emit('transcript', { sessionId, entries: batch.map((e) => toView(e)), progress: progressOf(sessionId) });
    if (!held) return [];
    deps.log?.(`session ${sessionId}: disk has room again; ${held.size} held transcript entries written`);
    return [{ kind: 'notice', level: 'info', message: `The disk has room again: ${held.size} transcript line${held.size === 1 ? '' : 's'} held in memory ${held.size === 1 ? 'is' : 'are'} now saved.` }];
  }

  /**
   * A candidate turn's `audio_start_ms` counts from the first audio the service received in this call, not from the
   * SDP answer: ICE and DTLS come in between (seconds on a loaded kiosk). The microphone track is part of the offer,
   * so audio flows as soon as the transport is up, and session.created is the first event on the data channel
   * opened over that same transport: the call's offset is taken when it arrives (later by at most that channel's
   * setup round trip and the report's way to main) and stored with the call, so a restart keeps it.
   */
  function anchorAudioClock(row: SessionRow, s: LiveSession): void {
    const callId = s.call?.id ?? null;
    const start = s.transcript.interviewStartMs;
    if (callId === null || start === null || s.audioAnchoredCall === callId) return;
    s.audioAnchoredCall = callId;
    const offsetMs = Math.max(0, Math.round(deps.now() - start));
    s.transcript = withCall(s.transcript, start, offsetMs);
    const calls = store.calls(row);
    const last = calls.at(-1);
    if (last?.id === callId) store.updateSession(row, { calls: [...calls.slice(0, -1), { ...last, offsetMs }] });
  }

  function progressOf(sessionId: string): InterviewProgress {
    const s = live.get(sessionId);
    return { asked: s ? questionsAsked(s.warmUp ? orderedEntries(s.transcript) : [...s.transcript.entries.values()], s.warmUp) : 0, expected: deps.expectedQuestions?.() ?? 0 };
  }

  /** A typed answer: its entry is made final and durable before the item is sent (see withTypedAnswer). */
  function typedAnswer(row: SessionRow, itemId: string, text: string): TranscriptEntryView {
    const s = liveFor(row);
    const result = withTypedAnswer(s.transcript, { itemId, text }, deps.now(), entryIdFor);
    const entry = result.changed.find((e) => e.itemId === itemId);
    if (!entry) throw new KioskError('conflict', 'This typed answer was already sent.');
    persist(row.id, result.changed);
    s.transcript = result.state;
    return toView(entry);
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
      if (direction === 'server' && event.type === 'session.created') anchorAudioClock(row, s);
      const result = reduceTranscript(s.transcript, event, deps.now(), entryIdFor, direction);
      const actions: CallAction[] = persist(sessionId, result.changed);
      s.transcript = result.state;
      // The session announces when it ends (session.created/updated `expires_at`, Unix seconds): roll over from it.
      if (direction === 'server' && event.type === 'session.created') {
        const expiresAt = (event.session as { expires_at?: unknown } | undefined)?.expires_at;
        if (typeof expiresAt === 'number' && Number.isFinite(expiresAt)) {
          const afterMs = rolloverAfterMs(expiresAt * 1000 - deps.now(), deps.rolloverMarginMs);
          if (afterMs !== null) actions.push({ kind: 'rollover', afterMs });
        }
      }
      // The heard part of a truncated interviewer line comes from the server (see the reducer's header).
      for (const itemId of result.retrieve) actions.push({ kind: 'send', event: wireEvent({ type: 'conversation.item.retrieve', item_id: itemId }) });
      if (result.outcome) {
        if (result.outcome.status !== 'completed' || result.outcome.textOnly) {
          deps.log?.(`session ${sessionId}: response ${result.outcome.responseId} ${result.outcome.status}${result.outcome.textOnly ? ' (text only)' : ''} ${result.outcome.details}`);
        }
        const retry = turnRetryActions(result.outcome, s.failedTurns, s.finishRequested);
        s.failedTurns = retry.failedTurns;
        actions.push(...retry.actions);
      }
      if (result.endSession && !s.finishRequested) {
        s.finishRequested = true;
        // The server never continues after a tool call by itself; answer the call so the conversation is whole
        // (no response.create: the goodbye was the last line).
        if (result.endSessionCallId) {
          actions.push({
            kind: 'send',
            event: wireEvent({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: result.endSessionCallId, output: '{"ok":true}' } }),
          });
        }
        actions.push({ kind: 'finish', reason: 'end_session' });
      }
      return { actions };
    },
  } satisfies KioskSlice<'reportRealtimeEvent'>;

  /**
   * A screen opened after a restart has none of the interview's earlier lines: it gets them all once, so its
   * transcript is whole and its warm-up marking (renderer/logic/warm-up.ts) counts from the first line.
   */
  function replay(sessionId: string): void {
    const s = live.get(sessionId);
    if (!s || s.transcript.entries.size === 0) return;
    events.emit('transcript', { sessionId, entries: [...s.transcript.entries.values()].map((e) => toView(e)), progress: progressOf(sessionId) });
  }

  return { liveFor, finalize, typedAnswer, progressOf, replay, forget: (sessionId: string) => void live.delete(sessionId), api };
}

export type Transcripts = ReturnType<typeof createTranscripts>;
