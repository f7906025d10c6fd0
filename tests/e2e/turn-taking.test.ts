// Extra time asked for on the pre-flight screen, in Chromium against the emulator: the session is stored with it
// and the Realtime session the service receives waits for a long silence and speaks more slowly; the choice is
// operable by keyboard (a labelled checkbox). Extra time chosen by the operator at setup (kiosk mode, behind the
// PIN) arrives ticked at pre-flight and is stored as the operator's; the kiosk-mode warm-up question is marked on
// the interview screen while it lasts, then the start of the scored part, exactly on the lines the evaluation
// leaves out (axe-core finds nothing in either state).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { EXTRA_TIME_SILENCE_MS, WARM_UP_INSTRUCTION } from '../../main/core/realtime/session-config';
import { ASSESSED_START, WARM_UP_LINE } from '../../main/simulator/interviewer';
import { warmUpEntryCount } from '../../preload/contract';
import { expectNoAxeViolations } from '../support/axe';
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

test('kiosk mode: the operator chooses extra time at setup; the warm-up is marked on screen, then the scored part', { timeout: 180_000 }, async () => {
  const PIN = '482193';
  await withKiosk({ kioskMode: true, operatorPin: PIN, emulator: { userTranscripts: FIXTURE.transcripts } }, async ({ host, kiosk }) => {
    const { page } = kiosk;
    await page.getByRole('button', { name: 'Staff: start or resume an interview' }).click({ timeout: 20_000 });
    const pin = page.locator('.pin-pad input');
    await pin.waitFor({ timeout: 20_000 });
    await pin.focus();
    await page.keyboard.type(PIN);
    await page.keyboard.press('Enter');
    const operatorChoice = page.getByRole('checkbox', { name: /Extra time for this candidate/ });
    await operatorChoice.check({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Continue to pre-flight check' }).click();
    await acceptDisclosure(page);
    await page.getByRole('heading', { name: 'Pre-flight check' }).waitFor({ timeout: 20_000 });
    const extra = page.getByRole('checkbox', { name: /extra time to think and answer/ });
    assert.equal(await extra.isChecked(), true, "the operator's choice arrives ticked");
    assert.equal(await extra.isDisabled(), true, 'and the candidate cannot quietly untick it');
    assert.match(await extra.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? ''), /staff arranged extra time/);
    await page.getByRole('meter', { name: 'Microphone level' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Start interview' }).click();

    // The warm-up: said in a status (announced once), its lines marked in the transcript.
    const stage = page.locator('.warm-up-status');
    await stage.getByText('Warm-up question — not scored').waitFor({ timeout: 30_000 });
    assert.equal(await stage.getAttribute('role'), 'status');
    await page.locator('.transcript .entry.interviewer .warm-up-mark').first().waitFor({ timeout: 30_000 });
    // Read together: while the warm-up lasts, its question is not counted as question 1.
    const during = await page.evaluate(() => ({
      stage: document.querySelector('.warm-up-status')?.getAttribute('data-stage'),
      progress: document.querySelector('.candidate-controls .progress')?.textContent,
    }));
    assert.deepEqual(during, { stage: 'warm_up', progress: 'Before the first question' });
    await expectNoAxeViolations(page, 'interview, warm-up');
    const progress = page.locator('.candidate-controls .progress');

    // The candidate answers; the interviewer's next line starts the scored part.
    await stage.getByText('The scored interview starts now').waitFor({ timeout: 60_000 });
    const rows = await page.locator('.transcript .entry').evaluateAll((els) =>
      els.map((el) => ({ item: el.getAttribute('data-item-id'), who: el.classList.contains('interviewer') ? 'interviewer' : 'candidate', marked: !!el.querySelector('.warm-up-mark') })));
    const firstScored = rows.findIndex((r, i) => i > 0 && r.who === 'interviewer' && rows.slice(0, i).some((x) => x.who === 'candidate'));
    assert.ok(firstScored >= 2, JSON.stringify(rows));
    assert.deepEqual(rows.map((r) => r.marked), rows.map((_, i) => i < firstScored), `warm-up lines marked, scored lines not: ${JSON.stringify(rows)}`);
    await expectNoAxeViolations(page, 'interview, the scored part begins');
    await progress.getByText(/^Question 1 of about \d+$/).waitFor({ timeout: 10_000 });

    const session = host.emulator()!.calls()[0]!.session as { audio: { input: { turn_detection: Record<string, unknown> } }; instructions: string };
    assert.equal(session.audio.input.turn_detection.silence_duration_ms, EXTRA_TIME_SILENCE_MS, "the operator's extra time reached the session config");
    assert.ok(session.instructions.includes(WARM_UP_INSTRUCTION));

    await pressEnd(page);
    await waitForSummary(page, 30_000);
    const db = new Database(host.dbFile, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT extra_time, extra_time_by, warm_up FROM interview_sessions').all(), [{ extra_time: 1, extra_time_by: 'operator', warm_up: 1 }]);
      const stored = db.prepare('SELECT item_id, speaker, text FROM transcript_entries ORDER BY seq').all() as { item_id: string; speaker: 'interviewer' | 'candidate'; text: string }[];
      // The greeting asks the warm-up question (unless the candidate spoke over it: then it is cut to what was heard).
      assert.equal(stored[0]!.speaker, 'interviewer');
      assert.ok(stored[0]!.text.includes(WARM_UP_LINE) || stored[0]!.text.endsWith('…'), stored[0]!.text);
      const count = warmUpEntryCount(stored);
      // The first scored line (cut to what was heard when End came mid-sentence, marked with an ellipsis).
      const heard = stored[count]!.text.replace(/…$/, '').trim();
      assert.ok(heard !== '' && (heard.startsWith(ASSESSED_START) || ASSESSED_START.startsWith(heard)), stored[count]!.text);
      assert.equal(stored[count]!.speaker, 'interviewer');
      // What the screen marked is what the evaluation leaves out.
      assert.deepEqual(rows.slice(0, firstScored).map((r) => r.item), stored.slice(0, count).map((e) => e.item_id));
    } finally {
      db.close();
    }
    assert.deepEqual(kiosk.pageErrors, []);
  });
});
