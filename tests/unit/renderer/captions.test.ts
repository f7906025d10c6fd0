// Captions follow the interviewer's audio, never the transcript that runs ahead of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAPTION_CHARS_PER_SECOND, CAPTION_LAG_MS, heardSoFar, initialCaptionState, reduceCaptions, revealing, shownEntryText, type CaptionState } from '../../../renderer/logic/captions';
import { DEFAULT_DISPLAY, displayAttributes } from '../../../renderer/logic/display';

const LINE = 'Welcome to your interview. Tell me about a time your teamwork made a difference.';

function generated(at = 0): CaptionState {
  let s = reduceCaptions(initialCaptionState, { type: 'response.output_item.added', response_id: 'resp_1', item: { id: 'item_1', type: 'message', role: 'assistant' } }, at);
  for (const piece of LINE.match(/\S+\s*/g)!) s = reduceCaptions(s, { type: 'response.output_audio_transcript.delta', response_id: 'resp_1', item_id: 'item_1', delta: piece }, at);
  return s;
}

/** ms after the audio start at which the caption pace has covered n characters. */
const msFor = (n: number) => CAPTION_LAG_MS + (n * 1000) / CAPTION_CHARS_PER_SECOND;

test('the whole generated line is known, but nothing is shown before its audio starts', () => {
  const s = generated();
  assert.equal(heardSoFar(s, 'item_1', 10_000), '');
  assert.equal(shownEntryText(s, { itemId: 'item_1', speaker: 'interviewer', text: LINE }, false, 10_000), '');
});

test('while the audio plays, whole words appear at the caption pace; all of it once the audio stopped', () => {
  let s = reduceCaptions(generated(), { type: 'output_audio_buffer.started', response_id: 'resp_1' }, 1000);
  assert.ok(revealing(s));
  assert.equal(heardSoFar(s, 'item_1', 1000 + msFor(7)), 'Welcome'); // all 7 letters played
  assert.equal(heardSoFar(s, 'item_1', 1000 + msFor(6)), ''); // "Welcom": a word shows only whole
  const partway = heardSoFar(s, 'item_1', 1000 + msFor(30))!;
  assert.ok(LINE.startsWith(partway) && partway.length <= 30 && partway.length > 20, partway);
  s = reduceCaptions(s, { type: 'output_audio_buffer.stopped', response_id: 'resp_1' }, 2000);
  assert.equal(heardSoFar(s, 'item_1', 2000), LINE);
  assert.ok(!revealing(s));
});

test('a cut freezes the caption where the audio stopped; the stored heard part (interrupted) then shows as stored', () => {
  let s = reduceCaptions(generated(), { type: 'output_audio_buffer.started', response_id: 'resp_1' }, 0);
  s = reduceCaptions(s, { type: 'output_audio_buffer.cleared', response_id: 'resp_1' }, msFor(16));
  s = reduceCaptions(s, { type: 'conversation.item.truncated', item_id: 'item_1', audio_end_ms: 1600 }, msFor(40));
  assert.equal(heardSoFar(s, 'item_1', 60_000), 'Welcome to your');
  assert.equal(shownEntryText(s, { itemId: 'item_1', speaker: 'interviewer', text: LINE }, false, 60_000), 'Welcome to your');
  assert.equal(shownEntryText(s, { itemId: 'item_1', speaker: 'interviewer', text: 'Welcome to …' }, true, 60_000), 'Welcome to …');
});

test('lines this page never heard being spoken (restored history) and the candidate\'s words show as stored', () => {
  const s = generated();
  assert.equal(shownEntryText(s, { itemId: 'item_old', speaker: 'interviewer', text: 'Earlier question.' }, false, 0), 'Earlier question.');
  assert.equal(shownEntryText(s, { itemId: 'item_c', speaker: 'candidate', text: 'My answer' }, false, 0), 'My answer');
});

test('display choices default to normal text, standard contrast, captions on', () => {
  assert.deepEqual(DEFAULT_DISPLAY, { textSize: 'normal', highContrast: false, captions: true });
  assert.deepEqual(displayAttributes({ ...DEFAULT_DISPLAY, highContrast: true, textSize: 'larger' }), { 'data-text-size': 'larger', 'data-contrast': 'high' });
});
