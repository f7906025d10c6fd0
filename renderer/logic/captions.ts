// Captions of the interviewer's words AS HEARD. PURE: (state, event, now) → state; heardText(state, itemId, now).
//
// Why a pace and not the transcript deltas: the service generates the transcript (response.output_audio_transcript
// .delta) seconds ahead of the audio ("The server will produce audio faster than realtime", openapi.yaml
// RealtimeClientEventConversationItemTruncate), and over WebRTC the audio itself never reaches the data channel, so
// the page cannot tell which word is playing. What it does know: when the response's audio started
// (output_audio_buffer.started), when it ended (…stopped: all of it was heard) or was cut (…cleared /
// conversation.item.truncated: the server then cuts the item's transcript to the heard part, which main stores).
// So a line is revealed at a speaking rate slower than any voice the service offers (CAPTION_CHARS_PER_SECOND,
// the same floor the goodbye wait in ../call/interview-call.ts relies on), a little behind the audio
// (CAPTION_LAG_MS: the jitter buffer plays later than the server sends), whole words only. A cut freezes the
// reveal where it is; the stored heard text (marked interrupted) then replaces it. Captions therefore lag the
// voice slightly but never show a word before it was spoken. The clock the caller passes is the call's audio
// clock (renderer/call/interview-call.ts audioClockMs: interviewer audio actually played out), not wall time, so
// a stall in the audio stops the reveal too.

export const CAPTION_CHARS_PER_SECOND = 10;
export const CAPTION_LAG_MS = 300;

interface CaptionLine {
  itemId: string;
  responseId: string | null;
  /** The generated text so far (runs ahead of the audio). */
  text: string;
}

interface ResponseAudio {
  /** When its audio began playing (caller's clock, ms); null = not yet. */
  startedAt: number | null;
  /** Played to its end: every word was heard. */
  heardAll: boolean;
  /** Cut (barge-in, clear): the reveal stopped at this many characters of the response's lines. */
  cutAtChars: number | null;
}

export interface CaptionState {
  readonly lines: ReadonlyMap<string, CaptionLine>;
  /** Items of each response, in the order they were announced. */
  readonly byResponse: ReadonlyMap<string, readonly string[]>;
  readonly audio: ReadonlyMap<string, ResponseAudio>;
  /** The interviewer's latest line (the caption box shows it). */
  readonly current: string | null;
}

export const initialCaptionState: CaptionState = { lines: new Map(), byResponse: new Map(), audio: new Map(), current: null };

type Event = { type: string } & Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Characters of a response's audio played by `now` at the caption pace (before any cut or end). */
function pacedChars(audio: ResponseAudio, now: number): number {
  if (audio.startedAt === null) return 0;
  return Math.max(0, Math.floor(((now - audio.startedAt - CAPTION_LAG_MS) * CAPTION_CHARS_PER_SECOND) / 1000));
}

function budgetOf(audio: ResponseAudio | undefined, now: number): number {
  if (!audio) return 0;
  if (audio.cutAtChars !== null) return audio.cutAtChars;
  if (audio.heardAll) return Number.POSITIVE_INFINITY;
  return pacedChars(audio, now);
}

function withLine(state: CaptionState, itemId: string, responseId: string | null, patch: (line: CaptionLine) => CaptionLine): CaptionState {
  const existing = state.lines.get(itemId) ?? { itemId, responseId, text: '' };
  const lines = new Map(state.lines);
  lines.set(itemId, patch(existing.responseId === null && responseId ? { ...existing, responseId } : existing));
  let byResponse = state.byResponse;
  const rid = responseId ?? existing.responseId;
  if (rid && !(state.byResponse.get(rid) ?? []).includes(itemId)) {
    const next = new Map(state.byResponse);
    next.set(rid, [...(state.byResponse.get(rid) ?? []), itemId]);
    byResponse = next;
  }
  return { ...state, lines, byResponse, current: itemId };
}

function withAudio(state: CaptionState, responseId: string, patch: (a: ResponseAudio) => ResponseAudio): CaptionState {
  const before = state.audio.get(responseId) ?? { startedAt: null, heardAll: false, cutAtChars: null };
  const after = patch(before);
  if (after === before) return state;
  const audio = new Map(state.audio);
  audio.set(responseId, after);
  return { ...state, audio };
}

/** Freezes a response's reveal where it stands now (its audio was cut). */
function cut(state: CaptionState, responseId: string, now: number): CaptionState {
  return withAudio(state, responseId, (a) => (a.cutAtChars !== null || a.heardAll ? a : { ...a, cutAtChars: pacedChars(a, now) }));
}

export function reduceCaptions(state: CaptionState, event: Event, now: number): CaptionState {
  switch (event.type) {
    case 'response.output_item.added': {
      const item = event.item as { id?: unknown; type?: unknown; role?: unknown } | undefined;
      const itemId = str(item?.id);
      if (!itemId || item?.type !== 'message' || (item.role !== undefined && item.role !== 'assistant')) return state;
      return withLine(state, itemId, str(event.response_id), (l) => l);
    }
    case 'response.output_audio_transcript.delta': {
      const itemId = str(event.item_id);
      const delta = typeof event.delta === 'string' ? event.delta : '';
      if (!itemId || !delta) return state;
      return withLine(state, itemId, str(event.response_id), (l) => ({ ...l, text: l.text + delta }));
    }
    case 'response.output_audio_transcript.done': {
      const itemId = str(event.item_id);
      const transcript = typeof event.transcript === 'string' ? event.transcript : null;
      if (!itemId || !transcript) return state;
      return withLine(state, itemId, str(event.response_id), (l) => ({ ...l, text: transcript }));
    }
    case 'output_audio_buffer.started': {
      const rid = str(event.response_id);
      return rid ? withAudio(state, rid, (a) => (a.startedAt !== null ? a : { ...a, startedAt: now })) : state;
    }
    case 'output_audio_buffer.stopped': {
      const rid = str(event.response_id);
      return rid ? withAudio(state, rid, (a) => (a.heardAll || a.cutAtChars !== null ? a : { ...a, heardAll: true })) : state;
    }
    case 'output_audio_buffer.cleared': {
      const rid = str(event.response_id);
      return rid ? cut(state, rid, now) : state;
    }
    case 'conversation.item.truncated': {
      const itemId = str(event.item_id);
      const rid = itemId ? state.lines.get(itemId)?.responseId : null;
      return rid ? cut(state, rid, now) : state;
    }
    default:
      return state;
  }
}

/** Whole words of `text` within `chars` characters. */
function wholeWords(text: string, chars: number): string {
  if (chars >= text.length) return text;
  if (chars <= 0) return '';
  // A word counts only when all of it fits, and the space after it too (so "interview" is not shown as "inter").
  const head = text.slice(0, chars + 1);
  const lastSpace = head.search(/\s\S*$/);
  return lastSpace <= 0 ? '' : text.slice(0, lastSpace).trimEnd();
}

/**
 * What the candidate has heard of an interviewer item by `now`, or null when this page never saw the item being
 * spoken (restored history: its stored text is what was heard).
 */
export function heardSoFar(state: CaptionState, itemId: string, now: number): string | null {
  const line = state.lines.get(itemId);
  if (!line) return null;
  const rid = line.responseId;
  const audio = rid ? state.audio.get(rid) : undefined;
  let budget = budgetOf(audio, now);
  // Earlier items of the same response play first.
  for (const other of (rid ? state.byResponse.get(rid) : undefined) ?? [itemId]) {
    if (other === itemId) break;
    budget -= (state.lines.get(other)?.text.length ?? 0) + 1;
  }
  return wholeWords(line.text, budget);
}

/** True while some line is still being revealed (the screen then re-renders on a short timer). */
export function revealing(state: CaptionState): boolean {
  for (const a of state.audio.values()) if (a.startedAt !== null && !a.heardAll && a.cutAtChars === null) return true;
  return false;
}

/**
 * The text to show for a transcript entry: the stored text, but an interviewer line this page is playing shows
 * only what was heard so far. A stored interrupted line (the server's heard part) is shown as stored.
 */
export function shownEntryText(state: CaptionState, entry: { itemId: string; speaker: string; text: string }, interrupted: boolean, now: number): string {
  if (entry.speaker !== 'interviewer' || interrupted) return entry.text;
  const heard = heardSoFar(state, entry.itemId, now);
  if (heard === null) return entry.text;
  // The stored text may lag the deltas this page has seen; never show more than either.
  return heard.length <= entry.text.length ? heard : wholeWords(entry.text, heard.length);
}
