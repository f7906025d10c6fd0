// Reconnect delays for the web host socket: a quick first retry, then doubling to a 0.5 s cap. The host is always
// on this machine (127.0.0.1), so frequent tries cost nothing, and after a crash the restarted host should be found
// within a fraction of a second: the socket's backoff is part of the kill → resumed-call time (recovery_ms).
export const RECONNECT_FIRST_MS = 100;
export const RECONNECT_CAP_MS = 500;

export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RECONNECT_CAP_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + 0.5 * random()));
}
