// Invitation codes at the kiosk, pure: how a typed code is normalized and hashed (the kiosk keeps only
// HMAC-SHA-256(tenant key, code) of each open code, as the server computes it: supabase/README.md "Invitations"),
// and how wrong codes slow the next attempt down. The attempt state is persisted by the caller (sync_state), so a
// restart does not reset it; the same gate runs online and offline.
import { createHmac } from 'node:crypto';

/** Upper case, letters and digits only: "abcd efgh-jkmn" and "ABCD-EFGH-JKMN" are the same code. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/** The server's token_hash for a code: HMAC-SHA-256 with the tenant's key (hex), hex. */
export function codeHash(keyHex: string, code: string): string {
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update(normalizeCode(code), 'utf8').digest('hex');
}

/** The server's limit (public.invitation_attempt_limit()): 10 unknown codes per device in any 15 minutes. */
export const ATTEMPT_LIMIT = { maxFailures: 10, windowMs: 15 * 60_000 } as const;

export interface AttemptState {
  /** When each unknown code of the current window was typed (ms). */
  failures: number[];
  /** No attempt is looked at before this time (ms). */
  notBefore: number;
}

export const NO_ATTEMPTS: AttemptState = { failures: [], notBefore: 0 };

/** The pause after the n-th unknown code in the window: none for the first two, then 2 s doubling to 5 min. */
export function failureDelayMs(failuresInWindow: number): number {
  if (failuresInWindow < 3) return 0;
  return Math.min(5 * 60_000, 2_000 * 2 ** (failuresInWindow - 3));
}

export function parseAttemptState(raw: string | null): AttemptState {
  if (!raw) return NO_ATTEMPTS;
  try {
    const v = JSON.parse(raw) as Partial<AttemptState>;
    const failures = Array.isArray(v.failures) ? v.failures.filter((x): x is number => Number.isFinite(x)) : [];
    return { failures, notBefore: Number.isFinite(v.notBefore) ? Number(v.notBefore) : 0 };
  } catch {
    // A damaged state starts over; the server's own limit still holds whenever the kiosk is online.
    return NO_ATTEMPTS;
  }
}

/** Whether a code may be checked now; if not, from when. */
export function attemptGate(state: AttemptState, nowMs: number, limit = ATTEMPT_LIMIT): { ok: true } | { ok: false; retryAt: number } {
  const recent = state.failures.filter((t) => t > nowMs - limit.windowMs);
  if (recent.length >= limit.maxFailures) return { ok: false, retryAt: Math.max(Math.min(...recent) + limit.windowMs, state.notBefore) };
  if (state.notBefore > nowMs) return { ok: false, retryAt: state.notBefore };
  return { ok: true };
}

/** The state after an unknown code typed at nowMs. */
export function recordFailure(state: AttemptState, nowMs: number, limit = ATTEMPT_LIMIT): AttemptState {
  const failures = [...state.failures.filter((t) => t > nowMs - limit.windowMs), nowMs];
  return { failures, notBefore: nowMs + failureDelayMs(failures.length) };
}

/** A code that was found ends the pause (the window's count stays: it is the server's rule too). */
export function recordSuccess(state: AttemptState): AttemptState {
  return { failures: state.failures, notBefore: 0 };
}

export function tooManyAttemptsMessage(retryAt: number, nowMs: number): string {
  const seconds = Math.max(1, Math.ceil((retryAt - nowMs) / 1000));
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many codes that did not match. Please wait ${wait} before trying again, or ask the staff for help.`;
}
