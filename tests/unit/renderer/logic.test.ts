import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TranscriptEntryView } from '../../../preload/contract';
import { levelLabel, meterLevel, rms } from '../../../renderer/logic/audio';
import { callPhase } from '../../../renderer/logic/connection';
import { entryStateLabel, entryText, mergeEntries, orderedEntries } from '../../../renderer/logic/entries';
import { errorMessage, formatBytes, formatElapsed } from '../../../renderer/logic/format';
import { describeServerError, isHarmlessError, parseDataChannelMessage } from '../../../renderer/logic/realtime';
import { MAX_REALTIME_EVENT_CHARS } from '../../../preload/contract';
import { initialSpeakingState, interviewerDone, reduceSpeaking, speakingLabel } from '../../../renderer/logic/speaking';
import { kioskSocketUrl } from '../../../renderer/transport';

const entry = (over: Partial<TranscriptEntryView>): TranscriptEntryView => ({
  id: 'e',
  itemId: 'item',
  seq: 0,
  speaker: 'candidate',
  text: '',
  startMs: null,
  status: 'final',
  saved: true,
  synced: false,
  ...over,
});

describe('speaking-state reducer', () => {
  const run = (...types: string[]) => types.reduce((s, type) => reduceSpeaking(s, { type }), initialSpeakingState);

  it('interviewer speaks between output_audio_buffer.started and .stopped', () => {
    assert.equal(run('output_audio_buffer.started').interviewer, true);
    assert.equal(run('output_audio_buffer.started', 'output_audio_buffer.stopped').interviewer, false);
    assert.equal(run('output_audio_buffer.started', 'output_audio_buffer.cleared').interviewer, false);
  });

  it('candidate speaks between speech_started and speech_stopped', () => {
    const s = run('input_audio_buffer.speech_started');
    assert.equal(s.candidate, true);
    assert.equal(speakingLabel(s), 'Candidate speaking');
    assert.equal(run('input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped').candidate, false);
  });

  it('tracks the active response, and the interviewer is done only when both response and playback ended', () => {
    let s = run('response.created', 'output_audio_buffer.started');
    assert.equal(s.responseActive, true);
    assert.equal(interviewerDone(s), false);
    s = reduceSpeaking(s, { type: 'response.done' });
    assert.equal(interviewerDone(s), false, 'audio still playing after response.done');
    s = reduceSpeaking(s, { type: 'output_audio_buffer.stopped' });
    assert.equal(interviewerDone(s), true);
  });

  it('returns the same object for events that change nothing (no needless re-render)', () => {
    const s = run('session.created');
    assert.equal(s.sessionCreated, true);
    assert.equal(reduceSpeaking(s, { type: 'response.output_audio_transcript.delta' }), s);
    assert.equal(reduceSpeaking(s, { type: 'output_audio_buffer.stopped' }), s);
  });

  it('labels both speakers at once (barge-in)', () => {
    assert.equal(speakingLabel(run('output_audio_buffer.started', 'input_audio_buffer.speech_started')), 'Both speaking');
    assert.equal(speakingLabel(initialSpeakingState), 'Listening');
    // The interviewer persona's name is announced, always with the fact that it is an AI.
    assert.equal(speakingLabel(run('output_audio_buffer.started'), 'Ada'), 'Ada (AI) speaking');
    assert.equal(speakingLabel(run('output_audio_buffer.started')), 'Interviewer speaking');
  });
});

describe('formatting', () => {
  it('formats elapsed time', () => {
    assert.equal(formatElapsed(0), '0:00');
    assert.equal(formatElapsed(999), '0:00');
    assert.equal(formatElapsed(65_400), '1:05');
    assert.equal(formatElapsed(3_725_000), '1:02:05');
    assert.equal(formatElapsed(-5), '0:00');
    assert.equal(formatElapsed(Number.NaN), '0:00');
  });
  it('formats byte counts', () => {
    assert.equal(formatBytes(812), '812 B');
    assert.equal(formatBytes(20_400), '20.4 KB');
    assert.equal(formatBytes(3_100_000), '3.1 MB');
    assert.equal(formatBytes(-1), '0 B');
  });
  it('shows error messages, never stacks', () => {
    const err = new Error('The OpenAI API key was rejected.');
    assert.equal(errorMessage(err), 'The OpenAI API key was rejected.');
    assert.doesNotMatch(errorMessage(err), /at .*\(/);
    assert.match(errorMessage({}), /Something went wrong/);
  });
});

describe('displayed transcript entries', () => {
  it('keeps the latest version of each entry and orders by seq, not arrival', () => {
    let m = mergeEntries(new Map(), [entry({ id: 'a', seq: 0, speaker: 'interviewer', text: 'Hello' })]);
    // The interviewer's reply arrives before the candidate's late transcription.
    m = mergeEntries(m, [entry({ id: 'c', seq: 2, speaker: 'interviewer', text: 'Next question' })]);
    m = mergeEntries(m, [entry({ id: 'b', seq: 1, text: 'My answer' })]);
    m = mergeEntries(m, [entry({ id: 'a', seq: 0, speaker: 'interviewer', text: 'Hello there' })]);
    const ordered = orderedEntries(m);
    assert.deepEqual(ordered.map((e) => e.id), ['a', 'b', 'c']);
    assert.equal(ordered[0]!.text, 'Hello there');
    assert.equal(m.size, 3);
  });
  it('re-sequenced entries move to their new place', () => {
    let m = mergeEntries(new Map(), [entry({ id: 'x', seq: 1 }), entry({ id: 'y', seq: 2 })]);
    m = mergeEntries(m, [entry({ id: 'z', seq: 1 }), entry({ id: 'x', seq: 2 }), entry({ id: 'y', seq: 3 })]);
    assert.deepEqual(orderedEntries(m).map((e) => e.id), ['z', 'x', 'y']);
  });
  it('orders an array too, stably', () => {
    assert.deepEqual(orderedEntries([entry({ id: 'b', seq: 1 }), entry({ id: 'a', seq: 1 }), entry({ id: 'c', seq: 0 })]).map((e) => e.id), ['c', 'a', 'b']);
  });
  it('describes saved and synced state in words', () => {
    assert.equal(entryStateLabel(entry({ saved: true })), 'saved');
    assert.equal(entryStateLabel(entry({ saved: false })), 'saving…');
    assert.equal(entryStateLabel(entry({ saved: true, synced: true })), 'saved and synced');
    assert.equal(entryStateLabel(entry({ status: 'in_progress', saved: true })), 'speaking… (saved so far)');
    assert.match(entryStateLabel(entry({ status: 'failed' })), /not transcribed/);
    assert.match(entryText(entry({ status: 'failed' })), /could not be transcribed/);
    assert.equal(entryText(entry({ text: 'Yes.' })), 'Yes.');
  });
});

describe('data-channel messages', () => {
  it('parses a JSON event with a type', () => {
    const r = parseDataChannelMessage('{"type":"session.created","event_id":"e1"}');
    assert.ok(r.ok);
    assert.equal(r.event.type, 'session.created');
  });
  it('rejects malformed, typeless, non-object, binary and oversized messages with words', () => {
    for (const bad of ['{not json', '[1,2]', '"text"', '{"type":""}', '{"event":"x"}', new ArrayBuffer(4), 'x'.repeat(MAX_REALTIME_EVENT_CHARS + 1)]) {
      const r = parseDataChannelMessage(bad);
      assert.equal(r.ok, false, String(bad).slice(0, 20));
      if (!r.ok) assert.match(r.error, /skipped/);
    }
  });
  it('describes server errors and knows the harmless one', () => {
    const e = { type: 'error', error: { code: 'response_cancel_not_active', message: 'No active response' } };
    assert.equal(describeServerError(e), 'response_cancel_not_active: No active response');
    assert.equal(isHarmlessError(e), true);
    assert.equal(isHarmlessError({ type: 'error', error: { code: 'session_expired' } }), false);
    assert.equal(describeServerError({ type: 'session.created' }), null);
  });
});

describe('connection phase', () => {
  it('maps peer and channel states to connecting / live / reconnecting / ended', () => {
    assert.equal(callPhase('none', 'none', false), 'connecting');
    assert.equal(callPhase('connecting', 'connecting', false), 'connecting');
    assert.equal(callPhase('connected', 'connecting', false), 'connecting');
    assert.equal(callPhase('connected', 'open', false), 'live');
    assert.equal(callPhase('disconnected', 'open', false), 'reconnecting');
    assert.equal(callPhase('failed', 'open', false), 'ended');
    assert.equal(callPhase('connected', 'closed', false), 'ended');
    assert.equal(callPhase('connected', 'open', true), 'ended');
  });
});

describe('audio level', () => {
  it('computes RMS and a dB-scaled meter level', () => {
    assert.equal(rms([]), 0);
    assert.ok(Math.abs(rms([1, -1, 1, -1]) - 1) < 1e-9);
    assert.equal(meterLevel(0), 0);
    assert.equal(meterLevel(1), 1);
    assert.ok(Math.abs(meterLevel(0.001) - 0) < 1e-9); // -60 dBFS
    assert.ok(Math.abs(meterLevel(Math.pow(10, -30 / 20)) - 0.5) < 1e-9); // -30 dBFS mid-scale
    assert.equal(levelLabel(0), 'No sound from the microphone');
    assert.equal(levelLabel(0.6), 'Good');
  });
});

describe('transport helpers', () => {
  it('builds the same-origin socket URL', () => {
    assert.equal(kioskSocketUrl({ protocol: 'http:', host: '127.0.0.1:5180' }), 'ws://127.0.0.1:5180/kiosk');
    assert.equal(kioskSocketUrl({ protocol: 'https:', host: 'kiosk.local' }), 'wss://kiosk.local/kiosk');
  });
});
