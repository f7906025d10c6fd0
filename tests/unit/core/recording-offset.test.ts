// The recorder's start offset at the contract: an integer number of ms, with the first chunk only, bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_RECORDER_START_OFFSET_MS, recordingChunkSchema } from '../../../main/core/api/schemas';

const sessionId = '6f1c1d55-3f7a-4f43-9d55-0d6c0c1f2a11';
const data = new Uint8Array([1, 2, 3]);

test('a start offset comes with chunk 0 only, as whole non-negative ms within the bound', () => {
  assert.ok(recordingChunkSchema.safeParse({ sessionId, seq: 0, data, startOffsetMs: 850 }).success);
  assert.ok(recordingChunkSchema.safeParse({ sessionId, seq: 3, data }).success);
  for (const bad of [
    { seq: 1, startOffsetMs: 850 },
    { seq: 0, startOffsetMs: -1 },
    { seq: 0, startOffsetMs: 12.5 },
    { seq: 0, startOffsetMs: MAX_RECORDER_START_OFFSET_MS + 1 },
    { seq: 0, startOffsetMs: '850' },
  ]) {
    assert.equal(recordingChunkSchema.safeParse({ sessionId, data, ...bad }).success, false, JSON.stringify(bad));
  }
});
