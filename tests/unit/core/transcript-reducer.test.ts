import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryIdFor } from '../../../main/core/transcript/ids';
import {
  createTranscriptState,
  finalizeAll,
  INTERRUPTED_MARK,
  isInterrupted,
  orderedEntries,
  reduceTranscript,
  withCall,
  type TranscriptState,
} from '../../../main/core/transcript/reducer';

type Ev = { type: string } & Record<string, unknown>;
const START = 1_700_000_000_000;
const SESSION = '11111111-2222-4333-8444-555555555555';

function run(events: Ev[], opts: { start?: number; offset?: number; state?: TranscriptState; dir?: 'server' | 'client' } = {}) {
  let state = opts.state ?? createTranscriptState({ sessionId: SESSION, interviewStartMs: opts.start ?? START, callOffsetMs: opts.offset ?? 0 });
  let endSession = 0;
  let t = START;
  const changes: ReturnType<typeof reduceTranscript>['changed'][] = [];
  for (const e of events) {
    t += 100;
    const r = reduceTranscript(state, e, (e.__at as number | undefined) ?? t, entryIdFor, (e.__dir as 'server' | 'client' | undefined) ?? opts.dir ?? 'server');
    state = r.state;
    if (r.endSession) endSession++;
    changes.push(r.changed);
  }
  return { state, entries: orderedEntries(state), endSession, changes };
}

// GA assistant turn (§4.3) for item `id` after `prev`, speaking `words`.
function assistantTurn(resp: string, id: string, prev: string | null, words: string[], opts: { done?: string | null; status?: string } = {}): Ev[] {
  const full = words.join('');
  const evs: Ev[] = [
    { type: 'response.created', response: { id: resp, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', response_id: resp, output_index: 0, item: { id, type: 'message', role: 'assistant', status: 'in_progress', content: [] } },
    { type: 'conversation.item.added', previous_item_id: prev, item: { id, type: 'message', role: 'assistant', status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', response_id: resp, item_id: id, output_index: 0, content_index: 0, part: { type: 'audio', transcript: '' } },
    { type: 'output_audio_buffer.started', response_id: resp },
    ...words.map((w) => ({ type: 'response.output_audio_transcript.delta', response_id: resp, item_id: id, output_index: 0, content_index: 0, delta: w })),
    { type: 'response.output_audio.done', response_id: resp, item_id: id },
  ];
  if (opts.done !== null) evs.push({ type: 'response.output_audio_transcript.done', response_id: resp, item_id: id, transcript: opts.done ?? full });
  evs.push({ type: 'response.done', response: { id: resp, status: opts.status ?? 'completed', output: [{ id, type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: opts.done ?? full }] }] } });
  return evs;
}

function userTurn(id: string, prev: string, audioStart: number, transcript?: string): Ev[] {
  const evs: Ev[] = [
    { type: 'input_audio_buffer.speech_started', audio_start_ms: audioStart, item_id: id },
    { type: 'input_audio_buffer.speech_stopped', audio_end_ms: audioStart + 1500, item_id: id },
    { type: 'input_audio_buffer.committed', previous_item_id: prev, item_id: id },
    { type: 'conversation.item.added', previous_item_id: prev, item: { id, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] } },
  ];
  if (transcript !== undefined) evs.push({ type: 'conversation.item.input_audio_transcription.completed', item_id: id, content_index: 0, transcript });
  return evs;
}

test('a plain interview gives one entry per turn, in order, with speakers, text and start times', () => {
  const { entries } = run([
    ...assistantTurn('resp_1', 'item_a1', null, ['Hello, ', 'I am ', 'your interviewer.']),
    ...userTurn('item_u1', 'item_a1', 4000, 'I am Sam.'),
    ...assistantTurn('resp_2', 'item_a2', 'item_u1', ['Tell me ', 'more.']),
  ]);
  assert.deepEqual(entries.map((e) => [e.seq, e.speaker, e.text, e.status]), [
    [0, 'interviewer', 'Hello, I am your interviewer.', 'final'],
    [1, 'candidate', 'I am Sam.', 'final'],
    [2, 'interviewer', 'Tell me more.', 'final'],
  ]);
  assert.equal(entries[0]!.startMs, 100); // response.created 100 ms after the interview start
  assert.equal(entries[1]!.startMs, 4000); // audio_start_ms
  assert.equal(entries[0]!.id, entryIdFor(SESSION, 'item_a1'));
  assert.match(entries[0]!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('a late transcription lands before the reply it preceded in the conversation', () => {
  const { entries, changes } = run([
    ...assistantTurn('resp_1', 'item_a1', null, ['Question one?']),
    ...userTurn('item_u1', 'item_a1', 3000), // no transcript yet
    ...assistantTurn('resp_2', 'item_a2', 'item_u1', ['Question two?']),
    { type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_u1', content_index: 0, transcript: 'My late answer.' },
  ]);
  assert.deepEqual(entries.map((e) => [e.speaker, e.text]), [
    ['interviewer', 'Question one?'],
    ['candidate', 'My late answer.'],
    ['interviewer', 'Question two?'],
  ]);
  assert.deepEqual(changes.at(-1)!.map((e) => [e.itemId, e.seq, e.status]), [['item_u1', 1, 'final']]);
});

test('a failed transcription marks only that entry failed; the interview goes on', () => {
  const { entries } = run([
    ...assistantTurn('resp_1', 'item_a1', null, ['Q1?']),
    ...userTurn('item_u1', 'item_a1', 3000),
    { type: 'conversation.item.input_audio_transcription.failed', item_id: 'item_u1', content_index: 0, error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'x' } },
    ...assistantTurn('resp_2', 'item_a2', 'item_u1', ['Q2?']),
    ...userTurn('item_u2', 'item_a2', 9000, 'Second answer.'),
  ]);
  assert.deepEqual(entries.map((e) => [e.speaker, e.status, e.text]), [
    ['interviewer', 'final', 'Q1?'],
    ['candidate', 'failed', ''],
    ['interviewer', 'final', 'Q2?'],
    ['candidate', 'final', 'Second answer.'],
  ]);
});

test('barge-in: a cancelled response keeps the text heard so far and is final', () => {
  const turn = assistantTurn('resp_1', 'item_a1', null, ['So tell me ', 'about your'], { done: '', status: 'cancelled' });
  const { entries } = run([...turn, ...userTurn('item_u1', 'item_a1', 2500, 'Sorry to interrupt.')]);
  assert.deepEqual(entries.map((e) => [e.speaker, e.text, e.status]), [
    ['interviewer', 'So tell me about your', 'final'],
    ['candidate', 'Sorry to interrupt.', 'final'],
  ]);
  // Cancelled before any .done event at all: response.done ends it with the deltas heard.
  const cut = assistantTurn('resp_9', 'item_a9', null, ['Half a '], { done: null, status: 'cancelled' });
  cut[cut.length - 1] = { type: 'response.done', response: { id: 'resp_9', status: 'cancelled', output: [] } };
  const r = run(cut);
  assert.deepEqual(r.entries.map((e) => [e.text, e.status]), [['Half a ', 'final']]);
});

test('deltas accumulate while in progress; .done replaces them with the authoritative transcript', () => {
  const evs = assistantTurn('resp_1', 'item_a1', null, ['Helo', ' wrld'], { done: 'Hello world' });
  const midway = run(evs.slice(0, 7)); // up to the second delta
  assert.deepEqual(midway.entries.map((e) => [e.text, e.status]), [['Helo wrld', 'in_progress']]);
  const done = run(evs);
  assert.deepEqual(done.entries.map((e) => [e.text, e.status]), [['Hello world', 'final']]);
  // output_text.* is accepted the same way.
  const text = run([
    { type: 'response.output_item.added', response_id: 'r', item: { id: 'item_t', type: 'message', role: 'assistant' } },
    { type: 'response.output_text.delta', item_id: 'item_t', delta: 'Hi ' },
    { type: 'response.output_text.done', item_id: 'item_t', text: 'Hi there' },
  ]);
  assert.deepEqual(text.entries.map((e) => [e.text, e.status]), [['Hi there', 'final']]);
});

test('out-of-order arrival: ordering follows previous_item_id links, not arrival', () => {
  const events: Ev[] = [
    { type: 'conversation.item.added', previous_item_id: 'item_u1', item: { id: 'item_a2', type: 'message', role: 'assistant' } },
    { type: 'response.output_item.added', response_id: 'r2', item: { id: 'item_a2', type: 'message', role: 'assistant' } },
    { type: 'response.output_audio_transcript.done', item_id: 'item_a2', transcript: 'Second question?' },
    { type: 'input_audio_buffer.committed', previous_item_id: 'item_a1', item_id: 'item_u1' },
    { type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_u1', transcript: 'Answer.' },
    { type: 'response.output_item.added', response_id: 'r1', item: { id: 'item_a1', type: 'message', role: 'assistant' } },
    { type: 'conversation.item.added', previous_item_id: null, item: { id: 'item_a1', type: 'message', role: 'assistant' } },
    { type: 'response.output_audio_transcript.done', item_id: 'item_a1', transcript: 'First question?' },
  ];
  // conversation.item.added for item_a2 came first (no output_item.added yet): it must not be mistaken for
  // replayed history once its output item is announced.
  const { entries } = run(events);
  assert.deepEqual(entries.map((e) => [e.seq, e.itemId]), [[0, 'item_a1'], [1, 'item_u1'], [2, 'item_a2']]);
});

test('duplicate events are applied once (event_id) and re-applying item events changes nothing', () => {
  const evs = assistantTurn('resp_1', 'item_a1', null, ['One ', 'two']).map((e, i) => ({ ...e, event_id: `event_${i}` }));
  const once = run(evs.slice(0, 7));
  const twice = run([...evs.slice(0, 7), ...evs.slice(0, 7)]);
  assert.deepEqual(twice.entries, once.entries);
  assert.equal(once.entries[0]!.text, 'One two');
  const u = userTurn('item_u1', 'item_a1', 100, 'Yes.');
  const a = run([...evs, ...u]);
  const b = run([...evs, ...u, ...u]);
  assert.deepEqual(b.entries, a.entries);
  assert.ok(b.changes.slice(-u.length).every((c) => c.length === 0), 'a repeated turn reports no changes');
});

test('client-created items (history replay, system notes) and function calls are not entries but keep the chain', () => {
  const { entries, endSession } = run([
    { type: 'conversation.item.create', __dir: 'client', previous_item_id: 'root', item: { id: 'hist_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Earlier question' }] } },
    { type: 'conversation.item.added', previous_item_id: null, item: { id: 'hist_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Earlier question' }] } },
    { type: 'conversation.item.added', previous_item_id: 'hist_1', item: { id: 'note_1', type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Resuming' }] } },
    { type: 'conversation.item.added', previous_item_id: 'note_1', item: { id: 'hist_u', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'old' }] } },
    ...assistantTurn('resp_1', 'item_a1', 'hist_u', ['Next question.']),
    ...userTurn('item_u1', 'item_a1', 500, 'Final answer.'),
    { type: 'response.created', response: { id: 'resp_f' } },
    { type: 'response.output_item.added', response_id: 'resp_f', item: { id: 'fc_1', type: 'function_call', name: 'end_session', call_id: 'call_1' } },
    { type: 'conversation.item.added', previous_item_id: 'item_u1', item: { id: 'fc_1', type: 'function_call', name: 'end_session', call_id: 'call_1' } },
    { type: 'response.function_call_arguments.done', response_id: 'resp_f', item_id: 'fc_1', call_id: 'call_1', name: 'end_session', arguments: '{}' },
    { type: 'response.done', response: { id: 'resp_f', output: [{ id: 'fc_1', type: 'function_call', status: 'completed', name: 'end_session', call_id: 'call_1', arguments: '{}' }] } },
  ]);
  assert.deepEqual(entries.map((e) => [e.seq, e.itemId]), [[0, 'item_a1'], [1, 'item_u1']]);
  assert.equal(endSession, 1, 'end_session reported exactly once');
});

test('end_session counts only from a completed function_call item (arguments.done comes for cancelled calls too)', () => {
  const cancelled = run([
    { type: 'response.created', response: { id: 'resp_f' } },
    { type: 'response.function_call_arguments.done', response_id: 'resp_f', item_id: 'fc_1', call_id: 'call_1', name: 'end_session', arguments: '{}' },
    { type: 'response.output_item.done', response_id: 'resp_f', item: { id: 'fc_1', type: 'function_call', status: 'incomplete', name: 'end_session', call_id: 'call_1' } },
    { type: 'response.done', response: { id: 'resp_f', status: 'cancelled', output: [{ id: 'fc_1', type: 'function_call', status: 'incomplete', name: 'end_session', call_id: 'call_1' }] } },
  ]);
  assert.equal(cancelled.endSession, 0);
  let state = createTranscriptState({ sessionId: SESSION, interviewStartMs: START });
  const r = reduceTranscript(state, { type: 'response.output_item.done', response_id: 'resp_g', item: { id: 'fc_2', type: 'function_call', status: 'completed', name: 'end_session', call_id: 'call_2' } }, START, entryIdFor);
  state = r.state;
  assert.equal(r.endSession, true);
  assert.equal(r.endSessionCallId, 'call_2');
});

test('heard text: a truncated interviewer line is retrieved from the server and stored cut, marked interrupted', () => {
  let state = createTranscriptState({ sessionId: SESSION, interviewStartMs: START });
  const apply = (e: Record<string, unknown> & { type: string }) => {
    const r = reduceTranscript(state, e, START + 100, entryIdFor);
    state = r.state;
    return r;
  };
  for (const e of assistantTurn('resp_1', 'item_a1', null, ['Tell me about ', 'a time you led a team.'])) apply(e);
  assert.equal(orderedEntries(state)[0]!.text, 'Tell me about a time you led a team.', 'generated text, ahead of the audio');
  const truncated = apply({ type: 'conversation.item.truncated', item_id: 'item_a1', content_index: 0, audio_end_ms: 900 });
  assert.deepEqual(truncated.retrieve, ['item_a1'], 'main asks the server for the heard text');
  assert.equal(orderedEntries(state)[0]!.status, 'in_progress');
  apply({ type: 'response.output_audio_transcript.done', item_id: 'item_a1', transcript: 'Tell me about a time you led a team.' }); // late duplicate
  apply({ type: 'conversation.item.retrieved', item: { id: 'item_a1', type: 'message', role: 'assistant', status: 'incomplete', content: [{ type: 'output_audio', transcript: 'Tell me about' }] } });
  const entry = orderedEntries(state)[0]!;
  assert.equal(entry.text, `Tell me about${INTERRUPTED_MARK}`);
  assert.ok(isInterrupted(entry.text));
  assert.equal(entry.status, 'final');
  // Nothing heard at all: empty text at once.
  for (const e of assistantTurn('resp_2', 'item_a2', 'item_a1', ['Next question?'])) apply(e);
  apply({ type: 'conversation.item.truncated', item_id: 'item_a2', content_index: 0, audio_end_ms: 0 });
  assert.equal(orderedEntries(state).find((x) => x.itemId === 'item_a2')!.text, '');
});

test('server ids are Map keys: __proto__ and ids of the wrong shape change no prototype and make no entry', () => {
  const { entries } = run([
    { type: 'input_audio_buffer.committed', item_id: '__proto__', previous_item_id: null },
    { type: 'conversation.item.input_audio_transcription.completed', item_id: '__proto__', transcript: 'polluted?' },
    { type: 'input_audio_buffer.committed', item_id: 'bad id with spaces', previous_item_id: null },
    { type: 'response.output_item.added', response_id: 'constructor', item: { id: 'constructor', type: 'message', role: 'assistant' } },
  ]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.ok(entries.every((e) => /^[A-Za-z0-9]/.test(e.itemId)));
  assert.ok(!entries.some((e) => e.itemId === 'bad id with spaces'));
});

test('a text-only response in an audio session is no entry (nobody heard it) and its outcome says so', () => {
  let state = createTranscriptState({ sessionId: SESSION, interviewStartMs: START });
  const events = [
    { type: 'response.created', response: { id: 'resp_t', output_modalities: ['text'] } },
    { type: 'response.output_item.added', response_id: 'resp_t', item: { id: 'item_t', type: 'message', role: 'assistant' } },
    { type: 'response.output_text.delta', item_id: 'item_t', delta: 'Hello' },
    { type: 'response.done', response: { id: 'resp_t', status: 'completed', output: [] } },
  ];
  let outcome = null;
  for (const e of events) {
    const r = reduceTranscript(state, e, START, entryIdFor);
    state = r.state;
    outcome = r.outcome ?? outcome;
  }
  assert.equal(orderedEntries(state).length, 0);
  assert.deepEqual(outcome, { responseId: 'resp_t', status: 'completed', details: '', textOnly: true });
});

test('other function calls do not end the session', () => {
  const { endSession } = run([{ type: 'response.function_call_arguments.done', item_id: 'fc', call_id: 'c', name: 'record_answer', arguments: '{}' }]);
  assert.equal(endSession, 0);
});

test('start_ms of a candidate turn in a later call adds that call offset', () => {
  const first = run([...assistantTurn('resp_1', 'item_a1', null, ['Q'])]);
  const later = withCall(first.state, START, 60_000);
  const { entries } = run([...userTurn('item_u1', 'item_a1', 1200, 'A')], { state: later });
  assert.equal(entries.find((e) => e.itemId === 'item_u1')!.startMs, 61_200);
});

test('the reducer never mutates the state it was given', () => {
  const base = run(assistantTurn('resp_1', 'item_a1', null, ['Hi'])).state;
  const snapshot = JSON.stringify(base);
  reduceTranscript(base, { type: 'response.output_audio_transcript.delta', item_id: 'item_a1', delta: 'x' }, START, entryIdFor);
  reduceTranscript(base, { type: 'input_audio_buffer.committed', item_id: 'u', previous_item_id: 'item_a1' }, START, entryIdFor);
  assert.equal(JSON.stringify(base), snapshot);
});

test('finalizeAll ends in-progress entries; an untranscribed candidate turn becomes failed', () => {
  const { state } = run([
    ...assistantTurn('resp_1', 'item_a1', null, ['Q1?']),
    ...userTurn('item_u1', 'item_a1', 3000),
    { type: 'response.output_item.added', response_id: 'r2', item: { id: 'item_a2', type: 'message', role: 'assistant' } },
    { type: 'response.output_audio_transcript.delta', item_id: 'item_a2', delta: 'Half' },
  ]);
  const r = finalizeAll(state, entryIdFor);
  assert.deepEqual(orderedEntries(r.state).map((e) => [e.itemId, e.status, e.text]), [
    ['item_a1', 'final', 'Q1?'],
    ['item_u1', 'failed', ''],
    ['item_a2', 'final', 'Half'],
  ]);
  assert.equal(r.changed.length, 2);
});

test('existing entries (after a restart) are kept and new ones follow them', () => {
  const first = run([...assistantTurn('resp_1', 'item_a1', null, ['Q1?']), ...userTurn('item_u1', 'item_a1', 3000, 'A1')]);
  const restored = createTranscriptState({ sessionId: SESSION, interviewStartMs: START, existing: orderedEntries(first.state) });
  const { entries } = run(assistantTurn('resp_2', 'item_a2', 'item_u1', ['Q2?']), { state: restored });
  assert.deepEqual(entries.map((e) => e.itemId), ['item_a1', 'item_u1', 'item_a2']);
});
