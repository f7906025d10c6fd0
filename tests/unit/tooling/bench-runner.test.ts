// The bench runner (tests/bench/run.ts) over a folder of small modules: one measures and finds problems
// (BenchProblems), one throws outright, one succeeds. Every measured figure must reach results.json, the problems
// must be listed, and the run must exit non-zero.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const METRIC = join(ROOT, 'tests/bench/metric.ts');

test('a module with problems keeps its figures, a throwing module does not cost the others theirs, exit is non-zero', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-runner-'));
  try {
    writeFileSync(join(dir, 'a.bench.ts'), `import { BenchProblems, metric } from ${JSON.stringify(METRIC)};
export async function run() { throw new BenchProblems({ kill_trials: metric(30, 'trials') }, ['seed 7: script step 4 is in the transcript 2 times']); }\n`);
    writeFileSync(join(dir, 'b.bench.ts'), `export async function run() { throw new Error('the soak browser crashed'); }\n`);
    writeFileSync(join(dir, 'c.bench.ts'), `import { metric } from ${JSON.stringify(METRIC)};
export async function run() { return { upload_mb_per_s: metric(12, 'MB/s', 24) }; }\n`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/bench/run.ts')], { cwd: ROOT, env: { ...process.env, BENCH_DIR: dir }, encoding: 'utf8' });
    assert.equal(r.status, 1, `exit code (stderr: ${r.stderr})`);
    const json = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Record<string, { value: number }>;
    assert.equal(json.kill_trials?.value, 30, 'figures of a module with problems are kept');
    assert.equal(json.upload_mb_per_s?.value, 12, 'figures of the module after a throwing one are kept');
    assert.match(r.stderr, /a\.bench\.ts: seed 7: script step 4 is in the transcript 2 times/);
    assert.match(r.stderr, /b\.bench\.ts failed: .*the soak browser crashed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
