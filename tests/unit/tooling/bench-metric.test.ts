import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, metric, percentile } from '../../bench/metric';

test('percentile uses the nearest-rank method', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.equal(median([3, 1, 2]), 2);
  assert.throws(() => percentile([], 50), /no values/);
});

test('metric reports the ratio to its baseline, or null without one', () => {
  assert.deepEqual(metric(4, 'ms', 2), { value: 4, unit: 'ms', baseline: 2, ratio: 2 });
  assert.deepEqual(metric(4, 'ms'), { value: 4, unit: 'ms', baseline: null, ratio: null });
  assert.equal(metric(4, 'ms', 0).ratio, null);
});
