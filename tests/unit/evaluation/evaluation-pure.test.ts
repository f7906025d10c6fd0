// The evaluation's pure pieces: the quality gate, quote verification, the answer parser, the output reader, the
// retry delay, and the media range parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { qualityGate, longestGap, type GateEntry } from '../../../main/core/evaluation/gate';
import { outputOf, type ModelOutcome, type ModelRequest } from '../../../main/core/evaluation/model';
import { evaluateSession, scoredEntries } from '../../../main/core/evaluation/evaluate';
import { warmUpEntryCount } from '../../../preload/contract';
import { evaluationInstructions } from '../../../main/core/evaluation/prompt';
import { RUBRIC_V1 } from '../../../main/core/evaluation/rubric';
import { evaluationJsonSchema, parseModelAnswer, type ModelAnswer } from '../../../main/core/evaluation/schema';
import { locateQuote, transcriptLines, verifyAnswer } from '../../../main/core/evaluation/verify';
import { parseRange, rangeHeaders } from '../../../main/core/recording/media';
import { strictSchemaProblem } from '../../../main/simulator/responses';

const ANSWER = 'I led the migration of our billing system to a new database, planning the cutover with the finance team so nobody lost a single invoice during the weekend.';

function interview(candidateTexts: string[], { failed = 0, gapAfter = -1 } = {}): GateEntry[] {
  const out: GateEntry[] = [];
  let t = 0;
  candidateTexts.forEach((text, i) => {
    out.push({ id: `i${i}`, speaker: 'interviewer', text: 'Tell me about a project.', startMs: t, status: 'final' });
    t += 5_000;
    out.push({ id: `c${i}`, speaker: 'candidate', text: i < failed ? '' : text, startMs: t, status: i < failed ? 'failed' : 'final' });
    t += 20_000 + (i === gapAfter ? 200_000 : 0);
  });
  return out;
}

const done = { status: 'completed' as const, endReason: 'ended: end_session' };

test('gate: a complete interview passes; each broken kind is named with its reason', () => {
  assert.deepEqual(qualityGate(interview([ANSWER, ANSWER, ANSWER]), done), []);

  const failed = qualityGate(interview([ANSWER, ANSWER, ANSWER, ANSWER], { failed: 2 }), done);
  assert.ok(failed.some((r) => r.code === 'failed_transcriptions' && /2 of 4/.test(r.message)), JSON.stringify(failed));

  const short = qualityGate(interview(['Yes.', 'I think so.', 'Maybe later.']), done);
  assert.deepEqual(short.map((r) => r.code), ['too_few_words']);

  const early = qualityGate(interview([`${ANSWER} ${ANSWER}`, ANSWER]), done);
  assert.deepEqual(early.map((r) => r.code), ['ended_early']);
  assert.deepEqual(qualityGate(interview([ANSWER, ANSWER, ANSWER]), { status: 'failed', endReason: 'ended: error' }).map((r) => r.code), ['ended_early']);

  const gap = qualityGate(interview([ANSWER, ANSWER, ANSWER], { gapAfter: 1 }), done);
  assert.deepEqual(gap.map((r) => r.code), ['connection_gap']);
  assert.match(gap[0]!.message, /gap of \d+ s/);
});

test('warm-up: its entries are kept in the record but neither gated nor sent to the model', async () => {
  const WARM = 'Fine thanks, the bus was late but I made it here with some time to spare for a coffee first.';
  const entries = interview([WARM, ANSWER, ANSWER, ANSWER]);
  assert.equal(warmUpEntryCount(entries), 2, 'the greeting with the warm-up question and its answer');
  assert.equal(warmUpEntryCount(entries.slice(0, 1)), 1, 'during the warm-up everything so far is warm-up');
  const split = [entries[0]!, entries[1]!, { ...entries[1]!, id: 'c0b' }, ...entries.slice(2)];
  assert.equal(warmUpEntryCount(split), 3, 'a warm-up answer in two turns');
  assert.deepEqual(scoredEntries(entries, true).map((e) => e.id), ['i1', 'c1', 'i2', 'c2', 'i3', 'c3']);
  assert.equal(scoredEntries(entries, false).length, entries.length);
  const inputs: string[] = [];
  const ask = async (request: ModelRequest): Promise<ModelOutcome> => {
    inputs.push(request.input);
    return { kind: 'unavailable', message: 'not asked in this test' };
  };
  const base = { sessionId: 's', session: done, position: { title: 'T', description: '', competencies: ['Ownership'] }, rubric: RUBRIC_V1 };
  await evaluateSession({ ...base, entries, warmUp: true }, ask);
  assert.equal(inputs.length, 1);
  assert.ok(!inputs[0]!.includes('bus was late'), 'the warm-up answer is not in the prompt');
  assert.ok(inputs[0]!.includes('billing system'), 'the assessed answers are');
  // Only the assessed answers count for the gate: a warm-up and two answers is too short an interview.
  const short = await evaluateSession({ ...base, entries: interview([WARM, ANSWER, ANSWER]), warmUp: true }, ask);
  assert.ok(short.kind === 'stored' && short.evaluation.sessionReasons.some((r) => r.code === 'ended_early'), JSON.stringify(short));
  await evaluateSession({ ...base, entries: interview([WARM, ANSWER, ANSWER]), warmUp: false }, ask);
  assert.equal(inputs.length, 2, 'without the warm-up flag the same entries pass the gate and reach the model');
});

test('gate: the gap estimate subtracts the previous turn\'s speaking time', () => {
  const long = Array.from({ length: 150 }, () => 'word').join(' '); // 60 s at 2.5 words/s
  const entries: GateEntry[] = [
    { id: 'a', speaker: 'candidate', text: long, startMs: 0, status: 'final' },
    { id: 'b', speaker: 'interviewer', text: 'Thanks.', startMs: 70_000, status: 'final' },
  ];
  assert.equal(Math.round(longestGap(entries, 2.5)!.ms), 10_000);
});

const lines = transcriptLines([
  { id: 'e1', speaker: 'interviewer', text: 'What did you build?', startMs: 0, status: 'final' },
  { id: 'e2', speaker: 'candidate', text: ANSWER, startMs: 4_000, status: 'final' },
  { id: 'e3', speaker: 'candidate', text: '', startMs: 30_000, status: 'failed' },
  { id: 'e4', speaker: 'candidate', text: 'We measured the error rate every day and cut it by half.', startMs: 40_000, status: 'final' },
]);

test('verify: labels skip failed turns; a quote is kept only when found verbatim in a candidate line', () => {
  assert.deepEqual(lines.map((l) => l.ref), ['I1', 'C1', 'C2']);
  assert.deepEqual(locateQuote('cut it by half', 'C2', lines), { quote: 'cut it by half', entryId: 'e4', startMs: 40_000 });
  assert.equal(locateQuote('cut it in half', 'C2', lines), null, 'a paraphrase is not evidence');
  assert.equal(locateQuote('What did you build?', 'I1', lines), null, 'the interviewer is never evidence');
  assert.equal(locateQuote('by half', 'C2', lines), null, 'too short to prove anything');
  assert.equal(locateQuote('planning the cutover', 'C2', lines)?.entryId, 'e2', 'a wrong label is relinked to the line that holds it');
});

test('verify: unverifiable quotes are dropped and said so; no verified quote means no level', () => {
  const answer: ModelAnswer = {
    competencies: [
      { competency: 'Planning', evidence_sufficient: true, level: 3, rationale: 'Planned a cutover.', evidence: [{ line: 'C1', quote: 'planning the cutover with the finance team' }, { line: 'C1', quote: 'planned everything perfectly' }] },
      { competency: 'Data', evidence_sufficient: true, level: 4, rationale: 'Measured things.', evidence: [{ line: 'C2', quote: 'measured the error rate weekly' }] },
      { competency: 'Teamwork', evidence_sufficient: false, level: null, rationale: 'Nothing said.', evidence: [] },
    ],
  };
  const [planning, data, team] = verifyAnswer(answer, ['Planning', 'Data', 'Teamwork'], lines);
  assert.equal(planning!.level, 3);
  assert.equal(planning!.evidence.length, 1);
  assert.equal(planning!.droppedQuotes, 1);
  assert.match(planning!.rationale, /1 quote .* could not be found verbatim .* dropped/);
  assert.equal(data!.level, null);
  assert.equal(data!.insufficient?.code, 'no_verified_evidence');
  assert.equal(team!.level, null);
  assert.equal(team!.insufficient?.code, 'model_found_none');
  for (const c of [planning!, data!, team!]) for (const e of c.evidence) assert.ok(lines.some((l) => l.entryId === e.entryId && l.text.includes(e.quote)));
});

test('schema: strict (every object closed, every property required) and enumerating names and levels', () => {
  const schema = evaluationJsonSchema(['A', 'B'], RUBRIC_V1);
  assert.equal(strictSchemaProblem(schema), null);
  const item = ((schema.properties as any).competencies.items as any).properties;
  assert.deepEqual(item.competency.enum, ['A', 'B']);
  assert.deepEqual(item.level.enum, [1, 2, 3, 4, null]);
});

test('parse: a good answer passes; each kind of bad answer is refused in words', () => {
  const good = { competencies: [
    { competency: 'A', evidence_sufficient: true, level: 2, rationale: 'x.', evidence: [] },
    { competency: 'B', evidence_sufficient: false, level: null, rationale: 'y.', evidence: [] },
  ] };
  assert.equal(parseModelAnswer(JSON.stringify(good), ['A', 'B'], RUBRIC_V1).ok, true);
  const bad = (v: unknown) => parseModelAnswer(typeof v === 'string' ? v : JSON.stringify(v), ['A', 'B'], RUBRIC_V1);
  const cases: [unknown, RegExp][] = [
    ['{"competencies": [', /not JSON/],
    [{ competencies: [good.competencies[0]] }, /leaves out "B"/],
    [{ competencies: [good.competencies[0], good.competencies[0]] }, /twice/],
    [{ competencies: [{ ...good.competencies[0], level: 7 }, good.competencies[1]] }, /no valid rubric level/],
    [{ competencies: [{ ...good.competencies[0], competency: 'Z' }, good.competencies[1]] }, /unknown competency/],
    [{ competencies: [{ ...good.competencies[0], extra: 1 }, good.competencies[1]] }, /does not match the schema/],
    [{ competencies: [{ ...good.competencies[0], rationale: ' ' }, good.competencies[1]] }, /empty rationale/],
  ];
  for (const [value, message] of cases) {
    const r = bad(value);
    assert.equal(r.ok, false, JSON.stringify(value));
    assert.match((r as { message: string }).message, message);
  }
});

test('outputOf: text, refusal, incomplete and empty answers', () => {
  const msg = (content: unknown[]) => ({ status: 'completed', error: null, incomplete_details: null, output: [{ type: 'message', content }] }) as any;
  assert.deepEqual(outputOf(msg([{ type: 'output_text', text: '{}' }])), { text: '{}' });
  assert.match((outputOf(msg([{ type: 'refusal', refusal: 'No.' }])) as any).problem, /refused: No\./);
  assert.match((outputOf({ ...msg([]), status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }) as any).problem, /cut off \(max_output_tokens\)/);
  assert.match((outputOf(msg([])) as any).problem, /no message/);
});

test('prompt: content only, and the prohibition of emotion inference is stated', () => {
  const text = evaluationInstructions(RUBRIC_V1);
  assert.match(text, /Art\. 5\(1\)\(f\)/);
  assert.match(text, /Do not infer or mention emotions, tone of voice/);
  for (const l of RUBRIC_V1.levels) assert.ok(text.includes(l.anchor));
});

test('range requests: single ranges, suffixes, open ends, unsatisfiable and ignored forms', () => {
  assert.deepEqual(parseRange(undefined, 100), { kind: 'full' });
  assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=50-500', 100), { kind: 'partial', start: 50, end: 99 });
  assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=0-1,5-6', 100), { kind: 'full' });
  assert.deepEqual(parseRange('items=0-1', 100), { kind: 'full' });
  const h = rangeHeaders({ kind: 'partial', start: 90, end: 99 }, 100);
  assert.equal(h.status, 206);
  assert.equal(h.headers['Content-Range'], 'bytes 90-99/100');
  assert.equal(h.headers['Content-Length'], '10');
  assert.equal(rangeHeaders({ kind: 'unsatisfiable' }, 100).headers['Content-Range'], 'bytes */100');
});
