import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSerialQueue } from '../../../renderer/logic/serial-queue';
import { createWaiter } from '../../../renderer/logic/wait';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serial queue', () => {
  it('runs tasks one at a time in the order added, even when earlier ones are slower', async () => {
    const q = createSerialQueue();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string, ms: number) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([q.enqueue(task('a', 30)), q.enqueue(task('b', 1)), q.enqueue(task('c', 10))]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.equal(maxRunning, 1);
  });

  it('a failing task rejects its own promise and does not stop the next', async () => {
    const q = createSerialQueue();
    const failed = q.enqueue(() => Promise.reject(new Error('boom')));
    const thrown = q.enqueue(() => {
      throw new Error('sync boom');
    });
    const after = q.enqueue(() => 'still runs');
    await assert.rejects(failed, /boom/);
    await assert.rejects(thrown, /sync boom/);
    assert.equal(await after, 'still runs');
  });

  it('idle() waits for everything added so far and pending counts down', async () => {
    const q = createSerialQueue();
    let done = 0;
    for (let i = 0; i < 5; i++) void q.enqueue(async () => { await tick(2); done++; });
    assert.equal(q.pending, 5);
    await q.idle();
    assert.equal(done, 5);
    assert.equal(q.pending, 0);
  });
});

describe('bounded waiter', () => {
  it('resolves at once when the condition already holds', async () => {
    assert.equal(await createWaiter().until(() => true, 10), true);
  });
  it('resolves true on the notify that makes the condition hold', async () => {
    const w = createWaiter();
    let flag = false;
    const p = w.until(() => flag, 5000);
    w.notify(); // still false: keeps waiting
    flag = true;
    w.notify();
    assert.equal(await p, true);
  });
  it('resolves false after the time limit', async () => {
    const w = createWaiter();
    const t0 = Date.now();
    assert.equal(await w.until(() => false, 30), false);
    assert.ok(Date.now() - t0 >= 25);
  });
});
