// Practice-mode stand-in for OpenAI's Responses API: `POST /v1/responses` with the wire format of the OpenAPI spec
// (openai/openai-openapi, openapi.yaml: `/responses` createResponse → 200 `Response`; errors are `ErrorResponse`
// `{error:{message,type,param,code}}`; 429 TooManyRequests), answered by a deterministic evaluator over the
// transcript in the request. What it does and does not emulate:
// - Body: JSON object; unknown top-level parameters → 400 `unknown_parameter` (the CreateResponse properties are
//   the allowed set); `model` and `input` required → 400 `missing_required_parameter`; `stream: true` → 400
//   (streaming is not emulated).
// - `text.format` `json_schema` with `strict: true` is checked like Structured Outputs does (supported-schemas
//   rules: every object has `additionalProperties: false` and lists every property in `required`) → 400
//   `invalid_json_schema`, param `text.format.schema`.
// - The evaluator understands the competency schema (an object with a `competencies` array whose items name a
//   `competency` enum): per competency it quotes, verbatim, the candidate line (`[C3] Candidate: …`) that shares
//   the most words with the competency name, and levels it by the answer's length. Any other strict schema is
//   refused with 400 (the emulator cannot make up arbitrary JSON honestly); `text` format answers a short text.
// - Output: a completed `Response` with one `message` whose content is `output_text`, or `refusal` (fault).
// Faults: malformed JSON, a refusal, an incomplete answer (`max_output_tokens`), an HTTP status, or a dropped
// connection, each for the next N requests or always.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from './errors';
import { newId } from './ids';

export type ResponsesFault = 'malformed' | 'refusal' | 'incomplete' | 'disconnect';

export interface ResponsesFaults {
  responses?: ResponsesFault | null;
  /** Answer with this HTTP status and the matching OpenAI error body. */
  responsesStatus?: number | null;
  /** Apply the fault to this many requests, then stop (null/absent: every request). */
  responsesFaultTimes?: number | null;
  /** Answer this much later (a slow model: the request is in flight meanwhile). */
  responsesDelayMs?: number | null;
}

export const PRACTICE_EVALUATOR_MODEL = 'practice-evaluator';

const CREATE_RESPONSE_PARAMS = new Set([
  'model', 'input', 'instructions', 'text', 'store', 'metadata', 'temperature', 'top_p', 'top_logprobs', 'user', 'safety_identifier',
  'prompt_cache_key', 'prompt_cache_retention', 'service_tier', 'truncation', 'reasoning', 'include', 'parallel_tool_calls',
  'moderation', 'stream', 'stream_options', 'conversation', 'context_management', 'previous_response_id', 'background',
  'max_tool_calls', 'max_output_tokens', 'tools', 'tool_choice', 'prompt',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ResponsesError extends Error {
  constructor(readonly status: number, readonly error: ApiError) {
    super(error.message);
  }
}
const bad = (code: string, message: string, param: string | null = null) =>
  new ResponsesError(400, { type: 'invalid_request_error', code, message, param });

/** Structured Outputs' strict-mode rules for object schemas, walked through the whole schema. */
export function strictSchemaProblem(schema: unknown, path = '()'): string | null {
  if (!isObject(schema)) return `In context=${path}, schema must be a JSON Schema object.`;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('object') || isObject(schema.properties)) {
    if (schema.additionalProperties !== false) return `In context=${path}, 'additionalProperties' is required to be supplied and to be false.`;
    const props = isObject(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = props.filter((p) => !required.includes(p));
    if (missing.length) return `In context=${path}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`;
    for (const p of props) {
      const problem = strictSchemaProblem((schema.properties as Json)[p], `${path === '()' ? '' : `${path}, `}'properties', '${p}'`);
      if (problem) return problem;
    }
  }
  if (schema.items !== undefined) return strictSchemaProblem(schema.items, `${path}, 'items'`);
  for (const branch of Array.isArray(schema.anyOf) ? schema.anyOf : []) {
    const problem = strictSchemaProblem(branch, `${path}, 'anyOf'`);
    if (problem) return problem;
  }
  return null;
}

function competencyNames(schema: Json): string[] | null {
  const c = (schema.properties as Json | undefined)?.competencies;
  const item = isObject(c) ? (c.items as Json | undefined) : undefined;
  const name = isObject(item) && isObject(item.properties) ? (item.properties.competency as Json | undefined) : undefined;
  return isObject(name) && Array.isArray(name.enum) ? name.enum.map(String) : null;
}

interface Line {
  ref: string;
  text: string;
}

/** The candidate's lines as the kiosk numbers them in the input: `[C3] Candidate: …`. */
export function candidateLines(input: string): Line[] {
  const out: Line[] = [];
  for (const m of input.matchAll(/^\[(C\d+)\] Candidate: (.*)$/gmu)) out.push({ ref: m[1]!, text: m[2]! });
  return out;
}

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? [];

/** Deterministic assessment: best-matching line per competency, its first clause as the quote, level by length. */
export function practiceEvaluation(competencies: readonly string[], lines: readonly Line[]): Json {
  return {
    competencies: competencies.map((competency, index) => {
      if (lines.length === 0) {
        return { competency, evidence_sufficient: false, level: null, rationale: 'The candidate gave no transcribed answers to assess.', evidence: [] };
      }
      const keys = new Set(words(competency).map((w) => w.slice(0, 5)));
      const scored = lines.map((l, i) => ({ l, i, score: words(l.text).filter((w) => keys.has(w.slice(0, 5))).length }));
      scored.sort((a, b) => b.score - a.score || a.i - b.i);
      const line = scored[0]!.score > 0 ? scored[0]!.l : lines[index % lines.length]!;
      const quote = line.text.split(/(?<=[.!?;])\s/u)[0]!.trim().split(/\s+/u).slice(0, 18).join(' ');
      const n = line.text.trim().split(/\s+/u).length;
      const level = n >= 45 ? 4 : n >= 25 ? 3 : n >= 10 ? 2 : 1;
      return {
        competency,
        evidence_sufficient: true,
        level,
        rationale: `The candidate's answer in ${line.ref} speaks to ${competency.toLowerCase()} with ${n} words of concrete detail. The level follows the rubric anchor for an answer of that depth.`,
        evidence: [{ line: line.ref, quote }],
      };
    }),
  };
}

function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) throw bad('invalid_type', "Invalid type for 'input': expected a string or an array of input items.", 'input');
  return input.map((item) => {
    if (!isObject(item)) return '';
    if (typeof item.content === 'string') return item.content;
    if (Array.isArray(item.content)) return item.content.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : '')).join('\n');
    return '';
  }).join('\n');
}

export interface ResponsesRequestResult {
  status: number;
  body: unknown;
}

/** Pure: a parsed request body (and the fault in force) → status + JSON body. */
export function createResponse(body: unknown, fault: ResponsesFault | null, now = Date.now()): ResponsesRequestResult {
  if (!isObject(body)) throw bad('invalid_type', 'The request body must be a JSON object.');
  for (const key of Object.keys(body)) if (!CREATE_RESPONSE_PARAMS.has(key)) throw bad('unknown_parameter', `Unknown parameter: '${key}'.`, key);
  if (typeof body.model !== 'string' || !body.model) throw bad('missing_required_parameter', "Missing required parameter: 'model'.", 'model');
  if (body.input === undefined) throw bad('missing_required_parameter', "Missing required parameter: 'input'.", 'input');
  if (body.stream === true) throw bad('unsupported_value', "Streaming ('stream': true) is not available from the practice emulator.", 'stream');
  if (body.store !== undefined && typeof body.store !== 'boolean') throw bad('invalid_type', "Invalid type for 'store': expected a boolean.", 'store');
  const text = inputText(body.input);
  const format = isObject(body.text) && isObject(body.text.format) ? body.text.format : { type: 'text' };
  let outputText: string;
  if (format.type === 'json_schema') {
    if (typeof format.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(format.name)) {
      throw bad('invalid_value', "Invalid 'text.format.name': must be a-z, A-Z, 0-9, underscores or dashes, at most 64 characters.", 'text.format.name');
    }
    if (!isObject(format.schema)) throw bad('missing_required_parameter', "Missing required parameter: 'text.format.schema'.", 'text.format.schema');
    if (format.strict === true) {
      const problem = strictSchemaProblem(format.schema);
      if (problem) throw bad('invalid_json_schema', `Invalid schema for response_format '${format.name}': ${problem}`, 'text.format.schema');
    }
    const names = competencyNames(format.schema);
    if (!names) throw bad('invalid_value', 'The practice emulator answers only the competency evaluation schema.', 'text.format.schema');
    outputText = JSON.stringify(practiceEvaluation(names, candidateLines(text)));
  } else if (format.type === 'text') {
    outputText = `Practice answer: ${candidateLines(text).length} candidate lines read.`;
  } else {
    throw bad('invalid_value', `Invalid value for 'text.format.type': '${String(format.type)}'.`, 'text.format.type');
  }

  let status: 'completed' | 'incomplete' = 'completed';
  let content: Json[] = [{ type: 'output_text', text: outputText, annotations: [], logprobs: [] }];
  if (fault === 'malformed') content = [{ type: 'output_text', text: outputText.slice(0, Math.max(1, Math.floor(outputText.length / 2))), annotations: [], logprobs: [] }];
  if (fault === 'refusal') content = [{ type: 'refusal', refusal: "I'm sorry, but I can't help with that request." }];
  if (fault === 'incomplete') {
    status = 'incomplete';
    content = [{ type: 'output_text', text: outputText.slice(0, 40), annotations: [], logprobs: [] }];
  }
  const created = Math.floor(now / 1000);
  const inputTokens = Math.ceil(text.length / 4);
  const outputTokens = Math.ceil(outputText.length / 4);
  return {
    status: 200,
    body: {
      id: newId('resp_', 48), object: 'response', created_at: created, status,
      completed_at: status === 'completed' ? created : null,
      error: null, incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
      instructions: typeof body.instructions === 'string' ? body.instructions : null, max_output_tokens: body.max_output_tokens ?? null,
      model: PRACTICE_EVALUATOR_MODEL,
      output: [{ id: newId('msg_', 48), type: 'message', status: status === 'completed' ? 'completed' : 'incomplete', role: 'assistant', content }],
      parallel_tool_calls: true, previous_response_id: null, reasoning: { effort: null, summary: null },
      store: body.store ?? true, temperature: body.temperature ?? 1, text: { format }, tool_choice: 'auto', tools: [], top_p: body.top_p ?? 1,
      truncation: 'disabled', usage: {
        input_tokens: inputTokens, input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inputTokens + outputTokens,
      },
      user: null, metadata: isObject(body.metadata) ? body.metadata : {},
    },
  };
}

const STATUS_ERRORS: Record<number, [string, string | null, string]> = {
  400: ['invalid_request_error', 'invalid_value', 'The request was invalid (fault injected by the emulator).'],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided (fault injected by the emulator).'],
  429: ['rate_limit_error', 'rate_limit_exceeded', 'Rate limit reached (fault injected by the emulator).'],
  500: ['server_error', null, 'The server had an error while processing your request (fault injected by the emulator).'],
  503: ['server_error', null, 'The engine is currently overloaded (fault injected by the emulator).'],
};

/** The HTTP side: the fault in force, then createResponse. `faults` is the emulator's live fault object. */
export function serveResponses(faults: ResponsesFaults, body: Buffer, req: IncomingMessage, res: ServerResponse, send: (status: number, body: unknown) => void): void {
  const active = faults.responsesFaultTimes === null || faults.responsesFaultTimes === undefined || faults.responsesFaultTimes > 0;
  const fault = active ? (faults.responses ?? null) : null;
  const status = active ? (faults.responsesStatus ?? null) : null;
  if ((fault || status) && typeof faults.responsesFaultTimes === 'number') faults.responsesFaultTimes--;
  if (fault === 'disconnect') {
    req.socket.destroy();
    return;
  }
  if (status) {
    const [type, code, message] = STATUS_ERRORS[status] ?? [status >= 500 ? 'server_error' : 'invalid_request_error', null, `HTTP ${status} (fault injected by the emulator).`];
    send(status, { error: { type, code, message, param: null } });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw bad('invalid_json', `We could not parse the JSON body of your request: ${(e as Error).message}`);
  }
  const out = createResponse(parsed, fault);
  const delay = faults.responsesDelayMs ?? 0;
  if (delay > 0) setTimeout(() => send(out.status, out.body), delay);
  else send(out.status, out.body);
}
