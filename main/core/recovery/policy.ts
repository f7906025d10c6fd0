// When to roll a call over before the Realtime session limit, and which interview a restarted kiosk resumes. PURE
// except `findResumableSession`, a single read.
import type { KioskDatabase } from '../db/database';

/** The GA Realtime session limit (docs/realtime-protocol.md, "Session limit"). */
export const REALTIME_SESSION_LIMIT_MS = 60 * 60_000;
/** Roll over this long before the limit by default: room for a quiet moment (no one speaking) to come by. */
export const DEFAULT_ROLLOVER_MARGIN_MS = 5 * 60_000;

export interface RecoveryOptions {
  /** The session limit of the Realtime service in use (practice mode: the emulator's `sessionLimitMs`). */
  sessionLimitMs?: number;
  /** How long before the limit to roll over. Default 5 min, at most a quarter of the limit. */
  rolloverMarginMs?: number;
  /** Turns replayed verbatim on resume (the rest is summarised). */
  verbatimTurns?: number;
}

/** Milliseconds after a call connects at which the renderer starts the next call; null = no limit known. */
export function rolloverAfterMs(limitMs: number | undefined, marginMs: number | undefined): number | null {
  if (limitMs === undefined || !Number.isFinite(limitMs) || limitMs <= 0) return null;
  const margin = Math.min(marginMs ?? DEFAULT_ROLLOVER_MARGIN_MS, limitMs / 4);
  return Math.max(0, Math.round(limitMs - margin));
}

/** The most recently active interview left in progress (killed app, crashed renderer), or null. */
export function findResumableSession(db: KioskDatabase): string | null {
  const row = db
    .prepare(`SELECT id FROM interview_sessions WHERE status = 'in_progress' AND end_time IS NULL ORDER BY updated_at DESC, id LIMIT 1`)
    .get() as { id: string } | undefined;
  return row?.id ?? null;
}
