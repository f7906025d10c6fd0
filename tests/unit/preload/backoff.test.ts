// The one backoff rule (preload/backoff.ts) and every retry loop's policy, read as the delays they produce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, type BackoffPolicy } from '../../../preload/backoff';
import { EVALUATION_BACKOFF } from '../../../main/core/evaluation/jobs';
import { TURN_RETRY } from '../../../main/core/interview/transcript';
import { SYNC_BACKOFF } from '../../../main/core/sync/plan';
import { CALL_RECONNECT_BACKOFF } from '../../../renderer/logic/reconnect';
import { SOCKET_BACKOFF } from '../../../renderer/transport/ws-client';

const mid = () => 0.5;
const delays = (p: BackoffPolicy, n: number, random: () => number = mid) => Array.from({ length: n }, (_, i) => backoffDelay(i, p, random));

test('steps, then the factor, then the cap; jitter scales within [low, high]', () => {
  const p: BackoffPolicy = { stepsMs: [100, 300], factor: 3, capMs: 5000, jitter: [1, 1] };
  assert.deepEqual(delays(p, 6), [100, 300, 900, 2700, 5000, 5000]);
  const j: BackoffPolicy = { ...p, jitter: [0.5, 1.5] };
  assert.equal(backoffDelay(1, j, () => 0), 150);
  assert.equal(backoffDelay(1, j, () => 1), 450);
  assert.equal(backoffDelay(1, j, () => 7), 450, 'a random source out of range is clamped');
  assert.equal(backoffDelay(-3, p), 100, 'attempts below 0 count as the first');
  assert.equal(backoffDelay(Number.NaN, p), 100);
  assert.equal(backoffDelay(10_000, p), 5000, 'no overflow far out');
  const samples = Array.from({ length: 200 }, () => backoffDelay(2, { ...p, jitter: [0.5, 1] }));
  assert.ok(samples.every((d) => d >= 450 && d <= 900));
  assert.ok(new Set(samples).size > 20, 'jittered');
});

test('sync: doubling from 1 s to a minute, never below half the delay', () => {
  assert.deepEqual(delays(SYNC_BACKOFF, 8, () => 1), [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  assert.equal(backoffDelay(50, SYNC_BACKOFF, () => 0), 30_000);
});

test('host socket: 100 ms doubling to 0.5 s, ±25 %', () => {
  assert.deepEqual(delays(SOCKET_BACKOFF, 5), [100, 200, 400, 500, 500]);
  assert.equal(backoffDelay(0, SOCKET_BACKOFF, () => 0), 75);
  assert.equal(backoffDelay(0, SOCKET_BACKOFF, () => 1), 125);
});

test('Realtime call: 0.5 s, 3 s, 5 s, then 7 s, ±50 %', () => {
  assert.deepEqual(delays(CALL_RECONNECT_BACKOFF, 6), [500, 3000, 5000, 7000, 7000, 7000]);
});

test('a failed interviewer turn: 0.5 s doubling to 8 s, exact; evaluation: 5 s doubling to 10 min, exact', () => {
  assert.deepEqual(delays(TURN_RETRY.backoff, 6, Math.random), [500, 1000, 2000, 4000, 8000, 8000]);
  assert.deepEqual(delays(EVALUATION_BACKOFF, 9, Math.random), [5000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000]);
});
