// Pre-flight, by keyboard alone: the level meter follows the (fake) microphone and the speaker test asks whether the
// tone was heard. (Consent comes before, on the disclosure screen: tests/e2e/consent.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURE, acceptDisclosure, withKiosk } from './support-interview';

describe('pre-flight check', { timeout: 90_000 }, () => {
  it('meter and speaker test, operated by keyboard', { timeout: 60_000 }, async () => {
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 15_000 });
      // Demo data is labelled as such.
      await page.getByText('Demo data').waitFor({ timeout: 5000 });
      await page.getByRole('button', { name: 'Continue to pre-flight check' }).focus();
      await page.keyboard.press('Enter');
      await acceptDisclosure(page, 10_000);
      await page.getByRole('heading', { name: 'Pre-flight check' }).waitFor({ timeout: 10_000 });
      // The new screen's heading has focus, so keyboard users start at the top of it.
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Pre-flight check');

      const meter = page.getByRole('meter', { name: 'Microphone level' });
      await meter.waitFor({ timeout: 10_000 });
      // The WAV starts with silence, then speech: the meter must rise into the speech range.
      await page.waitForFunction(
        () => Number((document.querySelector('meter.level') as HTMLMeterElement | null)?.value ?? 0) > 0.4,
        null,
        { timeout: (FIXTURE.answerStartsSec[0]! + 8) * 1000 },
      );


      await page.getByRole('button', { name: 'Play a test tone' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('group', { name: 'Did you hear the tone?' }).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'No', exact: true }).focus();
      await page.keyboard.press('Space');
      await page.getByText('Check the volume').waitFor({ timeout: 5000 });
      await page.getByRole('button', { name: 'Play the test tone again' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Yes, I heard it' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('Speaker works.').waitFor({ timeout: 5000 });

      // Consent was given on the disclosure screen; the microphone works, so Start is ready.
      await page.getByText('You agreed that the interview is recorded').waitFor({ timeout: 5000 });
      assert.equal(await page.getByRole('button', { name: 'Start interview' }).isEnabled(), true);
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
