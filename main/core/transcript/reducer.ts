// Realtime data-channel events → transcript entries. PURE: (state, event, nowMs) → { state, changed }.
//
// Rules (OpenAI's Realtime server events, openapi.yaml; the official clients' handling in openai-agents-js):
// - one entry per conversation item (`item_id`), never one per delta;
// - order = conversation order from `previous_item_id` links (null/"root" = first), not arrival: a candidate's
//   transcription often arrives after the interviewer's reply, and must still sit before it;
// - candidate entries are created when the turn is committed (`input_audio_buffer.committed` or
//   `conversation.item.added` with role user + input_audio), text filled in by `…transcription.completed`;
//   `…transcription.failed` marks the entry failed and the interview goes on;
// - interviewer text grows with `response.output_audio_transcript.delta` (`delta`) and is replaced by `.done`
//   (`transcript`); `response.output_text.*` likewise. Those arrive as the text is GENERATED, seconds ahead of the
//   audio. What the candidate HEARD is what counts: after `conversation.item.truncated` (barge-in or a clear) the
//   entry is held back until `conversation.item.retrieved` returns the server's item, whose transcript the server
//   has cut to the played audio (spec: truncation "remove[s] the server-side text transcript to ensure there is no
//   text in the context that hasn't been heard"). Why retrieve and not audio_end_ms × text length: over WebRTC the
//   audio never reaches the data channel, so the client does not know the audio's total length, and speech rate
//   is not uniform; the server owns the output buffer and knows. The Agents SDK does the same
//   (openaiRealtimeBase.ts: on conversation.item.truncated it sends conversation.item.retrieve). The entry is then
//   marked interrupted (INTERRUPTED_MARK at the end of its text);
// - responses whose output is text only (no audio in an audio session) were never heard: not entries;
// - end_session counts only from a function_call item whose status is `completed` (output_item.done or
//   response.done); `function_call_arguments.done` is also sent for cancelled calls (spec) and is not enough;
// - items the client created (replayed history, system notes) and function calls are not entries, but they
//   stay in the link chain so that ordering passes through them;
// - start_ms is relative to the interview start: candidate = call offset + `audio_start_ms`; interviewer =
//   when its response was created.
// Duplicate events are harmless: applying an event twice gives the same state.
// Server ids are keys of Maps (never of plain objects: an id such as `__proto__` must not reach a prototype), and
// only ids of the expected shape are accepted at all.

import type { EntryStatus, Speaker } from '../../../preload/contract';
import { readClientEvent, readItem, readParts, readResponse, readServerEvent, type WireItem } from '../realtime/server-events';

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
  /** A candidate answer typed instead of spoken (a user text item the kiosk created; see withTypedAnswer). */
  typed?: boolean;
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
  /** Truncated: the heard text is being retrieved from the server; until then the entry stays in progress. */
  heardPending: boolean;
}

/** Marks an interviewer entry the candidate interrupted: the text ends with it (what was heard, then the cut). */
export const INTERRUPTED_MARK = ' …';
export const isInterrupted = (text: string): boolean => text.endsWith(INTERRUPTED_MARK.trim());
const markInterrupted = (heard: string): string => (heard.trim() === '' ? '' : `${heard.trimEnd()}${INTERRUPTED_MARK}`);

/** What a response came to, for main's retry policy (null while none ended in this event). */
export interface ResponseOutcome {
  responseId: string;
  status: 'completed' | 'cancelled' | 'failed' | 'incomplete';
  /** status_details as the server sent it (type, reason, error{type,code}), for the log. */
  details: string;
  /** The response spoke in text only (no audio): nobody heard it. */
  textOnly: boolean;
}

export interface TranscriptState {
  readonly sessionId: string;
  /** Epoch ms of the interview start; null until the first call starts. */
  readonly interviewStartMs: number | null;
  /** Offset (ms) of the current call's start from the interview start: audio_start_ms counts from the call. */
  readonly callOffsetMs: number;
  readonly entries: ReadonlyMap<string, InternalEntry>;
  /** Every conversation item seen (entries and non-entries), for ordering. */
  readonly links: ReadonlyMap<string, ItemLink>;
  /** Items that are not transcript entries (client-created, system, function calls). */
  /** 'client': the renderer reported creating it; 'inferred': looked like history, until a response claims it. */
  readonly skipped: ReadonlyMap<string, 'client' | 'inferred'>;
  /** response id → interview-relative ms when it was created, and whether it answers in text only. */
  readonly responses: ReadonlyMap<string, { at: number | null; textOnly: boolean }>;
  /** item id → audio_start_ms from speech_started, until the item's entry exists. */
  readonly speechStarts: ReadonlyMap<string, number>;
  readonly arrivals: number;
  readonly endSessionCalls: readonly string[];
  /** The last few server event_ids: a re-delivered event (a retried report) is applied once, not twice. */
  readonly recentEventIds: readonly string[];
}

const RECENT_EVENT_IDS = 256;

export interface ReduceResult {
  state: TranscriptState;
  /** Entries whose stored form changed (text, status, seq, …), in seq order. */
  changed: ReducerEntry[];
  /** The model called end_session (first time this call id is seen, item completed). */
  endSession: boolean;
  /** That call's call_id (to answer with a function_call_output). */
  endSessionCallId: string | null;
  /** Assistant items truncated by this event: main asks the server for their heard text. */
  retrieve: string[];
  /** A response ended with this event. */
  outcome: ResponseOutcome | null;
}

export type EntryIdFn = (sessionId: string, itemId: string) => string;

export interface CreateStateOptions {
  sessionId: string;
  interviewStartMs: number | null;
  callOffsetMs?: number;
  /** Entries already stored (after a restart). */
  existing?: readonly ReducerEntry[];
}

export function createTranscriptState(options: CreateStateOptions): TranscriptState {
  const entries = new Map<string, InternalEntry>();
  const links = new Map<string, ItemLink>();
  const sorted = [...(options.existing ?? [])].sort((a, b) => a.seq - b.seq);
  let arrivals = 0;
  for (const e of sorted) {
    entries.set(e.itemId, { ...e, textDone: e.status !== 'in_progress', responseId: null, heardPending: false });
    links.set(e.itemId, { prev: e.previousItemId, arrival: arrivals++ });
  }
  return {
    sessionId: options.sessionId,
    interviewStartMs: options.interviewStartMs,
    callOffsetMs: options.callOffsetMs ?? 0,
    entries,
    links,
    skipped: new Map(),
    responses: new Map(),
    speechStarts: new Map(),
    arrivals,
    endSessionCalls: [],
    recentEventIds: [],
  };
}

/** A new call began (first call or a reconnect): audio_start_ms of its events count from here. */
export function withCall(state: TranscriptState, interviewStartMs: number, callOffsetMs: number): TranscriptState {
  return { ...state, interviewStartMs, callOffsetMs };
}

type AnyEvent = { type: string } & Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
/** Ids the Realtime API (item_…, resp_…, call_…) or the resume context (rs1_0) use; anything else is ignored. */
const ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const id = (v: unknown): string | undefined => (typeof v === 'string' && ID_SHAPE.test(v) ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
/** previous_item_id: a string id, null/"root" = first; anything else = not stated. */
const prevOf = (v: unknown): string | null | undefined => (v === null || v === 'root' ? null : id(v));

/** Mutable working copy of the state for one event; the input state is never modified. */
class Draft {
  entries: Map<string, InternalEntry>;
  links: Map<string, ItemLink>;
  skipped: Map<string, 'client' | 'inferred'>;
  responses: Map<string, { at: number | null; textOnly: boolean }>;
  speechStarts: Map<string, number>;
  arrivals: number;
  endSessionCalls: string[];
  orderDirty = false;
  touched = new Set<string>();
  endSession = false;
  endSessionCallId: string | null = null;
  retrieve: string[] = [];
  outcome: ResponseOutcome | null = null;

  constructor(
    readonly base: TranscriptState,
    readonly nowMs: number,
    readonly entryId: EntryIdFn,
  ) {
    this.entries = base.entries as Map<string, InternalEntry>;
    this.links = base.links as Map<string, ItemLink>;
    this.skipped = base.skipped as Map<string, 'client' | 'inferred'>;
    this.responses = base.responses as Map<string, { at: number | null; textOnly: boolean }>;
    this.speechStarts = base.speechStarts as Map<string, number>;
    this.arrivals = base.arrivals;
    this.endSessionCalls = base.endSessionCalls as string[];
  }

  // Copy-on-write per table: cheap for the common case (a delta touches one entry).
  private copied = new Set<string>();
  cow<K extends 'entries' | 'links' | 'skipped' | 'responses' | 'speechStarts'>(key: K): Draft[K] {
    if (!this.copied.has(key)) {
      this.copied.add(key);
      (this as Record<K, unknown>)[key] = new Map(this[key] as Map<string, unknown>);
    }
    return this[key];
  }

  relativeNow(): number | null {
    return this.base.interviewStartMs === null ? null : Math.max(0, Math.round(this.nowMs - this.base.interviewStartMs));
  }

  /** Records an item's place; a stated previous_item_id wins over an unknown one, never the other way. */
  link(itemId: string, prev: string | null | undefined): void {
    const existing = this.links.get(itemId);
    if (existing && (prev === undefined || existing.prev === prev)) return;
    this.cow('links').set(itemId, { prev, arrival: existing?.arrival ?? this.arrivals++ });
    this.orderDirty = true;
  }

  skip(itemId: string, prev: string | null | undefined, why: 'client' | 'inferred' = 'inferred'): void {
    this.link(itemId, prev);
    if (this.entries.has(itemId)) return;
    const was = this.skipped.get(itemId);
    if (was !== why && was !== 'client') this.cow('skipped').set(itemId, why);
  }

  /** A response announced this item as its output: it is the interviewer speaking, not replayed history. */
  claim(itemId: string): void {
    if (this.skipped.get(itemId) === 'inferred') this.cow('skipped').delete(itemId);
  }

  ensureEntry(itemId: string, speaker: Speaker, prev: string | null | undefined, init: Partial<InternalEntry> = {}): InternalEntry | null {
    if (this.skipped.has(itemId)) return null;
    this.link(itemId, prev);
    const current = this.entries.get(itemId);
    if (current) {
      if (prev !== undefined && current.previousItemId !== prev) this.update(itemId, { previousItemId: prev });
      return this.entries.get(itemId)!;
    }
    let startMs: number | null = init.startMs ?? null;
    if (speaker === 'candidate') {
      const audioStart = this.speechStarts.get(itemId);
      if (audioStart !== undefined) startMs = this.base.callOffsetMs + audioStart;
    }
    const entry: InternalEntry = {
      id: this.entryId(this.base.sessionId, itemId),
      itemId,
      previousItemId: prev,
      seq: -1,
      speaker,
      text: '',
      startMs,
      status: 'in_progress',
      confidence: null,
      textDone: false,
      responseId: null,
      heardPending: false,
      ...init,
    };
    this.cow('entries').set(itemId, entry);
    this.touched.add(itemId);
    this.orderDirty = true;
    return entry;
  }

  update(itemId: string, patch: Partial<InternalEntry>): void {
    const current = this.entries.get(itemId);
    if (!current) return;
    let differs = false;
    for (const [k, v] of Object.entries(patch)) {
      if ((current as unknown as Record<string, unknown>)[k] !== v) differs = true;
    }
    if (!differs) return;
    this.cow('entries').set(itemId, { ...current, ...patch });
    this.touched.add(itemId);
  }

  /** Recomputes seq from the link chain: roots (and items whose predecessor is unknown) by arrival, depth first. */
  reorder(): void {
    const ids = [...this.links.keys()];
    const children = new Map<string, string[]>();
    const roots: string[] = [];
    for (const id of ids) {
      const prev = this.links.get(id)!.prev;
      if (prev === null || prev === undefined || !this.links.has(prev) || prev === id) roots.push(id);
      else {
        const list = children.get(prev);
        if (list) list.push(id);
        else children.set(prev, [id]);
      }
    }
    const byArrival = (a: string, b: string) => this.links.get(a)!.arrival - this.links.get(b)!.arrival;
    roots.sort(byArrival);
    for (const list of children.values()) list.sort(byArrival);
    const order: string[] = [];
    const seen = new Set<string>();
    const visit = (start: string) => {
      // Iterative DFS (pre-order) so a long conversation cannot overflow the stack; `seen` breaks link cycles.
      const stack = [start];
      while (stack.length) {
        const id = stack.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        order.push(id);
        const kids = children.get(id);
        if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      }
    };
    for (const r of roots) visit(r);
    for (const id of ids.sort(byArrival)) if (!seen.has(id)) visit(id); // items caught in a cycle
    let seq = 0;
    for (const id of order) {
      if (!this.entries.has(id)) continue;
      this.update(id, { seq });
      seq++;
    }
  }

  finish(): ReduceResult {
    if (this.orderDirty) this.reorder();
    const state: TranscriptState = {
      ...this.base,
      entries: this.entries,
      links: this.links,
      skipped: this.skipped,
      responses: this.responses,
      speechStarts: this.speechStarts,
      arrivals: this.arrivals,
      endSessionCalls: this.endSessionCalls,
    };
    const changed = [...this.touched]
      .map((id) => this.entries.get(id)!)
      .filter((e) => {
        const before = this.base.entries.get(e.itemId);
        return !before || !sameStored(before, e);
      })
      .sort((a, b) => a.seq - b.seq)
      .map(toPublic);
    return { state, changed, endSession: this.endSession, endSessionCallId: this.endSessionCallId, retrieve: this.retrieve, outcome: this.outcome };
  }
}

function sameStored(a: ReducerEntry, b: ReducerEntry): boolean {
  return a.seq === b.seq && a.text === b.text && a.status === b.status && a.startMs === b.startMs &&
    a.previousItemId === b.previousItemId && a.speaker === b.speaker && a.confidence === b.confidence;
}

function toPublic(e: InternalEntry): ReducerEntry {
  const { textDone: _t, responseId: _r, heardPending: _h, ...rest } = e;
  return rest;
}

/**
 * A candidate answer typed instead of spoken: main creates the user text item (with this id) and the entry for it
 * at once, final and marked typed, before the item is sent; the server's echo of the item (conversation.item.added)
 * then gives its place in the conversation. The client's report of the create keeps the entry (it is known here).
 */
export function withTypedAnswer(state: TranscriptState, answer: { itemId: string; text: string }, nowMs: number, entryId: EntryIdFn): ReduceResult {
  const d = new Draft(state, nowMs, entryId);
  if (!id(answer.itemId) || d.entries.has(answer.itemId) || d.skipped.has(answer.itemId)) return d.finish();
  d.ensureEntry(answer.itemId, 'candidate', undefined, { text: answer.text, status: 'final', textDone: true, typed: true, startMs: d.relativeNow() });
  return d.finish();
}

/** The entries in conversation order. */
export function orderedEntries(state: TranscriptState): ReducerEntry[] {
  return [...state.entries.values()].sort((a, b) => a.seq - b.seq).map(toPublic);
}

function confidenceFrom(logprobs: unknown): number | null {
  if (!Array.isArray(logprobs) || logprobs.length === 0) return null;
  let sum = 0;
  let n = 0;
  for (const lp of logprobs) {
    const v = num(rec(lp)?.logprob);
    if (v !== undefined) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? null : Math.round(Math.exp(sum / n) * 1000) / 1000;
}

const isUserAudioItem = (item: WireItem): boolean =>
  item.type === 'message' && item.role === 'user' && readParts(item.content).some((c) => c.type === 'input_audio');

function itemTranscript(item: WireItem): string | undefined {
  if (item.type !== 'message') return undefined;
  for (const part of readParts(item.content)) {
    const t = 'transcript' in part && typeof part.transcript === 'string' ? part.transcript : 'text' in part ? part.text : undefined;
    if (typeof t === 'string' && t.length > 0) return t;
  }
  return undefined;
}

const NO_CHANGE = (state: TranscriptState): ReduceResult => ({ state, changed: [], endSession: false, endSessionCallId: null, retrieve: [], outcome: null });

/**
 * Applies one data-channel event. `raw` is the event as it crossed the channel; it is read as OpenAI's server
 * (or, for direction 'client', client) event type, with every value checked here before use.
 */
export function reduceTranscript(
  state: TranscriptState,
  raw: AnyEvent,
  nowMs: number,
  entryId: EntryIdFn,
  direction: 'server' | 'client' = 'server',
): ReduceResult {
  const eventId = str(raw.event_id);
  if (direction === 'server' && eventId) {
    if (state.recentEventIds.includes(eventId)) return NO_CHANGE(state);
    const recent = state.recentEventIds.length >= RECENT_EVENT_IDS ? state.recentEventIds.slice(1) : state.recentEventIds.slice();
    recent.push(eventId);
    state = { ...state, recentEventIds: recent };
  }
  const d = new Draft(state, nowMs, entryId);

  if (direction === 'client') {
    // Items the client creates (history replay, system notes) are never transcript entries.
    const event = readClientEvent(raw);
    if (event.type === 'conversation.item.create') {
      const itemId = id(readItem(event.item)?.id);
      if (itemId) d.skip(itemId, prevOf(event.previous_item_id), 'client');
    }
    return d.finish();
  }

  const event = readServerEvent(raw);
  switch (event.type) {
    case 'input_audio_buffer.speech_started': {
      const itemId = id(event.item_id);
      const audioStart = num(event.audio_start_ms);
      if (itemId && audioStart !== undefined && d.speechStarts.get(itemId) !== audioStart) {
        d.cow('speechStarts').set(itemId, audioStart);
        const entry = d.entries.get(itemId);
        if (entry && entry.speaker === 'candidate') d.update(itemId, { startMs: state.callOffsetMs + audioStart });
      }
      break;
    }
    case 'input_audio_buffer.committed': {
      const itemId = id(event.item_id);
      if (itemId) d.ensureEntry(itemId, 'candidate', prevOf(event.previous_item_id));
      break;
    }
    case 'conversation.item.added':
    case 'conversation.item.done':
    case 'conversation.item.created': {
      const item = readItem(event.item);
      const itemId = id(item?.id);
      if (!item || !itemId) break;
      const prev = prevOf(event.previous_item_id);
      const existing = d.entries.get(itemId);
      if (existing) {
        d.ensureEntry(itemId, existing.speaker, prev);
      } else if (isUserAudioItem(item)) {
        d.ensureEntry(itemId, 'candidate', prev);
      } else {
        // Assistant messages of a response were announced by response.output_item.added first; an assistant
        // message that shows up only here was created by the client (replayed history). Function calls and
        // system/user text items are not entries either.
        d.skip(itemId, prev);
      }
      break;
    }
    case 'conversation.item.input_audio_transcription.delta': {
      const itemId = id(event.item_id);
      const delta = typeof event.delta === 'string' ? event.delta : '';
      if (!itemId || !delta) break;
      const entry = d.ensureEntry(itemId, 'candidate', undefined);
      if (entry && entry.status === 'in_progress') d.update(itemId, { text: entry.text + delta });
      break;
    }
    case 'conversation.item.input_audio_transcription.completed': {
      const itemId = id(event.item_id);
      if (!itemId) break;
      const entry = d.ensureEntry(itemId, 'candidate', undefined);
      if (!entry) break;
      const transcript = typeof event.transcript === 'string' ? event.transcript.trim() : entry.text;
      d.update(itemId, { text: transcript, status: 'final', confidence: confidenceFrom(event.logprobs) ?? entry.confidence });
      break;
    }
    case 'conversation.item.input_audio_transcription.failed': {
      const itemId = id(event.item_id);
      if (!itemId) break;
      const entry = d.ensureEntry(itemId, 'candidate', undefined);
      // A later success (retry) may still replace it; a failure never overwrites a final transcript.
      if (entry && entry.status !== 'final') d.update(itemId, { status: 'failed' });
      break;
    }
    case 'response.created': {
      const response = readResponse(event.response);
      const responseId = id(response?.id);
      if (responseId && !d.responses.has(responseId)) {
        const modalities = Array.isArray(response?.output_modalities) ? (response.output_modalities as unknown[]) : null;
        const textOnly = modalities !== null && modalities.length > 0 && !modalities.includes('audio');
        d.cow('responses').set(responseId, { at: d.relativeNow(), textOnly });
      }
      break;
    }
    case 'response.output_item.added': {
      const item = readItem(event.item);
      const itemId = id(item?.id);
      if (!item || !itemId) break;
      const responseId = id(event.response_id) ?? null;
      const response = responseId ? d.responses.get(responseId) : undefined;
      if (item.type === 'message' && (item.role === 'assistant' || item.role === undefined) && !response?.textOnly) {
        const startMs = response ? response.at : d.relativeNow();
        d.claim(itemId);
        d.ensureEntry(itemId, 'interviewer', undefined, { startMs, responseId });
      } else {
        // Function calls, and text-only answers in an audio session: the candidate heard none of it.
        d.skip(itemId, undefined);
      }
      break;
    }
    case 'response.output_audio_transcript.delta':
    case 'response.output_text.delta': {
      const itemId = id(event.item_id);
      const delta = typeof event.delta === 'string' ? event.delta : '';
      if (!itemId || !delta) break;
      const entry = d.ensureEntry(itemId, 'interviewer', undefined, { startMs: d.relativeNow() });
      if (entry && !entry.textDone) d.update(itemId, { text: entry.text + delta });
      break;
    }
    case 'response.output_audio_transcript.done':
    case 'response.output_text.done': {
      const itemId = id(event.item_id);
      if (!itemId) break;
      const entry = d.ensureEntry(itemId, 'interviewer', undefined, { startMs: d.relativeNow() });
      if (!entry || entry.heardPending || isInterrupted(entry.text)) break;
      const full = event.type === 'response.output_audio_transcript.done' ? event.transcript : event.text;
      // `.done` carries the generated text (heard in full unless a truncation follows).
      const text = typeof full === 'string' && full.length > 0 ? full : entry.text;
      d.update(itemId, { text, status: 'final', textDone: true });
      break;
    }
    case 'conversation.item.truncated': {
      // Barge-in or a clear: the candidate heard only audio_end_ms of this item. Ask the server for the heard text.
      const itemId = id(event.item_id);
      const entry = itemId ? d.entries.get(itemId) : undefined;
      if (!itemId || !entry || entry.speaker !== 'interviewer') break;
      if (num(event.audio_end_ms) === 0) {
        d.update(itemId, { text: '', status: 'final', textDone: true, heardPending: false }); // nothing was heard
      } else {
        d.update(itemId, { status: 'in_progress', textDone: true, heardPending: true });
        d.retrieve.push(itemId);
      }
      break;
    }
    case 'conversation.item.retrieved': {
      const item = readItem(event.item);
      const itemId = id(item?.id);
      const entry = itemId ? d.entries.get(itemId) : undefined;
      if (!item || !itemId || !entry || entry.speaker !== 'interviewer' || !entry.heardPending) break;
      const heard = itemTranscript(item) ?? '';
      d.update(itemId, { text: markInterrupted(heard), status: 'final', textDone: true, heardPending: false });
      break;
    }
    case 'response.output_item.done': {
      const item = readItem(event.item);
      const itemId = id(item?.id);
      if (!item || !itemId) break;
      if (item.type === 'function_call') {
        d.skip(itemId, undefined);
        if (item.status === 'completed') noteFunctionCall(d, str(item.name), id(item.call_id) ?? itemId);
        break;
      }
      const entry = d.entries.get(itemId);
      if (entry && entry.speaker === 'interviewer' && !entry.heardPending && !isInterrupted(entry.text)) {
        const t = itemTranscript(item);
        d.update(itemId, { text: !entry.textDone && t ? t : entry.text, status: 'final', textDone: true });
      }
      break;
    }
    case 'response.function_call_arguments.done': {
      // Also sent for interrupted or cancelled calls (spec): the item's status decides, in output_item.done.
      const itemId = id(event.item_id);
      if (itemId) d.skip(itemId, undefined);
      break;
    }
    case 'response.done': {
      const response = readResponse(event.response);
      const output = Array.isArray(response?.output) ? (response.output as unknown[]) : [];
      for (const raw of output) {
        const item = readItem(raw);
        if (!item) continue;
        const itemId = id(item.id);
        if (item.type === 'function_call') {
          if (itemId) d.skip(itemId, undefined);
          if (item.status === 'completed') noteFunctionCall(d, str(item.name), id(item.call_id) ?? itemId ?? 'call');
        } else if (itemId && d.entries.get(itemId)?.speaker === 'interviewer') {
          const entry = d.entries.get(itemId)!;
          if (entry.heardPending || isInterrupted(entry.text)) continue;
          const t = itemTranscript(item);
          d.update(itemId, { text: !entry.textDone && t ? t : entry.text, status: 'final', textDone: true });
        }
      }
      // Entries of this response still in progress (cancelled before any .done) end here with what was said,
      // unless their heard text is still being retrieved.
      const responseId = id(response?.id);
      if (responseId) {
        for (const e of d.entries.values()) {
          if (e.responseId === responseId && e.status === 'in_progress' && !e.heardPending) d.update(e.itemId, { status: 'final', textDone: true });
        }
        const status = response?.status;
        if (status === 'completed' || status === 'cancelled' || status === 'failed' || status === 'incomplete') {
          d.outcome = {
            responseId,
            status,
            details: response?.status_details ? JSON.stringify(response.status_details).slice(0, 300) : '',
            textOnly: d.responses.get(responseId)?.textOnly ?? false,
          };
        }
      }
      break;
    }
    default:
      break;
  }
  return d.finish();
}

function noteFunctionCall(d: Draft, name: string | undefined, callId: string): void {
  if (name !== 'end_session' || d.endSessionCalls.includes(callId)) return;
  d.endSessionCalls = [...d.endSessionCalls, callId];
  d.endSession = true;
  d.endSessionCallId = callId;
}

/** Marks every in-progress entry final (a candidate turn that never got its transcription is marked failed; an
 * interviewer line whose heard part never came back keeps its generated text, marked interrupted). */
export function finalizeAll(state: TranscriptState, entryId: EntryIdFn): ReduceResult {
  const d = new Draft(state, 0, entryId);
  for (const e of state.entries.values()) {
    if (e.status !== 'in_progress') continue;
    const failed = e.speaker === 'candidate' && e.text.trim() === '';
    const text = e.heardPending ? markInterrupted(e.text) : e.text;
    d.update(e.itemId, { status: failed ? 'failed' : 'final', textDone: true, heardPending: false, text });
  }
  return d.finish();
}
