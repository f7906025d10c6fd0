// Realtime data-channel events → transcript entries. PURE: (state, event, nowMs) → { state, changed }.
//
// Rules (reference/realtime-protocol.md §4, DESIGN.md stage 4):
// - one entry per conversation item (`item_id`), never one per delta;
// - order = conversation order from `previous_item_id` links (null/"root" = first), not arrival: a candidate's
//   transcription often arrives after the interviewer's reply, and must still sit before it;
// - candidate entries are created when the turn is committed (`input_audio_buffer.committed` or
//   `conversation.item.added` with role user + input_audio), text filled in by `…transcription.completed`;
//   `…transcription.failed` marks the entry failed and the interview goes on;
// - interviewer text grows with `response.output_audio_transcript.delta` (`delta`) and is replaced by `.done`
//   (`transcript`); `response.output_text.*` likewise; an interrupted response keeps the text heard so far;
// - items the client created (replayed history, system notes) and function calls are not entries, but they
//   stay in the link chain so that ordering passes through them;
// - start_ms is relative to the interview start: candidate = call offset + `audio_start_ms`; interviewer =
//   when its response was created.
// Duplicate events are harmless: applying an event twice gives the same state.

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

const RECENT_EVENT_IDS = 256;

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

export function createTranscriptState(options: CreateStateOptions): TranscriptState {
  const entries: Record<string, InternalEntry> = {};
  const links: Record<string, ItemLink> = {};
  const sorted = [...(options.existing ?? [])].sort((a, b) => a.seq - b.seq);
  let arrivals = 0;
  for (const e of sorted) {
    entries[e.itemId] = { ...e, textDone: e.status !== 'in_progress', responseId: null };
    links[e.itemId] = { prev: e.previousItemId, arrival: arrivals++ };
  }
  return {
    sessionId: options.sessionId,
    interviewStartMs: options.interviewStartMs,
    callOffsetMs: options.callOffsetMs ?? 0,
    entries,
    links,
    skipped: {},
    responses: {},
    speechStarts: {},
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
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
/** previous_item_id: a string id, null/"root" = first; anything else = not stated. */
const prevOf = (v: unknown): string | null | undefined => (v === null || v === 'root' ? null : str(v));

/** Mutable working copy of the state for one event; the input state is never modified. */
class Draft {
  entries: Record<string, InternalEntry>;
  links: Record<string, ItemLink>;
  skipped: Record<string, 'client' | 'inferred'>;
  responses: Record<string, number | null>;
  speechStarts: Record<string, number>;
  arrivals: number;
  endSessionCalls: string[];
  orderDirty = false;
  touched = new Set<string>();
  endSession = false;

  constructor(
    readonly base: TranscriptState,
    readonly nowMs: number,
    readonly entryId: EntryIdFn,
  ) {
    this.entries = base.entries as Record<string, InternalEntry>;
    this.links = base.links as Record<string, ItemLink>;
    this.skipped = base.skipped as Record<string, 'client' | 'inferred'>;
    this.responses = base.responses as Record<string, number | null>;
    this.speechStarts = base.speechStarts as Record<string, number>;
    this.arrivals = base.arrivals;
    this.endSessionCalls = base.endSessionCalls as string[];
  }

  // Copy-on-write per table: cheap for the common case (a delta touches one entry).
  private copied = new Set<string>();
  cow<K extends 'entries' | 'links' | 'skipped' | 'responses' | 'speechStarts'>(key: K): Draft[K] {
    if (!this.copied.has(key)) {
      this.copied.add(key);
      (this as Record<K, unknown>)[key] = { ...(this[key] as object) };
    }
    return this[key];
  }

  relativeNow(): number | null {
    return this.base.interviewStartMs === null ? null : Math.max(0, Math.round(this.nowMs - this.base.interviewStartMs));
  }

  /** Records an item's place; a stated previous_item_id wins over an unknown one, never the other way. */
  link(itemId: string, prev: string | null | undefined): void {
    const existing = this.links[itemId];
    if (existing && (prev === undefined || existing.prev === prev)) return;
    this.cow('links')[itemId] = { prev, arrival: existing?.arrival ?? this.arrivals++ };
    this.orderDirty = true;
  }

  skip(itemId: string, prev: string | null | undefined, why: 'client' | 'inferred' = 'inferred'): void {
    this.link(itemId, prev);
    if (this.entries[itemId]) return;
    if (this.skipped[itemId] !== why && this.skipped[itemId] !== 'client') this.cow('skipped')[itemId] = why;
  }

  /** A response announced this item as its output: it is the interviewer speaking, not replayed history. */
  claim(itemId: string): void {
    if (this.skipped[itemId] === 'inferred') delete this.cow('skipped')[itemId];
  }

  ensureEntry(itemId: string, speaker: Speaker, prev: string | null | undefined, init: Partial<InternalEntry> = {}): InternalEntry | null {
    if (this.skipped[itemId]) return null;
    this.link(itemId, prev);
    const current = this.entries[itemId];
    if (current) {
      if (prev !== undefined && current.previousItemId !== prev) this.update(itemId, { previousItemId: prev });
      return this.entries[itemId]!;
    }
    let startMs: number | null = init.startMs ?? null;
    if (speaker === 'candidate') {
      const audioStart = this.speechStarts[itemId];
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
      ...init,
    };
    this.cow('entries')[itemId] = entry;
    this.touched.add(itemId);
    this.orderDirty = true;
    return entry;
  }

  update(itemId: string, patch: Partial<InternalEntry>): void {
    const current = this.entries[itemId];
    if (!current) return;
    let differs = false;
    for (const [k, v] of Object.entries(patch)) {
      if ((current as unknown as Record<string, unknown>)[k] !== v) differs = true;
    }
    if (!differs) return;
    this.cow('entries')[itemId] = { ...current, ...patch };
    this.touched.add(itemId);
  }

  /** Recomputes seq from the link chain: roots (and items whose predecessor is unknown) by arrival, depth first. */
  reorder(): void {
    const ids = Object.keys(this.links);
    const children = new Map<string, string[]>();
    const roots: string[] = [];
    for (const id of ids) {
      const prev = this.links[id]!.prev;
      if (prev === null || prev === undefined || !(prev in this.links) || prev === id) roots.push(id);
      else {
        const list = children.get(prev);
        if (list) list.push(id);
        else children.set(prev, [id]);
      }
    }
    const byArrival = (a: string, b: string) => this.links[a]!.arrival - this.links[b]!.arrival;
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
      if (!this.entries[id]) continue;
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
      .map((id) => this.entries[id]!)
      .filter((e) => {
        const before = this.base.entries[e.itemId];
        return !before || !sameStored(before, e);
      })
      .sort((a, b) => a.seq - b.seq)
      .map(toPublic);
    return { state, changed, endSession: this.endSession };
  }
}

function sameStored(a: ReducerEntry, b: ReducerEntry): boolean {
  return a.seq === b.seq && a.text === b.text && a.status === b.status && a.startMs === b.startMs &&
    a.previousItemId === b.previousItemId && a.speaker === b.speaker && a.confidence === b.confidence;
}

function toPublic(e: InternalEntry): ReducerEntry {
  const { textDone: _t, responseId: _r, ...rest } = e;
  return rest;
}

/** The entries in conversation order. */
export function orderedEntries(state: TranscriptState): ReducerEntry[] {
  return Object.values(state.entries).sort((a, b) => a.seq - b.seq).map(toPublic);
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

const isUserAudioItem = (item: Record<string, unknown>) =>
  item.role === 'user' && Array.isArray(item.content) && item.content.some((c) => rec(c)?.type === 'input_audio');

function itemTranscript(item: Record<string, unknown>): string | undefined {
  if (!Array.isArray(item.content)) return undefined;
  for (const c of item.content) {
    const part = rec(c);
    const t = part?.transcript ?? part?.text;
    if (typeof t === 'string' && t.length > 0) return t;
  }
  return undefined;
}

export function reduceTranscript(
  state: TranscriptState,
  event: AnyEvent,
  nowMs: number,
  entryId: EntryIdFn,
  direction: 'server' | 'client' = 'server',
): ReduceResult {
  const eventId = str(event.event_id);
  if (direction === 'server' && eventId) {
    if (state.recentEventIds.includes(eventId)) return { state, changed: [], endSession: false };
    const recent = state.recentEventIds.length >= RECENT_EVENT_IDS ? state.recentEventIds.slice(1) : state.recentEventIds.slice();
    recent.push(eventId);
    state = { ...state, recentEventIds: recent };
  }
  const d = new Draft(state, nowMs, entryId);

  if (direction === 'client') {
    // Items the client creates (history replay, system notes) are never transcript entries.
    if (event.type === 'conversation.item.create') {
      const item = rec(event.item);
      const id = str(item?.id);
      if (id) d.skip(id, prevOf(event.previous_item_id), 'client');
    }
    return d.finish();
  }

  switch (event.type) {
    case 'input_audio_buffer.speech_started': {
      const itemId = str(event.item_id);
      const audioStart = num(event.audio_start_ms);
      if (itemId && audioStart !== undefined && d.speechStarts[itemId] !== audioStart) {
        d.cow('speechStarts')[itemId] = audioStart;
        const entry = d.entries[itemId];
        if (entry && entry.speaker === 'candidate') d.update(itemId, { startMs: state.callOffsetMs + audioStart });
      }
      break;
    }
    case 'input_audio_buffer.committed': {
      const itemId = str(event.item_id);
      if (itemId) d.ensureEntry(itemId, 'candidate', prevOf(event.previous_item_id));
      break;
    }
    case 'conversation.item.added':
    case 'conversation.item.done':
    case 'conversation.item.created': {
      const item = rec(event.item);
      const itemId = str(item?.id);
      if (!item || !itemId) break;
      const prev = prevOf(event.previous_item_id);
      if (d.entries[itemId]) {
        d.ensureEntry(itemId, d.entries[itemId]!.speaker, prev);
      } else if (item.type === 'message' && isUserAudioItem(item)) {
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
      const itemId = str(event.item_id);
      const delta = typeof event.delta === 'string' ? event.delta : '';
      if (!itemId || !delta) break;
      const entry = d.ensureEntry(itemId, 'candidate', undefined);
      if (entry && entry.status === 'in_progress') d.update(itemId, { text: entry.text + delta });
      break;
    }
    case 'conversation.item.input_audio_transcription.completed': {
      const itemId = str(event.item_id);
      if (!itemId) break;
      const entry = d.ensureEntry(itemId, 'candidate', undefined);
      if (!entry) break;
      const transcript = typeof event.transcript === 'string' ? event.transcript.trim() : entry.text;
      d.update(itemId, { text: transcript, status: 'final', confidence: confidenceFrom(event.logprobs) ?? entry.confidence });
      break;
    }
    case 'conversation.item.input_audio_transcription.failed': {
      const itemId = str(event.item_id);
      if (!itemId) break;
      const entry = d.ensureEntry(itemId, 'candidate', undefined);
      // A later success (retry) may still replace it; a failure never overwrites a final transcript.
      if (entry && entry.status !== 'final') d.update(itemId, { status: 'failed' });
      break;
    }
    case 'response.created': {
      const response = rec(event.response);
      const id = str(response?.id);
      if (id && !(id in d.responses)) {
        d.cow('responses')[id] = d.relativeNow();
      }
      break;
    }
    case 'response.output_item.added': {
      const item = rec(event.item);
      const itemId = str(item?.id);
      if (!item || !itemId) break;
      if (item.type === 'message' && (item.role === 'assistant' || item.role === undefined)) {
        const responseId = str(event.response_id) ?? null;
        const startMs = responseId && d.responses[responseId] !== undefined ? d.responses[responseId]! : d.relativeNow();
        d.claim(itemId);
        d.ensureEntry(itemId, 'interviewer', undefined, { startMs, responseId });
      } else {
        d.skip(itemId, undefined);
      }
      break;
    }
    case 'response.output_audio_transcript.delta':
    case 'response.output_text.delta':
    case 'response.audio_transcript.delta':
    case 'response.text.delta': {
      const itemId = str(event.item_id);
      const delta = typeof event.delta === 'string' ? event.delta : '';
      if (!itemId || !delta) break;
      const entry = d.ensureEntry(itemId, 'interviewer', undefined, { startMs: d.relativeNow() });
      if (entry && !entry.textDone) d.update(itemId, { text: entry.text + delta });
      break;
    }
    case 'response.output_audio_transcript.done':
    case 'response.output_text.done':
    case 'response.audio_transcript.done':
    case 'response.text.done': {
      const itemId = str(event.item_id);
      if (!itemId) break;
      const entry = d.ensureEntry(itemId, 'interviewer', undefined, { startMs: d.relativeNow() });
      if (!entry) break;
      const full = typeof event.transcript === 'string' ? event.transcript : typeof event.text === 'string' ? event.text : undefined;
      // `.done` carries the authoritative text; after an interruption it may be empty, then keep what was heard.
      const text = full !== undefined && full.length > 0 ? full : entry.text;
      d.update(itemId, { text, status: 'final', textDone: true });
      break;
    }
    case 'response.output_item.done': {
      const item = rec(event.item);
      const itemId = str(item?.id);
      if (!item || !itemId) break;
      if (item.type === 'function_call') {
        d.skip(itemId, undefined);
        noteFunctionCall(d, str(item.name), str(item.call_id) ?? itemId);
        break;
      }
      const entry = d.entries[itemId];
      if (entry && entry.speaker === 'interviewer') {
        const t = itemTranscript(item);
        d.update(itemId, { text: !entry.textDone && t ? t : entry.text, status: 'final', textDone: true });
      }
      break;
    }
    case 'response.function_call_arguments.done': {
      const itemId = str(event.item_id);
      if (itemId) d.skip(itemId, undefined);
      noteFunctionCall(d, str(event.name), str(event.call_id) ?? itemId ?? 'call');
      break;
    }
    case 'response.done': {
      const response = rec(event.response);
      const output = Array.isArray(response?.output) ? response!.output : [];
      for (const raw of output) {
        const item = rec(raw);
        if (!item) continue;
        const itemId = str(item.id);
        if (item.type === 'function_call') {
          if (itemId) d.skip(itemId, undefined);
          noteFunctionCall(d, str(item.name), str(item.call_id) ?? itemId ?? 'call');
        } else if (itemId && d.entries[itemId]?.speaker === 'interviewer') {
          const entry = d.entries[itemId]!;
          const t = itemTranscript(item);
          d.update(itemId, { text: !entry.textDone && t ? t : entry.text, status: 'final', textDone: true });
        }
      }
      // Entries of this response still in progress (cancelled before any .done) end here with what was heard.
      const responseId = str(response?.id);
      if (responseId) {
        for (const e of Object.values(d.entries)) {
          if (e.responseId === responseId && e.status === 'in_progress') d.update(e.itemId, { status: 'final', textDone: true });
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
}

/** Marks every in-progress entry final (a candidate turn that never got its transcription is marked failed). */
export function finalizeAll(state: TranscriptState, entryId: EntryIdFn): ReduceResult {
  const d = new Draft(state, 0, entryId);
  for (const e of Object.values(state.entries)) {
    if (e.status !== 'in_progress') continue;
    const failed = e.speaker === 'candidate' && e.text.trim() === '';
    d.update(e.itemId, { status: failed ? 'failed' : 'final', textDone: true });
  }
  return d.finish();
}
