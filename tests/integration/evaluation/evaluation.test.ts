// The evaluation through the real core and the practice emulator's POST /v1/responses (real HTTP, the official
// openai client): a finished interview is evaluated once per competency with verbatim quotes; a broken one is
// not scored; unusable model output is retried and then reported, never stored; an unreachable model is retried
// with backoff until it answers, leaving exactly one evaluation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANSWERS, startCore } from './support';

async function settle(core: Awaited<ReturnType<typeof startCore>>, sessionId: string, until: (s: string) => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    await core.service.evaluation.runner.idle();
    const detail = await core.service.getInterview({ sessionId });
    const state = detail.job?.state ?? 'none';
    if (until(state)) return detail;
    if (Date.now() > end) throw new Error(`evaluation job stuck in ${state}: ${detail.job?.lastError}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a finished interview: one result per competency, every quote verbatim in a candidate entry with its start', async () => {
  const core = await startCore();
  try {
    const sessionId = await core.finishInterview(ANSWERS);
    const detail = await settle(core, sessionId, (s) => s === 'done' || s === 'failed');
    assert.equal(detail.job?.state, 'done', detail.job?.lastError ?? '');
    const ev = detail.evaluation!;
    assert.equal(ev.outcome, 'assessed');
    assert.equal(ev.model, 'practice-evaluator');
    assert.equal(ev.rubric.version, 'competency-4.v1');
    assert.equal(ev.rubric.levels.length, 4);
    assert.deepEqual(ev.competencies.map((c) => c.competency), core.setup.positions[0]!.competencies);
    for (const c of ev.competencies) {
      assert.ok(c.level !== null && c.level >= 1 && c.level <= 4, `${c.competency}: ${JSON.stringify(c)}`);
      assert.ok(c.evidence.length > 0);
      for (const q of c.evidence) {
        const entry = detail.summary.entries.find((e) => e.id === q.entryId)!;
        assert.equal(entry.speaker, 'candidate');
        assert.ok(entry.text.includes(q.quote), `"${q.quote}" not in "${entry.text}"`);
        assert.equal(q.startMs, entry.startMs);
      }
    }
    assert.equal(core.service.emulator()!.responseRequests(), 1);
    // The job is idempotent: asking again stores nothing new.
    await core.service.retryEvaluation({ sessionId });
    await settle(core, sessionId, (s) => s === 'done');
    assert.equal((core.db.prepare('SELECT count(*) AS n FROM evaluations WHERE session_id = ?').get(sessionId) as { n: number }).n, 1);
  } finally {
    await core.close();
  }
});

test('failed transcriptions: insufficient evidence with the reason, no level, and no model asked', async () => {
  const core = await startCore();
  try {
    const sessionId = await core.finishInterview([ANSWERS[0]!, null, null, ANSWERS[3]!]);
    const detail = await settle(core, sessionId, (s) => s === 'done');
    const ev = detail.evaluation!;
    assert.equal(ev.outcome, 'insufficient_evidence');
    assert.ok(ev.sessionReasons.some((r) => r.code === 'failed_transcriptions'), JSON.stringify(ev.sessionReasons));
    assert.ok(ev.competencies.every((c) => c.level === null && c.insufficient !== null));
    assert.equal(core.service.emulator()!.responseRequests(), 0);
  } finally {
    await core.close();
  }
});

for (const fault of ['malformed', 'refusal', 'incomplete'] as const) {
  test(`${fault} model output: retried, then reported, never stored`, async () => {
    const core = await startCore({ faults: { responses: fault } });
    try {
      const sessionId = await core.finishInterview(ANSWERS);
      const detail = await settle(core, sessionId, (s) => s === 'failed' || s === 'done');
      assert.equal(detail.job?.state, 'failed');
      assert.match(detail.job!.lastError!, /unusable 3 times/);
      assert.equal(detail.evaluation, null);
      assert.equal(core.service.emulator()!.responseRequests(), 3);
      // Once the model behaves, the operator's retry produces the evaluation.
      core.service.emulator()!.setFaults({ responses: null });
      await core.service.retryEvaluation({ sessionId });
      const after = await settle(core, sessionId, (s) => s === 'done' || s === 'failed');
      assert.equal(after.evaluation?.outcome, 'assessed');
    } finally {
      await core.close();
    }
  });
}

test('one malformed answer is retried within the run and the second answer is used', async () => {
  const core = await startCore({ faults: { responses: 'malformed', responsesFaultTimes: 1 } });
  try {
    const sessionId = await core.finishInterview(ANSWERS);
    const detail = await settle(core, sessionId, (s) => s === 'done' || s === 'failed');
    assert.equal(detail.evaluation?.outcome, 'assessed');
    assert.equal(core.service.emulator()!.responseRequests(), 2);
  } finally {
    await core.close();
  }
});

test('model unreachable, then 503: retried with backoff until it answers; exactly one evaluation', async () => {
  const core = await startCore({ faults: { responses: 'disconnect', responsesFaultTimes: 2 } });
  try {
    const sessionId = await core.finishInterview(ANSWERS);
    const retrying = await settle(core, sessionId, (s) => s === 'retrying');
    assert.match(retrying.job!.lastError!, /could not be reached/);
    assert.ok(retrying.job!.nextAttemptAt);
    const detail = await settle(core, sessionId, (s) => s === 'done' || s === 'failed');
    assert.equal(detail.job?.state, 'done');
    assert.equal(detail.job?.attempts, 3);
    core.service.emulator()!.setFaults({ responses: null, responsesStatus: 503, responsesFaultTimes: 1 });
    const second = await core.finishInterview(ANSWERS);
    const d2 = await settle(core, second, (s) => s === 'done' || s === 'failed');
    assert.equal(d2.job?.attempts, 2);
    assert.equal((core.db.prepare('SELECT count(*) AS n FROM evaluations').get() as { n: number }).n, 2);
  } finally {
    await core.close();
  }
});
