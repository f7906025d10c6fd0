// Transcript exports and playback following: plain text, WebVTT (parsed back by a strict cue parser), the
// line that is playing at a media time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TranscriptEntryView } from '../../../preload/contract';
import { activeLine, clock, mediaMs, timedLines, transcriptText, transcriptWebVtt } from '../../../renderer/logic/review';
import { warmUpIds, warmUpStage } from '../../../renderer/logic/warm-up';

const entry = (seq: number, speaker: 'interviewer' | 'candidate', text: string, startMs: number | null, status: 'final' | 'failed' = 'final'): TranscriptEntryView =>
  ({ id: `e${seq}`, itemId: `i${seq}`, seq, speaker, text, startMs, status, saved: true, synced: false });

const entries = [
  entry(0, 'interviewer', 'Tell me about a <hard> project & its --> outcome.', 0),
  entry(1, 'candidate', 'I rebuilt the billing service.', 4_200),
  entry(2, 'candidate', '', 30_000, 'failed'),
  entry(3, 'interviewer', 'Thanks.', 3_725_010),
];
const names = { interviewer: 'Interviewer', candidate: 'Candidate' };

/** A strict reader for what we write: header, then blocks of id / timing / text. */
function parseVtt(text: string): { id: string; start: number; end: number; text: string }[] {
  assert.ok(text.startsWith('WEBVTT\n\n'), 'WebVTT header');
  const toMs = (t: string) => {
    const m = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})$/.exec(t);
    assert.ok(m, `timestamp ${t}`);
    return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
  };
  return text.slice(8).trim().split('\n\n').map((block) => {
    const [id, timing, body, ...rest] = block.split('\n');
    assert.equal(rest.length, 0, 'one line of text per cue');
    const m = /^(\S+) --> (\S+)$/.exec(timing!);
    assert.ok(m, `timing line ${timing}`);
    assert.ok(!body!.includes('-->'));
    return { id: id!, start: toMs(m[1]!), end: toMs(m[2]!), text: body! };
  });
}

test('WebVTT: one cue per timed entry, in order, starting at start_ms, text escaped', () => {
  const cues = parseVtt(transcriptWebVtt(entries, names));
  assert.deepEqual(cues.map((c) => c.id), ['e0', 'e1', 'e3']);
  assert.deepEqual(cues.map((c) => c.start), [0, 4_200, 3_725_010]);
  assert.equal(cues[0]!.end, 4_200);
  assert.ok(cues[2]!.end > cues[2]!.start);
  assert.equal(cues[0]!.text, '<v Interviewer>Tell me about a &lt;hard> project &amp; its -> outcome.');
  assert.equal(cues[1]!.text, '<v Candidate>I rebuilt the billing service.');
});

test('WebVTT: cues in start-time order even where the conversation order differs (speech over a line)', () => {
  const spokenOver = [
    entry(0, 'interviewer', 'Thank you, that is all.', 10_000),
    entry(1, 'candidate', 'One more thing.', 9_400),
    entry(2, 'interviewer', 'Goodbye.', 12_000),
  ];
  const cues = parseVtt(transcriptWebVtt(spokenOver, names));
  assert.deepEqual(cues.map((c) => c.id), ['e1', 'e0', 'e2']);
  assert.deepEqual(cues.map((c) => [c.start, c.end]), [[9_400, 10_000], [10_000, 12_000], [12_000, cues[2]!.end]]);
});

test('plain text: every line with its time and speaker; an hour shows as h:mm:ss', () => {
  assert.equal(transcriptText(entries, names), [
    '[00:00] Interviewer: Tell me about a <hard> project & its --> outcome.',
    '[00:04] Candidate: I rebuilt the billing service.',
    '[1:02:05] Interviewer: Thanks.',
  ].join('\n') + '\n');
  assert.equal(clock(3_725_010, true), '01:02:05.010');
});

test('the playing line follows the media time', () => {
  const lines = timedLines(entries);
  assert.equal(activeLine(lines, -1), -1);
  assert.equal(activeLine(lines, 0), 0);
  assert.equal(activeLine(lines, 4_199), 0);
  assert.equal(activeLine(lines, 4_200), 1);
  assert.equal(activeLine(lines, 10_000_000), 2);
});

test('the recording starts after the interview: seeking, the playing line and the cues use one rule', () => {
  // The recorder started 850 ms after the interview: a line at start_ms is at start_ms - 850 in the recording.
  assert.equal(mediaMs(4_200, 850), 3_350);
  assert.equal(mediaMs(4_200, null), 4_200, 'no reported offset: interview time');
  assert.equal(mediaMs(300, 850), 0, 'a line that began before the recorder is at the recording\'s start');
  const lines = timedLines(entries);
  assert.equal(activeLine(lines, 3_349, 850), 0);
  assert.equal(activeLine(lines, 3_350, 850), 1);
  const cues = parseVtt(transcriptWebVtt(entries, names, 850));
  assert.deepEqual(cues.map((c) => c.start), [0, 3_350, 3_725_010 - 850]);
  assert.equal(cues[0]!.end, 3_350);
});

test('warm-up lines: the greeting and the answer(s) before the first assessed question, only when the interview had a warm-up', () => {
  const withWarmUp = [
    entry(3, 'interviewer', 'Thank you. The assessed questions begin now. Tell me about a project.', 20_000),
    entry(0, 'interviewer', 'Welcome. A warm-up question: how has your day been?', 0),
    entry(1, 'candidate', 'Good, thanks,', 6_000),
    entry(2, 'candidate', 'the bus was on time.', 9_000),
    entry(4, 'candidate', 'I rebuilt the billing service.', 26_000),
  ];
  assert.deepEqual([...warmUpIds(withWarmUp, true)].sort(), ['e0', 'e1', 'e2']);
  assert.equal(warmUpIds(withWarmUp, false).size, 0);
  assert.deepEqual([...warmUpIds(withWarmUp.slice(1, 2), true)], ['e0'], 'while the warm-up is under way');
});

test('warm-up stage on the live screen: warm-up until the first assessed line, then the scored start until the next question', () => {
  const lines = [
    entry(0, 'interviewer', 'Welcome. A warm-up question: how has your day been?', 0),
    entry(1, 'candidate', 'Good, thanks,', 6_000),
    entry(2, 'candidate', 'the bus was on time.', 9_000),
    entry(3, 'interviewer', 'The assessed questions begin now. Tell me about a project.', 20_000),
    entry(4, 'candidate', 'I rebuilt the billing service.', 26_000),
    entry(5, 'interviewer', 'What went wrong?', 40_000),
  ];
  const stages = lines.map((_, n) => warmUpStage(lines.slice(0, n + 1).reverse(), true)); // arrival order does not matter
  assert.deepEqual(stages, ['warm_up', 'warm_up', 'warm_up', 'scored_start', 'scored_start', null]);
  assert.equal(warmUpStage([], true), 'warm_up', 'before the greeting arrives');
  assert.equal(warmUpStage([], false), null);
  assert.equal(warmUpStage(lines.slice(0, 4), false), null, 'no warm-up: nothing to say');
});
