// The recorder on its own: chunks appended in seq order (empty ones skipped), the last chunk in before stop()
// resolves, one log line for failures, and nothing when the browser cannot record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallRecorder } from '../../../../renderer/call/recorder';
import { FakeRecorder, tick, useFakeBrowser } from '../../../support/fake-browser';

useFakeBrowser();
const mic = { getAudioTracks: () => [], getTracks: () => [] } as unknown as MediaStream;

describe('call recorder', () => {
  it('appends chunks in order and the last one before stop resolves', async () => {
    const appended: { seq: number; data: number[] }[] = [];
    const recorder = new CallRecorder({
      mic,
      append: async (seq, data) => {
        await tick(Math.random() * 4);
        appended.push({ seq, data: [...data] });
      },
      onLog: () => undefined,
      interviewStart: () => null,
    });
    recorder.start(null);
    const media = FakeRecorder.last;
    assert.equal(media.timeslice, 1000);
    assert.equal(media.options.mimeType, 'audio/webm;codecs=opus');
    media.chunk([1]);
    media.chunk([]);
    media.chunk([2, 3]);
    await recorder.stop();
    assert.deepEqual(appended, [
      { seq: 0, data: [1] },
      { seq: 1, data: [2, 3] },
      { seq: 2, data: [99] },
    ]);
  });

  it('sends its start offset from the interview start with the first chunk only', async () => {
    const sent: { seq: number; offset: number | undefined }[] = [];
    const interviewStart = Date.now() - 1_500;
    const recorder = new CallRecorder({
      mic,
      append: async (seq, _data, offset) => void sent.push({ seq, offset }),
      onLog: () => undefined,
      interviewStart: () => interviewStart,
    });
    recorder.start(null);
    await tick(5); // 'start' has fired
    FakeRecorder.last.chunk([1]);
    FakeRecorder.last.chunk([2]);
    await recorder.stop();
    assert.equal(sent.length, 3);
    assert.ok(sent[0]!.offset !== undefined && sent[0]!.offset >= 1_500 && sent[0]!.offset < 1_500 + 1_000, JSON.stringify(sent));
    assert.deepEqual(sent.slice(1).map((s) => s.offset), [undefined, undefined]);
  });

  it('says once that part of the recording was lost, and keeps appending', async () => {
    const logs: string[] = [];
    let calls = 0;
    const recorder = new CallRecorder({
      mic,
      append: async () => {
        calls++;
        throw new Error('disk full');
      },
      onLog: (line) => logs.push(line),
      interviewStart: () => null,
    });
    recorder.start(null);
    FakeRecorder.last.chunk([1]);
    FakeRecorder.last.chunk([2]);
    await recorder.stop();
    assert.equal(calls, 3);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /could not be saved: disk full/);
  });

  it('records nothing, in words, where the browser cannot record Opus in WebM', async () => {
    const logs: string[] = [];
    const saved = FakeRecorder.isTypeSupported;
    FakeRecorder.isTypeSupported = () => false;
    try {
      const recorder = new CallRecorder({ mic, append: async () => undefined, onLog: (line) => logs.push(line), interviewStart: () => null });
      recorder.start(null);
      assert.equal(FakeRecorder.all.length, 0);
      await recorder.stop();
      assert.match(logs[0]!, /cannot record/);
    } finally {
      FakeRecorder.isTypeSupported = saved;
    }
  });
});
