// The emulator's side of a resumed call: it reports the context it was given and the script step it resumed at,
// reads a condensed summary (lines quoted in a system item count as asked), keeps going after the resumed line,
// and takes the candidate's next answer as the answer to the resumed question.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildResumeContext, type HistoryTurn } from '../../../main/core/recovery/context';
import { RealtimeCall } from '../../../main/simulator/call';
import { loadClips } from '../../../main/simulator/script';
import { defaultSession, mergeSession } from '../../../main/simulator/session';

const clips = loadClips();

function setup(t: TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const sent: { type: string; [k: string]: unknown }[] = [];
  const session = mergeSession(defaultSession(), { type: 'realtime', audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } });
  const call = new RealtimeCall({
    id: 'rtc_resume', session: { ...session, object: 'realtime.session', id: 'sess_resume', expires_at: 0 }, clips,
    userTranscripts: ['a0', 'a1', 'a2', 'a3'], faults: () => ({}),
    ports: { send: (e) => sent.push(e as { type: string }), playClip: (_c, onEnd) => setTimeout(onEnd, 10), stopAudio: () => {}, playedMs: () => 0, close: () => {}, log: () => {} },
  });
  call.onOpen();
  const msg = (e: unknown) => call.onMessage(JSON.stringify(e));
  return { call, sent, msg };
}

const history = (steps: number): HistoryTurn[] =>
  Array.from({ length: steps }, (_, i) => [
    { speaker: 'interviewer' as const, text: clips[i]!.text, status: 'final' as const },
    { speaker: 'candidate' as const, text: `answer ${i}`, status: 'final' as const },
  ]).flat();

test('verbatim replay: context reported with roles, resumed at the next step, never the introduction', (t) => {
  const s = setup(t);
  for (const e of buildResumeContext(history(2), { callIndex: 1 }).events) s.msg(e);
  assert.equal(s.call.resumedAtStep, 2);
  assert.deepEqual(s.call.context.map((c) => c.role), ['assistant', 'user', 'assistant', 'user', 'system']);
  assert.equal(s.call.context[0]!.text, clips[0]!.text);
  assert.match(s.call.context.at(-1)!.text, /Do not greet/);
  assert.deepEqual(s.call.spoken, [{ step: 2, text: clips[2]!.text }]);
  assert.ok(!s.sent.some((e) => e.type === 'error'), JSON.stringify(s.sent.filter((e) => e.type === 'error')));
});

test('condensed replay: questions named only in the summary count as asked', (t) => {
  const s = setup(t);
  // Everything but the last two turns goes into the summary.
  const ctx = buildResumeContext(history(3), { callIndex: 4, verbatimTurns: 2 });
  assert.equal(ctx.summarised, 4);
  for (const e of ctx.events) s.msg(e);
  assert.equal(s.call.context[0]!.role, 'system');
  assert.match(s.call.context[0]!.text, /Summary of the earlier part/);
  assert.equal(s.call.conversation.assistantMessages(), 2, 'one assistant line replayed verbatim, plus the resumed one');
  assert.equal(s.call.resumedAtStep, 3, 'yet the script resumes after the three asked questions');
  assert.equal(s.call.spoken[0]!.step, 3);
});

test('after the resumed line the script moves on (no repeat within the resumed call)', async (t) => {
  const s = setup(t);
  const ctx = buildResumeContext(history(2), { callIndex: 1, verbatimTurns: 1 }); // step 0 only in the summary
  for (const e of ctx.events) s.msg(e);
  assert.equal(s.call.spoken[0]!.step, 2);
  t.mock.timers.tick(10_000); // the resumed line finishes
  s.msg({ type: 'response.create' });
  assert.deepEqual(s.call.spoken.map((x) => x.step), [2, 3]);
});

test('a fresh call (no replay) reports no context and no resumed step', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  assert.equal(s.call.resumedAtStep, null);
  assert.deepEqual(s.call.context, []);
  assert.deepEqual(s.call.spoken.map((x) => x.step), [0]);
});
