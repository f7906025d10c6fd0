// Pure rules of the room view: offline by a missed heartbeat, help requests first, and merging rows from events
// and catch-up pulls in any order without duplicates (newest updated_at wins).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoomKioskView } from '../../../preload/contract';
import { mergeRows, roomEntries, type EntryRow } from '../../../main/core/room/merge';
import { nextReport, presenceRow } from '../../../main/core/sync/presence';
import { attentionOrder, isOffline } from '../../../renderer/logic/room';

const kiosk = (label: string, state: RoomKioskView['state'], lastSeen: string): RoomKioskView =>
  ({ deviceId: label, label, state, question: null, sessionId: null, since: lastSeen, lastSeen });

describe('room logic', () => {
  it('a kiosk is offline once its last report is older than the threshold', () => {
    const k = kiosk('K1', 'idle', '2026-12-02T10:00:00.000Z');
    const at = Date.parse('2026-12-02T10:00:00.000Z');
    assert.equal(isOffline(k, at + 30_000, 30_000), false);
    assert.equal(isOffline(k, at + 30_001, 30_000), true);
    assert.equal(isOffline({ ...k, lastSeen: 'garbage' }, at, 30_000), true);
  });

  it('help requests come first', () => {
    const t = '2026-12-02T10:00:00.000Z';
    assert.deepEqual(attentionOrder([kiosk('A', 'idle', t), kiosk('B', 'help_requested', t), kiosk('C', 'finished', t)]).map((k) => k.label), ['B', 'A', 'C']);
  });

  it('rows merge by id, newest wins, order is seq then id, whatever the arrival order', () => {
    const row = (id: string, seq: number, text: string, at: string): EntryRow =>
      ({ id, session_id: 's', seq, speaker: 'candidate', text, status: 'final', updated_at: at });
    const a1 = row('a', 0, 'hel', '2026-12-02T10:00:00.000001+00:00');
    const a2 = row('a', 0, 'hello', '2026-12-02T10:00:01+00:00');
    const b = row('b', 1, 'world', '2026-12-02T10:00:00.5+00:00');
    const forward = new Map<string, EntryRow>();
    mergeRows(forward, [a1, b]);
    mergeRows(forward, [a2]);
    const backward = new Map<string, EntryRow>();
    mergeRows(backward, [a2, b, a1, b]);
    assert.deepEqual(roomEntries(forward), roomEntries(backward));
    assert.deepEqual(roomEntries(forward).map((e) => e.text), ['hello', 'world']);
    assert.equal(mergeRows(forward, [b]), false, 'the same row again changes nothing');
  });

  it('presence: since is kept while the state stays; question only while interviewing; idle clears the session', () => {
    const start = { state: 'interviewing' as const, question: 1, sessionId: 's1', since: 'T0' };
    assert.equal(nextReport(start, 'interviewing', { question: 2 }, 'T1').since, 'T0');
    assert.equal(nextReport(start, 'interviewing', { question: 2 }, 'T1').question, 2);
    const help = nextReport(start, 'help_requested', {}, 'T2');
    assert.deepEqual(help, { state: 'help_requested', question: null, sessionId: 's1', since: 'T2' });
    assert.equal(nextReport(help, 'idle', {}, 'T3').sessionId, null);
    assert.equal(presenceRow(help, 'd', 't', 'K').question, null);
  });
});
