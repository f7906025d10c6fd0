// The race behind "the resumed interviewer asked a question again": the web host (main) dies while the page still
// holds reports of the dead call's last events (the interviewer's finished question among them). The renderer
// retries those reports once main is back; if it asks main for the new call first, main builds the resume
// context without the question, the new call asks it again, and the late report then stores the first asking
// too — the same question twice in the transcript.
//
// Here the renderer's real InterviewCall (browser objects faked) talks to the real core service (real SQLite) over
// a link modelled on the web host's socket (renderer/transport/ws-client.ts): a request made while the link is
// down waits for it; a request in flight when it drops fails with code `unreachable`, whether main handled it or not.
// The kill is placed deterministically: the link drops while the report of the interviewer's question is in
// flight, the dead call's channel closes, and the link comes back at once (a fast restart).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KioskMethod, KioskResult, StartCallRequest } from '../../../preload/contract';
import { createBridge } from '../../../preload/wire';
import { InterviewCall } from '../../../renderer/call/interview-call';
import { createKioskService, type KioskService } from '../../../main/core/api/service';
import { loadEmulator } from '../../../main/simulator/lazy';
import { openDatabase, type KioskDatabase } from '../../../main/core/db/database';
import { memorySecretStore, memorySettingsStore } from '../../../main/core/settings/types';
import { startRealtimeStub, type RealtimeStub } from '../../integration/core/realtime-stub';
import { FakePeer, tick, useFakeBrowser } from '../../support/fake-browser';

const KEY = 'sk-test-resume-race-0123456789';
const QUESTION = 'What is the hardest bug you have fixed?';
let stub: RealtimeStub;
let dir: string;
let db: KioskDatabase;

before(async () => {
  stub = await startRealtimeStub(KEY);
  dir = mkdtempSync(join(tmpdir(), 'kiosk-resume-race-'));
  db = openDatabase(join(dir, 'kiosk.sqlite'));
});
after(async () => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
  await stub.close();
});

useFakeBrowser({ autoConnect: true });

/** main behind a socket that can drop: the web host's link, as ws-client.ts behaves. `restore` may bring a new
 * main (a restarted host: fresh memory, same database). */
function linkTo(first: KioskService) {
  let svc = first;
  let up = true;
  const waiting = new Set<() => void>();
  const inFlight = new Set<(r: KioskResult<unknown>) => void>();
  const listeners = new Set<(up: boolean) => void>();
  /** What reached main, in order: method and, for reports, the event type and which call it came from. */
  const arrived: string[] = [];
  let onArrive: (method: KioskMethod, payload: unknown) => void = () => {};
  const invoke = async (method: KioskMethod, payload: unknown): Promise<KioskResult<unknown>> => {
    if (!up) await new Promise<void>((resolve) => waiting.add(resolve));
    return new Promise((resolve) => {
      inFlight.add(resolve);
      onArrive(method, payload);
      if (!up) return; // the link dropped with this request still in the socket: main never read it
      // main handles it; the reply crosses the socket a moment later (or never, if the link drops first)
      void svc.dispatch(method, payload as never).then((result) => {
        setTimeout(() => {
          if (!inFlight.delete(resolve)) return;
          resolve(result);
        }, 2);
      });
    });
  };
  const bridge = createBridge(invoke, () => () => {});
  return {
    bridge,
    arrived,
    set onArrive(f: (method: KioskMethod, payload: unknown) => void) {
      onArrive = f;
    },
    watch(listener: (up: boolean) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    drop() {
      up = false;
      for (const fail of [...inFlight]) {
        inFlight.delete(fail);
        fail({ ok: false, error: { code: 'unreachable', message: 'The connection to the kiosk service was lost while a request was in flight.' } });
      }
      for (const l of [...listeners]) l(false);
    },
    restore(next: KioskService) {
      svc = next;
      up = true;
      for (const wake of [...waiting]) wake();
      waiting.clear();
      for (const l of [...listeners]) l(true);
    },
  };
}

describe('resume after main died with reports in flight', () => {
  it('the new call is asked for only after every event of the dead call reached main, so its context holds the question', async () => {
    const secrets = memorySecretStore();
    secrets.setOpenAIKey(KEY);
    const settings = memorySettingsStore();
    settings.update({ practiceMode: false, openaiBaseUrl: stub.baseUrl });
    const host = () => createKioskService({ startEmulator: loadEmulator, db, dataDir: dir, settings, secrets });
    const svc = host();
    const restarted = host();
    const setup = await svc.getSetupData();
    const session = await svc.createSession({ candidateId: setup.candidates[0]!.id, positionId: setup.positions[0]!.id, recordingConsent: false });

    const link = linkTo(svc);
    const startCalls: StartCallRequest[] = [];
    const openings: unknown[][] = [];
    const original = link.bridge.startCall.bind(link.bridge);
    link.bridge.startCall = async (req) => {
      startCalls.push(req);
      const result = await original(req);
      openings.push(result.openingEvents);
      return result;
    };
    let reconnected = 0;
    const log: string[] = [];
    const track = { stop: () => {} };
    const call = new InterviewCall({
      kiosk: link.bridge,
      sessionId: session.id,
      mic: { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream,
      audio: { srcObject: null, muted: true, play: async () => {} } as unknown as HTMLAudioElement,
      record: false,
      random: () => 0.5,
      delayScale: 0.001,
      watchMainLink: (l) => link.watch(l),
      callbacks: {
        onPhase: () => {}, onSpeaking: () => {}, onLog: (line) => log.push(line), onEnded: () => {}, onEndFailed: () => {},
        onReconnected: () => reconnected++,
      },
    });
    await call.start();
    const first = FakePeer.all[0]!;
    await waitFor(() => first.channel.readyState === 'open', 'the first call to open');

    // The first call: the greeting + question, spoken in full (its transcript done), then the host dies.
    // The kill lands while the report of the question's transcript is in flight.
    link.onArrive = (method, payload) => {
      const type = (payload as { event?: { type?: string } } | undefined)?.event?.type;
      link.arrived.push(method === 'reportRealtimeEvent' ? `report ${type}` : method);
      if (type === 'response.output_audio_transcript.done') {
        link.onArrive = (m, p) => link.arrived.push(m === 'reportRealtimeEvent' ? `report ${(p as { event: { type: string } }).event.type}` : m);
        link.drop(); // main killed before it read this report
        queueMicrotask(() => first.channel.drop()); // the practice call dies with the host
        setTimeout(() => link.restore(restarted), 20); // and the host is back quickly, on the same database
      }
    };
    const e = (n: number, event: Record<string, unknown>) => first.channel.receive({ event_id: `ev_${n}`, ...event });
    e(1, { type: 'session.created', session: {} });
    e(2, { type: 'response.created', response: { id: 'resp_1' } });
    e(3, { type: 'response.output_item.added', response_id: 'resp_1', item: { id: 'item_q1', type: 'message', role: 'assistant' } });
    e(4, { type: 'conversation.item.added', previous_item_id: null, item: { id: 'item_q1', type: 'message', role: 'assistant' } });
    e(5, { type: 'response.output_audio_transcript.done', response_id: 'resp_1', item_id: 'item_q1', transcript: QUESTION });
    e(6, { type: 'response.done', response: { id: 'resp_1', status: 'completed', output: [] } });

    await waitFor(() => reconnected === 1, 'the call to be resumed');
    assert.equal(startCalls.length, 2);
    await waitFor(() => link.arrived.includes('report response.done'), 'the dead call\'s last report');

    // Every report of the first call reached main before the second startCall did.
    const second = link.arrived.lastIndexOf('startCall');
    const lateReports = link.arrived.slice(second + 1).filter((a) => a.startsWith('report ') && a !== 'report session.update');
    const lastDone = link.arrived.lastIndexOf('report response.output_audio_transcript.done');
    assert.ok(lastDone >= 0 && lastDone < second, `the question's report must reach main before the new call is asked for; order seen: ${link.arrived.join(', ')}`);
    assert.ok(!lateReports.includes('report response.done'), `the dead call's response.done arrived after the new call: ${link.arrived.join(', ')}`);

    // The new call's context replays the question, so a model (or the emulator, which counts replayed assistant
    // messages to find its place in the script) continues after it instead of asking it again.
    const replayedAssistant = openings[1]!
      .filter((ev): ev is { type: string; item: { role: string; content: { text: string }[] } } => (ev as { type: string }).type === 'conversation.item.create')
      .filter((ev) => ev.item.role === 'assistant')
      .map((ev) => ev.item.content.map((c) => c.text).join(''));
    assert.deepEqual(replayedAssistant, [QUESTION], 'the resumed call was given the question already asked');

    // And the transcript holds the question once, final.
    const entries = (await restarted.getSessionSummary({ sessionId: session.id })).entries.filter((x) => x.speaker === 'interviewer');
    assert.deepEqual(entries.map((x) => [x.text, x.status]), [[QUESTION, 'final']]);
    call.abandon();
    await svc.close();
    await restarted.close();
  });
});

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500 && !cond(); i++) await tick(2);
  assert.ok(cond(), `timed out waiting for ${what}`);
}
