// A rejected Realtime call (401 bad key, 429 rate limit) is shown to the operator in words, with a way back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BRIDGES, withKiosk, readDatabase, startInterview, type KioskBridgeKind } from './support-interview';

async function expectCallRejected(sdpStatus: number, words: RegExp, via: KioskBridgeKind = 'web-host') {
  await withKiosk({ via, emulator: { candidates: 'loopback', faults: { sdpStatus } } }, async ({ host, kiosk }) => {
    const { page } = kiosk;
    await startInterview(page);
    const alert = page.getByRole('alert').filter({ hasText: 'could not start' });
    await alert.waitFor({ timeout: 20_000 });
    const text = (await alert.innerText()).trim();
    assert.match(text, words);
    assert.doesNotMatch(text, /\bat \S+:\d+|Error:|stack|undefined|\{/, 'words, not a stack trace or JSON');
    // The call never went live.
    assert.equal(await page.getByText('Live', { exact: true }).count(), 0);
    // Back to setup by keyboard.
    await page.getByRole('button', { name: 'Back to setup' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 10_000 });
    // Nothing was transcribed, and the session did not become completed.
    const db = readDatabase(host.dbFile);
    assert.equal(db.entries.length, 0);
    assert.ok(db.sessions.every((s) => s.status !== 'completed'));
    assert.deepEqual(kiosk.pageErrors, []);
  });
}

describe('interview cannot start', { timeout: 180_000 }, () => {
  for (const via of BRIDGES) {
    it(`401 → the operator reads that the OpenAI key was rejected (main's words, via ${via})`, { timeout: 60_000 }, async () => {
      await expectCallRejected(401, /key/i, via);
    });
  }
  it('429 → the operator reads that the service is rate limiting / busy', { timeout: 60_000 }, async () => {
    await expectCallRejected(429, /rate|limit|too many|busy|quota/i);
  });
  it('live mode without a key → the operator reads that no key is set, before and at Start', { timeout: 60_000 }, async () => {
    await withKiosk({ emulator: { candidates: 'loopback' } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await page.getByRole('button', { name: 'Operator settings' }).click();
      await page.getByText('No key is set.').waitFor({ timeout: 10_000 });
      await page.getByRole('checkbox', { name: /Practice mode/ }).uncheck();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Settings saved.').waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Back to setup' }).click();
      await page.getByText('Live mode, but no OpenAI key is set').waitFor({ timeout: 10_000 });
      await startInterview(page);
      const alert = page.getByRole('alert').filter({ hasText: 'could not start' });
      await alert.waitFor({ timeout: 20_000 });
      assert.match(await alert.innerText(), /key/i);
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
