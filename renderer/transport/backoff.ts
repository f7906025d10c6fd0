// Reconnect delays for the web host socket: quick first retry, then doubling to a 1 s cap. The host is always on
// this machine (127.0.0.1), so a try a second costs nothing, and after a crash the restarted host must be found
// within about a second: a longer cap was most of the kill → resumed-call time (recovery_ms).
export const RECONNECT_CAP_MS = 1000;

export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RECONNECT_CAP_MS, 250 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + 0.5 * random()));
}
