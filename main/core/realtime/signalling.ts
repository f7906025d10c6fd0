// The SDP exchange with OpenAI Realtime (or the practice emulator): POST <base>/v1/realtime/calls as multipart
// (`sdp` + `session`) with the standard key; the answer SDP and the call id from `Location`. HTTP failures become
// KioskErrors with words for the operator. The key is only ever put in the Authorization header.
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

function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/realtime/calls${path}`;
}

/** Removes anything key-like from text that goes to the renderer (OpenAI echoes masked key fragments). */
export function redactSecrets(text: string, apiKey?: string): string {
  let out = apiKey && apiKey.length >= 8 ? text.split(apiKey).join('[key]') : text;
  out = out.replace(/\b(sk|ek|rk)-[\w*.-]{4,}/g, '$1-…');
  // Ephemeral client secrets are `ek_…` (client_secrets response `value`).
  out = out.replace(/\bek_[\w*.-]{4,}/g, 'ek_…');
  return out;
}

/** OpenAI's error body → its message, if there is one (bounded, secrets redacted). */
function openAIMessage(body: string, apiKey?: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    const m = parsed?.error?.message;
    return typeof m === 'string' && m.length > 0 ? redactSecrets(m.slice(0, 500), apiKey) : null;
  } catch {
    return null;
  }
}

/** Maps an HTTP status from the Realtime endpoint to a KioskError (pure, unit-tested). */
export function realtimeHttpError(status: number, body: string, apiKey?: string): KioskError {
  const detail = openAIMessage(body, apiKey);
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

/** The call id is the last path segment of Location, e.g. /v1/realtime/calls/rtc_abc → rtc_abc. */
export function callIdFromLocation(location: string | null): string | null {
  if (!location) return null;
  const path = location.split('?')[0]!.replace(/\/+$/, '');
  const id = path.slice(path.lastIndexOf('/') + 1);
  return /^[\w-]{1,200}$/.test(id) ? id : null;
}

export async function createCall(options: SignallingOptions, offerSdp: string, session: unknown): Promise<CallResult> {
  const doFetch = options.fetch ?? fetch;
  const form = new FormData();
  form.set('sdp', new Blob([offerSdp], { type: 'application/sdp' }));
  form.set('session', new Blob([JSON.stringify(session)], { type: 'application/json' }));
  let response: Response;
  try {
    response = await doFetch(endpoint(options.baseUrl, ''), {
      method: 'POST',
      headers: { Authorization: `Bearer ${options.apiKey}` },
      body: form,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    const why = error instanceof Error && error.name === 'TimeoutError' ? 'it did not answer in time' : 'it could not be reached';
    throw new KioskError('realtime_unavailable', `The OpenAI Realtime service is not available: ${why}. Check the network and try again.`);
  }
  const body = await readBounded(response, MAX_ANSWER_BYTES);
  if (!response.ok) throw realtimeHttpError(response.status, body, options.apiKey);
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
  const doFetch = options.fetch ?? fetch;
  try {
    const r = await doFetch(endpoint(options.baseUrl, `/${encodeURIComponent(callId)}/hangup`), {
      method: 'POST',
      headers: { Authorization: `Bearer ${options.apiKey}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3_000),
    });
    await r.arrayBuffer().catch(() => undefined);
    return r.ok;
  } catch {
    return false;
  }
}
