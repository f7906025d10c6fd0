// The wire format of the KioskApi outside Electron IPC (the web host's WebSocket), plus the one bridge builder
// both the Electron preload and the renderer's WebSocket client use. Pure: no Node (no Buffer), no DOM, so the
// main process, the preload and the renderer can all import it.
//
//   request  {id: number, method: string, payload?: unknown}
//   reply    {id: number, result: KioskResult}
//   push     {event: KioskEventName, payload: unknown}
//
// JSON cannot carry bytes, so every Uint8Array is written as {"$bytes": "<base64>"} and read back as a Uint8Array.

import {
  KIOSK_ERROR_CODES,
  KIOSK_EVENTS,
  KIOSK_METHODS,
  KioskError,
  type KioskBridge,
  type KioskErrorCode,
  type KioskEventName,
  type KioskEvents,
  type KioskMethod,
  type KioskResult,
} from './contract';

export interface WireRequest {
  id: number;
  method: string;
  payload?: unknown;
}
export interface WireReply {
  id: number;
  result: KioskResult<unknown>;
}
export interface WirePush {
  event: KioskEventName;
  payload: unknown;
}

// ---- base64 (own implementation: Buffer is Node-only, btoa needs a binary string built char by char) ----

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const rest = n - i;
    const v = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + (rest === 2 ? ALPHABET[(v >> 6) & 63]! : '=') + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

/** Strict decoder: rejects anything that is not canonical padded base64. */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error('invalid base64: length is not a multiple of 4');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const c = [0, 1, 2, 3].map((k) => {
      const ch = text.charCodeAt(i + k);
      if (last && ch === 61 /* = */ && k >= 4 - pad) return 0;
      const v = ch < 128 ? LOOKUP[ch]! : -1;
      if (v < 0) throw new Error('invalid base64 character');
      return v;
    });
    const v = (c[0]! << 18) | (c[1]! << 12) | (c[2]! << 6) | c[3]!;
    out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

// ---- encode / decode ----

/** JSON text of a wire message; Uint8Arrays become {"$bytes": base64}. */
export function encodeWire(message: unknown): string {
  // Read the raw value from the holder: a Node Buffer's toJSON runs before the replacer sees it.
  return JSON.stringify(message, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? { $bytes: bytesToBase64(raw) } : value;
  });
}

/** Parses wire JSON, turning {"$bytes": base64} back into Uint8Arrays. Throws on malformed JSON or base64. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const bytes = (value as { $bytes?: unknown }).$bytes;
      if (keys.length === 1 && keys[0] === '$bytes' && typeof bytes === 'string') return base64ToBytes(bytes);
    }
    return value;
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks the envelope of an incoming request (the payload itself is validated by main's dispatcher). */
export function parseWireRequest(decoded: unknown): { ok: true; request: WireRequest } | { ok: false; id: number | null; message: string } {
  if (!isRecord(decoded)) return { ok: false, id: null, message: 'A request must be a JSON object {id, method, payload}.' };
  const id = decoded.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return { ok: false, id: null, message: 'A request needs a non-negative integer "id".' };
  }
  if (typeof decoded.method !== 'string') return { ok: false, id, message: 'A request needs a string "method".' };
  return { ok: true, request: { id, method: decoded.method, payload: decoded.payload } };
}

/** Classifies a message arriving at the client: a reply to a request, a pushed event, or garbage. */
export function classifyServerMessage(decoded: unknown): { kind: 'reply'; reply: WireReply } | { kind: 'push'; push: WirePush } | { kind: 'invalid' } {
  if (!isRecord(decoded)) return { kind: 'invalid' };
  if (typeof decoded.id === 'number' && isRecord(decoded.result) && typeof decoded.result.ok === 'boolean') {
    return { kind: 'reply', reply: { id: decoded.id, result: decoded.result as KioskResult<unknown> } };
  }
  if (typeof decoded.event === 'string' && (KIOSK_EVENTS as readonly string[]).includes(decoded.event)) {
    return { kind: 'push', push: { event: decoded.event as KioskEventName, payload: decoded.payload } };
  }
  return { kind: 'invalid' };
}

// ---- the bridge ----

export type InvokeFn = (method: KioskMethod, payload: unknown) => Promise<KioskResult<unknown>>;
export type SubscribeFn = (event: KioskEventName, listener: (payload: unknown) => void) => () => void;

const KNOWN_CODES = new Set<KioskErrorCode>(KIOSK_ERROR_CODES);

export type ErrorFactory = (code: KioskErrorCode, message: string) => unknown;

const kioskErrorFactory: ErrorFactory = (code, message) => new KioskError(code, message);

/**
 * For the Electron preload. Whatever a preload function rejects with is copied across contextBridge: an Error
 * keeps its message only (the structured clone of an Error carries name and message, never extra properties such
 * as `code`), a plain object is copied whole (Electron docs, api/context-bridge.md, "Parameter / Error / Return
 * Type support"). So the preload rejects with this plain shape, and the renderer's `adoptBridge` turns it back
 * into a KioskError.
 */
export const plainErrorFactory: ErrorFactory = (code, message) => ({ name: 'KioskError', code, message });

const UNREACHABLE_MESSAGE = 'The kiosk could not reach its main process. Restart the app if this persists.';

/**
 * Normalises anything a bridge call rejected with (a KioskError, the plain shape above, an Error that lost its
 * code on the way) to a KioskError, keeping main's words. Only a rejection without any words becomes the
 * generic 'internal' one.
 */
export function toKioskError(error: unknown): KioskError {
  if (error instanceof KioskError) return error;
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e && typeof e === 'object' && typeof e.message === 'string' && e.message) {
    const code = typeof e.code === 'string' && KNOWN_CODES.has(e.code as KioskErrorCode) ? (e.code as KioskErrorCode) : 'internal';
    return new KioskError(code, e.message);
  }
  return new KioskError('internal', 'The request failed.');
}

/**
 * The renderer's view of a bridge it did not build itself (Electron's `window.kiosk`, proxied by contextBridge):
 * the same methods, each rejecting with a real KioskError, so screens and retries see one error type whichever
 * host carries the call.
 */
export function adoptBridge(raw: KioskBridge): KioskBridge {
  const bridge: Record<string, unknown> = {};
  for (const method of KIOSK_METHODS) {
    const call = raw[method] as (payload?: unknown) => Promise<unknown>;
    bridge[method] = async (payload?: unknown) => {
      if (typeof call !== 'function') throw new KioskError('unreachable', UNREACHABLE_MESSAGE);
      try {
        return await call(payload);
      } catch (error) {
        throw toKioskError(error);
      }
    };
  }
  bridge.on = <E extends KioskEventName>(event: E, listener: (payload: KioskEvents[E]) => void): (() => void) => {
    try {
      return raw.on(event, listener);
    } catch (error) {
      throw toKioskError(error);
    }
  };
  return bridge as unknown as KioskBridge;
}

/** Unwraps an envelope: the value, or a thrown KioskError with the operator message. */
export function unwrapResult<T>(result: KioskResult<T>, makeError: ErrorFactory = kioskErrorFactory): T {
  if (result.ok) return result.value;
  const code = KNOWN_CODES.has(result.error?.code) ? result.error.code : 'internal';
  throw makeError(code, typeof result.error?.message === 'string' ? result.error.message : 'The request failed.');
}

/**
 * Builds a KioskBridge from a transport: one method per KIOSK_METHODS entry (nothing else can be called), and
 * `on()` that accepts only KIOSK_EVENTS names.
 */
export function createBridge(invoke: InvokeFn, subscribe: SubscribeFn, makeError: ErrorFactory = kioskErrorFactory): KioskBridge {
  const bridge: Record<string, unknown> = {};
  for (const method of KIOSK_METHODS) {
    bridge[method] = async (payload?: unknown) => {
      let result: KioskResult<unknown>;
      try {
        result = await invoke(method, payload);
      } catch {
        // The transport itself failed (IPC handler missing, socket gone): still a KioskError, in words.
        throw makeError('unreachable', UNREACHABLE_MESSAGE);
      }
      return unwrapResult(result, makeError);
    };
  }
  bridge.on = <E extends KioskEventName>(event: E, listener: (payload: KioskEvents[E]) => void): (() => void) => {
    if (!(KIOSK_EVENTS as readonly string[]).includes(event)) throw new KioskError('invalid_request', `Unknown event "${String(event)}".`);
    if (typeof listener !== 'function') throw new KioskError('invalid_request', 'The listener must be a function.');
    return subscribe(event, listener as (payload: unknown) => void);
  };
  return bridge as unknown as KioskBridge;
}

// ---- the web host's socket token ----------------------------------------------------------------------------
// The web host makes a random token per start and refuses a socket without it (the Origin header alone would let
// any local process in: only browsers are bound by it). The page learns the token from the fragment of the address
// the host prints (`…/#token=…`, never sent over HTTP, so not in any request log), and offers it as a WebSocket
// subprotocol, the one header a browser page can set on a socket.

/** The subprotocol the host selects; the token travels as a second, offered-only one. */
export const KIOSK_WS_PROTOCOL = 'kiosk';
const TOKEN_PROTOCOL_PREFIX = 'kiosk-token.';
/** base64url of 32 random bytes is 43 characters; anything shorter is not one of ours. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43,128}$/;

export function isSocketToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

/** The subprotocols a page offers when it opens the socket with this token. */
export function socketProtocols(token: string): string[] {
  return [KIOSK_WS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** The token offered in a Sec-WebSocket-Protocol header (comma-separated list), or null. */
export function tokenFromProtocols(header: string | undefined): string | null {
  for (const p of (header ?? '').split(',')) {
    const name = p.trim();
    if (name.startsWith(TOKEN_PROTOCOL_PREFIX)) {
      const token = name.slice(TOKEN_PROTOCOL_PREFIX.length);
      return isSocketToken(token) ? token : null;
    }
  }
  return null;
}

/** The token in an address fragment such as `#token=…`, or null. */
export function tokenFromFragment(hash: string): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(hash);
  return m && isSocketToken(m[1]) ? m[1] : null;
}
