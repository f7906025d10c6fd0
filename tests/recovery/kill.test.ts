// Kill harness in `npm test` (3 kills; the benchmark runs ≥ 30): SIGKILL the web host at random moments of an
// interview, restart it, and check that nothing committed is lost or doubled, the recording up to the kill plays,
// the interview resumes without a second greeting and finishes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runKillInterview } from './kill';

describe('recovery: host killed mid-interview', { timeout: 400_000 }, () => {
  it('3 SIGKILLs at random moments: no loss, no duplicate, recording prefix plays, the interview finishes', { timeout: 380_000 }, async () => {
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 1_000_000);
    const trials = [];
    for (let round = 0; trials.length < 3 && round < 3; round++) {
      const run = await runKillInterview({ kills: 3 - trials.length, seed: seed + round });
      const where = `seed ${run.seed}`;
      assert.ok(run.finished, `${where}: the interview finished (completed)`);
      for (const t of run.trials) {
        assert.deepEqual(t.problems, [], `${where}: kill at ${t.atMs} ms`);
        assert.equal(t.losses, 0);
        assert.equal(t.duplicates, 0);
        if (t.prefixBytes > 0) assert.ok(t.prefixSec > 0, `${where}: the ${t.prefixBytes} recording bytes before the kill decode (${t.prefixSec} s)`);
      }
      assert.deepEqual(run.transcriptProblems, [], where);
      assert.equal(run.greetings, 1, `${where}: greeted once; interviewer lines: ${JSON.stringify(run.finalDb.entries.filter((e) => e.speaker === 'interviewer').map((e) => e.text))}`);
      assert.ok(run.recordingSec > 0, `${where}: the whole recording decodes`);
      assert.deepEqual(run.pageErrors, [], where);
      trials.push(...run.trials);
    }
    assert.ok(trials.length >= 3, `${trials.length} kills happened`);
  });
});
