// When a Realtime call is lost, and how long to wait before each new try. PURE.
// Backoff as in docs/realtime-protocol.md ("Reconnecting"): the first try after about half a second, then 3 s, 5 s,
// and 7 s for every later try, each ±50 % (so many kiosks behind one broken router do not all redial in the same
// instant); at most 10 tries, then the operator decides.
import { backoffDelay, type BackoffPolicy } from '../../preload/backoff';
import { t } from '../i18n';

export const CALL_RECONNECT_BACKOFF: BackoffPolicy = { stepsMs: [500, 3000, 5000, 7000], factor: 1, capMs: 7000, jitter: [0.5, 1.5] };

export const MAX_RECONNECT_ATTEMPTS = 10;
/** A peer connection `disconnected` this long is treated as lost (it often recovers by itself within ~1 s). */
export const DISCONNECTED_GRACE_MS = 2000;

/** Delay before try `attempt` (0-based). `scale` compresses time in tests (main sends it with the call). */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random, scale = 1): number {
  return Math.round(backoffDelay(attempt, CALL_RECONNECT_BACKOFF, random) * (Number.isFinite(scale) && scale >= 0 ? scale : 1));
}

/** The whole schedule (for the UI and tests): delays of tries 0…max-1. */
export function reconnectSchedule(random: () => number = Math.random, scale = 1, max = MAX_RECONNECT_ATTEMPTS): number[] {
  return Array.from({ length: max }, (_, i) => reconnectDelayMs(i, random, scale));
}

export type LossReason = 'peer_failed' | 'peer_closed' | 'peer_disconnected' | 'channel_closed' | 'session_expired' | 'no_answer';

/**
 * Is the call lost? From the peer connection state, the event channel state, and how long the peer has been
 * `disconnected` (null = not disconnected). Returns why, or null while it is fine (or may still recover).
 */
export function callLost(
  pcState: RTCPeerConnectionState | 'none',
  dcState: RTCDataChannelState | 'none',
  disconnectedForMs: number | null,
): LossReason | null {
  if (pcState === 'failed') return 'peer_failed';
  if (pcState === 'closed') return 'peer_closed';
  if (dcState === 'closing' || dcState === 'closed') return 'channel_closed';
  if (pcState === 'disconnected' && disconnectedForMs !== null && disconnectedForMs >= DISCONNECTED_GRACE_MS) return 'peer_disconnected';
  return null;
}

/** A server `error` event that ends the session (the Realtime session limit): roll over to a new call. */
export function isSessionExpired(event: { type: string } & Record<string, unknown>): boolean {
  const err = event.error as { code?: unknown } | undefined;
  return event.type === 'error' && err?.code === 'session_expired';
}

/** A quiet moment to switch calls: nobody speaking and no response being generated. */
export function isQuietMoment(s: { interviewer: boolean; candidate: boolean; responseActive: boolean }): boolean {
  return !s.interviewer && !s.candidate && !s.responseActive;
}

export function reconnectStatusText(attempt: number, max = MAX_RECONNECT_ATTEMPTS): string {
  return attempt <= 0 ? t('phase.reconnecting') : t('phase.reconnectingTry', { attempt: attempt + 1, max });
}
