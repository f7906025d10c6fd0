// The SDP exchange with OpenAI Realtime (or the practice emulator) through OpenAI's official client:
// `realtime.calls.create({ sdp, session })` POSTs <base>/v1/realtime/calls as multipart (an `sdp` part typed
// application/sdp and a `session` part typed application/json, each with an empty filename: the package's
// internal/multipart-encoding.js) with the standard key as a Bearer header. Because the method is declared with a
// binary response, the package hands back the raw HTTP response (internal/parse.js `__binaryResponse`): its body
// is the answer SDP and its `Location` header names the call (…/v1/realtime/calls/<call id>), which the typed
// API has no field for. `realtime.calls.hangup(callId)` ends a call. Failures arrive as the package's APIError
// subclasses (status, error{code, message}) and become KioskErrors with words for the operator. The key is only
// ever given to the client, which puts it in the Authorization header; it never leaves main.
import OpenAI from 'openai';
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { KioskError } from '../../../preload/contract';

export interface CallResult {
  callId: string;
  answerSdp: string;
}

export interface SignallingOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const MAX_ANSWER_BYTES = 256 * 1024;

/** A client for one request: our own retry policy (the call machine reconnects), our own timeout. */
function clientFor(options: SignallingOptions, timeoutMs: number): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: `${options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1`,
    maxRetries: 0,
    timeout: timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** Removes anything key-like from text that goes to the renderer (OpenAI echoes masked key fragments). */
export function redactSecrets(text: string, apiKey?: string): string {
  let out = apiKey && apiKey.length >= 8 ? text.split(apiKey).join('[key]') : text;
  out = out.replace(/\b(sk|ek|rk)-[\w*.-]{4,}/g, '$1-…');
  // Ephemeral client secrets are `ek_…` (client_secrets response `value`).
  out = out.replace(/\bek_[\w*.-]{4,}/g, 'ek_…');
  return out;
}

/** Maps an HTTP status and OpenAI's error message (if any) to a KioskError in words (pure, unit-tested). */
export function realtimeHttpError(status: number, message: string | null, apiKey?: string): KioskError {
  const detail = message ? redactSecrets(message.slice(0, 500), apiKey) : null;
  const suffix = detail ? ` (OpenAI said: ${detail})` : '';
  if (status === 401 || status === 403) {
    return new KioskError('realtime_unauthorized',
      `The OpenAI API key was rejected (HTTP ${status}). Check the key in Settings, or switch to practice mode.${suffix}`);
  }
  if (status === 429) {
    return new KioskError('realtime_rate_limited',
      `OpenAI is rate-limiting this account or its quota is used up (HTTP 429). Wait a minute and try again, or check the account's billing.${suffix}`);
  }
  if (status >= 500) {
    return new KioskError('realtime_unavailable',
      `The OpenAI Realtime service is not available right now (HTTP ${status}). Try again in a moment.${suffix}`);
  }
  return new KioskError('realtime_rejected',
    detail ? `OpenAI rejected the call (HTTP ${status}): ${detail}` : `OpenAI rejected the call (HTTP ${status}).`);
}

/** Whatever the client threw → a KioskError in words. The package's error classes carry the HTTP status and the
 * parsed `error` object of OpenAI's body (core/error.js APIError.generate). */
export function realtimeClientError(error: unknown, apiKey?: string): KioskError {
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new KioskError('realtime_unavailable', 'The OpenAI Realtime service is not available: it did not answer in time. Check the network and try again.');
  }
  if (error instanceof OpenAI.APIConnectionError || error instanceof OpenAI.APIUserAbortError) {
    return new KioskError('realtime_unavailable', 'The OpenAI Realtime service is not available: it could not be reached. Check the network and try again.');
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const m = (error.error as { message?: unknown } | undefined)?.message;
    return realtimeHttpError(error.status, typeof m === 'string' && m.length > 0 ? m : null, apiKey);
  }
  const what = error instanceof Error ? error.message : String(error);
  return new KioskError('realtime_rejected', `The call to OpenAI could not be made: ${redactSecrets(what.slice(0, 300), apiKey)}`);
}

/** The call id is the last path segment of Location, e.g. /v1/realtime/calls/rtc_abc → rtc_abc. */
export function callIdFromLocation(location: string | null): string | null {
  if (!location) return null;
  const path = location.split('?')[0]!.replace(/\/+$/, '');
  const id = path.slice(path.lastIndexOf('/') + 1);
  return /^[\w-]{1,200}$/.test(id) ? id : null;
}

export async function createCall(options: SignallingOptions, offerSdp: string, session: RealtimeSessionCreateRequest): Promise<CallResult> {
  let response: Response;
  try {
    response = await clientFor(options, options.timeoutMs ?? 15_000).realtime.calls.create({ sdp: offerSdp, session });
  } catch (error) {
    throw realtimeClientError(error, options.apiKey);
  }
  const body = await readBounded(response, MAX_ANSWER_BYTES);
  if (!body.startsWith('v=')) {
    throw new KioskError('realtime_rejected', `OpenAI answered HTTP ${response.status} but not with an SDP answer.`);
  }
  const callId = callIdFromLocation(response.headers.get('location'));
  if (!callId) throw new KioskError('realtime_rejected', 'OpenAI answered without a call id (Location header).');
  return { callId, answerSdp: body };
}

async function readBounded(response: Response, limit: number): Promise<string> {
  try {
    const text = await response.text();
    return text.length > limit ? text.slice(0, limit) : text;
  } catch {
    return '';
  }
}

/** Ends a call server-side. Best effort: the peer connection closing ends it anyway. */
export async function hangupCall(options: SignallingOptions, callId: string): Promise<boolean> {
  try {
    await clientFor(options, options.timeoutMs ?? 3_000).realtime.calls.hangup(callId);
    return true;
  } catch {
    return false;
  }
}
