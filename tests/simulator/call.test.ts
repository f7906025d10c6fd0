// The call state machine (RealtimeCall) with fake ports and mocked timers: event sequences and ids, one
// active response, cancel, barge-in, history replay and the script step, end_session, transcription faults,
// and bad input on the data channel.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_EVENT_BYTES, RealtimeCall, type CallFaults } from '../../main/simulator/call';
import { loadClips, type Clip } from '../../main/simulator/script';
import { ASSESSED_START, WARM_UP_LINE } from '../../main/simulator/interviewer';
import { WARM_UP_INSTRUCTION } from '../../main/core/realtime/session-config';
import { defaultSession, mergeSession, type JsonObject } from '../../main/simulator/session';

const clips = loadClips();
/** More than the emulated model needs to generate one transcript delta. */
const GEN_MS = 60;
type Ev = { type: string; [k: string]: any };
const enabled = new WeakSet<TestContext>(); // mocked timers once per test, shared by the calls it sets up

function setup(t: TestContext, opts: { session?: JsonObject; faults?: CallFaults; transcripts?: string[] } = {}) {
  if (!enabled.has(t)) {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    enabled.add(t);
  }
  const sent: Ev[] = [];
  const playing: { clip: Clip; onEnd: () => void; stopped: boolean }[] = [];
  const closed: string[] = [];
  let playedMs = 0;
  const faults: CallFaults = { ...opts.faults };
  const session = mergeSession(defaultSession(), opts.session ?? {
    type: 'realtime',
    audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } },
    tools: [{ type: 'function', name: 'end_session', description: 'End the interview', parameters: { type: 'object', properties: {} } }],
  });
  const call = new RealtimeCall({
    id: 'rtc_test', session: { ...session, object: 'realtime.session', id: 'sess_test', expires_at: 0 }, clips,
    userTranscripts: opts.transcripts, faults: () => faults,
    ports: {
      send: (e) => sent.push(e as Ev),
      playClip: (clip, onEnd) => playing.push({ clip, onEnd, stopped: false }),
      stopAudio: () => playing.forEach((p) => (p.stopped = true)),
      playedMs: () => playedMs,
      close: (reason) => closed.push(reason),
      log: () => undefined,
    },
  });
  call.onOpen();
  const types = (from = 0) => sent.slice(from).map((e) => e.type);
  const last = (type: string) => [...sent].reverse().find((e) => e.type === type);
  const msg = (e: object | string) => call.onMessage(typeof e === 'string' ? e : JSON.stringify(e));
  /** Lets paced transcript deltas run (mocked clock), then the clip's audio end. */
  const runResponse = () => {
    t.mock.timers.tick(5000);
    const p = playing.at(-1);
    if (p && !p.stopped) p.onEnd();
  };
  /** Feeds candidate audio: `speechMs` of loud frames then `silenceMs` of quiet ones, on the audio clock. */
  let clock = 0;
  const speak = (speechMs: number, silenceMs = 600) => {
    for (const end = clock + speechMs; clock < end; clock += 20) call.onAudioFrame(4000, clock, 20);
    for (const end = clock + silenceMs; clock < end; clock += 20) call.onAudioFrame(0, clock, 20);
  };
  /** What the fake peer has played of the current clip (the call reads it at a barge-in or clear). */
  const setPlayed = (ms: number) => {
    playedMs = ms;
  };
  return { call, sent, playing, closed, faults, types, last, msg, runResponse, speak, setPlayed };
}

const ASSISTANT_SEQUENCE = [
  'response.created', 'rate_limits.updated', 'response.output_item.added', 'conversation.item.added', 'response.content_part.added', 'output_audio_buffer.started',
];
const ASSISTANT_TAIL = [
  'response.output_audio.done', 'response.output_audio_transcript.done', 'response.content_part.done', 'response.output_item.done',
  'conversation.item.done', 'response.done', 'output_audio_buffer.stopped',
];

test('session.created first, then response.create plays step 0 with the full GA sequence and consistent ids', (t) => {
  const s = setup(t);
  assert.equal(s.sent[0]!.type, 'session.created');
  assert.equal(s.sent[0]!.session.object, 'realtime.session');
  s.msg({ type: 'response.create' });
  assert.deepEqual(s.types(1), ASSISTANT_SEQUENCE);
  assert.equal(s.playing[0]!.clip.step, 0);
  s.runResponse();
  const seq = s.types(1);
  const deltas = seq.filter((x) => x === 'response.output_audio_transcript.delta').length;
  assert.ok(deltas >= 3);
  assert.deepEqual(seq.filter((x) => x !== 'response.output_audio_transcript.delta'), [...ASSISTANT_SEQUENCE, ...ASSISTANT_TAIL]);
  const created = s.last('response.created')!;
  const done = s.last('response.done')!;
  const itemAdded = s.last('response.output_item.added')!;
  assert.equal(done.response.id, created.response.id);
  assert.equal(done.response.status, 'completed');
  for (const e of s.sent.filter((x) => 'response_id' in x)) assert.equal(e.response_id, created.response.id, e.type);
  for (const e of s.sent.filter((x) => 'item_id' in x)) assert.equal(e.item_id, itemAdded.item.id, e.type);
  const text = s.sent.filter((e) => e.type === 'response.output_audio_transcript.delta').map((e) => e.delta).join('');
  assert.equal(text, clips[0]!.text);
  assert.equal(s.last('response.output_audio_transcript.done')!.transcript, clips[0]!.text);
  assert.deepEqual(done.response.output[0].content, [{ type: 'output_audio', transcript: clips[0]!.text }]);
  assert.equal(s.call.scriptStep, 1);
  for (const e of s.sent) assert.match(e.event_id, /^event_/);
});

test('one active response at a time; cancel → cancelled/client_cancelled; cancel with none active → error', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  s.msg({ type: 'response.create', event_id: 'mine' });
  const err = s.last('error')!;
  assert.equal(err.error.code, 'conversation_already_has_active_response');
  assert.equal(err.error.event_id, 'mine');
  s.msg({ type: 'response.cancel' });
  const done = s.last('response.done')!;
  assert.equal(done.response.status, 'cancelled');
  assert.deepEqual(done.response.status_details, { type: 'cancelled', reason: 'client_cancelled' });
  // Nothing was generated yet, so no audio is left to play: it stops (a cancel does not clear played audio).
  t.mock.timers.tick(1);
  assert.equal(s.playing[0]!.stopped, true);
  assert.ok(s.types().includes('output_audio_buffer.stopped'));
  assert.equal(s.last('response.output_item.done')!.item.status, 'incomplete');
  s.msg({ type: 'response.cancel' });
  assert.equal(s.last('error')!.error.code, 'response_cancel_not_active');
  s.msg({ type: 'response.create' }); // allowed again
  assert.equal(s.types().filter((x) => x === 'response.created').length, 2);
});

test('user turn: speech_started/stopped/committed, user item, transcription async, then the next question', (t) => {
  const s = setup(t, { transcripts: ['My first answer'] });
  s.msg({ type: 'response.create' });
  s.runResponse();
  const from = s.sent.length;
  s.speak(1000, 600);
  const seq = s.types(from);
  assert.deepEqual(seq.slice(0, 5), ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.added', 'conversation.item.done']);
  assert.equal(seq[5], 'response.created');
  const started = s.last('input_audio_buffer.speech_started')!;
  const stopped = s.last('input_audio_buffer.speech_stopped')!;
  const committed = s.last('input_audio_buffer.committed')!;
  const assistantItem = s.sent.find((e) => e.type === 'response.output_item.added')!.item.id;
  assert.equal(started.item_id, stopped.item_id);
  assert.equal(committed.item_id, started.item_id);
  assert.equal(committed.previous_item_id, assistantItem);
  assert.equal(started.audio_start_ms, 0);
  assert.equal(stopped.audio_end_ms, 1000);
  const userItem = s.sent.slice(from).find((e) => e.type === 'conversation.item.added')!;
  assert.deepEqual(userItem.item.content, [{ type: 'input_audio', transcript: null }]);
  assert.equal(userItem.item.role, 'user');
  assert.ok(!s.types().includes('conversation.item.input_audio_transcription.completed'), 'transcription is asynchronous');
  t.mock.timers.tick(200);
  const completed = s.last('conversation.item.input_audio_transcription.completed')!;
  assert.equal(completed.transcript, 'My first answer');
  assert.equal(completed.item_id, started.item_id);
  s.runResponse();
  assert.equal(s.playing.at(-1)!.clip.step, 1);
  assert.equal(s.call.userTurns, 1);
  assert.equal(s.call.scriptStep, 2);
  // the new assistant item chains after the user item
  const secondAdded = s.sent.slice(from).find((e) => e.type === 'conversation.item.added' && e.item.role === 'assistant')!;
  assert.equal(secondAdded.previous_item_id, started.item_id);
});

test('placeholder transcript without scripted text; no transcription events when transcription is off', (t) => {
  const s = setup(t);
  s.speak(2000, 600);
  t.mock.timers.tick(200);
  assert.equal(s.last('conversation.item.input_audio_transcription.completed')!.transcript, '(practice answer, 2.0 seconds)');
  const off = setup(t, { session: { type: 'realtime' } });
  off.speak(1000, 600);
  t.mock.timers.tick(200);
  assert.ok(off.types().includes('input_audio_buffer.committed'));
  assert.ok(!off.types().some((x) => x.includes('transcription')));
});

test('barge-in while generating: cancelled (turn_detected), buffer cleared, item truncated to the heard audio', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  t.mock.timers.tick(GEN_MS); // one delta generated
  s.setPlayed(600);
  s.speak(100, 0);
  const done = s.last('response.done')!;
  assert.deepEqual(done.response.status_details, { type: 'cancelled', reason: 'turn_detected' });
  const seq = s.types();
  assert.ok(seq.indexOf('input_audio_buffer.speech_started') < seq.indexOf('response.done'));
  assert.ok(seq.indexOf('response.done') < seq.indexOf('output_audio_buffer.cleared'));
  assert.ok(seq.indexOf('output_audio_buffer.cleared') < seq.indexOf('conversation.item.truncated'));
  assert.ok(!seq.includes('output_audio_buffer.stopped'), 'a cleared buffer does not also stop');
  assert.equal(s.playing[0]!.stopped, true);
  const truncated = s.last('conversation.item.truncated')!;
  assert.equal(truncated.audio_end_ms, 600);
  assert.equal(truncated.item_id, done.response.output[0].id);
  const partial = s.last('response.output_audio_transcript.done')!.transcript;
  assert.ok(clips[0]!.text.startsWith(partial) && partial.length < clips[0]!.text.length, partial);
  // interrupt_response false: speech does not cancel
  const calm = setup(t, { session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', interrupt_response: false } } } } });
  calm.msg({ type: 'response.create' });
  calm.speak(100, 0);
  assert.ok(calm.types().includes('input_audio_buffer.speech_started'));
  assert.ok(!calm.types().includes('response.done'));
});

test('text runs ahead of audio: response.done long before the audio ends; a later barge-in truncates the server item to the heard words', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  t.mock.timers.tick(clips[0]!.durationMs / 2); // half the audio's time: all text is generated already
  const done = s.last('response.done')!;
  assert.equal(done.response.status, 'completed');
  assert.equal(done.response.output[0].content[0].transcript, clips[0]!.text);
  assert.ok(!s.types().includes('output_audio_buffer.stopped'), 'the audio is still playing');
  const itemId = done.response.output[0].id;
  s.setPlayed(Math.round(clips[0]!.durationMs / 2));
  s.speak(100, 0);
  assert.ok(s.types().includes('output_audio_buffer.cleared'));
  const truncated = s.last('conversation.item.truncated')!;
  assert.equal(truncated.item_id, itemId);
  assert.equal(truncated.audio_end_ms, Math.round(clips[0]!.durationMs / 2));
  s.msg({ type: 'conversation.item.retrieve', item_id: itemId });
  const heard = s.last('conversation.item.retrieved')!.item.content[0].transcript as string;
  assert.ok(heard.length > 0 && heard.length < clips[0]!.text.length && clips[0]!.text.startsWith(heard), heard);
  assert.equal(s.call.responses[0]!.heard, heard);
  // Not interrupted: output_audio_buffer.stopped after response.done, when the clip has played.
  const calm = setup(t);
  calm.msg({ type: 'response.create' });
  calm.runResponse();
  const order = calm.types();
  assert.ok(order.indexOf('response.done') < order.indexOf('output_audio_buffer.stopped'));
});

test('output_audio_buffer.clear stops audio still playing after response.done', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  t.mock.timers.tick(5000); // response.done, audio not yet ended
  assert.ok(s.types().includes('response.done'));
  assert.ok(!s.types().includes('output_audio_buffer.stopped'));
  s.setPlayed(1000);
  s.msg({ type: 'output_audio_buffer.clear' });
  assert.equal(s.playing[0]!.stopped, true);
  assert.equal(s.last('output_audio_buffer.cleared')!.response_id, s.last('response.done')!.response.id);
  assert.equal(s.last('conversation.item.truncated')!.audio_end_ms, 1000);
});

test('full practice interview: 9 turns, closing line then end_session function call', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  s.runResponse();
  for (let i = 0; i < 4; i++) {
    s.speak(800, 600);
    t.mock.timers.tick(200);
    s.runResponse();
  }
  assert.deepEqual(s.playing.map((p) => p.clip.step), [0, 1, 2, 3, 4]);
  const fcDone = s.last('response.function_call_arguments.done')!;
  assert.equal(fcDone.name, 'end_session');
  assert.equal(fcDone.arguments, '{}');
  assert.match(fcDone.call_id, /^call_/);
  const delta = s.last('response.function_call_arguments.delta')!;
  assert.equal(delta.call_id, fcDone.call_id);
  const done = s.last('response.done')!;
  assert.deepEqual(done.response.output.map((o: any) => o.type), ['message', 'function_call']);
  assert.equal(done.response.output[1].call_id, fcDone.call_id);
  const turns = s.call.conversation.items.filter((i) => i.type === 'message');
  assert.equal(turns.length, 9);
  assert.deepEqual(turns.map((i) => i.role), ['assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  // Without the tool: no function call
  const plain = setup(t, { session: { type: 'realtime' } });
  for (let i = 0; i < 5; i++) {
    plain.msg({ type: 'response.create' });
    plain.runResponse();
  }
  assert.ok(!plain.types().some((x) => x.startsWith('response.function_call')));
});

test('history replay: items are added in order, root/unknown handled, and the script resumes at the implied step', (t) => {
  const s = setup(t);
  const from = s.sent.length;
  s.msg({ type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: clips[0]!.text }] } });
  s.msg({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'answer one' }] } });
  s.msg({ type: 'conversation.item.create', item: { id: 'a2', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: clips[1]!.text }] } });
  s.msg({ type: 'conversation.item.create', previous_item_id: 'root', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'The interview resumes.' }] } });
  s.msg({ type: 'conversation.item.create', previous_item_id: 'missing', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] } });
  assert.deepEqual(s.types(from).filter((x) => x !== 'error'), Array(4).fill(['conversation.item.added', 'conversation.item.done']).flat());
  assert.equal(s.last('error')!.error.param, 'previous_item_id');
  const added = s.sent.filter((e) => e.type === 'conversation.item.added');
  assert.equal(added[0]!.previous_item_id, null);
  assert.equal(added[1]!.previous_item_id, added[0]!.item.id);
  assert.equal(added[3]!.previous_item_id, null);
  assert.equal(s.call.replayedItems, 4);
  assert.equal(s.call.scriptStep, 2);
  s.msg({ type: 'response.create', response: { instructions: 'Continue with the next question.' } });
  assert.equal(s.playing[0]!.clip.step, 2);
  assert.equal(s.sent.find((e) => e.type === 'conversation.item.added' && e.item.status === 'in_progress')!.previous_item_id, 'a2');
});

test('transcription faults: after response.done, and failed instead of completed', (t) => {
  const late = setup(t, { faults: { transcriptionAfterResponse: true } });
  late.speak(1000, 600);
  t.mock.timers.tick(160); // transcription ready (150 ms) and held; the response (5 deltas × 40 ms) not done yet
  assert.ok(!late.types().includes('conversation.item.input_audio_transcription.completed'));
  late.runResponse();
  const seq = late.types();
  assert.ok(seq.indexOf('response.done') < seq.indexOf('conversation.item.input_audio_transcription.completed'));
  const failing = setup(t, { faults: { transcriptionFailure: true } });
  failing.speak(1000, 600);
  t.mock.timers.tick(300);
  const failed = failing.last('conversation.item.input_audio_transcription.failed')!;
  assert.equal(failed.error.type, 'transcription_error');
  assert.equal(failed.item_id, failing.last('input_audio_buffer.committed')!.item_id);
  assert.ok(!failing.types().includes('conversation.item.input_audio_transcription.completed'));
});

test('session.update: full merged config back; missing type, model change, beta shape rejected; VAD params honoured', (t) => {
  const s = setup(t);
  s.msg({ type: 'session.update', session: { type: 'realtime', instructions: 'Interview', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 1200, prefix_padding_ms: 100 } } } } });
  const updated = s.last('session.updated')!;
  assert.equal(updated.session.instructions, 'Interview');
  assert.equal(updated.session.audio.output.voice, 'alloy'); // the spec's default
  assert.equal(updated.session.id, 'sess_test');
  const bad: [object, string][] = [
    [{ type: 'session.update', session: { instructions: 'x' } }, 'missing_required_parameter'],
    [{ type: 'session.update', session: { type: 'realtime', model: 'gpt-realtime-mini' } }, 'invalid_value'],
    [{ type: 'session.update', session: { modalities: ['text'], instructions: 'x' } }, 'beta_api_shape_disabled'],
    [{ type: 'session.update' }, 'invalid_type'],
  ];
  for (const [event, expected] of bad) {
    s.msg(event);
    assert.equal(s.last('error')!.error.code, expected, JSON.stringify(event));
  }
  // silence_duration_ms 1200: a 700 ms pause does not end the turn; prefix padding 100 ms
  const from = s.sent.length;
  s.speak(1000, 700);
  assert.deepEqual(s.types(from), ['input_audio_buffer.speech_started']);
  assert.equal(s.last('input_audio_buffer.speech_started')!.audio_start_ms, 0);
  s.speak(200, 1300);
  assert.equal(s.last('input_audio_buffer.speech_stopped')!.audio_end_ms, 1900);
  // voice cannot change once audio was produced
  s.runResponse();
  s.msg({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'cedar' } } } });
  assert.equal(s.last('error')!.error.code, 'cannot_update_voice');
});

test('bad data-channel input gets an error event and the call keeps working', (t) => {
  const s = setup(t);
  const cases: [string | Buffer, string][] = [
    ['{not json', 'invalid_json'],
    ['[1,2]', 'invalid_type'],
    ['{"event_id":"e1"}', 'missing_required_parameter'],
    ['{"type":"foo.bar","event_id":"e2"}', 'invalid_value'],
    ['{"type":"response.create","response":{"modalities":["text"]}}', 'beta_api_shape_disabled'],
    ['{"type":"response.create","response":{"colour":"red"}}', 'unknown_parameter'],
    ['{"type":"response.create","response":{"output_modalities":["audio","text"]}}', 'invalid_value'],
    ['{"type":"input_audio_buffer.commit"}', 'input_audio_buffer_commit_empty'],
    [JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x'.repeat(MAX_EVENT_BYTES) }] } }), 'message_too_large'],
    [Buffer.from('{"type":"response.create"}'), 'invalid_value'],
  ];
  for (const [raw, expected] of cases) {
    const before = s.sent.length;
    s.call.onMessage(raw);
    assert.deepEqual(s.types(before), ['error'], String(raw).slice(0, 60));
    assert.equal(s.last('error')!.error.code, expected, String(raw).slice(0, 60));
  }
  assert.equal(s.last('error')!.error.type, 'invalid_request_error');
  const unknown = s.sent.filter((e) => e.type === 'error').find((e) => e.error.code === 'invalid_value' && e.error.param === 'type')!;
  assert.equal(unknown.error.event_id, 'e2');
  s.msg({ type: 'response.create' });
  assert.ok(s.types().includes('response.created'));
});

test('output_modalities text: output_text events, no audio', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create', response: { output_modalities: ['text'] } });
  t.mock.timers.tick(2000);
  const seq = s.types(1);
  assert.ok(seq.includes('response.output_text.delta') && seq.includes('response.output_text.done'));
  assert.ok(!seq.some((x) => x.startsWith('output_audio_buffer') || x.includes('audio_transcript')));
  assert.equal(s.playing.length, 0);
  assert.equal(s.last('response.done')!.response.output[0].content[0].text, clips[0]!.text);
});

test('expire(): session_expired error, then the port is asked to close', (t) => {
  const s = setup(t);
  s.call.expire(60_000);
  const err = s.last('error')!;
  assert.equal(err.error.code, 'session_expired');
  assert.match(err.error.message, /maximum duration of 1 minutes/);
  assert.deepEqual(s.closed, ['session_expired']);
});

test("response.conversation 'none': out of band, not added to the conversation, script step unchanged", (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create', response: { conversation: 'none', output_modalities: ['text'] } });
  t.mock.timers.tick(2000);
  const done = s.last('response.done')!;
  assert.equal(done.response.status, 'completed');
  assert.equal(done.response.conversation_id, null);
  assert.ok(!s.types().includes('conversation.item.added'));
  assert.equal(s.call.conversation.items.length, 0);
  assert.equal(s.call.scriptStep, 0);
});

const PERSONA_INSTRUCTIONS = [
  'You are a friendly, professional interviewer for Northwind Traders, interviewing a candidate for the position of Warehouse Lead.',
  'Evaluate these competencies: Safety awareness; Team leadership; Planning.',
].join('\n');
const withPersona = { type: 'realtime', instructions: PERSONA_INSTRUCTIONS, audio: { input: { transcription: { model: 'gpt-transcribe' } } },
  tools: [{ type: 'function', name: 'end_session', parameters: { type: 'object', properties: {} } }] };

test('follows the instructions in effect: the session persona greets by name; a response.create override replaces it', (t) => {
  const s = setup(t, { session: withPersona });
  s.msg({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Greet the candidate now.' }] } });
  s.msg({ type: 'response.create' });
  s.runResponse();
  const greeting = s.last('response.output_audio_transcript.done')!.transcript as string;
  assert.match(greeting, /Northwind Traders/);
  assert.match(greeting, /Warehouse Lead/);
  assert.match(greeting, /safety awareness/i, 'the first question is about the first listed competency');
  assert.equal(s.call.responses[0]!.instructions, PERSONA_INSTRUCTIONS);
  s.speak(800, 600);
  s.runResponse();
  assert.match(s.last('response.output_audio_transcript.done')!.transcript, /team leadership/i);
  // The same greeting made with response.instructions: generic, the persona is gone for that response.
  const o = setup(t, { session: withPersona });
  o.msg({ type: 'response.create', response: { instructions: 'Greet the candidate and ask your first question.' } });
  o.runResponse();
  const generic = o.last('response.output_audio_transcript.done')!.transcript as string;
  assert.doesNotMatch(generic, /Northwind|Warehouse/);
  assert.equal(o.call.responses[0]!.instructions, 'Greet the candidate and ask your first question.');
});

test('a warm-up in the instructions: the greeting asks the unscored warm-up question, the next line starts the assessed part with the first competency', (t) => {
  const s = setup(t, { session: { ...withPersona, instructions: `${PERSONA_INSTRUCTIONS}\n${WARM_UP_INSTRUCTION}` } });
  s.msg({ type: 'response.create' });
  s.runResponse();
  const greeting = s.last('response.output_audio_transcript.done')!.transcript as string;
  assert.ok(greeting.includes(WARM_UP_LINE), greeting);
  assert.doesNotMatch(greeting, /safety awareness/i, 'no assessed question in the warm-up');
  s.speak(800, 600);
  s.runResponse();
  const next = s.last('response.output_audio_transcript.done')!.transcript as string;
  assert.ok(next.startsWith(ASSESSED_START), next);
  assert.match(next, /safety awareness/i, 'the first assessed question is about the first competency');
});

test('fault: a failed response (rate limit) has no output and does not move the script on; rate_limits.updated on each response', (t) => {
  const s = setup(t, { session: withPersona, faults: { failResponses: 1 } });
  s.msg({ type: 'response.create' });
  s.runResponse();
  const failed = s.last('response.done')!;
  assert.equal(failed.response.status, 'failed');
  assert.equal(failed.response.status_details.type, 'failed');
  assert.equal(failed.response.status_details.error.code, 'inference_rate_limit_exceeded');
  assert.deepEqual(failed.response.output, []);
  assert.equal(s.playing.length, 0);
  assert.equal(s.call.scriptStep, 0);
  s.msg({ type: 'response.create' });
  s.runResponse();
  assert.equal(s.last('response.done')!.response.status, 'completed');
  assert.match(s.last('response.output_audio_transcript.done')!.transcript, /Northwind/);
  assert.equal(s.types().filter((x) => x === 'rate_limits.updated').length, 2);
  assert.deepEqual(s.call.responses.map((r) => r.outcome), ['failed', 'completed']);
});

test('fault: incomplete (max_output_tokens) ends with half the text; text-only answers in text in an audio session', (t) => {
  const s = setup(t, { faults: { incompleteResponses: 1, textOnlyResponses: 1 } });
  s.msg({ type: 'response.create' });
  s.runResponse();
  const incomplete = s.last('response.done')!;
  assert.equal(incomplete.response.status, 'incomplete');
  assert.deepEqual(incomplete.response.status_details, { type: 'incomplete', reason: 'max_output_tokens' });
  const cut = incomplete.response.output[0].content[0].transcript as string;
  assert.ok(cut.length > 0 && cut.length < clips[0]!.text.length);
  assert.equal(s.call.scriptStep, 0, 'an incomplete line does not count as asked');
  s.msg({ type: 'response.create' });
  s.runResponse();
  const textOnly = s.last('response.done')!;
  assert.deepEqual(textOnly.response.output_modalities, ['text']);
  assert.equal(textOnly.response.output[0].content[0].type, 'output_text');
  assert.equal(s.playing.length, 1, 'no audio for the text-only response');
  assert.equal(s.call.scriptStep, 0);
  s.msg({ type: 'response.create' });
  s.runResponse();
  assert.equal(s.last('response.done')!.response.status, 'completed');
  assert.equal(s.call.scriptStep, 1);
});

test('fault: a cancelled end_session call ends incomplete; lineAudioMs makes the goodbye long and response.done precedes its end', (t) => {
  const s = setup(t, { faults: { cancelEndSession: 1, lineAudioMs: { 4: 13_000 } } });
  for (let i = 0; i < 4; i++) s.call.conversation.insert({ id: `a${i}`, type: 'message', role: 'assistant', status: 'completed', content: [] });
  s.msg({ type: 'response.create' });
  t.mock.timers.tick(2000);
  const cancelled = s.last('response.done')!;
  assert.equal(cancelled.response.status, 'cancelled');
  const call = cancelled.response.output.find((o: any) => o.type === 'function_call');
  assert.equal(call.status, 'incomplete');
  assert.equal(s.last('response.function_call_arguments.done')!.name, 'end_session', 'arguments.done is sent for a cancelled call too');
  s.msg({ type: 'response.create' });
  t.mock.timers.tick(2000);
  const done = s.last('response.done')!;
  assert.equal(done.response.status, 'completed');
  assert.equal(done.response.output.find((o: any) => o.type === 'function_call').status, 'completed');
  assert.ok(s.playing.at(-1)!.clip.durationMs >= 13_000);
  assert.ok(!s.types().slice(s.types().lastIndexOf('response.created')).includes('output_audio_buffer.stopped'), 'the goodbye is still playing');
  s.playing.at(-1)!.onEnd();
  assert.equal(s.types().at(-1), 'output_audio_buffer.stopped');
});

test('accepts what the spec accepts: user input_audio / input_image items, reasoning and parallel_tool_calls on response.create', (t) => {
  const s = setup(t);
  const before = s.sent.length;
  s.msg({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_audio', audio: 'UklGRg==', transcript: 'hello' }] } });
  s.msg({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' }] } });
  s.msg({ type: 'response.create', response: { reasoning: { effort: 'minimal' }, parallel_tool_calls: false } });
  assert.ok(!s.types(before).includes('error'), JSON.stringify(s.sent.filter((e) => e.type === 'error')));
  s.msg({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'http://example.invalid/x.png' }] } });
  assert.equal(s.last('error')!.error.param, 'item.content[0].image_url');
  s.msg({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_audio', audio: 'UklGRg==' }] } });
  assert.equal(s.last('error')!.error.param, 'item.content[0].type');
});

test('a typed answer (user input_text item) is answered by the next response.create with the next question; nothing answers it by itself', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  s.runResponse();
  const from = s.sent.length;
  s.msg({ type: 'conversation.item.create', item: { id: 'typed_0123456789abcdef', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'I typed this.' }] } });
  t.mock.timers.tick(5000);
  assert.deepEqual(s.types(from), ['conversation.item.added', 'conversation.item.done'], 'no response without response.create');
  assert.equal(s.last('conversation.item.added')!.item.id, 'typed_0123456789abcdef');
  s.msg({ type: 'response.create' });
  assert.equal(s.playing.at(-1)!.clip.step, 1, 'the next question');
  assert.equal(s.sent.find((e) => e.type === 'conversation.item.added' && e.item.role === 'assistant' && e.item.status === 'in_progress' && e.previous_item_id !== null)!.previous_item_id, 'typed_0123456789abcdef');
});

test('control notes: repeat says the last line again and the script stays; wait and check-in are asides; other notes are not', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  s.runResponse();
  s.msg({ type: 'response.create' });
  s.runResponse();
  const second = s.call.spoken.at(-1)!.text;
  const note = (id: string, text: string) => s.msg({ type: 'conversation.item.create', item: { id, type: 'message', role: 'system', content: [{ type: 'input_text', text }] } });
  note('ctl_1', 'The candidate pressed "Repeat the question". Say your last question again, in the same words, and nothing else.');
  s.msg({ type: 'response.create' });
  s.runResponse();
  assert.equal(s.last('response.output_audio_transcript.done')!.transcript, second);
  assert.equal(s.call.scriptStep, 2, 'a repeat is no new question');
  note('ctl_2', 'The candidate is taking a short break. Say in one short sentence that you will wait, then wait silently until the interview continues.');
  s.msg({ type: 'response.create' });
  s.runResponse();
  assert.match(s.last('response.output_audio_transcript.done')!.transcript, /^Of course\. Take your time/);
  note('ctl_3', 'The candidate is back. Welcome them back in one short sentence, then say your last question again, in the same words.');
  s.msg({ type: 'response.create' });
  s.runResponse();
  assert.equal(s.last('response.output_audio_transcript.done')!.transcript, `Welcome back. ${second}`);
  note('ctl_4', 'The candidate has been silent. Check in aloud, kindly and briefly. Do not end the interview.');
  s.msg({ type: 'response.create' });
  s.runResponse();
  assert.match(s.last('response.output_audio_transcript.done')!.transcript, /^Are you still there\?/);
  assert.equal(s.call.scriptStep, 2);
  // A note that is no control (a resume note) leaves the script as it was: the next question follows.
  note('rs1_0', 'The interview is resuming after a connection problem. Do not repeat questions you have already asked.');
  s.msg({ type: 'response.create' });
  assert.equal(s.playing.at(-1)!.clip.step, 2);
});

test('a line cut before its first word leaves nothing in the model context: its script step comes again; a line cut later counts as said', (t) => {
  const s = setup(t);
  s.msg({ type: 'response.create' });
  t.mock.timers.tick(clips[0]!.durationMs / 2); // the greeting's text is all generated, its audio still playing
  assert.equal(s.call.scriptStep, 1);
  s.setPlayed(0); // the candidate speaks from the greeting's first instant: nothing of it was heard
  s.speak(400, 0);
  assert.equal(s.call.responses[0]!.heard, '');
  assert.equal(s.call.scriptStep, 0, 'the greeting is still to come');
  s.speak(0, 800); // the turn ends: the server's VAD answers it
  s.runResponse();
  assert.equal(s.call.responses.length, 2);
  assert.equal(s.call.responses[1]!.step, 0);
  assert.equal(s.call.responses[1]!.text, s.call.responses[0]!.text, 'the greeting again, in full');
  assert.equal(s.call.scriptStep, 1);
  // Cut after some words: the model knows it began the line; the script moves on.
  const later = setup(t);
  later.msg({ type: 'response.create' });
  t.mock.timers.tick(clips[0]!.durationMs / 2);
  later.setPlayed(Math.round(clips[0]!.durationMs / 2));
  later.speak(400, 0);
  assert.ok(later.call.responses[0]!.heard);
  assert.equal(later.call.scriptStep, 1);
});
