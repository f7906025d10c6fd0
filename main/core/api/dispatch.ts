// The one entry point both bindings (Electron IPC, the web host's WebSocket) call. It checks the method name,
// the payload size and shape (zod), then calls the service; every outcome is a KioskResult envelope. A rejected
// request never reaches the service, so it changes nothing.
import { KIOSK_METHODS, KioskError, MAX_REQUEST_BYTES, type KioskApi, type KioskMethod, type KioskResult } from '../../../preload/contract';
import { REQUEST_SCHEMAS } from './schemas';

export type Dispatch = (method: string, payload: unknown) => Promise<KioskResult<unknown>>;

const MAX_DEPTH = 64;

/**
 * Approximate size of a payload in bytes, stopping as soon as it passes `limit`. Counts a Uint8Array by its
 * byteLength (IPC carries it as bytes), strings by their UTF-16 length; rejects absurd nesting.
 */
export function payloadSize(value: unknown, limit: number): number {
  let total = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) return Infinity;
    if (typeof v === 'string') total += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) total += 8;
    else if (v instanceof Uint8Array) total += v.byteLength;
    else if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) total += v.byteLength;
    else if (Array.isArray(v)) {
      total += 2;
      for (const item of v) stack.push([item, depth + 1]);
    } else if (typeof v === 'object') {
      for (const [k, item] of Object.entries(v as object)) {
        total += k.length + 4;
        stack.push([item, depth + 1]);
      }
    } else total += 8;
    if (total > limit) return total;
  }
  return total;
}

const isMethod = (m: string): m is KioskMethod => (KIOSK_METHODS as readonly string[]).includes(m);

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : 'payload'}: ${i.message}`)
    .join('; ');
}

export function createDispatcher(api: KioskApi, options: { log?: (line: string) => void; maxBytes?: number } = {}): Dispatch {
  const maxBytes = options.maxBytes ?? MAX_REQUEST_BYTES;
  return (method, payload) => {
    // Synchronous up to the service call, so requests are handled in the order they arrive.
    if (typeof method !== 'string' || !isMethod(method)) {
      const name = typeof method === 'string' ? method.slice(0, 80) : typeof method;
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `The kiosk has no request named "${name}".` } });
    }
    const size = payloadSize(payload, maxBytes);
    if (size > maxBytes) {
      return Promise.resolve({
        ok: false,
        error: { code: 'payload_too_large', message: `The ${method} request is too large (over ${maxBytes} bytes) and was refused.` },
      });
    }
    const parsed = REQUEST_SCHEMAS[method].safeParse(payload);
    if (!parsed.success) {
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid_request', message: `The ${method} request is malformed: ${describeIssues(parsed.error.issues)}.` },
      });
    }
    let pending: Promise<unknown>;
    try {
      pending = (api[method] as (p: unknown) => Promise<unknown>).call(api, parsed.data);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(
      (value): KioskResult<unknown> => ({ ok: true, value }),
      (error: unknown): KioskResult<unknown> => {
        if (error instanceof KioskError) return { ok: false, error: { code: error.code, message: error.message } };
        const code = (error as { code?: unknown } | null)?.code;
        if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
          return { ok: false, error: { code: 'internal', message: `The kiosk's disk is full, so ${method} could not be saved. Free some space; nothing already saved is lost.` } };
        }
        options.log?.(`internal error in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return {
          ok: false,
          error: { code: 'internal', message: `The kiosk hit an internal error while handling ${method}. The details are in the log.` },
        };
      },
    );
  };
}
