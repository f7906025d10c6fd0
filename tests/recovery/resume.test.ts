// The renderer goes away mid-interview (a crash: Electron reloads it; here the page is reloaded): on load the
// desk offers the interrupted interview (kiosk mode offers it only to the operator: tests/e2e/kiosk-entry.test.ts), Resume
// opens the mic and a new call whose context main restores from SQLite, and the interview finishes without a
// second greeting or a repeated question.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURE, withKiosk, readDatabase, startInterview, waitForSummary } from '../e2e/support-interview';
import { waitUntil } from './drive';
import { checkResumes, checkTranscript, greetings } from './support';

describe('recovery: renderer reloaded mid-interview', { timeout: 400_000 }, () => {
  it('offers the interrupted interview, resumes it with context, and it finishes', { timeout: 180_000 }, () => reloadAndResume());
});

async function reloadAndResume(): Promise<void> {
  await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts } }, async ({ host, kiosk }) => {
    const { page } = kiosk;
    const emu = host.emulator()!;
    await startInterview(page);
    await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
    // Wait until the interviewer has asked at least one question in full and the candidate answered.
    await waitUntil(() => readDatabase(host.dbFile).entries.filter((e) => e.status === 'final').length >= 2, 60_000, 'two final entries');
    const before = readDatabase(host.dbFile).entries;
    await page.reload();
    const offer = page.getByRole('region', { name: 'Interrupted interview' });
    await offer.waitFor({ timeout: 20_000 });
    assert.match((await offer.textContent()) ?? '', /was interrupted/);
    await offer.getByRole('button', { name: 'Resume interview' }).click();
    await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
    await waitForSummary(page, 120_000);
    const db = readDatabase(host.dbFile);
    const calls = emu.calls();
    assert.equal(db.sessions.length, 1, 'the same session, not a new one');
    assert.equal(db.sessions[0]!.status, 'completed');
    assert.ok(calls.length >= 2, 'a second call after the reload');
    assert.match(calls[1]!.context.at(-1)!.text, /restarted/, 'main said why the call is new');
    assert.deepEqual(checkResumes(calls, db.entries), []);
    assert.deepEqual(checkTranscript(db.entries), []);
    assert.equal(greetings(db.entries), 1);
    for (const e of before) assert.equal(db.entries.filter((x) => x.id === e.id).length, 1, `${e.item_id} kept once`);
    assert.deepEqual(kiosk.pageErrors, []);
  });
}
