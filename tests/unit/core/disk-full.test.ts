// A full disk mid-interview (SQLITE_FULL injected at the store's write, where SQLite raises it): committed entries
// stay intact, the operator is told, the interview goes on holding unsaved entries in memory, and they are written
// once the disk has room again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../../main/core/db/database';
import { DEMO_CANDIDATES, DEMO_POSITIONS, seedDemoData } from '../../../main/core/db/seed';
import { createStore } from '../../../main/core/db/store';
import { createEventEmitter } from '../../../main/core/api/events';
import { createTranscripts } from '../../../main/core/interview/transcript';
import type { Sessions } from '../../../main/core/interview/sessions';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-diskfull-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('disk full: committed entries intact, operator told, unsaved entries held and written when the disk recovers', async () => {
  const file = join(dir, 'k.sqlite');
  const db = openDatabase(file);
  seedDemoData(db);
  const store = createStore(db);
  const tenant = store.tenant()!;
  store.insertSession({ id: 's1', tenantId: tenant.id, candidateId: DEMO_CANDIDATES[0]!.id, positionId: DEMO_POSITIONS[0]!.id, recordingConsent: false });
  store.updateSession(store.session('s1')!, { status: 'in_progress', startTime: new Date(1_000).toISOString() });
  let full = false;
  const write = store.writeEntries;
  store.writeEntries = (sessionId, entries) => {
    if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    write(sessionId, entries);
  };
  const events = createEventEmitter(() => {});
  const logs: string[] = [];
  const sessions = { require: (id: string) => store.session(id)! } as unknown as Sessions;
  const t = createTranscripts({ store, events, sessions, now: () => 2_000, log: (l) => logs.push(l) });
  const said = (id: string, prev: string, text: string) => [
    { type: 'input_audio_buffer.committed', previous_item_id: prev, item_id: id },
    { type: 'conversation.item.added', previous_item_id: prev, item: { id, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] } },
    { type: 'conversation.item.input_audio_transcription.completed', item_id: id, content_index: 0, transcript: text },
  ];
  const report = async (evs: Record<string, unknown>[]) => {
    const actions = [];
    for (const event of evs) actions.push(...(await t.api.reportRealtimeEvent({ sessionId: 's1', direction: 'server', event } as never)).actions);
    return actions;
  };
  const texts = () => (db.prepare(`SELECT text FROM transcript_entries WHERE session_id = 's1' AND status = 'final' ORDER BY seq`).pluck().all() as string[]);

  await report(said('item_a', 'root', 'First answer.'));
  assert.deepEqual(texts(), ['First answer.']);

  full = true;
  const during = await report([...said('item_b', 'item_a', 'Second answer.'), ...said('item_c', 'item_b', 'Third answer.')]);
  const told = during.filter((a) => a.kind === 'notice');
  assert.equal(told.length, 1, 'told once, not per event');
  assert.match((told[0] as { message: string }).message, /disk is full.*kept in memory/i);
  assert.deepEqual(texts(), ['First answer.'], 'committed entry intact and readable; nothing half-written');
  assert.equal(db.pragma('quick_check', { simple: true }), 'ok');

  full = false;
  const afterwards = await report(said('item_d', 'item_c', 'Fourth answer.'));
  assert.match((afterwards.find((a) => a.kind === 'notice') as { message: string } | undefined)?.message ?? '', /room again: \d+ transcript lines? held in memory .* now saved/);
  assert.deepEqual(texts(), ['First answer.', 'Second answer.', 'Third answer.', 'Fourth answer.']);
  assert.ok(logs.some((l) => /disk is full/.test(l)) && logs.some((l) => /room again/.test(l)));
  db.close();
});
