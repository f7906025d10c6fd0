// Kiosk mode in Chromium (web host with kiosk rules, demo data, practice emulator): a walk-up sees no candidate's
// name or email on any screen they can reach; main refuses to start an interview without an invitation or the
// operator's ticket (the contract call itself, not just the screen); candidate A's summary is gone — from the
// screen and from main — before candidate B can read it; an interrupted interview does not resume for a walk-up,
// only when the operator resumes it behind the PIN.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright';
import { FIXTURE, acceptDisclosure, pressEnd, readDatabase, waitForSummary, withKiosk } from './support-interview';
import type { TestWebHost } from '../support/webhost';
import { rawCall } from '../support/page-api';
import { DISCLOSURE_VERSION } from '../../renderer/i18n';

const PIN = '482193';
const T = 20_000;
const SUMMARY_MS = 6000;


function people(host: TestWebHost): { names: string[]; emails: string[] } {
  const db = new Database(host.dbFile, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, email FROM candidates').all() as { name: string; email: string | null }[];
    return { names: rows.map((r) => r.name), emails: rows.flatMap((r) => (r.email ? [r.email] : [])) };
  } finally {
    db.close();
  }
}

/** Nobody's name or email anywhere on the page (text, attributes, form values). */
async function assertNobodyShown(page: Page, host: TestWebHost, where: string): Promise<void> {
  const html = await page.content();
  const text = await page.locator('body').innerText();
  const { names, emails } = people(host);
  assert.ok(names.length > 0, 'the kiosk has candidates to hide');
  for (const who of [...names, ...emails]) {
    assert.ok(!html.includes(who) && !text.includes(who), `${where}: ${who} is shown`);
  }
}

async function unlock(page: Page): Promise<void> {
  const field = page.locator('.pin-pad input');
  await field.waitFor({ timeout: T });
  await field.focus();
  await page.keyboard.type(PIN);
  await page.keyboard.press('Enter');
}

/** The staff start the first candidate behind the PIN; the candidate reads the disclosure, consents, does the
 * pre-flight and starts. */
async function staffStartsInterview(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Staff: start or resume an interview' }).click({ timeout: T });
  await unlock(page);
  await page.getByRole('button', { name: 'Continue to pre-flight check' }).click({ timeout: T });
  await acceptDisclosure(page, T);
  await page.getByRole('heading', { name: 'Pre-flight check' }).waitFor({ timeout: T });
  await page.getByRole('meter', { name: 'Microphone level' }).waitFor({ timeout: T });
  await page.getByRole('button', { name: 'Start interview' }).click({ timeout: T });
  await page.getByRole('heading', { name: 'Interview', exact: true }).waitFor({ timeout: T });
}

const kioskHost = { kioskMode: true, operatorPin: PIN, kioskSummaryMs: SUMMARY_MS, emulator: { userTranscripts: FIXTURE.transcripts } };

describe('kiosk entry (Chromium, kiosk mode)', { timeout: 400_000 }, () => {
  it('a walk-up sees nobody; main refuses a start without invitation or ticket; A\'s summary is gone before B', { timeout: 200_000 }, async () => {
    await withKiosk(kioskHost, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });
      await assertNobodyShown(page, host, 'welcome screen');
      await page.getByRole('button', { name: 'Staff: start or resume an interview' }).click();
      await page.locator('.pin-pad input').waitFor({ timeout: T });
      await assertNobodyShown(page, host, 'staff start before the PIN');
      await page.getByRole('button', { name: 'Cancel' }).click();

      // The contract itself, as any script in the page could call it.
      const setup = await rawCall(page, 'getSetupData');
      assert.equal(setup.ok, true);
      assert.deepEqual(setup.value.candidates, [], 'no candidate list for a walk-up');
      const db = new Database(host.dbFile, { readonly: true });
      const someone = db.prepare('SELECT id FROM candidates LIMIT 1').get() as { id: string };
      const position = db.prepare('SELECT id FROM positions LIMIT 1').get() as { id: string };
      db.close();
      const bare = await rawCall(page, 'createSession', { candidateId: someone.id, positionId: position.id, recordingConsent: true });
      assert.equal(bare.error?.code, 'operator_locked', JSON.stringify(bare));
      assert.match(bare.error?.message ?? '', /invitation code/);
      const forged = await rawCall(page, 'createSession', { candidateId: someone.id, positionId: position.id, recordingConsent: true, operatorTicket: 'A'.repeat(43) });
      assert.equal(forged.error?.code, 'operator_locked');
      const fakeInvitation = await rawCall(page, 'createSession', { candidateId: someone.id, positionId: position.id, recordingConsent: true, invitationId: '00000000-0000-4000-8000-000000000000' });
      assert.equal(fakeInvitation.ok, false);
      const ticket = await rawCall(page, 'authorizeCandidate', { candidateId: someone.id, positionId: position.id });
      assert.equal(ticket.error?.code, 'operator_locked', 'only the unlocked operator gets a ticket');
      assert.equal(readDatabase(host.dbFile).sessions.length, 0, 'nothing was created');
      // Nor can a walk-up file a "declined" notice for somebody: main wants the redeemed code or the operator's ticket.
      const decline = { candidateId: someone.id, positionId: position.id, noticeVersion: DISCLOSURE_VERSION, language: 'en' };
      for (const extra of [{}, { operatorTicket: 'A'.repeat(43) }, { invitationId: '00000000-0000-4000-8000-000000000000' }]) {
        const r = await rawCall(page, 'declineInterview', { ...decline, ...extra });
        assert.equal(r.error?.code, 'operator_locked', JSON.stringify(r));
      }
      const notices = new Database(host.dbFile, { readonly: true });
      assert.equal((notices.prepare('SELECT count(*) AS n FROM operator_notices').get() as { n: number }).n, 0, 'no notice was filed');
      notices.close();

      // Candidate A, started by the staff.
      await staffStartsInterview(page);
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: T });
      await page.waitForFunction(() => document.querySelectorAll('.transcript .entry').length >= 2, undefined, { timeout: 60_000 });
      await pressEnd(page);
      await waitForSummary(page, T);
      const a = readDatabase(host.dbFile).sessions[0]!;
      const aText = readDatabase(host.dbFile).entries.filter((e) => e.session_id === a.id && e.text.length > 20).map((e) => e.text);
      assert.ok(aText.length > 0);
      const summaryText = await page.locator('body').innerText();
      assert.match(summaryText, /entries/, 'the counts are shown');
      assert.equal(await page.getByRole('list', { name: 'Transcript' }).count(), 0, 'no transcript on the summary');
      for (const said of aText) assert.ok(!summaryText.includes(said), 'none of what was said is on screen');
      await assertNobodyShown(page, host, 'summary');

      // Nobody touches the kiosk: it returns to the welcome screen, and main no longer hands out A's summary.
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: SUMMARY_MS + 5000 });
      const later = await rawCall(page, 'getSessionSummary', { sessionId: a.id });
      assert.equal(later.error?.code, 'not_found', JSON.stringify(later).slice(0, 200));
      await assertNobodyShown(page, host, 'welcome screen after A');
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });

  it('an interrupted interview does not resume for a walk-up; the operator resumes it behind the PIN', { timeout: 200_000 }, async () => {
    await withKiosk(kioskHost, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await staffStartsInterview(page);
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: T });
      const calls = host.emulator()!.calls().length;
      const session = readDatabase(host.dbFile).sessions[0]!;
      // The greeting (kiosk mode: with the unscored warm-up question) is on screen before the restart.
      const greeting = page.locator('.transcript .entry.interviewer').first();
      await greeting.waitFor({ timeout: T });
      const greetingItem = await greeting.getAttribute('data-item-id');

      await page.reload(); // the renderer crashed, or someone reloaded; the next person sits down
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });
      assert.equal(await page.getByRole('region', { name: 'Interrupted interview' }).count(), 0, 'no offer to a walk-up');
      assert.equal((await rawCall(page, 'getResumableSession')).value, null);
      const restart = await rawCall(page, 'startCall', { sessionId: session.id, offerSdp: 'v=0\r\n', reason: 'restart' });
      assert.equal(restart.ok, false, 'a walk-up cannot continue it through the contract either');
      assert.equal(host.emulator()!.calls().length, calls, 'no new call was placed');
      await assertNobodyShown(page, host, 'welcome after the interruption');

      // The staff resume it.
      await page.getByRole('button', { name: 'Staff: start or resume an interview' }).click();
      await unlock(page);
      const offer = page.getByRole('region', { name: 'Interrupted interview' });
      await offer.getByRole('button', { name: 'Resume interview' }).click({ timeout: T });
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: T });
      assert.ok(host.emulator()!.calls().length > calls, 'resumed with a new call');
      // The resumed screen has the lines from before the restart, the greeting still marked as the warm-up.
      await page.locator(`.transcript .entry[data-item-id="${greetingItem}"] .warm-up-mark`).waitFor({ timeout: T });
      assert.equal(readDatabase(host.dbFile).sessions.length, 1, 'the same session');
    });
  });
});
