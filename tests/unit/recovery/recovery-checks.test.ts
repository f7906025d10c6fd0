// The recovery suite's own checks (tests/recovery/support.ts) can fail: a repeated persona line, a line asked
// again by a resumed call, a replay stored twice, and a resumed call after nothing was heard are each caught; an
// interrupted line asked again is not a repeat.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EmulatorCallInfo } from '../../../main/simulator/index';
import type { EntryRow } from '../../e2e/support-interview';
import { checkKept, checkResumes, checkTranscript, greetings, repeatedLines } from '../../recovery/support';

const GREETING = 'Welcome to your interview with Acme for the Analyst position. I am the AI interviewer. Tell me about a time your teamwork made a difference.';
const Q1 = 'Thank you. Tell me about a time your ownership made a difference.';
let n = 0;
const entry = (speaker: EntryRow['speaker'], text: string, itemId = `item_${n}`): EntryRow => ({
  id: `e${n}`, session_id: 's1', item_id: itemId, previous_item_id: null, seq: n++, speaker, text, status: 'final', start_ms: null,
});
/** A call that spoke `lines` ([step, text, item id]); `resumed`: it was given the earlier context. A fresh call
 * gets the opening cue, itself a client-created system item, so the emulator reports a step for it too. */
const call = (lines: [number, string, string][], resumed: boolean): EmulatorCallInfo => ({
  id: 'rtc_x', model: 'gpt-realtime', connected: true, closed: true, userTurns: 0, scriptStep: 0, replayedItems: resumed ? 3 : 1,
  context: resumed
    ? [{ id: 'a', role: 'system', text: 'Do not greet the candidate again.' }, { id: 'b', role: 'assistant', text: GREETING }]
    : [{ id: 'o', role: 'system', text: 'Greet the candidate and ask the first question.' }],
  resumedAtStep: lines[0]?.[0] ?? null,
  spoken: lines.map(([step, text]) => ({ step, text })),
  responses: lines.map(([step, text, itemId]) => ({ id: `resp_${itemId}`, itemId, step, instructions: '', text, outcome: 'completed' as const, status: 'completed' as const, heard: null, voice: 'marin' })),
  instructions: '', voice: 'marin', session: {}, events: [],
});

test('a whole persona line twice is a repeat; a line cut by a barge-in and asked again is not', () => {
  n = 0;
  const repeated = [entry('interviewer', GREETING), entry('candidate', 'I led a team.'), entry('interviewer', Q1), entry('interviewer', Q1)];
  assert.equal(repeatedLines(repeated), 1);
  assert.match(checkTranscript(repeated).join('\n'), /is in the transcript 2 times/);
  n = 0;
  const reasked = [entry('interviewer', GREETING), entry('interviewer', 'Thank you. Tell me about …'), entry('interviewer', Q1)];
  assert.equal(repeatedLines(reasked), 0);
  assert.deepEqual(checkTranscript(reasked), []);
});

test('a resumed call that asks a line already heard in full is reported; one that asks an unheard line is not', () => {
  n = 0;
  const entries = [entry('interviewer', GREETING, 'i_g'), entry('candidate', 'Answer.'), entry('interviewer', Q1, 'i_q1')];
  const first = call([[0, GREETING, 'i_g'], [1, Q1, 'i_q1']], false);
  assert.match(checkResumes([first, call([[1, Q1, 'i_q1b']], true)], entries).join('\n'), /repeated step 1/);
  assert.deepEqual(checkResumes([first, call([[2, 'Good. Next.', 'i_q2']], true)], entries), []);
  n = 0;
  const cut = [entry('interviewer', GREETING, 'i_g'), entry('candidate', 'Answer.'), entry('interviewer', 'Thank you. Tell me …', 'i_q1')];
  assert.deepEqual(checkResumes([first, call([[1, Q1, 'i_q1b']], true)], cut), [], 'the cut line was never heard in full');
});

test('after a drop in the greeting\'s first words the next call must open afresh with the greeting', () => {
  n = 0;
  const entries = [entry('interviewer', 'Welcome to …', 'i_g1'), entry('interviewer', GREETING, 'i_g2'), entry('candidate', 'Answer.'), entry('interviewer', Q1, 'i_q1')];
  const first = call([[0, GREETING, 'i_g1']], false);
  assert.deepEqual(checkResumes([first, call([[0, GREETING, 'i_g2'], [1, Q1, 'i_q1']], false)], entries), []);
  assert.match(checkResumes([first, call([[1, Q1, 'i_q1']], true)], entries).join('\n'), /was given context although nothing had been heard/);
});

test('an entry kept before a kill and stored again under a new id counts as a duplicate', () => {
  n = 0;
  const before = [entry('interviewer', GREETING)];
  const again = { ...entry('interviewer', GREETING) };
  const result = checkKept(before, { sessions: [], entries: [...before, again], recordings: [] });
  assert.equal(result.losses, 0);
  assert.equal(result.duplicates, 1);
});

test('greetings counts introductions heard in full: a cut one spoken again is one greeting, a whole one twice is two', () => {
  n = 0;
  assert.equal(greetings([entry('interviewer', 'Welcome to your interview with Acme …'), entry('interviewer', GREETING)]), 1);
  n = 0;
  assert.equal(greetings([entry('interviewer', GREETING), entry('candidate', 'Hi.'), entry('interviewer', GREETING)]), 2);
});

test('a line stored as generated and later cut to its heard part is no loss; any other shortening is', () => {
  n = 0;
  const stored = entry('interviewer', GREETING, 'i_g');
  const snapshot = (text: string) => ({ sessions: [], entries: [{ ...stored, text }], recordings: [] });
  assert.equal(checkKept([stored], snapshot('Welcome to your interview with Acme for the Analyst …')).losses, 0, 'cut to the heard part');
  assert.equal(checkKept([stored], snapshot('Welcome to your interview with Acme')).losses, 1, 'shortened without the mark');
  assert.equal(checkKept([stored], snapshot('Welcome to the Analyst …')).losses, 1, 'the heard part is not what was stored');
});
