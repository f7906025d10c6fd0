// Pure pieces of the candidate's controls: the notes to the interviewer never carry instructions in
// response.create; what the interview waits for; the question count leaves out answers to controls; the limits
// come from the settings; a typed answer is an entry at once (final, typed) and the server's echo places it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TYPED_ANSWER_CHARS } from '../../../preload/contract';
import { CONTROL_CUES, controlLimits, cueActions, EXPECTED_QUESTIONS, holdAfter } from '../../../main/core/interview/controls';
import { questionsAsked } from '../../../main/core/interview/transcript';
import { entryIdFor } from '../../../main/core/transcript/ids';
import { createTranscriptState, orderedEntries, reduceTranscript, withTypedAnswer } from '../../../main/core/transcript/reducer';
import { asideFor } from '../../../main/simulator/interviewer';
import { settingsPatchSchema } from '../../../main/core/api/schemas';
import { sanitizeSettings } from '../../../main/core/settings/file-stores';

describe('candidate controls (pure)', () => {
  it('a note is a system item, then a bare response.create (no instructions: they would replace the session\'s)', () => {
    const actions = cueActions('ctl_00', CONTROL_CUES.repeat);
    assert.deepEqual(actions, [
      { kind: 'send', event: { type: 'conversation.item.create', item: { id: 'ctl_00', type: 'message', role: 'system', content: [{ type: 'input_text', text: CONTROL_CUES.repeat }] } } },
      { kind: 'send', event: { type: 'response.create' } },
    ]);
  });

  it('every note the kiosk sends is one the emulated interviewer answers as an aside, as a model would', () => {
    for (const [name, text] of Object.entries(CONTROL_CUES)) assert.notEqual(asideFor(text, 'Why this role?'), null, name);
    assert.equal(asideFor(CONTROL_CUES.repeat, 'Why this role?'), 'Why this role?');
  });

  it('the interview waits after help or a break until the candidate goes on', () => {
    assert.deepEqual(['help', 'break', 'resume', 'repeat', null].map((k) => holdAfter(k as never)), ['help', 'break', 'none', 'none', 'none']);
  });

  it('questions asked: the interviewer\'s heard lines, without answers to controls, failed or empty lines', () => {
    const line = (previousItemId: string | null, text = 'Why?', status: 'final' | 'failed' = 'final') => ({ speaker: 'interviewer' as const, status, text, previousItemId });
    assert.equal(questionsAsked([
      line(null), { speaker: 'candidate', status: 'final', text: 'Because.', previousItemId: 'item_a' }, line('item_u'),
      line('ctl_0123456789abcdef'), line('item_x', '', 'final'), line('item_y', 'cut', 'failed'),
    ]), 2);
    // With a warm-up, its question is not one of the assessed questions the progress counts.
    const answer = { speaker: 'candidate' as const, status: 'final' as const, text: 'Fine, thanks.', previousItemId: 'item_a' };
    const warm = [line(null, 'A warm-up: how is your day?'), answer, line('item_u', 'The assessed questions begin now. Why?'), answer, line('item_v')];
    assert.deepEqual([1, 2, 3, 5].map((n) => questionsAsked(warm.slice(0, n), true)), [0, 0, 1, 2]);
    assert.equal(questionsAsked(warm, false), 3, 'without the warm-up flag every question counts');
  });

  it('limits follow the settings in seconds, with the defaults where unset', () => {
    assert.deepEqual(controlLimits({ candidateControls: { breakLimitSec: 60, stillThereAfterSec: 7, checkInAfterSec: 9 } }), {
      breakLimitMs: 60_000, stillThereAfterMs: 7000, checkInAfterMs: 9000, maxTypedChars: MAX_TYPED_ANSWER_CHARS, expectedQuestions: EXPECTED_QUESTIONS,
    });
    assert.equal(controlLimits({}).breakLimitMs, 300_000);
  });

  it('a typed answer is an entry at once (final, typed); the client create keeps it, the echo places it', () => {
    let state = createTranscriptState({ sessionId: 's', interviewStartMs: 1000 });
    state = reduceTranscript(state, { type: 'response.output_item.added', response_id: 'r1', item: { id: 'item_q', type: 'message', role: 'assistant' } }, 1100, entryIdFor).state;
    state = reduceTranscript(state, { type: 'conversation.item.added', previous_item_id: null, item: { id: 'item_q', type: 'message', role: 'assistant' } }, 1100, entryIdFor).state;
    const typed = withTypedAnswer(state, { itemId: 'typed_1', text: 'Typed.' }, 6000, entryIdFor);
    assert.equal(typed.changed.length, 1);
    assert.deepEqual({ ...typed.changed[0], id: undefined }, { id: undefined, itemId: 'typed_1', previousItemId: undefined, seq: 1, speaker: 'candidate', text: 'Typed.', startMs: 5000, status: 'final', confidence: null, typed: true });
    assert.equal(withTypedAnswer(typed.state, { itemId: 'typed_1', text: 'again' }, 6000, entryIdFor).changed.length, 0, 'once per item');
    const create = { type: 'conversation.item.create', item: { id: 'typed_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Typed.' }] } };
    state = reduceTranscript(typed.state, create, 6001, entryIdFor, 'client').state;
    const echoed = reduceTranscript(state, { type: 'conversation.item.added', previous_item_id: 'item_q', item: { ...create.item, status: 'completed' } }, 6002, entryIdFor);
    const entries = orderedEntries(echoed.state);
    assert.deepEqual(entries.map((e) => [e.itemId, e.seq, e.typed ?? false, e.previousItemId]), [['item_q', 0, false, null], ['typed_1', 1, true, 'item_q']]);
  });

  it('the settings: whole seconds within range, refused in words otherwise; a stored value out of range is dropped', () => {
    assert.deepEqual(settingsPatchSchema.parse({ candidateControls: { breakLimitSec: 600 } }), { candidateControls: { breakLimitSec: 600 } });
    const tooShort = settingsPatchSchema.safeParse({ candidateControls: { breakLimitSec: 3 } });
    assert.equal(tooShort.success, false);
    assert.match(JSON.stringify(tooShort.error?.issues), /at least 10 seconds/);
    assert.equal(settingsPatchSchema.safeParse({ candidateControls: { stillThereAfterSec: 7.5 } }).success, false);
    assert.equal(settingsPatchSchema.safeParse({ candidateControls: { nap: 1 } }).success, false);
    const stored = sanitizeSettings({ breakLimitSec: 120, stillThereAfterSec: 2, checkInAfterSec: '9' });
    assert.equal(stored.breakLimitSec, 120);
    assert.equal(stored.stillThereAfterSec, undefined);
    assert.equal(stored.checkInAfterSec, undefined);
  });
});
