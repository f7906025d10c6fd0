// Operator settings → the session the service runs, in Chromium through the web host: the Realtime model chosen as
// "other" with a typed name (a malformed one is refused in words), the transcription model from its list and the
// kiosk's audio profile; the pre-flight shows the profile, and the emulator reports the session it received
// (model, audio.input.transcription with the position's language, audio.input.noise_reduction).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_POSITIONS } from '../../main/core/db/seed';
import { acceptDisclosure, withKiosk } from './support-interview';

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('audio and model settings reach the Realtime session', { timeout: 120_000 }, () => {
  it('headset profile, a typed Realtime model and a listed transcription model are what the emulator receives', { timeout: 100_000 }, async () => {
    await withKiosk({ emulator: { candidates: 'loopback' } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await page.getByRole('button', { name: 'Operator settings' }).click();
      await page.getByRole('heading', { name: 'Operator settings' }).waitFor({ timeout: 15_000 });
      await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption({ label: 'Other (type a name)…' });
      const typed = page.getByRole('textbox', { name: 'Model: name' });
      await typed.fill('gpt audio!');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('alert').getByText(/must be a model name/).waitFor({ timeout: 10_000 });
      await typed.fill('gpt-audio-1.5');
      await page.getByRole('combobox', { name: 'Transcription model', exact: true }).selectOption('gpt-realtime-whisper');
      await page.getByRole('combobox', { name: 'Audio at this kiosk' }).selectOption('headset');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Settings saved.').waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Back to setup' }).click();

      await page.getByRole('button', { name: 'Continue to pre-flight check' }).click();
      await acceptDisclosure(page);
      const shown = page.getByTestId('audio-profile');
      await shown.getByText(/set up for a headset/).waitFor({ timeout: 20_000 });
      assert.equal(await shown.getAttribute('data-profile'), 'headset');
      await page.getByRole('button', { name: 'Start interview' }).click();

      const emu = host.emulator()!;
      await waitFor(() => emu.calls().length >= 1, 30_000, 'the call');
      const session = emu.calls()[0]!.session as {
        model: string; instructions: string;
        audio: { input: { transcription: { model: string; language?: string }; noise_reduction: { type: string } } };
      };
      assert.equal(session.model, 'gpt-audio-1.5');
      assert.deepEqual(session.audio.input.noise_reduction, { type: 'near_field' });
      assert.equal(session.audio.input.transcription.model, 'gpt-realtime-whisper');
      const position = DEMO_POSITIONS.find((p) => session.instructions.includes(`position of ${p.title}`));
      assert.ok(position, 'the session was made for a demo position');
      // The position's language, else the one the candidate read the disclosure in (English here).
      assert.equal(session.audio.input.transcription.language, position.language ?? 'en', `the language of "${position.title}"`);
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
