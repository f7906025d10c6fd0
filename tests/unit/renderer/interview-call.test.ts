// InterviewCall's ordering rules with browser objects faked in Node: reports to main are serial and in the order
// events crossed the data channel, opening events follow session.created, end_session waits for the interviewer
// to stop speaking, End cancels speech, and the last recording chunk is appended before endInterview.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallAction, KioskBridge, RealtimeEventReport, SessionSummary } from '../../../preload/contract';
import { InterviewCall } from '../../../renderer/call/interview-call';
import { FakePeer, FakeRecorder, tick, useFakeBrowser } from '../../support/fake-browser';

interface Harness {
  call: InterviewCall;
  log: string[];
  reports: RealtimeEventReport[];
  chunks: { seq: number; data: number[] }[];
  ended: { reason: string; reportsAtEnd: number; chunksAtEnd: number } | null;
  endedSummary: Promise<SessionSummary>;
  micStopped: () => boolean;
}

function harness(actionsFor: (r: RealtimeEventReport) => CallAction[] = () => []): Harness {
  const h = { log: [] as string[], reports: [] as RealtimeEventReport[], chunks: [] as { seq: number; data: number[] }[], ended: null } as Harness;
  let stopped = false;
  const summary = { session: { id: 's1' }, entries: [], durationMs: 1, recording: null } as unknown as SessionSummary;
  const kiosk = {
    async startCall(req: { sessionId: string; offerSdp: string }) {
      assert.equal(req.offerSdp, 'v=0 fake-offer');
      return { callId: 'rtc_1', answerSdp: 'v=0 fake-answer', openingEvents: [{ type: 'response.create', response: { instructions: 'Greet' } }] };
    },
    async reportRealtimeEvent(r: RealtimeEventReport) {
      await tick(Math.random() * 4); // main answers with varying delay; order must still hold
      h.reports.push(r);
      return { actions: actionsFor(r) };
    },
    async appendRecordingChunk(c: { seq: number; data: Uint8Array }) {
      await tick(Math.random() * 4);
      h.chunks.push({ seq: c.seq, data: [...c.data] });
      return { bytes: 0 };
    },
    async endInterview(req: { reason: string }) {
      h.ended = { reason: req.reason, reportsAtEnd: h.reports.length, chunksAtEnd: h.chunks.length };
      return summary;
    },
  } as unknown as KioskBridge;
  const track = { stop: () => (stopped = true) };
  const mic = { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
  const audio = { srcObject: null, muted: true, play: async () => {} } as unknown as HTMLAudioElement;
  let resolveEnded!: (s: SessionSummary) => void;
  h.endedSummary = new Promise((r) => (resolveEnded = r));
  h.call = new InterviewCall({
    kiosk,
    sessionId: 's1',
    mic,
    audio,
    record: true,
    callbacks: {
      onPhase: (p) => h.log.push(`phase ${p}`),
      onSpeaking: () => {},
      onLog: (line, level) => h.log.push(`${level} ${line}`),
      onEnded: (s) => resolveEnded(s),
      onEndFailed: (e) => h.log.push(`end failed ${String(e)}`),
    },
  });
  h.micStopped = () => stopped;
  return h;
}

useFakeBrowser();

async function connected(h: Harness) {
  await h.call.start();
  const pc = FakePeer.last;
  pc.connect();
  pc.channel.open();
  return pc;
}

const types = (rs: RealtimeEventReport[]) => rs.map((r) => `${r.direction}:${r.event.type}`);
const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !cond(); i++) await tick(2);
  assert.ok(cond(), `timed out waiting for ${what}`);
};

describe('InterviewCall', () => {
  it('connects with the offer/answer through main and goes live', async () => {
    const h = harness();
    const pc = await connected(h);
    assert.deepEqual(pc.remote, { type: 'answer', sdp: 'v=0 fake-answer' });
    assert.equal(pc.tracks, 1);
    assert.ok(h.log.includes('phase live'), h.log.join('\n'));
    assert.equal(FakeRecorder.last.options.mimeType, 'audio/webm;codecs=opus');
    assert.equal(FakeRecorder.last.timeslice, 1000);
    h.call.abandon();
  });

  it('reports events in channel order, sends the opening events after session.created, skips malformed messages', async () => {
    const h = harness();
    const pc = await connected(h);
    pc.channel.receive({ type: 'session.created' });
    pc.channel.receive('{broken json');
    pc.channel.receive({ type: 'response.created' });
    for (let i = 0; i < 10; i++) pc.channel.receive({ type: 'response.output_audio_transcript.delta', delta: `w${i} ` });
    await until(() => h.reports.length === 13, 'all reports');
    assert.deepEqual(types(h.reports).slice(0, 3), ['server:session.created', 'client:response.create', 'server:response.created']);
    assert.deepEqual(h.reports.slice(3).map((r) => r.event.delta), Array.from({ length: 10 }, (_, i) => `w${i} `));
    assert.deepEqual(pc.channel.sent.map((e) => e.type), ['response.create']);
    assert.ok(h.log.some((l) => l.startsWith('error A malformed event was skipped')), h.log.join('\n'));
    assert.ok(h.reports.every((r) => r.sessionId === 's1' && typeof r.receivedAt === 'number'));
    h.call.abandon();
  });

  it("main's send action goes out on the channel and is reported as a client event", async () => {
    const h = harness((r) => (r.event.type === 'conversation.item.done' ? [{ kind: 'send', event: { type: 'response.create' } }] : []));
    const pc = await connected(h);
    pc.channel.receive({ type: 'conversation.item.done' });
    await until(() => h.reports.length === 2, 'the send report');
    assert.deepEqual(types(h.reports), ['server:conversation.item.done', 'client:response.create']);
    assert.deepEqual(pc.channel.sent.map((e) => e.type), ['response.create']);
    h.call.abandon();
  });

  it('end_session: waits for the interviewer to stop, flushes events and the recording, then ends', async () => {
    const h = harness((r) => (r.event.type === 'response.function_call_arguments.done' ? [{ kind: 'finish', reason: 'end_session' }] : []));
    const pc = await connected(h);
    FakeRecorder.last.chunk([1]);
    FakeRecorder.last.chunk([2]);
    pc.channel.receive({ type: 'response.created' });
    pc.channel.receive({ type: 'output_audio_buffer.started' });
    pc.channel.receive({ type: 'response.function_call_arguments.done', name: 'end_session' });
    pc.channel.receive({ type: 'response.done' });
    await until(() => h.reports.length === 4, 'four reports');
    await tick(20);
    assert.equal(h.ended, null, 'still speaking: not ended yet');
    pc.channel.receive({ type: 'output_audio_buffer.stopped' });
    await h.endedSummary;
    assert.equal(h.ended!.reason, 'end_session');
    // Every event up to the stop was reported before endInterview (the goodbye's own session.update included).
    assert.equal(h.ended!.reportsAtEnd, h.reports.length);
    assert.equal(types(h.reports).at(-1), 'server:output_audio_buffer.stopped', 'output_audio_buffer.stopped was reported before endInterview');
    assert.deepEqual(h.chunks.map((c) => c.seq), [0, 1, 2], 'chunks in seq order, the last one included');
    assert.deepEqual(h.chunks.map((c) => c.data[0]), [1, 2, 99]);
    assert.equal(h.ended!.chunksAtEnd, 3, 'the last chunk was appended before endInterview');
    assert.ok(pc.closed && pc.channel.readyState === 'closed' && h.micStopped());
  });

  it('End during a response: response.cancel, then output_audio_buffer.clear, both reported; ends once', async () => {
    const h = harness();
    const pc = await connected(h);
    pc.channel.receive({ type: 'response.created' });
    pc.channel.receive({ type: 'output_audio_buffer.started' });
    await until(() => h.reports.length === 2, 'two reports');
    const ending = h.call.end('operator');
    void h.call.end('operator'); // a second press does nothing more
    await until(() => pc.channel.sent.length === 2, 'cancel + clear');
    assert.deepEqual(pc.channel.sent.map((e) => e.type), ['response.cancel', 'output_audio_buffer.clear']);
    pc.channel.receive({ type: 'response.done', response: { status: 'cancelled' } });
    await ending;
    await h.endedSummary;
    assert.equal(h.ended!.reason, 'operator');
    assert.deepEqual(types(h.reports), [
      'server:response.created',
      'server:output_audio_buffer.started',
      'client:response.cancel',
      'client:output_audio_buffer.clear',
      'server:response.done',
    ]);
  });

  it('a rejected startCall tears down and rethrows the error for the screen', async () => {
    const h = harness();
    const err = Object.assign(new Error('The OpenAI API key was rejected.'), { code: 'realtime_unauthorized' });
    (h.call as unknown as { kiosk: { startCall: () => Promise<never> } }).kiosk.startCall = async () => {
      throw err;
    };
    await assert.rejects(h.call.start(), /key was rejected/);
    assert.ok(FakePeer.last.closed);
    assert.ok(h.micStopped());
  });
});
