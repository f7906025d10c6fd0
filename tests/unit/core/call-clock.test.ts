// A call's clocks in main: a candidate turn's audio_start_ms counts from when the call's audio began flowing
// (anchored at the call's session.created, not at the SDP answer), and the rollover follows the session's own
// expires_at. Driven through the transcript ingestion with a controlled clock and a real SQLite store.
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
import { rolloverAfterMs } from '../../../main/core/recovery/policy';
import { withCall } from '../../../main/core/transcript/reducer';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-clock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const START = Date.parse('2026-12-02T09:00:00.000Z');

function setup() {
  const db = openDatabase(join(dir, `k${Math.random().toString(36).slice(2)}.sqlite`));
  seedDemoData(db);
  const store = createStore(db);
  const tenant = store.tenant()!;
  store.insertSession({ id: 's1', tenantId: tenant.id, candidateId: DEMO_CANDIDATES[0]!.id, positionId: DEMO_POSITIONS[0]!.id, recordingConsent: false });
  // As startCall leaves it: the call recorded at its SDP answer (offset 0), the live session on that call.
  store.updateSession(store.session('s1')!, {
    status: 'in_progress', startTime: new Date(START).toISOString(), calls: [{ id: 'rtc_one', startedAt: new Date(START).toISOString(), offsetMs: 0 }],
  });
  let now = START;
  const sessions = { require: (id: string) => store.session(id)! } as unknown as Sessions;
  const t = createTranscripts({ store, events: createEventEmitter(() => {}), sessions, now: () => now });
  const live = t.liveFor(store.session('s1')!);
  live.call = { id: 'rtc_one', baseUrl: 'http://127.0.0.1:1', apiKey: 'k' };
  live.transcript = withCall(live.transcript, START, 0);
  const report = async (event: Record<string, unknown>) =>
    (await t.api.reportRealtimeEvent({ sessionId: 's1', direction: 'server', event } as never)).actions;
  return { db, store, report, at: (ms: number) => void (now = START + ms) };
}

test("a candidate turn's start_ms counts from when the call's audio began flowing, not from the SDP answer", async () => {
  const { db, store, report, at } = setup();
  at(3_000); // ICE + DTLS took three seconds after the answer
  await report({ type: 'session.created', event_id: 'ev_1', session: { type: 'realtime' } });
  at(9_000); // a re-delivered session.created does not move the anchor
  await report({ type: 'session.created', event_id: 'ev_1b', session: { type: 'realtime' } });
  await report({ type: 'input_audio_buffer.speech_started', audio_start_ms: 1_500, item_id: 'item_u1' });
  await report({ type: 'input_audio_buffer.committed', previous_item_id: null, item_id: 'item_u1' });
  await report({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_u1', content_index: 0, transcript: 'Hello.' });
  const row = db.prepare(`SELECT start_ms, text FROM transcript_entries WHERE session_id = 's1'`).get() as { start_ms: number; text: string };
  assert.deepEqual(row, { start_ms: 4_500, text: 'Hello.' });
  assert.equal(store.calls(store.session('s1')!)[0]!.offsetMs, 3_000, 'the anchor is stored with the call (a restart keeps it)');
  db.close();
});

test("the rollover is scheduled from the session's expires_at", async () => {
  const { db, report, at } = setup();
  at(2_000);
  const expiresAt = Math.floor((START + 2_000 + 30 * 60_000) / 1000); // the service says: 30 minutes from now
  const actions = await report({ type: 'session.created', event_id: 'ev_2', session: { type: 'realtime', expires_at: expiresAt } });
  const rollover = actions.find((a) => a.kind === 'rollover') as { afterMs: number } | undefined;
  assert.ok(rollover, 'a rollover action');
  assert.equal(rollover.afterMs, rolloverAfterMs(30 * 60_000, undefined), 'the margin before the announced expiry');
  assert.ok(rollover.afterMs > 0 && rollover.afterMs < 30 * 60_000);
  const none = await report({ type: 'session.created', event_id: 'ev_3', session: { type: 'realtime' } });
  assert.ok(!none.some((a) => a.kind === 'rollover'), 'no expires_at, no re-planned rollover');
  db.close();
});
