// One emulated Realtime session: the data-channel protocol (GA events as in openapi.yaml's Realtime client/server event schemas), the
// conversation, server VAD turns and the scripted interviewer. No WebRTC here: the peer glue (peer.ts) feeds
// it data-channel messages and decoded audio levels, and gives it ports to send events and play clips, so the
// whole state machine runs under unit tests with fake ports.
import { ApiErrorException, betaDisabled, invalid, type ApiError } from './errors';
import { Conversation, normaliseClientItem } from './conversation';
import { newId } from './ids';
import type { EventFields, RealtimeServerEvent } from './server-event-types';
import { asideFor, heardText, lineFor, linesFor, readPersona, type Persona } from './interviewer';
import { clipForStep, isClosingStep, loopClip, transcriptPieces, type Clip } from './script';
import {
  isObject, mergeSession, validateMaxOutputTokens, validateOutputModalities, validateReasoning, validateSessionPatch, validateToolChoice, viewSession,
  type Json, type JsonObject, type SessionView,
} from './session';
import { EnergyVad } from './vad';

/** Largest data-channel message accepted (UTF-8 bytes). Larger ones get `error` code `message_too_large`. */
export const MAX_EVENT_BYTES = 1024 * 1024;

export interface CallFaults {
  transcriptionAfterResponse?: boolean;
  transcriptionFailure?: boolean;
  /** The next N responses end `failed` (rate limit) with no output (openai-python #2502:
   * status_details.error.code `inference_rate_limit_exceeded`). */
  failResponses?: number;
  /** The next N responses end `incomplete` (`max_output_tokens`) after half their text and audio. */
  incompleteResponses?: number;
  /** The next N responses come back as text only in an audio session (a silence seen after text history was replayed). */
  textOnlyResponses?: number;
  /** The next N closing responses are cancelled after their end_session call began: the call item ends
   * `incomplete` (spec: function_call_arguments.done / output_item.done are also sent for cancelled responses). */
  cancelEndSession?: number;
  /** Minimum audio length (ms) of the line at a script step: the clip is looped (a long goodbye, a long question). */
  lineAudioMs?: Record<number, number>;
}

export interface CallPorts {
  send(event: JsonObject): void;
  /** Start sending a clip as paced RTP; call onEnd when its last packet has gone out. */
  playClip(clip: Clip, onEnd: () => void): void;
  stopAudio(): void;
  /** Milliseconds of the current clip sent so far (what the client has been played). */
  playedMs(): number;
  /** The call logic wants the call torn down (session limit). */
  close(reason: string): void;
  log(line: string): void;
}

export interface CallOptions {
  id: string;
  session: JsonObject; // full config incl. object/id/expires_at
  clips: Clip[];
  /** The candidate's scripted words per turn: a string, or the words of each stretch of speech (separated by
   * thinking pauses), joined with spaces into the turn's transcript. */
  userTranscripts?: UserTranscript[];
  faults: () => CallFaults;
  ports: CallPorts;
}

export type UserTranscript = string | string[];

/** The words of a scripted turn after `stretches` stretches of speech (a string is heard whole from its first). */
export function heardSoFar(script: UserTranscript, stretches: number): string {
  return typeof script === 'string' ? script : script.slice(0, Math.max(1, stretches)).join(' ');
}

/** How a response ends, chosen when it starts (fault injection) or by what happens to it. */
type Outcome = 'completed' | 'failed' | 'incomplete' | 'text_only' | 'cancel_end_session';

/** One response as the emulator reports it (a test hook, not part of the OpenAI surface). */
export interface ResponseRecord {
  id: string;
  /** Its assistant message item (null for a failed response: no output). */
  itemId: string | null;
  step: number;
  /** The instructions in effect for this response: the session's, or the response.create override. */
  instructions: string;
  text: string;
  outcome: Outcome;
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';
  /** What the candidate heard after a truncation (null: not truncated). */
  heard: string | null;
  /** The voice it was spoken in: the session's `audio.output.voice`, or the response.create override's (a custom
   * voice `{id}` as its id). */
  voice: string;
}

/** A voice value as a name: a built-in voice, or a custom voice's id. */
export function voiceName(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.id === 'string') return v.id;
  return JSON.stringify(v);
}

interface ResponseRun {
  id: string;
  itemId: string;
  modality: 'audio' | 'text';
  clip: Clip;
  text: string;
  record: ResponseRecord;
  pieces: string[];
  sent: string; // transcript/text delivered so far
  previousItemId: string | null;
  withEndSession: boolean;
  done: boolean;
  audioEnded: boolean;
  timers: Set<NodeJS.Timeout>;
  /** Its audio was cut (barge-in / clear): no output_audio_buffer.stopped follows. */
  cleared?: boolean;
  /** The closing response's end_session call was cancelled (fault injection). */
  cancelledCall?: boolean;
  /** Audio cut while still generating: truncate the item here once its text is complete. */
  cutAtMs?: number;
  metadata: Json;
  maxOutputTokens: Json;
  outOfBand: boolean; // response.conversation 'none': not added to the conversation
}

interface PendingTranscript {
  itemId: string;
  text: string;
}

const CLIENT_EVENTS = [
  'session.update', 'conversation.item.create', 'conversation.item.delete', 'conversation.item.retrieve', 'conversation.item.truncate',
  'response.create', 'response.cancel', 'output_audio_buffer.clear', 'input_audio_buffer.commit', 'input_audio_buffer.clear',
  'input_audio_buffer.append',
];

export class RealtimeCall {
  readonly id: string;
  session: JsonObject;
  private view: SessionView;
  readonly conversation = new Conversation();
  readonly conversationId = newId('conv_');
  readonly events: { direction: 'in' | 'out'; type: string; at: number }[] = [];
  userTurns = 0;
  replayedItems = 0;
  /** Items the client created (history replay, system notes), role and text: what context the call was given. */
  readonly context: { id: string; role: string; text: string }[] = [];
  /** Script step of the first response after a replay; null without a replay (or before any response). */
  resumedAtStep: number | null = null;
  /** Each response's script step and line, in order (responses that count as said). */
  readonly spoken: { step: number; text: string }[] = [];
  /** Every response with the instructions in effect for it (test hook). */
  readonly responses: ResponseRecord[] = [];
  /** Assistant items that do not count as said (failed, incomplete, text-only): the script does not move on. */
  private readonly unsaid = new Set<string>();
  /** The latest system note the client added since the last response (a control note may make it an aside). */
  private pendingNote: string | null = null;
  /** After a replay the candidate's next turn answers the question at the resumed step (userTranscripts index). */
  private userTurnOffset = 0;
  private active: ResponseRun | null = null;
  private playing: ResponseRun | null = null;
  private lastResponseId: string | null = null;
  private audioOutputStarted = false;
  private readonly vad: EnergyVad;
  private turn: { itemId: string; startMs: number } | null = null;
  private heldTranscripts: PendingTranscript[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly audioDurations = new Map<string, number>(); // assistant item id → ms of audio spoken
  private closed = false;

  constructor(private readonly opts: CallOptions) {
    this.id = opts.id;
    this.session = opts.session;
    this.view = viewSession(this.session);
    const td = this.view.turnDetection;
    this.vad = new EnergyVad(
      { threshold: td?.threshold ?? 0.5, prefixPaddingMs: td?.prefixPaddingMs ?? 300, turnEnd: td?.turnEnd ?? { type: 'server_vad', silenceDurationMs: 500 } },
      (stretches) => {
        // The words the emulated recogniser has heard in the turn in progress (the scripted text; null if none).
        const script = this.opts.userTranscripts?.[this.userTurnOffset + this.userTurns];
        return script === undefined ? null : heardSoFar(script, stretches);
      },
    );
  }

  /** Next script step the interviewer will speak. */
  get scriptStep(): number {
    const afterSpoken = this.spoken.length > 0 ? this.spoken[this.spoken.length - 1]!.step + 1 : 0;
    // Asides (a repeated question, "take your time") are unsaid too: the script does not move on.
    return Math.max(this.conversation.assistantMessages(this.unsaid), this.stepsNamedInContext(), afterSpoken);
  }

  /** The persona the session instructions describe. */
  private get sessionPersona(): Persona {
    return readPersona(typeof this.session.instructions === 'string' ? this.session.instructions : '');
  }

  /**
   * A resumed call's context may summarise earlier turns instead of replaying each assistant line: a script line
   * quoted anywhere in the client-created items counts as asked, as a model reading the summary would know.
   */
  private stepsNamedInContext(): number {
    if (this.context.length === 0) return 0;
    // Letters and digits of any script: with only a-z, an Arabic line normalises to '' and "is in" every context.
    const norm = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const said = this.context.map((c) => norm(c.text)).join(' | ');
    let next = 0;
    linesFor(this.sessionPersona, this.opts.clips).forEach((line, i) => {
      const l = norm(line);
      if (l !== '' && said.includes(l)) next = Math.max(next, i + 1);
    });
    return next;
  }

  get hasActiveResponse(): boolean {
    return this.active !== null;
  }

  // ---------------------------------------------------------------- outbound

  /** Every event is written as OpenAI's own server event type (the `openai` package), so the compiler checks the
   * emulator's event names and fields against the real service's; values stay JSON (items are built from JSON). */
  private send<T extends RealtimeServerEvent['type']>(type: T, fields: EventFields<T> = {} as EventFields<T>): void {
    if (this.closed) return;
    this.events.push({ direction: 'out', type, at: Date.now() });
    this.opts.ports.send({ type, event_id: newId('event_'), ...fields });
  }

  private sendError(error: ApiError, clientEventId: string | null): void {
    this.send('error', { error: { type: error.type, code: error.code, message: error.message, param: error.param, event_id: clientEventId } });
  }

  private later(ms: number, fn: () => void, bag: Set<NodeJS.Timeout> = this.timers): NodeJS.Timeout {
    const t = setTimeout(() => {
      bag.delete(t);
      if (!this.closed) fn();
    }, ms);
    bag.add(t);
    return t;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Data channel open: the first server event is session.created. */
  onOpen(): void {
    this.send('session.created', { session: this.session });
  }

  /** Session limit reached: error session_expired, then the peer is torn down by the port. */
  expire(limitMs: number): void {
    const minutes = Math.round((limitMs / 60_000) * 100) / 100;
    this.sendError(
      { type: 'invalid_request_error', code: 'session_expired', message: `Your session hit the maximum duration of ${minutes} minutes.`, param: null },
      null,
    );
    this.opts.ports.close('session_expired');
  }

  dispose(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const run of [this.active, this.playing]) if (run) for (const t of run.timers) clearTimeout(t);
    this.opts.ports.stopAudio();
  }

  // ---------------------------------------------------------------- inbound events

  onMessage(data: string | Buffer): void {
    if (this.closed) return;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (size > MAX_EVENT_BYTES) {
      this.events.push({ direction: 'in', type: '(oversized)', at: Date.now() });
      this.sendError({ type: 'invalid_request_error', code: 'message_too_large', message: `Event of ${size} bytes exceeds the ${MAX_EVENT_BYTES}-byte limit.`, param: null }, null);
      return;
    }
    if (typeof data !== 'string') {
      this.events.push({ direction: 'in', type: '(binary)', at: Date.now() });
      this.sendError({ type: 'invalid_request_error', code: 'invalid_value', message: 'Binary data-channel messages are not supported; send each event as JSON text.', param: null }, null);
      return;
    }
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch (e) {
      this.events.push({ direction: 'in', type: '(invalid json)', at: Date.now() });
      this.sendError({ type: 'invalid_request_error', code: 'invalid_json', message: `The event is not valid JSON: ${(e as Error).message}`, param: null }, null);
      return;
    }
    const clientEventId = isObject(event) && typeof event.event_id === 'string' ? event.event_id : null;
    try {
      if (!isObject(event)) throw invalid('invalid_type', 'Each event must be a JSON object.', null);
      if (typeof event.type !== 'string') throw invalid('missing_required_parameter', "Missing required parameter: 'type'.", 'type');
      this.events.push({ direction: 'in', type: event.type, at: Date.now() });
      if (event.event_id !== undefined && (typeof event.event_id !== 'string' || event.event_id.length > 512))
        throw invalid('invalid_value', "'event_id' must be a string of at most 512 characters.", 'event_id');
      this.dispatch(event);
    } catch (e) {
      if (e instanceof ApiErrorException) this.sendError(e.error, clientEventId);
      else {
        this.opts.ports.log(`call ${this.id}: internal error: ${(e as Error).stack ?? e}`);
        this.sendError({ type: 'server_error', code: null, message: 'The emulator failed to handle this event.', param: null }, clientEventId);
      }
    }
  }

  private dispatch(event: JsonObject): void {
    switch (event.type) {
      case 'session.update':
        return this.onSessionUpdate(event);
      case 'conversation.item.create':
        return this.onItemCreate(event);
      case 'conversation.item.delete':
        return this.onItemDelete(event);
      case 'conversation.item.retrieve':
        return this.onItemRetrieve(event);
      case 'conversation.item.truncate':
        return this.onItemTruncate(event);
      case 'response.create':
        return this.onResponseCreate(event);
      case 'response.cancel':
        return this.onResponseCancel(event);
      case 'output_audio_buffer.clear':
        return this.onOutputClear();
      case 'input_audio_buffer.clear':
        this.vad.reset();
        this.turn = null;
        return this.send('input_audio_buffer.cleared');
      case 'input_audio_buffer.commit':
        // Over WebRTC the emulator only turns audio into items through server VAD; a manual commit has nothing.
        throw invalid('input_audio_buffer_commit_empty', 'Error committing input audio buffer: buffer is empty (audio is turned into turns by server VAD here).', null);
      case 'input_audio_buffer.append':
        throw invalid('invalid_value', 'input_audio_buffer.append is not used over WebRTC: send audio on the media track.', 'type');
      default:
        throw invalid(
          'invalid_value',
          `Invalid value: '${String(event.type).slice(0, 100)}'. Supported values are: ${CLIENT_EVENTS.map((t) => `'${t}'`).join(', ')}.`,
          'type',
        );
    }
  }

  private onSessionUpdate(event: JsonObject): void {
    const patch = event.session;
    validateSessionPatch(patch, 'session');
    if (patch.model !== undefined && patch.model !== this.session.model)
      throw invalid('invalid_value', "Cannot update a session's model.", 'session.model');
    const merged = mergeSession(this.session, patch);
    const nextView = viewSession(merged);
    if (this.audioOutputStarted && JSON.stringify(nextView.voice) !== JSON.stringify(this.view.voice))
      throw invalid('cannot_update_voice', 'Cannot update a conversation\'s voice if assistant audio is present.', 'session.audio.output.voice');
    this.session = merged;
    this.view = nextView;
    const td = this.view.turnDetection;
    if (td) this.vad.params = { threshold: td.threshold, prefixPaddingMs: td.prefixPaddingMs, turnEnd: td.turnEnd };
    else {
      this.vad.reset();
      this.turn = null;
    }
    this.send('session.updated', { session: this.session });
  }

  private onItemCreate(event: JsonObject): void {
    const prev = event.previous_item_id;
    if (prev !== undefined && prev !== null && typeof prev !== 'string')
      throw invalid('invalid_type', "Invalid type for 'previous_item_id': expected a string.", 'previous_item_id');
    const item = normaliseClientItem(event.item, (id) => this.conversation.find(id) !== undefined);
    const previousItemId = this.conversation.insert(item, prev ?? undefined);
    this.replayedItems++;
    if (item.type === 'message' && Array.isArray(item.content)) {
      const text = item.content.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).join(' ');
      this.context.push({ id: String(item.id), role: String(item.role), text });
      // A user text item (a typed answer) is input like a spoken turn: it stays in the conversation and the next
      // response.create answers it (openapi.yaml RealtimeClientEventConversationItemCreate "add new items
      // mid-stream", RealtimeConversationItemUserMessage input_text; the server does not respond by itself: only
      // server VAD turns create responses on their own). A system note is read by the next response.
      if (item.role === 'system') this.pendingNote = text;
    }
    this.send('conversation.item.added', { previous_item_id: previousItemId, item });
    this.send('conversation.item.done', { previous_item_id: previousItemId, item });
  }

  private itemIdOf(event: JsonObject): string {
    if (typeof event.item_id !== 'string') throw invalid('missing_required_parameter', "Missing required parameter: 'item_id'.", 'item_id');
    if (!this.conversation.find(event.item_id)) throw invalid('invalid_value', `Item with id '${event.item_id}' not found.`, 'item_id');
    return event.item_id;
  }

  private onItemDelete(event: JsonObject): void {
    const id = this.itemIdOf(event);
    this.conversation.remove(id);
    this.send('conversation.item.deleted', { item_id: id });
  }

  private onItemRetrieve(event: JsonObject): void {
    const id = this.itemIdOf(event);
    this.send('conversation.item.retrieved', { item: this.conversation.find(id)! });
  }

  /**
   * Client truncation (WebSocket-style, also accepted over WebRTC): the item's audio ends at audio_end_ms and
   * its server-side transcript keeps only what fits (spec RealtimeClientEventConversationItemTruncate:
   * "Truncating audio will delete the server-side text transcript"; beyond the audio length → error).
   */
  private onItemTruncate(event: JsonObject): void {
    const id = this.itemIdOf(event);
    const item = this.conversation.find(id)!;
    if (item.role !== 'assistant') throw invalid('invalid_value', 'Only assistant messages can be truncated.', 'item_id');
    if (event.content_index !== 0) throw invalid('invalid_value', "'content_index' must be 0.", 'content_index');
    const end = event.audio_end_ms;
    const duration = this.audioDurations.get(id) ?? 0;
    if (typeof end !== 'number' || !Number.isInteger(end) || end < 0) throw invalid('invalid_value', "'audio_end_ms' must be a non-negative integer.", 'audio_end_ms');
    if (end > duration) throw invalid('invalid_value', `Audio content of ${duration}ms is already shorter than ${end}ms`, 'audio_end_ms');
    this.truncateItem(id, end);
  }

  private onResponseCreate(event: JsonObject): void {
    const r = event.response;
    if (r !== undefined && !isObject(r)) throw invalid('invalid_type', "Invalid type for 'response': expected an object.", 'response');
    const overrides: JsonObject = r ?? {};
    for (const key of ['modalities', 'voice', 'temperature', 'output_audio_format', 'max_response_output_tokens'])
      if (key in overrides) throw betaDisabled(`response.${key}`);
    // RealtimeResponseCreateParams (openapi.yaml): these fields and no others.
    const allowed = [
      'instructions', 'output_modalities', 'tools', 'tool_choice', 'max_output_tokens', 'conversation', 'metadata', 'input', 'audio', 'prompt',
      'reasoning', 'parallel_tool_calls',
    ];
    for (const key of Object.keys(overrides))
      if (!allowed.includes(key)) throw invalid('unknown_parameter', `Unknown parameter: 'response.${key}'.`, `response.${key}`);
    if (overrides.instructions !== undefined && typeof overrides.instructions !== 'string')
      throw invalid('invalid_type', "Invalid type for 'response.instructions': expected a string.", 'response.instructions');
    if (overrides.output_modalities !== undefined) validateOutputModalities(overrides.output_modalities, 'response.output_modalities');
    if (overrides.tool_choice !== undefined) validateToolChoice(overrides.tool_choice, 'response.tool_choice');
    if (overrides.max_output_tokens !== undefined) validateMaxOutputTokens(overrides.max_output_tokens, 'response.max_output_tokens');
    if (overrides.reasoning !== undefined) validateReasoning(overrides.reasoning, 'response.reasoning');
    if (overrides.parallel_tool_calls !== undefined && typeof overrides.parallel_tool_calls !== 'boolean')
      throw invalid('invalid_type', "Invalid type for 'response.parallel_tool_calls': expected a boolean.", 'response.parallel_tool_calls');
    if (overrides.tools !== undefined && !Array.isArray(overrides.tools)) throw invalid('invalid_type', "Invalid type for 'response.tools': expected an array.", 'response.tools');
    if (overrides.conversation !== undefined && overrides.conversation !== 'auto' && overrides.conversation !== 'none')
      throw invalid('invalid_value', "Invalid value for 'response.conversation': expected 'auto' or 'none'.", 'response.conversation');
    if (overrides.input !== undefined && !Array.isArray(overrides.input)) throw invalid('invalid_type', "Invalid type for 'response.input': expected an array.", 'response.input');
    if (this.active)
      throw invalid(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${this.active.id}. Wait until the response is finished before creating a new one.`,
        null,
      );
    this.startResponse(overrides);
  }

  private onResponseCancel(event: JsonObject): void {
    const wanted = event.response_id;
    if (!this.active || (typeof wanted === 'string' && wanted !== this.active.id))
      throw invalid('response_cancel_not_active', 'Cancellation failed: no active response found.', null);
    this.cancelActive('client_cancelled');
  }

  /** output_audio_buffer.clear (WebRTC/SIP only): cut playback → output_audio_buffer.cleared (spec
   * RealtimeClientEventOutputAudioBufferClear); the server owns the buffer, so it truncates the item at the cut. */
  private onOutputClear(): void {
    const run = this.playing;
    if (run) this.cutPlayback(run);
    else this.send('output_audio_buffer.cleared', { response_id: this.lastResponseId });
  }

  // ---------------------------------------------------------------- candidate audio → user turns

  /** One decoded 20 ms frame of candidate audio: its RMS level and position on the call's audio clock. */
  onAudioFrame(level: number, startMs: number, durationMs: number): void {
    if (this.closed || !this.view.turnDetection) return;
    for (const ev of this.vad.push(level, startMs, durationMs)) {
      if (ev.type === 'speech_started') this.onSpeechStarted(ev.audioStartMs);
      else this.onSpeechStopped(ev.audioEndMs);
    }
  }

  /**
   * Barge-in (interrupt_response): a response still generating ends `cancelled`/`turn_detected`; audio still
   * playing is cleared (`output_audio_buffer.cleared`, spec RealtimeServerEventOutputAudioBufferCleared: "in VAD
   * mode when the user has interrupted") and the item truncated to what was played (`conversation.item.truncated`
   * with the heard audio_end_ms, which the Agents SDK then retrieves: openaiRealtimeBase.ts).
   */
  private onSpeechStarted(audioStartMs: number): void {
    const itemId = newId('item_');
    this.turn = { itemId, startMs: audioStartMs };
    this.send('input_audio_buffer.speech_started', { audio_start_ms: audioStartMs, item_id: itemId });
    if (!this.view.turnDetection?.interruptResponse) return;
    if (this.active) this.cancelActive('turn_detected');
    if (this.playing) this.cutPlayback(this.playing);
  }

  private onSpeechStopped(audioEndMs: number): void {
    const turn = this.turn;
    if (!turn) return;
    this.turn = null;
    this.send('input_audio_buffer.speech_stopped', { audio_end_ms: audioEndMs, item_id: turn.itemId });
    const previousItemId = this.conversation.lastId;
    this.send('input_audio_buffer.committed', { previous_item_id: previousItemId, item_id: turn.itemId });
    const item: JsonObject = {
      id: turn.itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    this.conversation.insert(item);
    this.send('conversation.item.added', { previous_item_id: previousItemId, item });
    this.send('conversation.item.done', { previous_item_id: previousItemId, item });
    const turnIndex = this.userTurnOffset + this.userTurns++;
    if (this.view.transcriptionEnabled) {
      const seconds = Math.max(0, audioEndMs - turn.startMs) / 1000;
      const script = this.opts.userTranscripts?.[turnIndex];
      const text = script === undefined ? `(practice answer, ${seconds.toFixed(1)} seconds)` : heardSoFar(script, Infinity);
      const pending = { itemId: turn.itemId, text };
      if (this.opts.faults().transcriptionAfterResponse) this.heldTranscripts.push(pending);
      else this.later(150, () => this.deliverTranscript(pending)); // asynchronous, like the real ASR
    }
    if (this.view.turnDetection?.createResponse && !this.active) this.startResponse({});
  }

  private deliverTranscript(p: PendingTranscript): void {
    const item = this.conversation.find(p.itemId);
    if (this.opts.faults().transcriptionFailure) {
      this.send('conversation.item.input_audio_transcription.failed', {
        item_id: p.itemId, content_index: 0,
        error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'Audio could not be transcribed (fault injected by the emulator).', param: null },
      });
      return;
    }
    for (const delta of transcriptPieces(p.text, 3))
      this.send('conversation.item.input_audio_transcription.delta', { item_id: p.itemId, content_index: 0, delta });
    if (item && Array.isArray(item.content) && isObject(item.content[0])) item.content[0].transcript = p.text;
    const words = p.text.split(/\s+/).filter(Boolean).length;
    this.send('conversation.item.input_audio_transcription.completed', {
      item_id: p.itemId, content_index: 0, transcript: p.text, logprobs: null,
      usage: { type: 'tokens', total_tokens: words * 2 + 10, input_tokens: words + 10, output_tokens: words },
    });
  }

  // ---------------------------------------------------------------- assistant responses

  /** Takes one pending fault of a kind (counts down), so each injected fault hits exactly N responses. */
  private takeFault(key: 'failResponses' | 'incompleteResponses' | 'textOnlyResponses' | 'cancelEndSession'): boolean {
    const faults = this.opts.faults();
    const n = faults[key] ?? 0;
    if (n <= 0) return false;
    faults[key] = n - 1;
    return true;
  }

  private startResponse(overrides: JsonObject): void {
    const step = this.scriptStep;
    const inConversation = overrides.conversation !== 'none'; // out-of-band responses do not move the script on
    if (inConversation && this.resumedAtStep === null && this.replayedItems > 0 && this.spoken.length === 0) {
      this.resumedAtStep = step;
      if (this.userTurns === 0) this.userTurnOffset = step;
    }
    // The instructions in effect: a response.create override REPLACES the session's for this response
    // (openapi.yaml RealtimeClientEventResponseCreate: "they will override the Session's configuration for this Response only").
    const instructions = typeof overrides.instructions === 'string' ? overrides.instructions : String(this.session.instructions ?? '');
    const persona = readPersona(instructions);
    const note = inConversation ? this.pendingNote : null;
    if (inConversation) this.pendingNote = null;
    const lastStep = this.spoken.at(-1)?.step ?? Math.max(0, step - 1);
    const aside = note === null ? null : asideFor(note, this.spoken.at(-1)?.text ?? lineFor(lastStep, persona, this.opts.clips));
    const line = aside ?? lineFor(step, persona, this.opts.clips);
    // An aside speaks with the last question's clip (its words differ from the text, as every clip's do).
    const baseClip = clipForStep(this.opts.clips, aside === null ? step : lastStep);
    const minAudioMs = this.opts.faults().lineAudioMs?.[Math.min(step, this.opts.clips.length - 1)] ?? 0;
    const clip = minAudioMs > baseClip.durationMs ? loopClip(baseClip, minAudioMs) : baseClip;
    // A longer line says more: its transcript repeats as often as its audio does (the service's transcript is
    // of the audio it speaks, so its length follows the audio's).
    const repeats = Math.max(1, Math.round(clip.packets.length / Math.max(1, baseClip.packets.length)));
    const text = Array.from({ length: repeats }, () => line).join(' ');
    const tools = Array.isArray(overrides.tools) ? overrides.tools.filter(isObject).map((t) => String(t.name)) : this.view.toolNames;
    const toolChoice = overrides.tool_choice ?? this.view.toolChoice;
    const withEndSession = aside === null && isClosingStep(this.opts.clips, step) && tools.includes('end_session') && toolChoice !== 'none';
    let outcome: Outcome = 'completed';
    if (this.takeFault('failResponses')) outcome = 'failed';
    else if (this.takeFault('incompleteResponses')) outcome = 'incomplete';
    else if (this.takeFault('textOnlyResponses')) outcome = 'text_only';
    else if (withEndSession && this.takeFault('cancelEndSession')) outcome = 'cancel_end_session';
    const requested = overrides.output_modalities !== undefined ? ((overrides.output_modalities as string[])[0] as 'audio' | 'text') : this.view.outputModalities;
    const modality = outcome === 'text_only' ? 'text' : requested;
    const counts = inConversation && aside === null && (outcome === 'completed' || outcome === 'cancel_end_session');
    if (counts) this.spoken.push({ step, text });
    const itemId = newId('item_');
    if (aside !== null) this.unsaid.add(itemId);
    const overrideVoice = isObject(overrides.audio) && isObject(overrides.audio.output) ? overrides.audio.output.voice : undefined;
    const voice = voiceName(overrideVoice ?? this.view.voice);
    const record: ResponseRecord = { id: newId('resp_'), itemId: outcome === 'failed' ? null : itemId, step, instructions, text, outcome, status: 'in_progress', heard: null, voice };
    this.responses.push(record);
    const run: ResponseRun = {
      id: record.id, itemId, modality, clip, text, record, pieces: transcriptPieces(text), sent: '', previousItemId: null,
      withEndSession, done: false, audioEnded: modality !== 'audio', timers: new Set(),
      metadata: overrides.metadata ?? null, maxOutputTokens: overrides.max_output_tokens ?? this.session.max_output_tokens ?? 'inf',
      outOfBand: !inConversation,
    };
    this.active = run;
    this.lastResponseId = run.id;
    this.send('response.created', { response: this.responseObject(run, 'in_progress', null, []) });
    // "Emitted at the beginning of a Response" (spec RealtimeServerEventRateLimitsUpdated).
    this.send('rate_limits.updated', {
      rate_limits: [
        { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
        { name: 'tokens', limit: 400_000, remaining: 400_000 - 1200, reset_seconds: 0.18 },
      ],
    });
    if (outcome === 'failed') {
      // No output at all: the interviewer is silent unless the client reads status and retries (openai-python #2502).
      this.later(80, () => this.finishResponse(run, 'failed', null), run.timers);
      return;
    }
    if (outcome !== 'completed' && outcome !== 'cancel_end_session') this.unsaid.add(run.itemId);
    const item: JsonObject = { id: run.itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    if (!run.outOfBand) run.previousItemId = this.conversation.insert(item);
    this.send('response.output_item.added', { response_id: run.id, output_index: 0, item });
    if (!run.outOfBand) this.send('conversation.item.added', { previous_item_id: run.previousItemId, item });
    const ids = { response_id: run.id, item_id: run.itemId, output_index: 0, content_index: 0 };
    // An incomplete response stops generating half way (max_output_tokens).
    const generated = outcome === 'incomplete' ? run.pieces.slice(0, Math.max(1, Math.ceil(run.pieces.length / 2))) : run.pieces;
    const deltaType = modality === 'audio' ? 'response.output_audio_transcript.delta' : 'response.output_text.delta';
    if (modality === 'audio') {
      this.send('response.content_part.added', { ...ids, part: { type: 'audio', transcript: '' } });
      this.audioOutputStarted = true;
      this.playing = run;
      this.send('output_audio_buffer.started', { response_id: run.id });
      // An incomplete response has audio only for what was generated.
      if (outcome === 'incomplete') run.clip = cutClip(clip, (clip.durationMs * generated.length) / Math.max(1, run.pieces.length));
      this.opts.ports.playClip(run.clip, () => this.onClipEnded(run));
    } else {
      this.send('response.content_part.added', { ...ids, part: { type: 'text', text: '' } });
    }
    // Text runs ahead of audio (spec RealtimeClientEventConversationItemTruncate: "The
    // server will produce audio faster than realtime"): transcript deltas, the .done events, the function call and
    // response.done arrive as generated, well before the paced audio has played.
    const end = (): void => {
      if (outcome === 'incomplete') this.finishResponse(run, 'incomplete', 'max_output_tokens');
      else if (outcome === 'cancel_end_session') this.cancelEndSessionCall(run);
      else this.finishResponse(run, 'completed', null);
    };
    // Each timer sends every piece due up to its own, in order: Node makes no promise about the order in which
    // separate timers fire (timers docs: "no guarantees about the exact timing … nor of their ordering"; on a busy
    // host a timer list armed earlier for another duration runs first), and the service sends a response's deltas
    // in order. A timer whose pieces already went out sends nothing.
    let next = 0;
    const sendUpTo = (last: number): void => {
      while (next <= last) {
        const piece = generated[next++]!;
        run.sent += piece;
        this.send(deltaType, { ...ids, delta: piece });
        if (next === generated.length) end();
      }
    };
    generated.forEach((_, i) => this.later(GENERATION_MS_PER_PIECE * (i + 1), () => sendUpTo(i), run.timers));
    if (generated.length === 0) this.later(0, end, run.timers);
  }

  private onClipEnded(run: ResponseRun): void {
    if (this.playing === run) this.playing = null;
    if (run.audioEnded) return;
    run.audioEnded = true;
    // output_audio_buffer.stopped: "emitted after the full response data has been sent to the client
    // (response.done)" (spec RealtimeServerEventOutputAudioBufferStopped); if the response is still open it is
    // sent from finishResponse.
    if (run.done) this.send('output_audio_buffer.stopped', { response_id: run.id });
  }

  /** Stops the audio of a run where it is, clears the buffer and truncates its item to what was played. */
  private cutPlayback(run: ResponseRun): void {
    const played = Math.min(run.clip.durationMs, Math.max(0, Math.round(this.opts.ports.playedMs())));
    this.opts.ports.stopAudio();
    if (this.playing === run) this.playing = null;
    run.audioEnded = true;
    run.cleared = true;
    this.send('output_audio_buffer.cleared', { response_id: run.id });
    if (run.outOfBand) return;
    // Still generating (a clear without response.cancel): its item is truncated once its text is complete.
    if (!run.done) run.cutAtMs = played;
    else if (this.conversation.find(run.itemId)) this.truncateItem(run.itemId, played);
  }

  /** The item's audio ends at `audioEndMs`; its server-side transcript keeps only the heard words. */
  private truncateItem(itemId: string, audioEndMs: number): void {
    const item = this.conversation.find(itemId);
    const total = this.audioDurations.get(itemId) ?? 0;
    this.audioDurations.set(itemId, Math.min(total, audioEndMs));
    if (item && Array.isArray(item.content)) {
      const part = item.content[0];
      if (isObject(part) && typeof part.transcript === 'string') {
        part.transcript = heardText(part.transcript, audioEndMs, total);
        const run = this.runs.get(itemId);
        if (run) run.record.heard = part.transcript;
        // Truncation keeps only what was heard in the model's context (openai-node ConversationItemTruncateEvent:
        // "will delete the server-side text transcript to ensure there is not text in the context that hasn't been
        // heard by the user"). A line cut before its first word
        // leaves nothing there: the model does not know it spoke, so its script step is still to come (a greeting
        // the candidate talked over from its first instant is given again, not skipped).
        if (part.transcript.trim() === '') {
          this.unsaid.add(itemId);
          const at = run ? this.spoken.findLastIndex((x) => x.step === run.record.step && x.text === run.record.text) : -1;
          if (at >= 0) this.spoken.splice(at, 1);
        }
      }
    }
    this.send('conversation.item.truncated', { item_id: itemId, content_index: 0, audio_end_ms: audioEndMs });
  }

  private readonly runs = new Map<string, ResponseRun>(); // assistant item id → its response (for truncation)

  private cancelActive(reason: 'turn_detected' | 'client_cancelled'): void {
    const run = this.active;
    if (!run) return;
    for (const t of run.timers) clearTimeout(t);
    run.timers.clear();
    this.finishResponse(run, 'cancelled', reason);
    if (reason === 'client_cancelled' && this.playing === run) {
      // response.cancel stops generation, not playback: the audio generated so far still plays out
      // (espressif/esp-webrtc-solution #20; spec: output_audio_buffer.clear "should be
      // preceded by a response.cancel"). Here generation and audio share one clip: stop where the text stopped.
      const generatedMs = run.pieces.length === 0 ? 0 : (run.clip.durationMs * run.sent.length) / Math.max(1, run.text.length);
      const rest = Math.max(0, generatedMs - this.opts.ports.playedMs());
      this.later(rest, () => {
        if (this.playing !== run) return;
        this.opts.ports.stopAudio();
        this.onClipEnded(run);
      });
    }
  }

  /** The closing response is cancelled after its end_session call began: the call item ends incomplete. */
  private cancelEndSessionCall(run: ResponseRun): void {
    run.cancelledCall = true;
    this.finishResponse(run, 'cancelled', 'turn_detected');
    if (this.playing === run) this.cutPlayback(run);
  }

  private finishResponse(run: ResponseRun, status: 'completed' | 'cancelled' | 'failed' | 'incomplete', reason: string | null): void {
    if (run.done) return;
    run.done = true;
    run.record.status = status;
    if (this.active === run) this.active = null;
    const output: JsonObject[] = [];
    if (status !== 'failed') {
      const ids = { response_id: run.id, item_id: run.itemId, output_index: 0, content_index: 0 };
      const text = status === 'completed' ? run.text : run.sent;
      const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
      let content: JsonObject;
      if (run.modality === 'audio') {
        this.send('response.output_audio.done', ids);
        this.send('response.output_audio_transcript.done', { ...ids, transcript: text });
        this.send('response.content_part.done', { ...ids, part: { type: 'audio', transcript: text } });
        content = { type: 'output_audio', transcript: text };
      } else {
        this.send('response.output_text.done', { ...ids, text });
        this.send('response.content_part.done', { ...ids, part: { type: 'text', text } });
        content = { type: 'output_text', text };
      }
      const item: JsonObject = { id: run.itemId, object: 'realtime.item', type: 'message', status: itemStatus, role: 'assistant', content: [content] };
      const stored = this.conversation.find(run.itemId);
      if (stored) Object.assign(stored, structuredClone(item));
      if (run.modality === 'audio') {
        this.audioDurations.set(run.itemId, run.clip.durationMs);
        this.runs.set(run.itemId, run);
      }
      this.send('response.output_item.done', { response_id: run.id, output_index: 0, item });
      if (!run.outOfBand) this.send('conversation.item.done', { previous_item_id: run.previousItemId, item });
      output.push(item);
      if ((status === 'completed' || run.cancelledCall) && run.withEndSession) output.push(this.emitEndSessionCall(run, run.cancelledCall ? 'incomplete' : 'completed'));
      if (run.cutAtMs !== undefined && stored) this.truncateItem(run.itemId, run.cutAtMs);
    }
    const details: Json =
      status === 'cancelled' ? { type: 'cancelled', reason }
        : status === 'incomplete' ? { type: 'incomplete', reason }
          : status === 'failed'
            ? { type: 'failed', error: { type: 'rate_limit_error', code: 'inference_rate_limit_exceeded', message: 'Rate limit reached for inference (fault injected by the emulator).' } }
            : null;
    this.send('response.done', { response: this.responseObject(run, status, details, output) });
    if (run.modality === 'audio' && run.audioEnded && status !== 'failed' && this.playing !== run && !run.cleared) {
      // Audio already drained before generation finished (very short clips): stopped follows response.done.
      this.send('output_audio_buffer.stopped', { response_id: run.id });
    }
    const held = this.heldTranscripts;
    this.heldTranscripts = [];
    for (const p of held) this.deliverTranscript(p);
  }

  private emitEndSessionCall(run: ResponseRun, status: 'completed' | 'incomplete'): JsonObject {
    const itemId = newId('item_');
    const callId = newId('call_');
    const base = { id: itemId, object: 'realtime.item', type: 'function_call', call_id: callId, name: 'end_session' };
    const added: JsonObject = { ...base, status: 'in_progress', arguments: '' };
    const previousItemId = run.outOfBand ? null : this.conversation.insert(added);
    this.send('response.output_item.added', { response_id: run.id, output_index: 1, item: added });
    if (!run.outOfBand) this.send('conversation.item.added', { previous_item_id: previousItemId, item: added });
    const ids = { response_id: run.id, item_id: itemId, output_index: 1, call_id: callId };
    this.send('response.function_call_arguments.delta', { ...ids, delta: '{}' });
    // Also sent for a cancelled or incomplete response (spec RealtimeServerEventResponseFunctionCallArgumentsDone /
    // ResponseOutputItemDone); only the item's status tells a finished call from a cut one (openai-agents-js openaiRealtimeBase.ts acts only on status 'completed').
    this.send('response.function_call_arguments.done', { ...ids, name: 'end_session', arguments: '{}' });
    const done: JsonObject = { ...base, status, arguments: '{}' };
    Object.assign(added, done);
    this.send('response.output_item.done', { response_id: run.id, output_index: 1, item: done });
    if (!run.outOfBand) this.send('conversation.item.done', { previous_item_id: previousItemId, item: done });
    return done;
  }

  private responseObject(run: ResponseRun, status: string, details: Json, output: JsonObject[]): JsonObject {
    const outTokens = Math.ceil(run.sent.length / 4) + 8;
    return {
      object: 'realtime.response', id: run.id, status, status_details: details, output, conversation_id: run.outOfBand ? null : this.conversationId,
      output_modalities: [run.modality], max_output_tokens: run.maxOutputTokens,
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: this.view.voice } },
      usage: status === 'in_progress' ? null : {
        total_tokens: 120 + outTokens, input_tokens: 120, output_tokens: outTokens,
        input_token_details: { text_tokens: 100, audio_tokens: 20, image_tokens: 0, cached_tokens: 0 },
        output_token_details: { text_tokens: Math.ceil(outTokens / 4), audio_tokens: outTokens - Math.ceil(outTokens / 4) },
      },
      metadata: run.metadata,
    };
  }
}

/** Time the emulated model takes to generate one transcript delta (about two words): far faster than speech. */
export const GENERATION_MS_PER_PIECE = 40;

/** The first `ms` of a clip (whole 20 ms packets). */
function cutClip(clip: Clip, ms: number): Clip {
  const n = Math.max(1, Math.min(clip.packets.length, Math.round(ms / 20)));
  return { ...clip, packets: clip.packets.slice(0, n), durationMs: n * 20 };
}
