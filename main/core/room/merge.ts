// Pure merging for the room view: rows arrive from Realtime events and from catch-up pulls, in any order and
// possibly twice; the newest version of each row (by updated_at) wins, so the result does not depend on order.
import type { KioskState, RoomEntryView, RoomKioskView } from '../../../preload/contract';

export interface KioskRow {
  device_id: string;
  label: string;
  state: KioskState;
  question: number | null;
  session_id: string | null;
  state_since: string;
  last_seen: string;
  updated_at: string;
}

export interface EntryRow {
  id: string;
  session_id: string;
  seq: number;
  speaker: RoomEntryView['speaker'];
  text: string;
  status: RoomEntryView['status'];
  updated_at: string;
}

const newer = (a: { updated_at: string }, b: { updated_at: string } | undefined) => !b || Date.parse(a.updated_at) >= Date.parse(b.updated_at);

/** Merge rows by id; true when anything changed. */
export function mergeRows(into: Map<string, EntryRow>, rows: readonly EntryRow[]): boolean {
  let changed = false;
  for (const r of rows) {
    const old = into.get(r.id);
    if (!newer(r, old)) continue;
    if (old && old.updated_at === r.updated_at && old.text === r.text && old.seq === r.seq && old.status === r.status) continue;
    into.set(r.id, r);
    changed = true;
  }
  return changed;
}

export function mergeKiosk(into: Map<string, KioskRow>, row: KioskRow): boolean {
  if (!newer(row, into.get(row.device_id))) return false;
  into.set(row.device_id, row);
  return true;
}

/** The newest updated_at seen: where the next catch-up pull starts (minus an overlap). */
export function newestCursor(rows: Map<string, EntryRow>, cursor: string | null): string | null {
  let best = cursor;
  for (const r of rows.values()) if (!best || Date.parse(r.updated_at) > Date.parse(best)) best = r.updated_at;
  return best;
}

/** The transcript in conversation order: seq, then id (the kiosk's own order). */
export function roomEntries(rows: Map<string, EntryRow>): RoomEntryView[] {
  return [...rows.values()]
    .sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => ({ id: r.id, seq: r.seq, speaker: r.speaker, text: r.text, status: r.status }));
}

export function roomKiosks(rows: Map<string, KioskRow>): RoomKioskView[] {
  return [...rows.values()]
    .sort((a, b) => a.label.localeCompare(b.label) || (a.device_id < b.device_id ? -1 : 1))
    .map((r) => ({
      deviceId: r.device_id, label: r.label, state: r.state, question: r.question, sessionId: r.session_id,
      since: r.state_since, lastSeen: r.last_seen,
    }));
}
