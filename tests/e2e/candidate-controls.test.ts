// The candidate's controls during the interview, end to end: the real renderer in Chromium, the web host and the
// practice emulator, with a silent microphone (so every turn comes from the controls): a typed answer, repeat,
// "I need help", a break that ends at its limit with a spoken check-in, and "Still there?" → "I'm still here" →
// the spoken check-in → the pause. Then what reached SQLite: the typed flag, the events, the help notice. The
// help-requested, paused and "Still there?" states are each scanned by axe-core (WCAG 2.1 A/AA) on the way.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { expectNoAxeViolations } from '../support/axe';
import { pressEnd, startInterview, waitForSummary, withKiosk, writeSilentWav } from './support-interview';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-controls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A silent microphone (every turn comes from the controls). */
const silentWav = () => writeSilentWav(join(dir, 'silence.wav'));

const interviewerLines = (page: Page) => page.locator('ol.transcript > li.interviewer .text').allTextContents();

/** Waits until the interviewer has spoken `n` lines and is silent again (nobody speaking). */
async function untilInterviewerLines(page: Page, n: number, timeout = 20_000): Promise<string[]> {
  await page.locator('ol.transcript > li.interviewer').nth(n - 1).waitFor({ timeout });
  await page.getByLabel('Who is speaking').getByText('Listening').waitFor({ timeout });
  return interviewerLines(page);
}

describe('candidate controls during the interview', () => {
  it('typed answer, repeat, help, break and "Still there?" each reach the emulator and SQLite', async () => {
    await withKiosk({ micWav: silentWav(), emulator: { candidates: 'loopback' } }, async ({ host, kiosk }) => {
      await host.core.updateSettings({ candidateControls: { stillThereAfterSec: 5, checkInAfterSec: 5, breakLimitSec: 10 } });
      const { page } = kiosk;
      await startInterview(page);
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
      const controls = page.getByRole('region', { name: 'Your controls' });
      let lines = await untilInterviewerLines(page, 1);
      await controls.getByText('Question 1 of about 6').waitFor({ timeout: 5000 });

      // Typed answer: sent as a user text item; the interviewer answers it with the next question.
      const answer = 'I would rather type: I kept the kiosks running for three years.';
      await controls.getByRole('button', { name: 'Type an answer' }).click();
      await controls.getByRole('textbox', { name: 'Your answer' }).fill(answer);
      await controls.getByRole('button', { name: 'Send answer' }).press('Enter');
      await page.locator('ol.transcript > li.candidate', { hasText: answer }).getByText('(typed)').waitFor({ timeout: 10_000 });
      lines = await untilInterviewerLines(page, 2);
      await controls.getByText('Question 2 of about 6').waitFor({ timeout: 5000 });
      const second = lines[1]!;

      // Repeat: the same question again, and it is not counted as a new one.
      await controls.getByRole('button', { name: 'Repeat the question' }).click();
      lines = await untilInterviewerLines(page, 3);
      assert.equal(lines[2], second, 'the interviewer said its last question again');
      await controls.getByText('Question 2 of about 6').waitFor({ timeout: 5000 });

      // Help: the operator is told, the kiosk's room state says so, the interview waits; then the candidate goes on.
      await controls.getByRole('button', { name: 'I need help' }).click();
      await controls.getByRole('status').getByText('Help is on its way').waitFor({ timeout: 5000 });
      assert.equal(host.core.sync.kioskStatus().state, 'help_requested');
      await expectNoAxeViolations(page, 'the interview room with help requested');
      lines = await untilInterviewerLines(page, 4);
      assert.match(lines[3]!, /take your time/i, 'the interviewer says it waits');
      await controls.getByRole('button', { name: 'Continue the interview' }).click();
      lines = await untilInterviewerLines(page, 5);
      assert.equal(lines[4], `Welcome back. ${second}`);
      assert.equal(host.core.sync.kioskStatus().state, 'interviewing');

      // Break: microphone paused, a countdown, and at the limit the interview goes on with a spoken check-in.
      await controls.getByRole('button', { name: 'Take a break' }).click();
      await controls.getByText('You are on a break').waitFor({ timeout: 5000 });
      await controls.getByText(/continues by itself in (0?0:)?0\d/).waitFor({ timeout: 5000 });
      assert.equal(host.core.sync.kioskStatus().state, 'paused');
      await expectNoAxeViolations(page, 'the interview room on a break (paused)');
      lines = await untilInterviewerLines(page, 7, 30_000); // "take your time", then the check-in at the limit
      assert.match(lines[6]!, /^Are you ready to continue\? /);
      assert.equal(await controls.getByText('You are on a break').count(), 0, 'the break ended by itself');

      // Silence after that question: "Still there?", "I'm still here", again, then the spoken check-in, then the pause.
      await controls.getByRole('alert').getByText('Still there?').waitFor({ timeout: 15_000 });
      await controls.getByRole('button', { name: "I'm still here" }).click();
      assert.equal(await controls.getByText('Still there?').count(), 0);
      await controls.getByRole('alert').getByText('Still there?').waitFor({ timeout: 15_000 });
      await expectNoAxeViolations(page, 'the interview room asking "Still there?"');
      lines = await untilInterviewerLines(page, 8, 20_000);
      assert.match(lines[7]!, /^Are you still there\?/);
      await controls.getByText('You are on a break').waitFor({ timeout: 20_000 });

      await pressEnd(page);
      await waitForSummary(page, 30_000);

      const db = new Database(host.dbFile, { readonly: true });
      try {
        const typed = db.prepare(`SELECT speaker, text, typed, status, item_id FROM transcript_entries WHERE typed = 1`).all() as { speaker: string; text: string; typed: number; status: string; item_id: string }[];
        assert.deepEqual(typed.map((e) => [e.speaker, e.text, e.status]), [['candidate', answer, 'final']]);
        assert.match(typed[0]!.item_id, /^typed_[0-9a-f]{16}$/);
        assert.equal(db.prepare(`SELECT count(*) FROM transcript_entries WHERE typed = 0 AND speaker = 'candidate'`).pluck().get(), 0, 'the silent mic said nothing');
        const events = db.prepare('SELECT kind, detail FROM interview_events ORDER BY created_at, rowid').all() as { kind: string; detail: string }[];
        assert.deepEqual(events.map((e) => e.kind), ['repeat', 'help', 'resume', 'break', 'resume', 'still_there', 'still_here', 'still_there', 'check_in', 'break']);
        assert.deepEqual(events.filter((e) => e.kind === 'resume').map((e) => JSON.parse(e.detail) as unknown), [{ from: 'help', by: 'button' }, { from: 'break', by: 'limit' }]);
        assert.deepEqual(events.filter((e) => e.kind === 'break').map((e) => (JSON.parse(e.detail) as { by: string }).by), ['button', 'silence']);
        const notices = db.prepare(`SELECT kind, session_id, resolved_at FROM operator_notices`).all() as { kind: string; session_id: string; resolved_at: string | null }[];
        assert.equal(notices.length, 1);
        assert.equal(notices[0]!.kind, 'help');
        assert.ok(notices[0]!.resolved_at, 'the help request is resolved when the candidate went on');
        // Lines answering a control follow its note (a ctl_ item): they are no new question.
        const replies = db.prepare(`SELECT count(*) FROM transcript_entries WHERE speaker = 'interviewer' AND previous_item_id LIKE 'ctl\\_%' ESCAPE '\\'`).pluck().get() as number;
        // repeat, help, welcome back, break, check-in at the limit, silence check-in; the pause's own note may
        // still have been generating when End was pressed.
        assert.ok(replies === 6 || replies === 7, `control replies: ${replies}`);
      } finally {
        db.close();
      }
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
