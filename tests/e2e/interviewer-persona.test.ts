// The interviewer persona end to end, in Chromium against the practice emulator: the operator sees the position's
// persona on the setup screen; the candidate sees the interviewer's name marked as an AI (axe: 0 violations); the
// greeting heard names the persona and says its introduction; the session asks for the persona's voice on the
// first call and again after a forced reconnect; the goodbye says the persona's closing words. The microphone is
// silent and the candidate types the answers, so nothing cuts a line short: every line is heard whole.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright';
import { DEMO_POSITIONS } from '../../main/core/db/seed';
import type { EmulatorCallInfo } from '../../main/simulator/index';
import { expectNoAxeViolations } from '../support/axe';
import { acceptDisclosure, readDatabase, waitForSummary, withKiosk, writeSilentWav } from './support-interview';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-persona-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Types an answer with the candidate's controls (a user text item; the interviewer answers it). */
async function typeAnswer(page: Page, answer: string): Promise<void> {
  const controls = page.getByRole('region', { name: 'Your controls' });
  await controls.getByRole('button', { name: 'Type an answer' }).click();
  await controls.getByRole('textbox', { name: 'Your answer' }).fill(answer);
  await controls.getByRole('button', { name: 'Send answer' }).click();
  await page.locator('ol.transcript > li.candidate', { hasText: answer }).waitFor({ timeout: 10_000 });
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The call has said all it started to say: no response in progress, and each spoken line's audio played out. */
const quiet = (c: EmulatorCallInfo) =>
  c.responses.every((r) => r.status !== 'in_progress') &&
  c.events.filter((e) => e.direction === 'out' && e.type === 'output_audio_buffer.stopped').length >= c.responses.filter((r) => r.outcome === 'completed').length;

const POSITION = DEMO_POSITIONS.find((p) => p.title === 'Senior Backend Engineer')!;
const PERSONA = POSITION.persona;

test('persona: name shown as an AI, greeting with name and intro, its voice on every call, goodbye with the outro', { timeout: 150_000 }, async () => {
  // A short script (greeting, one more question, goodbye) with short lines keeps the interview brief.
  await withKiosk({ micWav: writeSilentWav(join(dir, 'silence.wav')), emulator: { script: { questions: 1, lineMaxMs: 2500 } } }, async ({ host, kiosk }) => {
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

    // Screen readers hear who speaks: the persona's name with the AI mark, on any of the interviewer's lines.
    const announced = page.getByLabel('Who is speaking').getByText(`${PERSONA.name} (AI) speaking`).waitFor({ timeout: 90_000 });
    announced.catch(() => undefined); // awaited below
    // The candidate sees the interviewer's name, marked as an AI.
    const shown = page.getByTestId('interviewer');
    await shown.getByText(PERSONA.name!, { exact: true }).waitFor({ timeout: 5000 });
    assert.equal((await shown.locator('abbr').textContent())?.trim(), 'AI');
    await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 30_000 });
    await expectNoAxeViolations(page, 'the interview screen with the interviewer\'s name');

    const emu = host.emulator()!;
    // The greeting, heard whole: its row shows the name and the introduction, and the candidate is being listened to.
    const greetingRow = page.locator('ol.transcript > li.interviewer').first();
    await greetingRow.getByText(new RegExp(`my name is ${PERSONA.name}\\. ${PERSONA.intro!.replace(/[.,]/g, '.')}`)).waitFor({ timeout: 30_000 });
    await waitFor(() => (emu.calls()[0]?.responses.length ?? 0) >= 1 && quiet(emu.calls()[0]!), 20_000, 'the greeting played out');
    const first = emu.calls()[0]!;
    const greeting = first.responses[0]!;
    assert.ok(greeting.text.includes(`I am the AI interviewer; my name is ${PERSONA.name}.`), `the greeting names the AI interviewer: ${greeting.text}`);
    assert.ok(greeting.text.includes(PERSONA.intro!), `the greeting says the introduction: ${greeting.text}`);
    assert.equal(greeting.heard, null, 'heard whole (not cut)');
    assert.equal(first.voice, PERSONA.voice, 'the session asked for the persona\'s voice');
    assert.equal(greeting.voice, PERSONA.voice, 'and the greeting was spoken in it');

    // A forced reconnect: the new call's session asks for the same voice and keeps the persona.
    await emu.dropCalls('forced reconnect');
    await waitFor(() => emu.calls().length >= 2, 40_000, 'a new call after the drop');
    await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 40_000 });
    await waitFor(() => quiet(emu.calls()[1]!), 20_000, 'the new call quiet');
    const second = emu.calls()[1]!;
    assert.equal(second.voice, PERSONA.voice, 'the same voice after the reconnect');
    assert.equal(second.instructions, first.instructions, 'the same interviewer after the reconnect');

    // Two typed answers: the next question, then the goodbye with the persona's closing words and end_session.
    await typeAnswer(page, 'I ran the order service for three years and wrote its runbooks.');
    await waitFor(() => emu.calls()[1]!.responses.some((r) => r.outcome === 'completed') && quiet(emu.calls()[1]!), 30_000, 'the next question played out');
    await typeAnswer(page, 'I mentored two juniors through their first on-call rotations.');
    await announced;
    // The interviewer closes by itself with the persona's closing words.
    await waitForSummary(page, 90_000);
    const later = emu.calls().slice(1).flatMap((c) => c.responses);
    assert.equal(emu.calls().length, 2, 'no other call');
    assert.ok(later.length > 0 && later.every((r) => r.voice === PERSONA.voice), `every later response in ${PERSONA.voice}: ${later.map((r) => r.voice).join(', ')}`);
    const closing = later.filter((r) => r.outcome === 'completed').at(-1)!;
    assert.ok(closing.text.startsWith(PERSONA.outro!), `the goodbye says the closing words: ${closing.text}`);
    const stored = readDatabase(host.dbFile).entries.filter((e) => e.speaker === 'interviewer').at(-1)!;
    assert.ok(stored.text.startsWith(PERSONA.outro!), `the stored goodbye: ${stored.text}`);
    assert.deepEqual(kiosk.pageErrors, []);
  });
});
