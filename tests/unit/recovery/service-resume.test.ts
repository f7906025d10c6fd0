// Main's side of recovery through the real service and dispatcher (SQLite in a temp dir, a signalling stub instead
// of OpenAI): the first call greets; a later call (reconnect, rollover, or after a restart with a fresh service
// on the same database) gets the transcript back as replayed items + a note, leftovers of the dead call are
// closed, the dead call is hung up, rollover timing comes from the session limit, getResumableSession finds the
// interrupted interview and nothing else, and a malformed `reason` is refused in words.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StartCallResult } from '../../../preload/contract';
import { createKioskService, type KioskService } from '../../../main/core/api/service';
import { loadEmulator } from '../../../main/simulator/lazy';
import { openDatabase, type KioskDatabase } from '../../../main/core/db/database';
import { memorySecretStore, memorySettingsStore } from '../../../main/core/settings/types';
import { OFFER_SDP, startRealtimeStub, type RealtimeStub } from '../../integration/core/realtime-stub';

const KEY = 'sk-test-recovery-0123456789';
let stub: RealtimeStub;
let dir: string;
let db: KioskDatabase;

function service(recovery?: { sessionLimitMs?: number; verbatimTurns?: number }): KioskService {
  const secrets = memorySecretStore();
  secrets.setOpenAIKey(KEY);
  const settings = memorySettingsStore();
  settings.update({ practiceMode: false, openaiBaseUrl: stub.baseUrl });
  return createKioskService({ startEmulator: loadEmulator, db, dataDir: dir, settings, secrets, ...(recovery ? { recovery } : {}) });
}

async function call<T>(svc: KioskService, method: string, payload: unknown): Promise<T> {
  const r = await svc.dispatch(method as never, payload);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

const ev = (svc: KioskService, sessionId: string, event: Record<string, unknown>, direction: 'server' | 'client' = 'server') =>
  call(svc, 'reportRealtimeEvent', { sessionId, direction, event });

async function say(svc: KioskService, sessionId: string, n: number, prev: string | null, question: string, answer: string | null) {
  await ev(svc, sessionId, { type: 'response.created', event_id: `e${n}a`, response: { id: `r${n}` } });
  await ev(svc, sessionId, { type: 'response.output_item.added', event_id: `e${n}b`, response_id: `r${n}`, item: { id: `a${n}`, type: 'message', role: 'assistant' } });
  await ev(svc, sessionId, { type: 'conversation.item.added', event_id: `e${n}c`, previous_item_id: prev, item: { id: `a${n}`, type: 'message', role: 'assistant' } });
  await ev(svc, sessionId, { type: 'response.output_audio_transcript.done', event_id: `e${n}d`, item_id: `a${n}`, transcript: question });
  await ev(svc, sessionId, { type: 'response.done', event_id: `e${n}e`, response: { id: `r${n}`, output: [] } });
  if (answer === null) return;
  await ev(svc, sessionId, { type: 'input_audio_buffer.committed', event_id: `e${n}f`, item_id: `u${n}`, previous_item_id: `a${n}` });
  if (answer) await ev(svc, sessionId, { type: 'conversation.item.input_audio_transcription.completed', event_id: `e${n}g`, item_id: `u${n}`, transcript: answer });
}

type Item = { role: string; content: { text: string }[] };
const replayed = (r: StartCallResult) => r.openingEvents.filter((e) => e.type === 'conversation.item.create').map((e) => e.item as Item);

before(async () => {
  stub = await startRealtimeStub(KEY);
  dir = mkdtempSync(join(tmpdir(), 'kiosk-recovery-'));
  db = openDatabase(join(dir, 'kiosk.sqlite'));
});
after(async () => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
  await stub.close();
});

describe('service: resuming calls', () => {
  it('first call greets; a reconnect replays the transcript; a restart rebuilds it from SQLite', async () => {
    let svc = service({ sessionLimitMs: 40_000 });
    const setup = await call<{ candidates: { id: string }[]; positions: { id: string }[] }>(svc, 'getSetupData', undefined);
    const session = await call<{ id: string }>(svc, 'createSession', { candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });
    assert.equal(await call(svc, 'getResumableSession', undefined), null, 'a scheduled session is not resumable');

    const first = await call<StartCallResult>(svc, 'startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    assert.ok(!first.resumed);
    // The greeting cue is a system item and a bare response.create: the session instructions stay in effect.
    assert.deepEqual(first.openingEvents.map((e) => e.type), ['conversation.item.create', 'response.create']);
    assert.deepEqual(first.openingEvents[1], { type: 'response.create' });
    assert.equal(first.rolloverAfterMs, 30_000, 'a quarter of a short limit before it');
    await say(svc, session.id, 1, null, 'Welcome. Tell me about yourself.', 'I build kiosks.');
    await say(svc, session.id, 2, 'u1', 'What is your greatest strength?', ''); // answer committed, never transcribed

    const resumable = await call<{ id: string } | null>(svc, 'getResumableSession', undefined);
    assert.equal(resumable?.id, session.id);

    const second = await call<StartCallResult>(svc, 'startCall', { sessionId: session.id, offerSdp: OFFER_SDP, reason: 'reconnect' });
    assert.equal(second.resumed, true);
    const items = replayed(second);
    assert.deepEqual(items.map((i) => i.role), ['assistant', 'user', 'assistant', 'system']);
    assert.equal(items[1]!.content[0]!.text, 'I build kiosks.');
    assert.match(items.at(-1)!.content[0]!.text, /connection problem.*Do not greet/s);
    assert.equal(second.openingEvents.at(-1)!.type, 'response.create');
    // The dead call is hung up in the background (it may still be alive server-side).
    for (let i = 0; i < 200 && stub.hangups.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(stub.hangups.length, 1, 'the earlier call was hung up');
    const summary = await call<{ entries: { itemId: string; status: string }[] }>(svc, 'getSessionSummary', { sessionId: session.id });
    assert.equal(summary.entries.find((e) => e.itemId === 'u2')?.status, 'failed', "the dead call's untranscribed turn is closed");

    // The new call's replayed items are reported by the renderer and echoed by the server: never entries.
    for (const e of second.openingEvents) if (e.type === 'conversation.item.create') await ev(svc, session.id, e, 'client');
    await say(svc, session.id, 3, 'rs1_3', 'Why this role?', 'Because I like it.');

    // Restart: a fresh service on the same database.
    await svc.close();
    svc = service();
    const third = await call<StartCallResult>(svc, 'startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    assert.equal(third.resumed, true);
    assert.match(replayed(third).at(-1)!.content[0]!.text, /restarted/);
    assert.equal(third.rolloverAfterMs, 55 * 60_000, 'default: 5 minutes before the 60-minute limit');
    const entries = (await call<{ entries: { itemId: string; seq: number }[] }>(svc, 'getSessionSummary', { sessionId: session.id })).entries;
    assert.deepEqual(entries.map((e) => e.itemId), ['a1', 'u1', 'a2', 'u2', 'a3', 'u3']);
    assert.deepEqual(entries.map((e) => e.seq), [0, 1, 2, 3, 4, 5]);

    await call(svc, 'endInterview', { sessionId: session.id, reason: 'operator' });
    assert.equal(await call(svc, 'getResumableSession', undefined), null, 'a completed interview is not offered again');
    await svc.close();
  });

  it('a long interview is replayed bounded: recent turns verbatim, the rest summarised', async () => {
    const svc = service({ verbatimTurns: 4 });
    const setup = await call<{ candidates: { id: string }[]; positions: { id: string }[] }>(svc, 'getSetupData', undefined);
    const session = await call<{ id: string }>(svc, 'createSession', { candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });
    await call(svc, 'startCall', { sessionId: session.id, offerSdp: OFFER_SDP });
    let prev: string | null = null;
    for (let n = 1; n <= 30; n++) {
      await say(svc, session.id, n, prev, `Question ${n}?`, `Answer ${n}.`);
      prev = `u${n}`;
    }
    const next = await call<StartCallResult>(svc, 'startCall', { sessionId: session.id, offerSdp: OFFER_SDP, reason: 'rollover' });
    const items = replayed(next);
    assert.equal(items.length, 1 + 1 + 4 + 1);
    assert.match(items[0]!.content[0]!.text, /Summary of the earlier part.*Question 1\?.*Question 28\?/s);
    assert.equal(items[1]!.role, 'user', "the earlier answers are the candidate's own message, not a system item");
    assert.match(items[1]!.content[0]!.text, /Answer 1\..*Answer 27\./s);
    assert.match(items.at(-1)!.content[0]!.text, /time limit/);
    await call(svc, 'endInterview', { sessionId: session.id, reason: 'operator' });
    await svc.close();
  });

  it('a malformed reason is refused in words', async () => {
    const svc = service();
    await assert.rejects(call(svc, 'startCall', { sessionId: '00000000-0000-4000-8000-000000000000', offerSdp: OFFER_SDP, reason: 'whenever' }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'invalid_request');
      assert.match(e.message, /reason/);
      return true;
    });
    await svc.close();
  });
});
