// The Realtime call drops mid-interview (emulator fault): the operator sees it in words, and End still saves
// everything said so far and completes the session.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestWebHost } from '../support/webhost';
import { FIXTURE, openKiosk, pressEnd, readDatabase, shownEntries, startInterview, waitForSummary } from './support-interview';

describe('call dropped', { timeout: 120_000 }, () => {
  it('shows the loss, and End saves what was said', { timeout: 90_000 }, async () => {
    const host = await startTestWebHost({ emulator: { userTranscripts: FIXTURE.transcripts, faults: { dropCallAfterMs: 12_000 } } });
    const kiosk = await openKiosk(host.url).catch(async (e: unknown) => {
      await host.close();
      throw e;
    });
    try {
      const { page } = kiosk;
      await startInterview(page);
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
      await page.getByRole('alert').filter({ hasText: 'connection to the interviewer was lost' }).waitFor({ timeout: 40_000 });
      await page.getByRole('status', { name: 'Connection' }).getByText('Ended').waitFor({ timeout: 5000 });
      const before = await shownEntries(page);
      assert.ok(before.length >= 1, 'something was said before the drop');
      await pressEnd(page);
      await waitForSummary(page, 30_000);
      const db = readDatabase(host.dbFile);
      assert.equal(db.sessions[0]!.status, 'completed');
      for (const shown of before) assert.equal(db.entries.filter((e) => e.item_id === shown.itemId).length, 1, `${shown.itemId} saved once`);
      assert.deepEqual(kiosk.pageErrors, []);
    } finally {
      await kiosk.close();
      await host.close();
    }
  });
});
