// Pure rules of the room view: when a kiosk counts as offline, and which kiosks need attention first.
import type { RoomKioskView } from '../../preload/contract';

/** Offline: its latest report (server time) is older than the threshold, i.e. heartbeats were missed. */
export function isOffline(kiosk: RoomKioskView, nowMs: number, offlineAfterMs: number): boolean {
  const seen = Date.parse(kiosk.lastSeen);
  return !Number.isFinite(seen) || nowMs - seen > offlineAfterMs;
}

/** Help requests first (they must not be missed), then the rest in their given order. */
export function attentionOrder(kiosks: readonly RoomKioskView[]): RoomKioskView[] {
  return [...kiosks].sort((a, b) => Number(b.state === 'help_requested') - Number(a.state === 'help_requested'));
}
