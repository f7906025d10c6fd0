// GA session configuration: defaults, validation (with the errors the Realtime API gives) and merging.
// Pure. Used for the multipart `session` part, the client_secrets body and `session.update`.
import { betaDisabled, invalid } from './errors';
import type { Eagerness, TurnEnd } from './vad';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Every model in the spec's enum (openapi.yaml RealtimeSessionCreateRequestGA.model; the same list as the
 * `openai` SDK's RealtimeSessionCreateRequest.model), current and preview names alike: a GA-shaped session may
 * name any of them. */
export const GA_MODELS = [
  'gpt-realtime', 'gpt-realtime-1.5', 'gpt-realtime-2', 'gpt-realtime-2.1', 'gpt-realtime-2.1-mini', 'gpt-realtime-2025-08-28',
  'gpt-4o-realtime-preview', 'gpt-4o-realtime-preview-2024-10-01', 'gpt-4o-realtime-preview-2024-12-17', 'gpt-4o-realtime-preview-2025-06-03',
  'gpt-4o-mini-realtime-preview', 'gpt-4o-mini-realtime-preview-2024-12-17',
  'gpt-realtime-mini', 'gpt-realtime-mini-2025-10-06', 'gpt-realtime-mini-2025-12-15',
  'gpt-audio-1.5', 'gpt-audio-mini', 'gpt-audio-mini-2025-10-06', 'gpt-audio-mini-2025-12-15',
];
export const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];
/** openapi.yaml AudioTranscription.model enum (SDK realtime.d.ts AudioTranscription.model). */
export const TRANSCRIPTION_MODELS = [
  'whisper-1', 'gpt-transcribe', 'gpt-live-transcribe', 'gpt-4o-mini-transcribe', 'gpt-4o-mini-transcribe-2025-12-15', 'gpt-4o-transcribe',
  'gpt-4o-transcribe-diarize', 'gpt-realtime-whisper',
];
/** AudioTranscription.delay (only with gpt-realtime-whisper) and RealtimeReasoningEffort (default low). */
const TRANSCRIPTION_DELAYS = ['minimal', 'low', 'medium', 'high', 'xhigh'];
const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'];
/** Beta (retired) top-level session fields: their presence means a beta-shaped request. */
export const BETA_SESSION_KEYS = [
  'modalities', 'voice', 'input_audio_format', 'output_audio_format', 'input_audio_transcription', 'input_audio_noise_reduction',
  'turn_detection', 'temperature', 'max_response_output_tokens', 'speed',
];
const GA_SESSION_KEYS = [
  'type', 'model', 'instructions', 'output_modalities', 'audio', 'tools', 'tool_choice', 'max_output_tokens', 'truncation', 'tracing',
  'prompt', 'include', 'reasoning', 'parallel_tool_calls',
];

export const DEFAULT_INSTRUCTIONS = 'You are a helpful, concise voice assistant.';

export function defaultTurnDetection(type: 'server_vad' | 'semantic_vad'): JsonObject {
  return type === 'server_vad'
    ? { type, threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, idle_timeout_ms: null, create_response: true, interrupt_response: true }
    : { type, eagerness: 'auto', create_response: true, interrupt_response: true };
}

/** The GA defaults (what a session with nothing configured reports), without object/id/expires_at. */
export function defaultSession(): JsonObject {
  return {
    type: 'realtime',
    model: 'gpt-realtime',
    output_modalities: ['audio'],
    instructions: DEFAULT_INSTRUCTIONS,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    include: null,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: defaultTurnDetection('server_vad'),
      },
      // Spec defaults: voice `alloy`, speed 1 (RealtimeSessionCreateRequestGA.audio.output).
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
  };
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(obj: JsonObject, allowed: string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw invalid('unknown_parameter', `Unknown parameter: '${path}.${key}'.`, `${path}.${key}`);
  }
}

function bad(path: string, message: string): never {
  throw invalid('invalid_value', `Invalid value for '${path}': ${message}`, path);
}

function num(v: Json | undefined, path: string, min: number, max: number, integer = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    bad(path, `expected ${integer ? 'an integer' : 'a number'} between ${min} and ${max}.`);
}

function bool(v: Json | undefined, path: string): void {
  if (typeof v !== 'boolean') bad(path, 'expected a boolean.');
}

function str(v: Json | undefined, path: string, max = 1_000_000): void {
  if (typeof v !== 'string' || v.length > max) bad(path, `expected a string of at most ${max} characters.`);
}

function validateFormat(v: Json, path: string): void {
  if (!isObject(v)) bad(path, 'expected an object.');
  checkKeys(v, ['type', 'rate'], path);
  if (v.type === 'audio/pcm') {
    if (v.rate !== undefined && v.rate !== 24000) bad(`${path}.rate`, 'only 24000 is supported.');
  } else if (v.type === 'audio/pcmu' || v.type === 'audio/pcma') {
    if (v.rate !== undefined) bad(`${path}.rate`, `rate is not allowed for ${v.type}.`);
  } else bad(`${path}.type`, "expected 'audio/pcm', 'audio/pcmu' or 'audio/pcma'.");
}

function validateTurnDetection(v: Json, path: string): void {
  if (v === null) return;
  if (!isObject(v)) bad(path, 'expected an object or null.');
  if (v.type === 'server_vad') {
    checkKeys(v, ['type', 'threshold', 'prefix_padding_ms', 'silence_duration_ms', 'idle_timeout_ms', 'create_response', 'interrupt_response'], path);
    if (v.threshold !== undefined) num(v.threshold, `${path}.threshold`, 0, 1);
    if (v.prefix_padding_ms !== undefined) num(v.prefix_padding_ms, `${path}.prefix_padding_ms`, 0, 10_000, true);
    if (v.silence_duration_ms !== undefined) num(v.silence_duration_ms, `${path}.silence_duration_ms`, 0, 10_000, true);
    if (v.idle_timeout_ms !== undefined && v.idle_timeout_ms !== null) num(v.idle_timeout_ms, `${path}.idle_timeout_ms`, 5000, 30000, true);
  } else if (v.type === 'semantic_vad') {
    checkKeys(v, ['type', 'eagerness', 'create_response', 'interrupt_response'], path);
    if (v.eagerness !== undefined && !['low', 'medium', 'high', 'auto'].includes(v.eagerness as string))
      bad(`${path}.eagerness`, "expected 'low', 'medium', 'high' or 'auto'.");
  } else bad(`${path}.type`, "expected 'server_vad' or 'semantic_vad'.");
  if (v.create_response !== undefined) bool(v.create_response, `${path}.create_response`);
  if (v.interrupt_response !== undefined) bool(v.interrupt_response, `${path}.interrupt_response`);
}

function validateAudio(v: Json, path: string): void {
  if (!isObject(v)) bad(path, 'expected an object.');
  checkKeys(v, ['input', 'output'], path);
  if (v.input !== undefined) {
    const input = v.input;
    const p = `${path}.input`;
    if (!isObject(input)) bad(p, 'expected an object.');
    checkKeys(input, ['format', 'transcription', 'noise_reduction', 'turn_detection'], p);
    if (input.format !== undefined) validateFormat(input.format, `${p}.format`);
    if (input.transcription !== undefined && input.transcription !== null) {
      const t = input.transcription;
      if (!isObject(t)) bad(`${p}.transcription`, 'expected an object or null.');
      const tp = `${p}.transcription`;
      checkKeys(t, ['model', 'language', 'languages', 'keywords', 'prompt', 'delay'], tp);
      if (t.model !== undefined && !TRANSCRIPTION_MODELS.includes(t.model as string))
        bad(`${tp}.model`, `expected one of ${TRANSCRIPTION_MODELS.join(', ')}.`);
      if (t.language !== undefined) str(t.language, `${tp}.language`, 16);
      // languages: minItems 1, ISO-639-1 strings; keywords: strings (both gpt-transcribe / gpt-live-transcribe).
      if (t.languages !== undefined && !(Array.isArray(t.languages) && t.languages.length >= 1 && t.languages.every((l) => typeof l === 'string' && l.length <= 16)))
        bad(`${tp}.languages`, 'expected a non-empty array of language codes.');
      if (t.keywords !== undefined && !(Array.isArray(t.keywords) && t.keywords.every((k) => typeof k === 'string' && k.length <= 200)))
        bad(`${tp}.keywords`, 'expected an array of strings.');
      if (t.prompt !== undefined) str(t.prompt, `${tp}.prompt`, 10_000);
      if (t.delay !== undefined && !TRANSCRIPTION_DELAYS.includes(t.delay as string)) bad(`${tp}.delay`, `expected one of ${TRANSCRIPTION_DELAYS.join(', ')}.`);
    }
    if (input.noise_reduction !== undefined && input.noise_reduction !== null) {
      const n = input.noise_reduction;
      if (!isObject(n) || (n.type !== 'near_field' && n.type !== 'far_field')) bad(`${p}.noise_reduction`, "expected {type:'near_field'|'far_field'} or null.");
    }
    if (input.turn_detection !== undefined) validateTurnDetection(input.turn_detection, `${p}.turn_detection`);
  }
  if (v.output !== undefined) {
    const output = v.output;
    const p = `${path}.output`;
    if (!isObject(output)) bad(p, 'expected an object.');
    checkKeys(output, ['format', 'voice', 'speed'], p);
    if (output.format !== undefined) validateFormat(output.format, `${p}.format`);
    if (output.voice !== undefined) {
      const voice = output.voice;
      const ok = (typeof voice === 'string' && VOICES.includes(voice)) || (isObject(voice) && typeof voice.id === 'string');
      if (!ok) bad(`${p}.voice`, `expected one of ${VOICES.join(', ')} or {id}.`);
    }
    if (output.speed !== undefined) num(output.speed, `${p}.speed`, 0.25, 1.5);
  }
}

function validateTools(v: Json, path: string): void {
  if (!Array.isArray(v)) bad(path, 'expected an array.');
  if (v.length > 128) bad(path, 'at most 128 tools.');
  const names = new Set<string>();
  v.forEach((tool, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(tool)) bad(p, 'expected an object.');
    if (tool.type === 'mcp') return; // accepted as-is; the emulator never calls MCP tools
    if (tool.type !== 'function') bad(`${p}.type`, "expected 'function' or 'mcp'.");
    checkKeys(tool, ['type', 'name', 'description', 'parameters'], p);
    if (typeof tool.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) bad(`${p}.name`, 'expected 1–64 letters, digits, _ or -.');
    if (names.has(tool.name)) bad(`${p}.name`, `duplicate tool name '${tool.name}'.`);
    names.add(tool.name);
    if (tool.description !== undefined) str(tool.description, `${p}.description`);
    if (tool.parameters !== undefined && !isObject(tool.parameters)) bad(`${p}.parameters`, 'expected a JSON Schema object.');
  });
}

export function validateToolChoice(v: Json, path: string): void {
  if (v === 'auto' || v === 'none' || v === 'required') return;
  if (isObject(v) && v.type === 'function' && typeof v.name === 'string') return;
  bad(path, "expected 'auto', 'none', 'required' or {type:'function',name}.");
}

export function validateMaxOutputTokens(v: Json, path: string): void {
  if (v === 'inf') return;
  num(v, path, 1, 4096, true);
}

export function validateReasoning(v: Json, path: string): void {
  if (!isObject(v)) bad(path, 'expected an object.');
  checkKeys(v, ['effort'], path);
  if (v.effort !== undefined && !REASONING_EFFORTS.includes(v.effort as string)) bad(`${path}.effort`, `expected one of ${REASONING_EFFORTS.join(', ')}.`);
}

export function validateOutputModalities(v: Json, path: string): void {
  if (!Array.isArray(v) || v.length !== 1 || (v[0] !== 'audio' && v[0] !== 'text')) bad(path, "expected ['audio'] or ['text'].");
}

/**
 * Validates a GA session object (as sent in session.update / multipart / client_secrets). `path` names it in
 * errors ('session'). Throws ApiErrorException with the API's codes: beta_api_shape_disabled for beta fields,
 * missing_required_parameter for a missing type, unknown_parameter, invalid_value.
 */
export function validateSessionPatch(v: unknown, path = 'session'): asserts v is JsonObject {
  if (!isObject(v)) throw invalid('invalid_type', `Invalid type for '${path}': expected an object.`, path);
  for (const key of BETA_SESSION_KEYS) if (key in v) throw betaDisabled(`${path}.${key}`);
  if (v.type === undefined) throw invalid('missing_required_parameter', `Missing required parameter: '${path}.type'.`, `${path}.type`);
  if (v.type !== 'realtime') bad(`${path}.type`, "expected 'realtime' (transcription sessions are not supported over this endpoint).");
  checkKeys(v, GA_SESSION_KEYS, path);
  if (v.model !== undefined) {
    // A beta *shape* is refused (the fields above); a preview model *name* in a GA session is in the enum.
    if (typeof v.model !== 'string' || !GA_MODELS.includes(v.model)) bad(`${path}.model`, `expected one of ${GA_MODELS.join(', ')}.`);
  }
  if (v.instructions !== undefined) str(v.instructions, `${path}.instructions`);
  if (v.output_modalities !== undefined) validateOutputModalities(v.output_modalities, `${path}.output_modalities`);
  if (v.audio !== undefined) validateAudio(v.audio, `${path}.audio`);
  if (v.tools !== undefined) validateTools(v.tools, `${path}.tools`);
  if (v.tool_choice !== undefined) validateToolChoice(v.tool_choice, `${path}.tool_choice`);
  if (v.max_output_tokens !== undefined) validateMaxOutputTokens(v.max_output_tokens, `${path}.max_output_tokens`);
  if (v.truncation !== undefined) {
    const t = v.truncation;
    const ok = t === 'auto' || t === 'disabled' || (isObject(t) && t.type === 'retention_ratio' && typeof t.retention_ratio === 'number' && t.retention_ratio >= 0 && t.retention_ratio <= 1);
    if (!ok) bad(`${path}.truncation`, "expected 'auto', 'disabled' or {type:'retention_ratio',retention_ratio}.");
  }
  if (v.tracing !== undefined && v.tracing !== null && v.tracing !== 'auto' && !isObject(v.tracing)) bad(`${path}.tracing`, "expected null, 'auto' or an object.");
  if (v.prompt !== undefined && v.prompt !== null && !isObject(v.prompt)) bad(`${path}.prompt`, 'expected an object or null.');
  if (v.include !== undefined && v.include !== null && !(Array.isArray(v.include) && v.include.every((s) => typeof s === 'string')))
    bad(`${path}.include`, 'expected an array of strings or null.');
  if (v.reasoning !== undefined) validateReasoning(v.reasoning, `${path}.reasoning`);
  if (v.parallel_tool_calls !== undefined) bool(v.parallel_tool_calls, `${path}.parallel_tool_calls`);
}

function clone<T extends Json>(v: T): T {
  return structuredClone(v);
}

/**
 * Merges a validated patch over a full session: only the fields sent change (objects merge, arrays and
 * scalars replace, null clears). A turn_detection of a new type starts from that type's defaults.
 */
export function mergeSession(base: JsonObject, patch: JsonObject): JsonObject {
  const out = clone(base);
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'audio' && isObject(value)) {
      const audio = isObject(out.audio) ? out.audio : (out.audio = {});
      for (const side of ['input', 'output'] as const) {
        const sidePatch = value[side];
        if (!isObject(sidePatch)) continue;
        const target = isObject(audio[side]) ? (audio[side] as JsonObject) : (audio[side] = {});
        for (const [k, v] of Object.entries(sidePatch)) {
          if (k === 'turn_detection' && isObject(v)) {
            const current = target.turn_detection;
            const baseTd = isObject(current) && current.type === v.type ? current : defaultTurnDetection(v.type as 'server_vad' | 'semantic_vad');
            target.turn_detection = { ...clone(baseTd), ...clone(v) };
          } else if (k === 'transcription' && isObject(v) && isObject(target.transcription)) {
            target.transcription = { ...target.transcription, ...clone(v) };
          } else target[k] = clone(v);
        }
      }
    } else out[key] = clone(value);
  }
  return out;
}

/** The values the call logic needs, read from a full session. */
export interface SessionView {
  model: string;
  outputModalities: 'audio' | 'text';
  transcriptionEnabled: boolean;
  turnDetection: null | { type: string; threshold: number; prefixPaddingMs: number; turnEnd: TurnEnd; createResponse: boolean; interruptResponse: boolean };
  toolNames: string[];
  toolChoice: Json;
  voice: Json;
}

export function viewSession(s: JsonObject): SessionView {
  const audio = isObject(s.audio) ? s.audio : {};
  const input = isObject(audio.input) ? audio.input : {};
  const output = isObject(audio.output) ? audio.output : {};
  const td = input.turn_detection;
  let turnDetection: SessionView['turnDetection'] = null;
  if (isObject(td)) {
    // semantic_vad has no threshold or padding of its own: speech is found with server_vad's defaults, and the
    // turn ends after a wait that depends on eagerness and on the words so far (vad.ts silenceToEndMs).
    const turnEnd: TurnEnd =
      td.type === 'semantic_vad'
        ? { type: 'semantic_vad', eagerness: (['low', 'medium', 'high'].includes(td.eagerness as string) ? td.eagerness : 'auto') as Eagerness }
        : { type: 'server_vad', silenceDurationMs: typeof td.silence_duration_ms === 'number' ? td.silence_duration_ms : 500 };
    turnDetection = {
      type: String(td.type),
      threshold: typeof td.threshold === 'number' ? td.threshold : 0.5,
      prefixPaddingMs: typeof td.prefix_padding_ms === 'number' ? td.prefix_padding_ms : 300,
      turnEnd,
      createResponse: td.create_response !== false,
      interruptResponse: td.interrupt_response !== false,
    };
  }
  const tools = Array.isArray(s.tools) ? s.tools : [];
  return {
    model: String(s.model),
    outputModalities: Array.isArray(s.output_modalities) && s.output_modalities[0] === 'text' ? 'text' : 'audio',
    transcriptionEnabled: isObject(input.transcription),
    turnDetection,
    toolNames: tools.filter(isObject).filter((t) => t.type === 'function').map((t) => String(t.name)),
    toolChoice: s.tool_choice ?? 'auto',
    voice: output.voice ?? 'marin',
  };
}
