// Disclosure and consent in the real renderer: the microphone stays closed until the candidate has read the notice
// and ticked both boxes (keyboard alone); "I would prefer not to" starts nothing, stores no session and leaves a
// notice on the operator screen; accepting (here in German) stores the notice version, language, choices and time
// with the session in SQLite.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { describe, it } from 'node:test';
import type { Page } from 'playwright';
import { FIXTURE, readDatabase, withKiosk } from './support-interview';

/** Counts getUserMedia calls from the first script on (the microphone must not open before consent). */
async function countMicOpens(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const md = navigator.mediaDevices;
    const original = md.getUserMedia.bind(md);
    (window as unknown as { micOpens: number }).micOpens = 0;
    md.getUserMedia = (c?: MediaStreamConstraints) => {
      (window as unknown as { micOpens: number }).micOpens++;
      return original(c);
    };
  });
  await page.reload();
}
const micOpens = (page: Page) => page.evaluate(() => (window as unknown as { micOpens: number }).micOpens);

function consentOf(dbFile: string): { consent: string | null; recording_consent: number }[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT consent, recording_consent FROM interview_sessions').all() as { consent: string | null; recording_consent: number }[];
  } finally {
    db.close();
  }
}

function noticesOf(dbFile: string): { kind: string; session_id: string | null }[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT kind, session_id FROM operator_notices').all() as { kind: string; session_id: string | null }[];
  } finally {
    db.close();
  }
}

describe('disclosure and consent', { timeout: 180_000 }, () => {
  it('the notice comes before the microphone; both boxes by keyboard enable Continue; declining starts nothing', { timeout: 80_000 }, async () => {
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await countMicOpens(page);
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Continue to pre-flight check' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Before the interview' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Before the interview');
      // What the notice must say: an AI, recorded, the position's competencies, who sees results, how long.
      const notice = await page.locator('.notice').innerText();
      assert.match(notice, /not a person/);
      assert.match(notice, /sound of the interview and a written transcript/);
      assert.match(notice, /empathy/i, 'the competencies of the first demo position are named');
      assert.match(notice, /hiring team at/);
      assert.match(notice, /kept for 180 days/);
      assert.equal(await micOpens(page), 0, 'the microphone is still closed while the notice is shown');

      const next = page.getByRole('button', { name: 'Continue', exact: true });
      assert.equal(await next.isDisabled(), true);
      await page.getByRole('checkbox', { name: /interviewer is an AI/ }).focus();
      await page.keyboard.press('Space');
      assert.equal(await next.isDisabled(), true, 'one box is not enough');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
      assert.equal(await next.isEnabled(), true);
      await page.keyboard.press('Space'); // and un-ticking disables it again
      assert.equal(await next.isDisabled(), true);

      // The alternative: nothing starts, the operator is told.
      await page.getByRole('button', { name: 'I would prefer not to' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'No interview' }).waitFor({ timeout: 10_000 });
      assert.equal(await micOpens(page), 0, 'declining never opened the microphone');
      assert.equal(readDatabase(host.dbFile).sessions.length, 0, 'no session was created');
      assert.deepEqual(noticesOf(host.dbFile), [{ kind: 'declined', session_id: null }]);

      await page.getByRole('button', { name: 'Back to the start' }).click();
      await page.getByRole('button', { name: 'Sync and backend' }).click();
      // Recruiter mode with no PIN chosen: the operator screen opens; the notice is there.
      const notices = page.getByTestId('operator-notices');
      await notices.waitFor({ timeout: 10_000 });
      assert.match(await notices.innerText(), /preferred not to be interviewed by an AI/);
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });

  it('accepting in German stores version, language, choices and time with the session', { timeout: 90_000 }, async () => {
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 15_000 });
      await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'Deutsch' }).click();
      await page.getByRole('heading', { name: 'Neues Interview' }).waitFor({ timeout: 5000 });
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
      await page.getByRole('button', { name: 'Weiter zur Technikprüfung' }).click();
      await page.getByRole('heading', { name: 'Vor dem Interview' }).waitFor({ timeout: 10_000 });
      const before = Date.now();
      await page.getByRole('checkbox', { name: /Interviewer eine KI ist/ }).check();
      await page.getByRole('checkbox', { name: /aufgezeichnet wird/ }).check();
      await page.getByRole('button', { name: 'Weiter', exact: true }).click();
      await page.getByRole('heading', { name: 'Technikprüfung' }).waitFor({ timeout: 10_000 });
      await page.getByRole('meter', { name: 'Mikrofonpegel' }).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Interview starten' }).click();
      await page.getByRole('heading', { name: 'Interview', exact: true }).waitFor({ timeout: 20_000 });

      const rows = consentOf(host.dbFile);
      assert.equal(rows.length, 1);
      const consent = JSON.parse(rows[0]!.consent!) as { noticeVersion: string; language: string; choices: unknown; at: string };
      assert.match(consent.noticeVersion, /^\d{4}-\d{2}-\d{2}\.\d+$/);
      assert.equal(consent.language, 'de');
      assert.deepEqual(consent.choices, { aiInterviewer: true, recording: true });
      assert.ok(Date.parse(consent.at) >= before - 1000 && Date.parse(consent.at) <= Date.now(), `consent time ${consent.at}`);
      assert.equal(rows[0]!.recording_consent, 1);

      await page.getByRole('button', { name: 'Interview beenden' }).click();
      await page.getByRole('button', { name: 'Ja, jetzt beenden' }).click();
      await page.getByRole('heading', { name: 'Interview beendet' }).waitFor({ timeout: 30_000 });
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
