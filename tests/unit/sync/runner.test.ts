import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPassRunner } from '../../../main/core/sync/runner';

/** A pass that waits until released, counting how many ran and how many overlapped. */
function gatedPasses() {
  let release: (() => void) | null = null;
  let active = 0;
  const state = { runs: 0, maxActive: 0, release: () => release?.() };
  const pass = async () => {
    state.runs++;
    active++;
    state.maxActive = Math.max(state.maxActive, active);
    await new Promise<void>((r) => (release = r));
    active--;
  };
  return { state, pass };
}

const tick = () => new Promise((r) => setImmediate(r));

test('kicks during a pass coalesce into one more pass, never two at once', async () => {
  const { state, pass } = gatedPasses();
  const runner = createPassRunner({ pass, crashed: () => assert.fail('no crash'), closed: () => false, mayRepeat: () => true });
  assert.equal(runner.again(), false, 'nothing in flight: nothing asked');
  const done = runner.kick();
  await tick();
  void runner.kick();
  void runner.kick();
  assert.equal(runner.again(), true);
  state.release();
  await tick();
  assert.equal(state.runs, 2, 'three asks during the first pass: one more pass');
  state.release();
  await done;
  assert.equal(state.maxActive, 1);
  assert.equal(runner.current(), null);
});

test('no repeat while backing off or closed; a crash is reported and the runner lives on', async () => {
  let backingOff = true;
  let closed = false;
  const crashes: unknown[] = [];
  let runs = 0;
  const runner = createPassRunner({
    pass: async () => { runs++; if (runs === 1) { void runner.kick(); throw new Error('disk'); } },
    crashed: (e) => crashes.push(e),
    closed: () => closed,
    mayRepeat: () => !backingOff,
  });
  await runner.kick();
  assert.equal(runs, 1, 'the repeat asked during the pass waits for the backoff');
  assert.equal((crashes[0] as Error).message, 'disk');
  backingOff = false;
  await runner.kick();
  assert.equal(runs, 2);
  closed = true;
  await runner.kick();
  assert.equal(runs, 2, 'closed: no pass');
});
