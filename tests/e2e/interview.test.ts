// Issue 3 acceptance: the whole interview through the real renderer in Chromium, the web host and the practice
// emulator, with the committed answers WAV as the microphone; then what reached SQLite and the recording file.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { INTERRUPTED_MARK, isInterrupted } from '../../main/core/transcript/reducer';
import {
  FIXTURE,
  decodeRecording,
  normalise,
  withKiosk,
  type KioskBridgeKind,
  pressEnd,
  readDatabase,
  shownEntries,
  startInterview,
  waitForSummary,
  type EntryRow,
} from './support-interview';

const K = FIXTURE.transcripts.length;
const INTERVIEW_LIMIT_MS = 120_000;

/** The conversation of a complete practice interview: I, C, I, C, …, I (2K+1 entries), scripted answers in place. */
function assertCompleteConversation(entries: EntryRow[]): void {
  const shown = entries.map((e) => `${e.speaker}: ${e.text.slice(0, 60)}`).join(' | ');
  assert.ok(entries.length >= 2 * K + 1, `expected ≥ ${2 * K + 1} entries, got ${entries.length}: ${shown}`);
  const seqs = entries.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'rows are read in seq order');
  assert.equal(new Set(seqs).size, seqs.length, 'seq is unique');
  assert.equal(new Set(entries.map((e) => e.item_id)).size, entries.length, 'one entry per item');
  const speakers = entries.map((e) => e.speaker);
  const expected = Array.from({ length: 2 * K + 1 }, (_, i) => (i % 2 === 0 ? 'interviewer' : 'candidate'));
  assert.deepEqual(speakers.slice(0, 2 * K + 1), expected, `speakers alternate, interviewer first and last: ${shown}`);
  const candidateTexts = entries.slice(0, 2 * K + 1).filter((e) => e.speaker === 'candidate').map((e) => normalise(e.text));
  assert.deepEqual(candidateTexts, FIXTURE.transcripts.map(normalise), 'the scripted answers, in order');
  // The goodbye plays to its end and the candidate's speech does not cut it (interrupt_response off while it
  // plays): what the looping fake mic says over it is kept, after the goodbye, and starts no new question.
  for (const e of entries.slice(2 * K + 1)) assert.equal(e.speaker, 'candidate', `entry ${e.seq} after the goodbye is the candidate's`);
  for (const e of entries) {
    assert.equal(e.status, 'final', `entry ${e.seq} is final`);
    if (e.speaker === 'interviewer') assert.ok(e.text.trim().length > 0, `interviewer entry ${e.seq} has text`);
  }
}

async function runFullInterview(t: TestContext, faults: Record<string, unknown> = {}, via: KioskBridgeKind = 'web-host') {
  return withKiosk({ via, emulator: { userTranscripts: FIXTURE.transcripts, faults, candidates: 'loopback' } }, async ({ host, kiosk }) => {
    const { page } = kiosk;
    await startInterview(page);
    await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
    await page.locator('ol.transcript > li.interviewer').first().waitFor({ timeout: 20_000 });
    // The interviewer is heard: the remote stream plays, unmuted, in the page's <audio> element.
    const audio = await page.$eval('audio', (a) => ({ playing: !a.paused, muted: a.muted, stream: a.srcObject !== null }));
    assert.deepEqual(audio, { playing: true, muted: false, stream: true });
    // The emulator's closing line calls end_session; the renderer ends by itself once the interviewer stops.
    await waitForSummary(page, INTERVIEW_LIMIT_MS);
    const shownOnSummary = await page.$$eval('ol.transcript > li', (lis) => lis.length);

    const db = readDatabase(host.dbFile);
    assert.equal(db.sessions.length, 1);
    const session = db.sessions[0]!;
    assert.equal(session.status, 'completed');
    assert.ok(session.start_time && session.end_time);
    const entries = db.entries.filter((e) => e.session_id === session.id);
    assertCompleteConversation(entries);
    assert.equal(shownOnSummary, entries.length, 'the summary shows every saved entry');
    await page.getByText(`${entries.length} entries, all saved`).waitFor({ timeout: 5000 });

    // The recording: mic + interviewer, appended chunk by chunk, decodes to the interview's length (±10 %).
    const rec = db.recordings.find((r) => r.session_id === session.id);
    assert.ok(rec, 'a recording row');
    assert.equal(rec.finalized, 1);
    const file = join(host.dataDir, 'recordings', rec.file_name);
    const { durationSec: decoded, rmsPerHalfSecond } = await decodeRecording(page, file);
    // The mix holds the interviewer too: the greeting plays while the fake mic is still in its leading silence.
    // Its audio starts when the emulator's first output_audio_buffer.started goes out (after session.created,
    // the opening cue and response.create), measured from the interview's start (when the recording starts).
    const firstAudio = host.emulator()?.calls()[0]?.events.find((e) => e.direction === 'out' && e.type === 'output_audio_buffer.started');
    assert.ok(firstAudio, 'the greeting started playing');
    const greetingFrom = Math.max(0, Math.floor((firstAudio.at - Date.parse(session.start_time)) / 500));
    const greeting = Math.max(...rmsPerHalfSecond.slice(greetingFrom, greetingFrom + 6));
    assert.ok(greeting > 0.01, `interviewer audio is in the recording (RMS ${greeting.toFixed(4)} in the 3 s from ${greetingFrom / 2} s, when the greeting started)`);
    const interviewSec = (Date.parse(session.end_time) - Date.parse(session.start_time)) / 1000;
    t.diagnostic(`greeting RMS ${greeting.toFixed(4)}; recording decodes to ${decoded.toFixed(2)} s; interview lasted ${interviewSec.toFixed(2)} s; ${rec.chunks} chunks, ${rec.bytes} bytes; ${entries.length} entries`);
    assert.ok(
      Math.abs(decoded - interviewSec) <= 0.1 * interviewSec,
      `recording ${decoded.toFixed(2)} s vs interview ${interviewSec.toFixed(2)} s`,
    );
    assert.deepEqual(kiosk.pageErrors, []);
    return { entries, calls: host.emulator()?.calls() ?? [] };
  });
}

describe('interview end to end (Chromium + web host + emulator)', { timeout: 400_000 }, () => {
  it('setup → pre-flight → interview → end_session → summary; SQLite and the recording hold it all', { timeout: 180_000 }, async (t) => {
    await runFullInterview(t);
  });

  it('the same interview through the real Electron preload and main\'s IPC binding (tests/support/electron-standin.ts)', { timeout: 180_000 }, async (t) => {
    await runFullInterview(t, {}, 'electron-preload');
  });

  it('late transcription: each answer still precedes the interviewer reply to it', { timeout: 180_000 }, async (t) => {
    const { entries, calls } = await runFullInterview(t, { transcriptionAfterResponse: true });
    // The fault was in effect: the emulator sent some transcription only after the reply to it had begun.
    const out = (calls[0]?.events ?? []).filter((e) => e.direction === 'out').map((e) => e.type);
    const committed = out.indexOf('input_audio_buffer.committed');
    const transcribed = out.indexOf('conversation.item.input_audio_transcription.completed', committed);
    assert.ok(committed >= 0 && transcribed > committed, 'the emulator committed and transcribed a turn');
    assert.ok(out.slice(committed, transcribed).includes('response.done'), 'the transcription arrived after the reply (late)');
    // assertCompleteConversation already checked alternation in seq order; spell out the late-arrival rule too.
    for (let i = 1; i < 2 * K; i += 2) {
      assert.equal(entries[i]!.speaker, 'candidate');
      assert.ok(entries[i]!.seq < entries[i + 1]!.seq, `answer ${(i + 1) / 2} precedes the next question`);
      assert.equal(entries[i + 1]!.previous_item_id, entries[i]!.item_id, 'the reply follows the answer in the conversation');
    }
  });

  it('End pressed mid-answer: nothing shown before End is lost or duplicated; the session completes', { timeout: 180_000 }, async () => {
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts, candidates: 'loopback' } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await startInterview(page);
      // Wait until the second answer is under way: Q2 is on screen and the candidate is speaking again.
      await page.locator('ol.transcript > li.interviewer').nth(1).waitFor({ timeout: 60_000 });
      await page.getByLabel('Who is speaking').getByText('Candidate speaking').waitFor({ timeout: 30_000 });
      const before = await shownEntries(page);
      await pressEnd(page);
      await waitForSummary(page, 30_000);

      const db = readDatabase(host.dbFile);
      const session = db.sessions[0]!;
      assert.equal(session.status, 'completed');
      assert.ok(session.end_time);
      const entries = db.entries.filter((e) => e.session_id === session.id);
      assert.equal(new Set(entries.map((e) => e.item_id)).size, entries.length, 'one row per item');
      assert.equal(new Set(entries.map((e) => e.seq)).size, entries.length, 'seq unique');
      for (const shown of before) {
        const rows = entries.filter((e) => e.item_id === shown.itemId);
        assert.equal(rows.length, 1, `entry ${shown.itemId} (${shown.who}) is in SQLite exactly once`);
        if (shown.text !== '…' && !shown.text.startsWith('(')) {
          const saved = rows[0]!.text;
          if (rows[0]!.speaker === 'interviewer' && isInterrupted(saved)) {
            // The interviewer's text runs ahead of its audio; a line the candidate spoke over is cut to what was
            // heard (marked interrupted), so the saved text is the start of what was shown, never more.
            const heard = normalise(saved.slice(0, -INTERRUPTED_MARK.length));
            assert.ok(normalise(shown.text).startsWith(heard), `saved text of ${shown.itemId} is the heard start of what was shown`);
          } else {
            // What the screen showed was saved; the saved text may only have grown since.
            assert.ok(normalise(saved).startsWith(normalise(shown.text)), `saved text of ${shown.itemId} keeps what was shown`);
          }
        }
      }
      assert.ok(before.length >= 3, 'intro/Q1, A1 and Q2 were on screen before End');
      for (const e of entries) assert.notEqual(e.status, 'in_progress', 'no entry left in progress');
      // The summary lists exactly what SQLite holds.
      await page.getByText(`${entries.length} entries`).first().waitFor({ timeout: 5000 });
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
