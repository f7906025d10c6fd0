// Server events as the reducer reads them: OpenAI's own types (the official `openai` package's
// RealtimeServerEvent union), so the compiler checks every event type and field name we read against OpenAI's.
// The values are still untrusted (they crossed the data channel and the renderer's IPC as parsed JSON), so every
// field is `unknown` until a run-time guard has checked it: the types name the fields, the guards check them.
import type { ConversationItem, RealtimeResponse, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { OpenAIClientEvent } from './client-events';

/** A wire object with OpenAI's field names and unchecked values; unions stay discriminated by `type`. */
export type Loose<E> = E extends { type: infer T }
  ? { readonly type: T } & { readonly [K in Exclude<keyof E, 'type'>]?: unknown }
  : { readonly [K in keyof E]?: unknown };

export type ServerEvent = Loose<RealtimeServerEvent>;
export type ClientEvent = Loose<OpenAIClientEvent>;
export type WireItem = Loose<ConversationItem>;
export type WireResponse = Loose<RealtimeResponse>;
/** One content part of a message item, whichever role wrote it. */
export type WirePart = Loose<Extract<ConversationItem, { type: 'message' }>['content'][number]>;

type Raw = { type: string } & Record<string, unknown>;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The one place a wire event becomes OpenAI's type; unknown event types simply match no case downstream. */
export const readServerEvent = (raw: Raw): ServerEvent => raw as unknown as ServerEvent;
export const readClientEvent = (raw: Raw): ClientEvent => raw as unknown as ClientEvent;
export const readItem = (v: unknown): WireItem | undefined => (isObject(v) && typeof v.type === 'string' ? (v as unknown as WireItem) : undefined);
export const readResponse = (v: unknown): WireResponse | undefined => (isObject(v) ? (v as WireResponse) : undefined);
export const readParts = (v: unknown): WirePart[] => (Array.isArray(v) ? v.filter(isObject).map((p) => p as unknown as WirePart) : []);
