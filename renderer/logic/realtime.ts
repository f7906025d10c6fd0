// Parsing what arrives on the "oai-events" data channel. Each message is one JSON event in a text frame; anything
// else is reported to the UI log and skipped, never fatal.
import { MAX_REALTIME_EVENT_CHARS } from '../../preload/contract';

export type RealtimeEvent = { type: string } & Record<string, unknown>;

export type ParseResult = { ok: true; event: RealtimeEvent } | { ok: false; error: string };


export function parseDataChannelMessage(data: unknown): ParseResult {
  if (typeof data !== 'string') return { ok: false, error: 'A binary message arrived on the event channel; it was skipped.' };
  if (data.length > MAX_REALTIME_EVENT_CHARS) return { ok: false, error: `An event of ${data.length} characters was too large and was skipped.` };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, error: `A malformed event was skipped: ${preview(data)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `An event that is not a JSON object was skipped: ${preview(data)}` };
  }
  const type = (value as Record<string, unknown>).type;
  if (typeof type !== 'string' || type.length === 0) {
    return { ok: false, error: `An event without a type was skipped: ${preview(data)}` };
  }
  return { ok: true, event: value as RealtimeEvent };
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

/** Error events from the server, in words for the log (e.g. "response_cancel_not_active: …"). */
export function describeServerError(event: RealtimeEvent): string | null {
  if (event.type !== 'error') return null;
  const err = event.error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof err?.code === 'string' ? err.code : 'error';
  const message = typeof err?.message === 'string' ? err.message : 'The interviewer service reported an error.';
  return `${code}: ${message}`;
}

/** Harmless errors that End itself provokes (cancelling when nothing is active). */
export function isHarmlessError(event: RealtimeEvent): boolean {
  const err = event.error as { code?: unknown } | undefined;
  return event.type === 'error' && err?.code === 'response_cancel_not_active';
}
