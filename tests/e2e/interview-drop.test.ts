// The Realtime call drops mid-interview (emulator fault): the room reconnects by itself (a new call with the
// context restored, see tests/recovery for the full checks), and End still saves everything said so far and
// completes the session.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURE, withKiosk, pressEnd, readDatabase, shownEntries, startInterview, waitForSummary } from './support-interview';

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('call dropped', { timeout: 120_000 }, () => {
  it('reconnects after the loss, and End saves what was said', { timeout: 90_000 }, async () => {
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts, faults: { dropCallAfterMs: 12_000 } } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await startInterview(page);
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
      const emu = host.emulator()!;
      await waitFor(() => emu.calls().length >= 2 && emu.calls()[0]!.closed, 40_000, 'the drop and a new call');
      emu.setFaults({ dropCallAfterMs: null });
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
      await page.getByText('Reconnected; the interview continues.', { exact: false }).waitFor({ state: 'attached', timeout: 20_000 });
      const before = await shownEntries(page);
      assert.ok(before.length >= 1, 'something was said before the drop');
      await pressEnd(page);
      await waitForSummary(page, 30_000);
      const db = readDatabase(host.dbFile);
      assert.equal(db.sessions[0]!.status, 'completed');
      for (const shown of before) assert.equal(db.entries.filter((e) => e.item_id === shown.itemId).length, 1, `${shown.itemId} saved once`);
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
