// The renderer's reconnect policy (renderer/logic/reconnect.ts) and InterviewCall's recovery with faked browser
// objects: a closed event channel → a new call with reason 'reconnect' whose opening events go out on the new
// channel; the recorder keeps running; session_expired → 'rollover'; ten failures → onReconnectFailed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KioskBridge, RealtimeEventReport, StartCallRequest } from '../../../preload/contract';
import { InterviewCall } from '../../../renderer/call/interview-call';
import { FakePeer, FakeRecorder, tick, useFakeBrowser } from '../../support/fake-browser';
import {
  callLost, DISCONNECTED_GRACE_MS, isQuietMoment, isSessionExpired, MAX_RECONNECT_ATTEMPTS, reconnectDelayMs, reconnectSchedule,
} from '../../../renderer/logic/reconnect';

describe('reconnect policy', () => {
  it('0.5 s, then 3 s, 5 s, 7 s… each ±50 %, at most 10 tries', () => {
    assert.equal(MAX_RECONNECT_ATTEMPTS, 10);
    assert.equal(reconnectDelayMs(0, () => 0), 250);
    assert.equal(reconnectDelayMs(0, () => 1), 750);
    assert.equal(reconnectDelayMs(1, () => 0.5), 3000);
    assert.equal(reconnectDelayMs(2, () => 0.5), 5000);
    for (let a = 3; a < 10; a++) assert.equal(reconnectDelayMs(a, () => 0.5), 7000);
    assert.equal(reconnectDelayMs(1, () => 0), 1500);
    assert.equal(reconnectDelayMs(1, () => 1), 4500);
    assert.equal(reconnectDelayMs(5, () => 1), 10_500);
    assert.equal(reconnectSchedule(() => 0.5).length, 10);
    const total = reconnectSchedule(() => 0.5).reduce((a, b) => a + b, 0);
    assert.equal(total, 500 + 3000 + 5000 + 7 * 7000);
  });

  it('jitter spreads the delays; scale compresses them; bad scale is ignored', () => {
    const seen = new Set(Array.from({ length: 50 }, () => reconnectDelayMs(3)));
    assert.ok(seen.size > 10, 'random jitter');
    for (const d of seen) assert.ok(d >= 3500 && d <= 10_500);
    assert.equal(reconnectDelayMs(2, () => 0.5, 0.01), 50);
    assert.equal(reconnectDelayMs(2, () => 0.5, Number.NaN), 5000);
  });

  it('what counts as lost', () => {
    assert.equal(callLost('connected', 'open', null), null);
    assert.equal(callLost('connecting', 'connecting', null), null);
    assert.equal(callLost('failed', 'open', null), 'peer_failed');
    assert.equal(callLost('closed', 'open', null), 'peer_closed');
    assert.equal(callLost('connected', 'closed', null), 'channel_closed');
    assert.equal(callLost('disconnected', 'open', 500), null, 'a short disconnect may heal');
    assert.equal(callLost('disconnected', 'open', DISCONNECTED_GRACE_MS), 'peer_disconnected');
    assert.ok(isSessionExpired({ type: 'error', error: { code: 'session_expired' } }));
    assert.ok(!isSessionExpired({ type: 'error', error: { code: 'invalid_value' } }));
    assert.ok(isQuietMoment({ interviewer: false, candidate: false, responseActive: false }));
    assert.ok(!isQuietMoment({ interviewer: false, candidate: true, responseActive: false }));
  });
});

// ---- InterviewCall with fakes -----------------------------------------------------------------------------------

useFakeBrowser({ autoConnect: true });

function harness(opts: { failAfter?: number; rolloverAfterMs?: number | null } = {}) {
  const requests: StartCallRequest[] = [];
  const reports: RealtimeEventReport[] = [];
  const log: string[] = [];
  const phases: string[] = [];
  let failed = 0;
  let reconnected = 0;
  let stopped = false;
  const kiosk = {
    async startCall(req: StartCallRequest) {
      requests.push(req);
      if (opts.failAfter !== undefined && requests.length > opts.failAfter) throw new Error('503 from the service');
      const resumed = requests.length > 1;
      return {
        callId: `rtc_${requests.length}`,
        answerSdp: 'v=0 answer',
        openingEvents: resumed ? [{ type: 'conversation.item.create', item: { id: `rs${requests.length}_0` } }, { type: 'response.create' }] : [{ type: 'response.create' }],
        resumed,
        rolloverAfterMs: opts.rolloverAfterMs ?? null,
      };
    },
    async reportRealtimeEvent(r: RealtimeEventReport) {
      reports.push(r);
      return { actions: [] };
    },
    async appendRecordingChunk() {
      return { bytes: 0 };
    },
    async endInterview() {
      return { session: { id: 's1' }, entries: [], durationMs: 1, recording: null };
    },
  } as unknown as KioskBridge;
  const track = { stop: () => (stopped = true) };
  const mic = { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
  const audio = { srcObject: null, muted: true, play: async () => {} } as unknown as HTMLAudioElement;
  const call = new InterviewCall({
    kiosk, sessionId: 's1', mic, audio, record: true, random: () => 0.5, delayScale: 0.001,
    callbacks: {
      onPhase: (p) => phases.push(p),
      onSpeaking: () => {},
      onLog: (line) => log.push(line),
      onEnded: () => {},
      onEndFailed: () => {},
      onReconnected: () => reconnected++,
      onReconnectFailed: () => failed++,
    },
  });
  return { call, requests, reports, log, phases, failed: () => failed, reconnected: () => reconnected, micStopped: () => stopped };
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 1000 && !cond(); i++) await tick(2);
  assert.ok(cond(), `timed out waiting for ${what}`);
};

describe('InterviewCall recovery', () => {
  it('a dropped channel: new call with reason reconnect, its opening events on the new channel, mic and recorder kept', async () => {
    const h = harness();
    await h.call.start();
    await until(() => h.phases.includes('live'), 'live');
    const first = FakePeer.all[0]!;
    first.channel.receive({ type: 'session.created' });
    first.channel.drop();
    await until(() => h.reconnected() === 1, 'reconnected');
    assert.equal(h.requests.length, 2);
    assert.equal(h.requests[0]!.reason, undefined, 'the first call is a plain start');
    assert.equal(h.requests[1]!.reason, 'reconnect');
    const second = FakePeer.all[1]!;
    assert.ok(first.closed, 'the old peer is closed');
    second.channel.receive({ type: 'session.created' });
    await until(() => second.channel.sent.length === 2, 'opening events');
    assert.deepEqual(second.channel.sent.map((e) => e.type), ['conversation.item.create', 'response.create']);
    assert.equal(first.channel.sent.length, 1, 'the first call only got its own greeting request');
    assert.equal(FakeRecorder.all.length, 1, 'one recorder across both calls');
    assert.ok(!h.micStopped(), 'the mic stays open');
    assert.ok(h.phases.includes('reconnecting'));
    assert.equal(h.phases.at(-1), 'live');
    h.call.abandon();
  });

  it('the old channel closing late (after the switch) does not start another reconnect', async () => {
    const h = harness();
    await h.call.start();
    await until(() => h.phases.includes('live'), 'live');
    FakePeer.all[0]!.channel.drop();
    await until(() => h.reconnected() === 1, 'reconnected');
    FakePeer.all[0]!.channel.dispatchEvent(new Event('close'));
    await tick(30);
    assert.equal(h.requests.length, 2);
    h.call.abandon();
  });

  it('session_expired: switches with reason rollover', async () => {
    const h = harness();
    await h.call.start();
    await until(() => h.phases.includes('live'), 'live');
    FakePeer.all[0]!.channel.receive({ type: 'error', error: { type: 'invalid_request_error', code: 'session_expired', message: 'limit' } });
    await until(() => h.reconnected() === 1, 'switched');
    assert.equal(h.requests[1]!.reason, 'rollover');
    assert.ok(!h.log.some((l) => /reported/.test(l)), 'the expiry is not shown as a service error');
    h.call.abandon();
  });

  it('planned rollover: after rolloverAfterMs at a quiet moment, a new call, the old one closed', async () => {
    const h = harness({ rolloverAfterMs: 30 });
    await h.call.start();
    await until(() => h.requests.length >= 2, 'the rollover call');
    assert.equal(h.requests[1]!.reason, 'rollover');
    await until(() => h.reconnected() >= 1, 'live again');
    assert.ok(FakePeer.all[0]!.closed);
    h.call.abandon();
  });

  it('ten failed tries: onReconnectFailed once, phase ended, a clear message; End still works', async () => {
    const h = harness({ failAfter: 1 });
    await h.call.start();
    await until(() => h.phases.includes('live'), 'live');
    FakePeer.all[0]!.channel.drop();
    await until(() => h.failed() === 1, 'gave up');
    assert.equal(h.requests.length, 1 + MAX_RECONNECT_ATTEMPTS);
    assert.equal(h.phases.at(-1), 'ended');
    assert.ok(h.log.some((l) => /could not be restored after 10 tries/.test(l)), h.log.join('\n'));
    assert.ok(FakePeer.all.slice(1).every((p) => p.closed), 'every failed try closed its peer');
    await h.call.end('error');
    assert.ok(h.micStopped());
  });

  it('End during reconnect stops the tries', async () => {
    const h = harness({ failAfter: 1 });
    await h.call.start();
    await until(() => h.phases.includes('live'), 'live');
    FakePeer.all[0]!.channel.drop();
    await until(() => h.requests.length >= 2, 'a try');
    await h.call.end('operator');
    const n = h.requests.length;
    await tick(50);
    assert.equal(h.requests.length, n, 'no more tries after End');
    assert.equal(h.failed(), 0);
  });
});
