// The interviewer persona end to end, in Chromium against the practice emulator: the operator sees the position's
// persona on the setup screen; the candidate sees the interviewer's name marked as an AI (axe: 0 violations); the
// greeting heard names the persona and says its introduction; the session asks for the persona's voice on the
// first call and again after a forced reconnect; the goodbye says the persona's closing words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_POSITIONS } from '../../main/core/db/seed';
import { expectNoAxeViolations } from '../support/axe';
import { FIXTURE, acceptDisclosure, readDatabase, waitForSummary, withKiosk } from './support-interview';

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const POSITION = DEMO_POSITIONS.find((p) => p.title === 'Senior Backend Engineer')!;
const PERSONA = POSITION.persona;

test('persona: name shown as an AI, greeting with name and intro, its voice on every call, goodbye with the outro', { timeout: 150_000 }, async () => {
  // A short script (greeting, one more question, goodbye) with short lines keeps the interview brief.
  await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts, script: { questions: 1, lineMaxMs: 2500 } } }, async ({ host, kiosk }) => {
    const { page } = kiosk;
    await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 20_000 });
    await page.getByRole('combobox', { name: 'Position' }).selectOption({ label: POSITION.title });
    // The operator sees who will interview for this position.
    const details = page.getByTestId('position-persona');
    await details.getByText(`Interviewer: ${PERSONA.name} (AI), voice ${PERSONA.voice}, ${PERSONA.formality}`).waitFor({ timeout: 5000 });
    await details.getByText(`Opens with: ${PERSONA.intro}`).waitFor({ timeout: 5000 });
    await details.getByText(`Closes with: ${PERSONA.outro}`).waitFor({ timeout: 5000 });
    await page.getByRole('button', { name: 'Continue to pre-flight check' }).click();
    await acceptDisclosure(page);
    await page.getByRole('meter', { name: 'Microphone level' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Start interview' }).click();
    await page.getByRole('heading', { name: 'Interview', exact: true }).waitFor({ timeout: 20_000 });

    // The candidate sees the interviewer's name, marked as an AI.
    const shown = page.getByTestId('interviewer');
    await shown.getByText(PERSONA.name!, { exact: true }).waitFor({ timeout: 5000 });
    assert.equal((await shown.locator('abbr').textContent())?.trim(), 'AI');
    await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 30_000 });
    await expectNoAxeViolations(page, 'the interview screen with the interviewer\'s name');

    const emu = host.emulator()!;
    await waitFor(() => (emu.calls()[0]?.responses[0]?.status ?? 'in_progress') !== 'in_progress', 30_000, 'the greeting');
    const first = emu.calls()[0]!;
    const greeting = first.responses[0]!;
    assert.ok(greeting.text.includes(`my name is ${PERSONA.name}`) && greeting.text.includes('AI interviewer'), `the greeting names the AI interviewer: ${greeting.text}`);
    assert.ok(greeting.text.includes(PERSONA.intro!), `the greeting says the introduction: ${greeting.text}`);
    assert.equal(first.voice, PERSONA.voice, 'the session asked for the persona\'s voice');
    assert.equal(greeting.voice, PERSONA.voice, 'and the greeting was spoken in it');
    // What the candidate heard: the greeting row on screen.
    await page.locator('ol.transcript > li.interviewer').first().getByText(new RegExp(`my name is ${PERSONA.name}`)).waitFor({ timeout: 20_000 });

    // A forced reconnect: the new call's session asks for the same voice and keeps the persona.
    await emu.dropCalls('forced reconnect');
    await waitFor(() => emu.calls().length >= 2, 40_000, 'a new call after the drop');
    const second = emu.calls()[1]!;
    assert.equal(second.voice, PERSONA.voice, 'the same voice after the reconnect');
    assert.equal(second.instructions, first.instructions, 'the same interviewer after the reconnect');

    // The interviewer closes by itself with the persona's closing words.
    await waitForSummary(page, 90_000);
    const later = emu.calls().slice(1).flatMap((c) => c.responses);
    assert.ok(later.length > 0 && later.every((r) => r.voice === PERSONA.voice), `every later response in ${PERSONA.voice}: ${later.map((r) => r.voice).join(', ')}`);
    const closing = later.filter((r) => r.outcome === 'completed').at(-1)!;
    assert.ok(closing.text.startsWith(PERSONA.outro!), `the goodbye says the closing words: ${closing.text}`);
    const stored = readDatabase(host.dbFile).entries.filter((e) => e.speaker === 'interviewer').at(-1)!;
    assert.ok(stored.text.startsWith(PERSONA.outro!), `the stored goodbye: ${stored.text}`);
    assert.deepEqual(kiosk.pageErrors, []);
  });
});
