// Extra time asked for on the pre-flight screen, in Chromium against the emulator: the session is stored with it
// and the Realtime session the service receives waits for a long silence and speaks more slowly; the choice is
// operable by keyboard (a labelled checkbox).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { EXTRA_TIME_SILENCE_MS } from '../../main/core/realtime/session-config';
import { acceptDisclosure, FIXTURE, pressEnd, waitForSummary, withKiosk } from './support-interview';

test('extra time chosen on the pre-flight screen reaches SQLite and the session config', { timeout: 180_000 }, async () => {
  await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts } }, async ({ host, kiosk }) => {
    const { page } = kiosk;
    await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Continue to pre-flight check' }).click();
    await acceptDisclosure(page);
    await page.getByRole('heading', { name: 'Pre-flight check' }).waitFor({ timeout: 20_000 });
    const extra = page.getByRole('checkbox', { name: /extra time to think and answer/ });
    assert.equal(await extra.isChecked(), false, 'off unless asked for');
    await extra.focus();
    await page.keyboard.press('Space');
    assert.equal(await extra.isChecked(), true);
    await page.getByRole('meter', { name: 'Microphone level' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Start interview' }).click();
    await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 30_000 });

    const emu = host.emulator()!;
    const session = emu.calls()[0]!.session as { audio: { input: { turn_detection: Record<string, unknown> }; output: { speed?: number } }; instructions: string };
    assert.equal(session.audio.input.turn_detection.type, 'server_vad');
    assert.equal(session.audio.input.turn_detection.silence_duration_ms, EXTRA_TIME_SILENCE_MS);
    assert.equal(session.audio.output.speed, 0.9);
    assert.match(session.instructions, /extra time as an accommodation/);

    await pressEnd(page);
    await waitForSummary(page, 30_000);
    const db = new Database(host.dbFile, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT extra_time, warm_up FROM interview_sessions').all(), [{ extra_time: 1, warm_up: 0 }]);
    } finally {
      db.close();
    }
  });
});
