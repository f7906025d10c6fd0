// Turn-taking that lets a candidate think: an answer with two 3-second thinking pauses mid-sentence
// (tests/fixtures/answer-pauses.wav) played over a real werift peer into the emulator under the kiosk's own
// session config stays ONE candidate turn, with no interviewer speech inside the pauses; under server_vad with
// the API's default 500 ms silence the same audio is cut into pieces (the fixture can tell the difference).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSessionConfig } from '../../main/core/realtime/session-config';
import { PAUSE_FIXTURE, playPauseFixture } from './pauses';

const position = { title: 'Support Engineer', description: '', competencies: ['Composure', 'Communication'] };
const tenant = { name: 'Northwind', values: '' };
const kioskSession = (extra: Partial<Parameters<typeof buildSessionConfig>[2]> = {}) =>
  buildSessionConfig(position, tenant, { model: 'gpt-realtime', voice: 'marin', ...extra });
const lastWordMs = PAUSE_FIXTURE.stretchEndsSec.at(-1)! * 1000;

test('pause fixture, kiosk default (semantic_vad, low eagerness): one candidate turn, no interviewer speech in the pauses', async () => {
  const session = kioskSession();
  assert.equal(session.audio.input.turn_detection.type, 'semantic_vad');
  const run = await playPauseFixture(session, { tailMs: 1500 });
  assert.equal(run.turns, 1, `one turn, got ends at ${run.turnEndsMs.join(', ')} ms`);
  assert.equal(run.interviewerInside, 0, 'the interviewer did not speak before the last word');
  assert.ok(Math.abs(run.turnEndsMs[0]! - lastWordMs) <= 60, `the turn ends at the last word (${run.turnEndsMs[0]} vs ${lastWordMs} ms)`);
  assert.deepEqual(run.transcripts, [PAUSE_FIXTURE.stretches.join(' ')]);
});

test('pause fixture, extra time (server_vad with a 5 s silence): one candidate turn', async () => {
  const run = await playPauseFixture(kioskSession({ extraTime: true }), { intervalMs: 10, tailMs: 5600 });
  assert.equal(run.turns, 1, `one turn, got ends at ${run.turnEndsMs.join(', ')} ms`);
});

test('pause fixture, server_vad 500 ms (the API default): the answer is cut at each pause and the interviewer speaks into it', async () => {
  const session = { type: 'realtime', model: 'gpt-realtime', audio: { input: { transcription: { model: 'gpt-transcribe' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500 } } } };
  const run = await playPauseFixture(session, { tailMs: 1000 });
  assert.equal(run.turns, PAUSE_FIXTURE.stretches.length, `a turn per stretch of speech, got ends at ${run.turnEndsMs.join(', ')} ms`);
  assert.ok(run.interviewerInside >= 1, 'interviewer audio started inside the pauses');
});
