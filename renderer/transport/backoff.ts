// Reconnect delays for the web host socket: quick first retry, then doubling to a cap, so a restarted host is
// found again within seconds and a dead one is not hammered.
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5000, 250 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + 0.5 * random()));
}
