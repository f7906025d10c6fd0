// Against the faithful emulator (session instructions replaced by response.create overrides, text ahead of audio,
// barge-in truncation, failed / text-only / cancelled responses): the kiosk keeps the interviewer in persona, stores
// what the candidate heard, lets the goodbye play to its end and retries turns that produced nothing audible.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIXTURE, acceptDisclosure, pressEnd, readDatabase, startInterview, waitForSummary, withKiosk } from './support-interview';
import { INTERRUPTED_MARK } from '../../main/core/transcript/reducer';

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const COMPANY = 'Northwind Robotics (demo)';
/** The demo positions (main/core/db/seed.ts) and their competencies: the setup screen picks one of them. */
const POSITIONS: Record<string, string[]> = {
  'Senior Backend Engineer': ['System design', 'Reliability and incident response', 'Mentoring', 'Clear written communication'],
  'Customer Support Lead': ['Empathy under pressure', 'Team leadership', 'Root-cause analysis', 'Process improvement'],
  'Product Designer': ['User research', 'Interaction design', 'Accessibility', 'Working with engineers'],
};

describe('Realtime fidelity (Chromium + web host + faithful emulator)', { timeout: 600_000, concurrency: false }, () => {
  it('persona greeting; AEC/NS/AGC on; after a forced reconnect the interviewer is itself; failed and text-only responses are asked again and named to the operator', { timeout: 180_000 }, async () => {
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Continue to pre-flight check' }).click();
      await acceptDisclosure(page);
      // The call's mic track as the browser configured it (getSettings), shown in the pre-flight.
      await page.getByTestId('mic-processing').getByText(/echo cancellation, noise suppression and auto gain are on/).waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Start interview' }).click();
      await page.getByRole('heading', { name: 'Interview', exact: true }).waitFor({ timeout: 20_000 });
      const emu = host.emulator()!;
      await waitFor(() => (emu.calls()[0]?.responses.length ?? 0) >= 1 && emu.calls()[0]!.responses[0]!.status !== 'in_progress', 30_000, 'the greeting');
      const greeting = emu.calls()[0]!.responses[0]!;
      assert.ok(greeting.text.includes(COMPANY), `the greeting names the company: ${greeting.text}`);
      const position = Object.keys(POSITIONS).find((p) => greeting.text.includes(p));
      assert.ok(position, `the greeting names the position: ${greeting.text}`);
      assert.ok(greeting.instructions.includes(`position of ${position}`), 'the position the session was made for');
      assert.ok(POSITIONS[position]!.some((c) => greeting.text.toLowerCase().includes(c.toLowerCase())), `first question about a listed competency: ${greeting.text}`);
      assert.match(greeting.instructions, /Northwind Robotics/, 'the session instructions were in effect for the greeting');
      await page.locator('ol.transcript > li.interviewer').first().getByText(/Northwind Robotics/).waitFor({ timeout: 20_000 });

      // Forced reconnect, then a failed response and a text-only response on the new call. The faults are armed
      // once the old call is gone, so a response the old call was still starting cannot take them.
      await emu.dropCalls('forced reconnect');
      // The operator's message list must name both; wait for each from now on (the interview may reach its summary
      // screen, which has no message list, soon after).
      const failedNotice = page.getByText(/response ended failed/).first().waitFor({ state: 'attached', timeout: 120_000 });
      const textOnlyNotice = page.getByText(/answered in text only/).first().waitFor({ state: 'attached', timeout: 120_000 }); // its retry waits a backoff first
      for (const notice of [failedNotice, textOnlyNotice]) notice.catch(() => undefined); // awaited below
      emu.setFaults({ failResponses: 1, textOnlyResponses: 1 });
      await waitFor(() => emu.calls().length >= 2, 40_000, 'a new call after the drop');
      // A faulted response the candidate's speech cancels first (a barge-in, as the looping microphone fixture may
      // speak at that moment) never reaches the client as failed or text-only: the fault is armed again.
      const armed = { failed: 1, text_only: 1 };
      const seen = (outcome: 'failed' | 'text_only', status: string) => emu.calls().slice(1).flatMap((c) => c.responses).filter((r) => r.outcome === outcome && r.status === status).length;
      await waitFor(() => {
        const later = emu.calls().slice(1).flatMap((c) => c.responses);
        for (const [outcome, key, done] of [['failed', 'failResponses', 'failed'], ['text_only', 'textOnlyResponses', 'completed']] as const) {
          const faulted = later.filter((r) => r.outcome === outcome);
          if (seen(outcome, done) === 0 && faulted.length === armed[outcome] && faulted.every((r) => r.status === 'cancelled')) {
            armed[outcome]++;
            emu.setFaults({ [key]: 1 });
          }
        }
        return seen('failed', 'failed') >= 1 && seen('text_only', 'completed') >= 1
          && later.some((r) => r.outcome === 'completed' && r.status === 'completed');
      }, 90_000, 'a failed and a text-only response reaching the client, then the interviewer speaking again');
      const later = emu.calls().slice(1).flatMap((c) => c.responses);
      for (const r of later) assert.ok(r.instructions.includes(COMPANY) && r.instructions.includes(`position of ${position}`), `after the reconnect the interviewer is still itself (${r.id})`);
      assert.ok(emu.calls().every((c) => c.instructions.includes('Evaluate these competencies')));
      await failedNotice;
      await textOnlyNotice;
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });

  it('barge-in: SQLite holds only the heard part, marked interrupted, and the next resume context does not count it as asked', { timeout: 180_000 }, async () => {
    // Question 1 plays 25 s: the candidate (the looping fixture) speaks over it.
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts, faults: { lineAudioMs: { 1: 25_000 } } } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await startInterview(page);
      const emu = host.emulator()!;
      // Everything the screen shows of each interviewer line while it plays (the caption box and the transcript
      // row), sampled every 100 ms: captions must never show a word the candidate has not heard yet.
      const shown = new Map<string, Set<string>>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const seen = await page.evaluate(() => [
            ...[...document.querySelectorAll<HTMLElement>('.captions[data-item-id]')].map((el) => [el.dataset.itemId ?? '', el.textContent ?? ''] as const),
            ...[...document.querySelectorAll<HTMLElement>('li.interviewer[data-item-id]')].map((el) => [el.dataset.itemId ?? '', el.querySelector('.text')?.textContent ?? ''] as const),
          ]).catch(() => [] as (readonly [string, string])[]);
          for (const [id, text] of seen) if (id) shown.set(id, (shown.get(id) ?? new Set()).add(text));
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      await waitFor(() => emu.calls()[0]?.responses.some((r) => r.step === 1 && r.heard !== null) ?? false, 90_000, 'a barge-in over question 1');
      const cut = emu.calls()[0]!.responses.find((r) => r.step === 1 && r.heard !== null)!;
      // The server's heard part (marked interrupted) replaces the line on screen.
      await page.locator(`li.interviewer[data-item-id="${cut.itemId!}"] .text`).getByText(/…$/).waitFor({ timeout: 20_000 });
      sampling = false;
      await sampler;
      // The reveal moves with the played audio: the greeting, heard in full, was shown growing word by word.
      const greeting = emu.calls()[0]!.responses[0]!;
      const greetingTexts = [...(shown.get(greeting.itemId!) ?? [])].filter((t) => t.trim() !== '');
      assert.ok(greetingTexts.length >= 3, `the greeting was revealed progressively (${greetingTexts.length} states)`);
      const heardWords = (cut.heard ?? '').replace(/\s+/g, ' ').trim();
      const texts = [...(shown.get(cut.itemId!) ?? [])].map((t) => t.replace(/\s*…\s*$/, '').replace(/\s+/g, ' ').trim()).filter((t) => t !== '');
      assert.ok(texts.length > 0, 'the cut line was shown while it played');
      for (const t of texts) assert.ok(heardWords.startsWith(t), `shown "${t}" but the candidate heard only "${heardWords}"`);
      assert.ok(!texts.some((t) => t.length > heardWords.length), 'never more than was heard');
      // The generated text is stored first (it arrives ahead of the audio); the truncation then replaces it.
      const expected = cut.heard ? `${cut.heard}${INTERRUPTED_MARK}` : '';
      const storedRow = () => readDatabase(host.dbFile).entries.find((e) => e.item_id === cut.itemId && e.status === 'final');
      await waitFor(() => storedRow()?.text === expected, 20_000, `the heard part "${expected}" in SQLite (now "${storedRow()?.text}")`);
      const stored = storedRow()!;
      assert.ok(stored.text.length < cut.text.length, `heard "${stored.text}" of "${cut.text}"`);
      // A reconnect now: the context replays the heard part only, never the full question.
      emu.setFaults({ lineAudioMs: {} });
      await emu.dropCalls('forced reconnect');
      await waitFor(() => emu.calls().length >= 2 && emu.calls()[1]!.context.length > 0, 40_000, 'the resumed call with its context');
      const context = emu.calls()[1]!.context.map((c) => c.text).join('\n');
      assert.ok(!context.includes(cut.text), 'the unheard question is not in the resume context');
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });

  it('a cancelled end_session does not end the interview; a long goodbye (13 s) plays to its end', { timeout: 240_000 }, async () => {
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts, faults: { cancelEndSession: 1, lineAudioMs: { 4: 13_000 } } } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await startInterview(page);
      await waitForSummary(page, 200_000);
      const emu = host.emulator()!;
      const responses = emu.calls().flatMap((c) => c.responses);
      const cancelled = responses.find((r) => r.outcome === 'cancel_end_session');
      assert.ok(cancelled, 'the closing response with the cancelled end_session call happened');
      assert.ok(responses.indexOf(cancelled) < responses.length - 1, 'the interview went on after the cancelled call');
      const closing = responses.filter((r) => r.step >= 4 && r.outcome === 'completed');
      assert.ok(closing.length >= 1, 'the interview ended only after a completed end_session');
      // The end came after the goodbye's audio had played out: its output_audio_buffer.stopped precedes the hangup.
      const last = emu.calls().at(-1)!;
      const stopped = last.events.filter((e) => e.type === 'output_audio_buffer.stopped').at(-1);
      const done = last.events.filter((e) => e.type === 'response.done').at(-1)!;
      assert.ok(stopped, 'the goodbye played to output_audio_buffer.stopped');
      assert.ok(stopped.at - done.at >= 9_000, `response.done came ${stopped.at - done.at} ms before the goodbye ended (text ahead of audio)`);
      const session = readDatabase(host.dbFile).sessions[0]!;
      assert.equal(session.status, 'completed');
      assert.ok(Date.parse(session.end_time!) >= stopped.at - 50, 'the interview ended after the goodbye had played');
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });

  it('a data channel that opens seconds after audio flows: the service hears nothing before the call has its opening', { timeout: 180_000 }, async () => {
    // The fixture speaks its first answer 8 s into the file (the mic opens at pre-flight); session.created is held
    // 12 s after the channel opens, so any audio sent before the opening would reach the emulator's voice detection.
    await withKiosk({ emulator: { userTranscripts: FIXTURE.transcripts, faults: { channelOpenDelayMs: 12_000 } } }, async ({ host, kiosk }) => {
      const { page } = kiosk;
      await startInterview(page);
      const emu = host.emulator()!;
      await waitFor(() => (emu.calls()[0]?.events.some((e) => e.direction === 'in') ?? false), 40_000, 'the opening events');
      host.emulator()!.setFaults({ channelOpenDelayMs: null });
      await waitFor(() => (emu.calls()[0]?.userTurns ?? 0) >= 1, 60_000, 'the candidate heard once the mic is released');
      const call = emu.calls()[0]!;
      const firstIn = call.events.find((e) => e.direction === 'in')!;
      const heardEarly = call.events.filter((e) => e.type === 'input_audio_buffer.speech_started' && e.at < firstIn.at);
      assert.deepEqual(heardEarly, [], 'no candidate speech reached the service before the call had its opening');
      const firstResponse = call.events.find((e) => e.type === 'response.created')!;
      assert.ok(firstResponse.at >= firstIn.at, 'the first response was the one the opening asked for, not an answer to early audio');
      assert.equal(call.responses[0]!.step, 0, 'it is the greeting');
      await pressEnd(page);
      await waitForSummary(page, 30_000);
      assert.deepEqual(kiosk.pageErrors, []);
    });
  });
});
