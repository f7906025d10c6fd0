// Dropped Realtime calls and rollover, end to end: Chromium (fake mic) → web host → practice emulator.
// - drops: the emulator ends each call a few seconds after it connects; the room reconnects, main restores the
//   context, the interviewer continues (not the introduction, not a repeat), and the interview finishes;
// - rollover: a short emulator session limit; the kiosk switches calls before it, twice or more, losing nothing;
// - every try failing: a clear message, Finish, and everything said is saved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURE, withKiosk, readDatabase, startInterview, waitForSummary } from '../e2e/support-interview';
import { runDropInterview, waitUntil } from './drive';
import { checkResumes, checkTranscript, greetings, SCRIPT_LINES } from './support';

describe('recovery: dropped calls and rollover', { timeout: 600_000 }, () => {
  it('3 drops: each call reconnects with context, no greeting or question again, the interview finishes', { timeout: 240_000 }, async () => {
    let drops = 0;
    for (let round = 0; drops < 3 && round < 3; round++) {
      const run = await runDropInterview({ dropAfterMs: 6500, drops: 3 - drops });
      drops += run.drops;
      const session = run.db.sessions[0]!;
      assert.equal(session.status, 'completed', 'the interview finished');
      assert.deepEqual(checkResumes(run.calls, run.db.entries), [], `resumes:\n${JSON.stringify(run.calls.map((c) => ({ r: c.resumedAtStep, s: c.spoken, ctx: c.context.length })), null, 1)}`);
      assert.deepEqual(checkTranscript(run.db.entries), [], JSON.stringify(run.db.entries.map((e) => [e.seq, e.speaker, e.text])));
      // The introduction exactly once (it may have been cut short by the candidate); the closing line reached.
      assert.equal(greetings(run.db.entries), 1, 'one introduction');
      assert.ok(run.calls.some((c) => c.spoken.some((s) => s.step === SCRIPT_LINES.length - 1)), 'the closing line was spoken');
      // The recording ran across every call: about as long as the interview itself.
      assert.ok(run.recordingSec >= run.interviewSec - 4, `recording ${run.recordingSec.toFixed(1)} s vs interview ${run.interviewSec.toFixed(1)} s`);
      assert.deepEqual(run.pageErrors, []);
    }
    assert.ok(drops >= 3, `${drops} drops happened`);
  });

  it('rollover at a short session limit, twice in one interview: no loss, no duplicate, no second greeting', { timeout: 200_000 }, async () => {
    const run = await runDropInterview({ sessionLimitMs: 12_000 });
    assert.equal(run.db.sessions[0]!.status, 'completed');
    assert.ok(run.calls.length >= 3, `${run.calls.length} calls (at least two rollovers)`);
    // Before the limit: no call was ended by session_expired.
    for (const [i, c] of run.calls.entries()) {
      assert.ok(!c.events.some((e) => e.direction === 'out' && e.type === 'error'), `call ${i + 1} got an error event (expired?)`);
    }
    assert.deepEqual(checkResumes(run.calls, run.db.entries), []);
    assert.deepEqual(checkTranscript(run.db.entries), []);
    assert.equal(greetings(run.db.entries), 1, 'greeted once');
    // After each rollover the interviewer is still itself: every response of every call ran under the first call's
    // session instructions (the emulator reports the instructions in effect per response; an override replaces them).
    const persona = run.calls[0]!.instructions;
    assert.match(persona, /Evaluate these competencies/, 'the session carries the interview instructions');
    for (const [i, c] of run.calls.entries()) {
      assert.equal(c.instructions, persona, `call ${i + 1} was created with the same instructions`);
      for (const r of c.responses) assert.equal(r.instructions, persona, `call ${i + 1}, response ${r.id}: the session instructions were in effect`);
    }
    assert.ok(run.calls.slice(1).every((c) => c.responses.length > 0), 'every rolled-over call spoke');
    assert.ok(run.recordingSec >= run.interviewSec - 4, `recording ${run.recordingSec.toFixed(1)} s vs interview ${run.interviewSec.toFixed(1)} s`);
    assert.deepEqual(run.pageErrors, []);
  });

  it('all 10 reconnect tries fail: a clear message, Finish, everything saved', { timeout: 120_000 }, async () => {
    await withKiosk({
      emulator: { userTranscripts: FIXTURE.transcripts, faults: { dropCallAfterMs: 8000 } },
      recovery: { reconnectDelayScale: 0.02 },
    }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      const emu = host.emulator()!;
      await startInterview(page);
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
      emu.setFaults({ sdpStatus: 503 }); // every new call is refused from now on
      await waitUntil(() => emu.calls().some((c) => c.closed), 30_000, 'the drop');
      const before = readDatabase(host.dbFile).entries;
      const lost = page.getByRole('alert', { name: 'Connection lost' });
      await lost.waitFor({ timeout: 30_000 });
      assert.match((await lost.textContent()) ?? '', /could not be restored after 10 tries.*saved/s);
      assert.equal(emu.calls().length, 1, 'no call got through');
      // The operator opens the message list: it shows each of the ten tries failing.
      await page.getByText(/^Messages \(\d+\)$/).click();
      const messages = (await page.getByRole('list', { name: 'Messages' }).textContent({ timeout: 5000 })) ?? '';
      for (let n = 1; n <= 10; n++) assert.match(messages, new RegExp(`Reconnect try ${n} of 10 failed`));
      await lost.getByRole('button', { name: 'Finish interview' }).click();
      await waitForSummary(page, 30_000);
      const db = readDatabase(host.dbFile);
      assert.equal(db.sessions[0]!.status, 'failed', 'ended by the error, and says so');
      assert.ok(db.sessions[0]!.end_time);
      assert.ok(before.length >= 1, 'something was said before the drop');
      for (const e of before) assert.equal(db.entries.filter((x) => x.id === e.id).length, 1, `${e.item_id} saved once`);
      assert.ok(db.entries.every((e) => e.status !== 'in_progress'), 'nothing left in progress');
      assert.equal(db.recordings[0]?.finalized, 1, 'the recording was finalized');
      assert.ok((db.recordings[0]?.bytes ?? 0) > 10_000, 'the recording has the audio up to the end');
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
