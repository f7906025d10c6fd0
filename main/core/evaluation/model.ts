// The one model call: OpenAI's Responses API through the official `openai` package, Structured Outputs with a
// strict JSON schema, `store: false` (the transcript is personal data; nothing is kept server-side). Output
// that is malformed, incomplete or a refusal is asked for again a few times and then reported — never stored.
// Errors of the service itself are classified for the job: the network or the service being unavailable is
// retried later with backoff; a refused request (key, model, request) fails the job with the reason.
import OpenAI from 'openai';
import type { Response } from 'openai/resources/responses/responses';
import type { Rubric } from './rubric';
import { evaluationJsonSchema, parseModelAnswer, SCHEMA_NAME, type ModelAnswer } from './schema';

export const DEFAULT_EVALUATION_MODEL = 'gpt-4.1';
/** Attempts per job run when the model's output is unusable (malformed, incomplete, refused). */
export const OUTPUT_ATTEMPTS = 3;

export interface ModelTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface ModelRequest {
  instructions: string;
  input: string;
  competencies: readonly string[];
  rubric: Rubric;
}

export type ModelOutcome =
  | { kind: 'answer'; answer: ModelAnswer; model: string; attempts: number }
  /** The output was unusable every time: report, do not retry automatically. */
  | { kind: 'unusable'; message: string; attempts: number }
  /** Network or service trouble: try again later. */
  | { kind: 'unavailable'; message: string }
  /** The service refused the request itself (key, model, parameters): needs the operator. */
  | { kind: 'rejected'; message: string };

/** The text of the first message, or why there is none (refusal, incomplete, no message). Pure. */
export function outputOf(response: Pick<Response, 'status' | 'output' | 'incomplete_details' | 'error'>): { text: string } | { problem: string } {
  if (response.status === 'incomplete') return { problem: `the answer was cut off (${response.incomplete_details?.reason ?? 'incomplete'})` };
  if (response.status === 'failed') return { problem: `the model failed (${response.error?.message ?? 'no reason given'})` };
  for (const item of response.output) {
    if (item.type !== 'message') continue;
    for (const part of item.content) {
      if (part.type === 'refusal') return { problem: `the model refused: ${part.refusal}` };
      if (part.type === 'output_text') return { text: part.text };
    }
  }
  return { problem: 'the answer holds no message' };
}

export async function callModel(target: ModelTarget, request: ModelRequest): Promise<ModelOutcome> {
  const client = new OpenAI({
    apiKey: target.apiKey,
    baseURL: `${target.baseUrl.replace(/\/+$/, '')}/v1`,
    maxRetries: 0, // the job owns retrying, with its own backoff that survives restarts
    timeout: target.timeoutMs ?? 120_000,
    ...(target.fetch ? { fetch: target.fetch } : {}),
  });
  const problems: string[] = [];
  for (let attempt = 1; attempt <= OUTPUT_ATTEMPTS; attempt++) {
    let response: Response;
    try {
      response = await client.responses.create({
        model: target.model,
        instructions: request.instructions,
        input: request.input,
        store: false,
        text: { format: { type: 'json_schema', name: SCHEMA_NAME, schema: evaluationJsonSchema(request.competencies, request.rubric), strict: true } },
      });
    } catch (error) {
      return classifyError(error);
    }
    const out = outputOf(response);
    if ('problem' in out) {
      problems.push(out.problem);
      continue;
    }
    const parsed = parseModelAnswer(out.text, request.competencies, request.rubric);
    if (parsed.ok) return { kind: 'answer', answer: parsed.answer, model: response.model, attempts: attempt };
    problems.push(parsed.message);
  }
  return { kind: 'unusable', attempts: OUTPUT_ATTEMPTS, message: `The model's answer was unusable ${OUTPUT_ATTEMPTS} times: ${problems.join('; ')}.` };
}

export function classifyError(error: unknown): ModelOutcome {
  if (error instanceof OpenAI.APIConnectionError) return { kind: 'unavailable', message: `The model could not be reached (${error.message}).` };
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    const what = `${status} ${error.code ?? error.type ?? ''}`.trim();
    if (status === 429 || status >= 500 || status === 408 || status === 409) return { kind: 'unavailable', message: `The model service is unavailable (${what}): ${error.message}` };
    return { kind: 'rejected', message: `The model service refused the request (${what}): ${error.message}` };
  }
  return { kind: 'unavailable', message: `The model call failed: ${error instanceof Error ? error.message : String(error)}` };
}
