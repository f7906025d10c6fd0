// Accessibility in the real renderer (Chromium, web host, practice emulator):
// - axe-core (WCAG 2.1 A/AA) on every screen and interview state, in English, German, Arabic (right to left) and
//   with the high-contrast theme; focus lands on each new screen's heading;
// - a whole interview with the keyboard alone (Tab, arrows, Enter, Space), in each UI language.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright';
import { CATALOGUES } from '../../renderer/i18n';
import type { en } from '../../renderer/i18n/en';
import { expectNoAxeViolations } from '../support/axe';
import { launchChromium } from '../support/chromium';
import { startTestWebHost, type TestWebHost } from '../support/webhost';
import { FIXTURE, FIXTURE_WAV, readDatabase } from './support-interview';

const PIN = '24681357';
type Lang = 'en' | 'de' | 'ar';
/** Every catalogue has the English keys (tests/unit/renderer/i18n.test.ts), so the screens are found by their own words. */
const cat = (lang: Lang) => CATALOGUES[lang] as unknown as typeof en;

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

/** Focus moved to the new screen: on its heading, or (a PIN pad) on its first field (keyboard and screen-reader users start there). */
async function headingFocused(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ timeout: 20_000 });
  await waitFor(() => page.evaluate((n) => {
    const a = document.activeElement;
    if (a?.tagName === 'H1') return a.textContent === n;
    const h1 = a?.closest('section')?.querySelector('h1');
    return h1?.textContent === n && a?.tagName === 'INPUT';
  }, name), 5000, `focus on the screen "${name}"`);
}

/** Admin screens sit behind the operator PIN: unlock when the pad shows instead of the screen. */
async function passGate(page: Page, c: ReturnType<typeof cat>, screen: string): Promise<void> {
  const pad = page.getByRole('heading', { level: 1, name: c.pin.title, exact: true });
  await pad.or(page.getByRole('heading', { level: 1, name: screen, exact: true })).first().waitFor({ timeout: 20_000 });
  if (await pad.isVisible()) {
    await page.locator('section input').first().fill(PIN);
    await page.getByRole('button', { name: c.pin.unlock }).click();
  }
}

async function chooseLanguage(page: Page, lang: Lang): Promise<void> {
  const name = { en: 'English', de: 'Deutsch', ar: 'العربية' }[lang];
  await page.getByRole('group', { name: cat('en').app.language }).or(page.getByRole('group', { name: cat(lang).app.language })).first().getByRole('button', { name }).click();
  await waitFor(() => page.evaluate((l) => document.documentElement.lang === l, lang), 5000, `the page in ${lang}`);
  assert.equal(await page.evaluate(() => document.documentElement.dir), lang === 'ar' ? 'rtl' : 'ltr');
}

describe('accessibility (axe-core WCAG 2.1 A/AA, keyboard only)', { timeout: 900_000 }, () => {
  // One Chromium for the scans and the keyboard interviews (a context per language), started when first needed.
  let shared: Browser | null = null;
  const browser = async () => (shared ??= await launchChromium({ fakeMicWav: FIXTURE_WAV }));
  after(async () => {
    await shared?.close();
  });

  it('every screen and interview state, in en, de, ar and high contrast: 0 violations', { timeout: 600_000 }, async (t) => {
    const host: TestWebHost = await startTestWebHost({
      operatorPin: PIN,
      recovery: { reconnectDelayScale: 0.3 },
      emulator: { userTranscripts: FIXTURE.transcripts, candidates: 'loopback' },
    });
    try {
      const variants: { lang: Lang; high: boolean }[] = [
        { lang: 'en', high: false },
        { lang: 'de', high: false },
        { lang: 'ar', high: false },
        { lang: 'en', high: true },
        { lang: 'ar', high: true },
      ];
      for (const { lang, high } of variants) {
        const c = cat(lang);
        const where = (screen: string) => `${screen} [${lang}${high ? ', high contrast' : ''}]`;
        const scan = (screen: string) => expectNoAxeViolations(page, where(screen));
        const { page, errors, close } = await openPage(await browser(), host.pageUrl);
        try {
          await page.getByRole('heading', { name: cat('en').setup.title }).waitFor({ timeout: 20_000 });
          await chooseLanguage(page, lang); // the focus stays on the picker: the screen did not change
          await page.getByRole('heading', { level: 1, name: c.setup.title }).waitFor({ timeout: 5000 });
          await scan('setup with the language picker');
          if (lang === 'en' && !high) {
            // The scan can fail: a grey-on-grey line is a colour-contrast violation, named with its target.
            await page.evaluate(() => {
              const p = document.createElement('p');
              p.id = 'low-contrast-probe';
              p.textContent = 'hard to read';
              p.style.cssText = 'color:#777;background:#888';
              document.querySelector('main')?.append(p);
            });
            await assert.rejects(scan('setup with a low-contrast line'), /color-contrast[\s\S]*#low-contrast-probe/);
            await page.evaluate(() => document.getElementById('low-contrast-probe')?.remove());
          }

          // Operator: PIN pad, then settings.
          await page.getByRole('button', { name: c.setup.operatorSettings }).click();
          // The PIN pad (while the operator is still unlocked from an earlier pass, settings open at once).
          const pad = page.getByRole('heading', { level: 1, name: c.pin.title, exact: true });
          await pad.or(page.getByRole('heading', { level: 1, name: c.settings.title, exact: true })).first().waitFor({ timeout: 20_000 });
          if (await pad.isVisible()) {
            await headingFocused(page, c.pin.title);
            await scan('operator PIN pad');
            await page.locator('section input').first().fill(PIN);
            await page.getByRole('button', { name: c.pin.unlock }).click();
          }
          await headingFocused(page, c.settings.title);
          await scan('operator settings');
          await page.getByRole('button', { name: c.common.backToSetup }).first().click();
          await headingFocused(page, c.setup.title);

          // Disclosure and consent, pre-flight (with the display controls), the high-contrast theme switched on there.
          await page.getByRole('button', { name: c.setup.continue }).click();
          await headingFocused(page, c.disclosure.title);
          await scan('disclosure and consent');
          await page.getByRole('checkbox', { name: c.disclosure.ackAi }).check();
          await page.getByRole('checkbox', { name: c.disclosure.ackRecording }).check();
          await page.getByRole('button', { name: c.disclosure.accept, exact: true }).click();
          await headingFocused(page, c.preflight.title);
          await page.getByRole('meter', { name: c.preflight.micLevel }).waitFor({ timeout: 20_000 });
          if (high) {
            await page.getByRole('button', { name: c.display.highContrast }).press('Enter');
            assert.equal(await page.evaluate(() => document.documentElement.dataset.contrast), 'high');
          }
          await scan('pre-flight');
          await page.getByRole('button', { name: c.preflight.playTone }).click();
          await page.getByRole('group', { name: c.preflight.heardQuestion }).waitFor({ timeout: 10_000 });
          await scan('pre-flight, asking whether the tone was heard');

          // Interview room: connecting (the answer held back), live, reconnecting (the service refusing), live again.
          const emu = host.emulator()!;
          emu.setFaults({ answerDelayMs: 4000 });
          await page.getByRole('button', { name: c.preflight.start }).click();
          await headingFocused(page, c.interview.title);
          const connection = page.getByRole('status', { name: c.interview.connection });
          await connection.getByText(c.phase.connecting).waitFor({ timeout: 5000 });
          await scan('interview, connecting');
          emu.setFaults({ answerDelayMs: null });
          await connection.getByText(c.phase.live).waitFor({ timeout: 30_000 });
          await page.locator('ol.transcript > li.interviewer').first().waitFor({ timeout: 30_000 });
          await page.locator('.captions p').filter({ hasNotText: c.captions.empty }).waitFor({ timeout: 30_000 });
          if (high) assert.equal(await page.evaluate(() => document.documentElement.dataset.contrast), 'high', 'the theme carried into the interview');
          await scan('interview, live with captions');
          emu.setFaults({ sdpStatus: 503 });
          await emu.dropCalls('accessibility scan: reconnecting');
          await page.getByRole('status', { name: c.interview.connection }).locator('.dot.reconnecting').waitFor({ timeout: 20_000 });
          await scan('interview, reconnecting');
          emu.setFaults({ sdpStatus: null });
          await connection.getByText(c.phase.live).waitFor({ timeout: 60_000 });
          await scan('interview, live again');
          await page.getByRole('button', { name: c.interview.end }).click();
          await page.getByRole('button', { name: c.interview.endYes }).waitFor({ timeout: 5000 });
          await scan('interview, confirming the end');
          await page.getByRole('button', { name: c.interview.endYes }).click();
          await headingFocused(page, c.summary.title);
          await scan('finished: summary');

          // Back at setup the next candidate starts with the default display.
          await page.getByRole('button', { name: c.summary.newInterview }).click();
          await headingFocused(page, c.setup.title);
          assert.equal(await page.evaluate(() => document.documentElement.dataset.contrast), 'standard');

          // Review (the interview just held) and the room view.
          await page.getByRole('button', { name: c.review.open }).click();
          await passGate(page, c, c.review.title);
          await headingFocused(page, c.review.title);
          await page.locator('table.review-list tbody tr').first().waitFor({ timeout: 20_000 });
          await scan('review list');
          await page.locator('table.review-list tbody tr button').first().click();
          await page.locator('.review-split').waitFor({ timeout: 20_000 });
          await scan('review of one interview');
          await page.getByRole('button', { name: c.common.back }).first().click();
          await page.getByRole('button', { name: c.common.backToSetup }).first().click();
          await headingFocused(page, c.setup.title);
          await page.getByRole('button', { name: c.room.open }).click();
          await passGate(page, c, c.room.title);
          await headingFocused(page, c.room.title);
          await scan('room view');
          assert.deepEqual(errors, []);
          t.diagnostic(`${where('all screens')}: 0 violations`);
        } finally {
          await close();
        }
      }
    } finally {
      await host.close();
    }
  });

  // In each language. The first demo position fixes English as its interview language; for German and Arabic the
  // position without a fixed language is chosen (arrow keys in its drop-down), so the interview follows the
  // language the candidate read the notice in.
  it('a whole interview with the keyboard alone (Tab, arrows, Enter, Space) in en, de and ar; the interviewer speaks the language', { timeout: 900_000 }, async (t) => {
    const host = await startTestWebHost({ emulator: { userTranscripts: FIXTURE.transcripts, candidates: 'loopback' } });
    try {
      for (const lang of ['en', 'de', 'ar'] as const) {
        const c = cat(lang);
        const started = Date.now();
        const callsBefore = host.emulator()!.calls().length;
        const { page, errors, close } = await openPage(await browser(), host.pageUrl);
        try {
          await page.getByRole('heading', { name: cat('en').setup.title }).waitFor({ timeout: 20_000 });
          const name = { en: 'English', de: 'Deutsch', ar: 'العربية' }[lang];
          await tabTo(page, (el) => el.role === 'button' && el.name === name);
          await page.keyboard.press('Enter');
          await waitFor(() => page.evaluate((l) => document.documentElement.lang === l, lang), 5000, `the page in ${lang}`);
          if (lang !== 'en') {
            await tabTo(page, (el) => el.role === 'select' && el.name.startsWith(c.setup.position));
            for (let i = 0; i < 5 && (await selectedOption(page)) !== OPEN_LANGUAGE_POSITION; i++) await page.keyboard.press('ArrowDown');
            assert.equal(await selectedOption(page), OPEN_LANGUAGE_POSITION, 'the position without a fixed language, chosen by keyboard');
          }
          await tabTo(page, (el) => el.name === c.setup.continue);
          await page.keyboard.press('Enter');
          await headingFocused(page, c.disclosure.title);
          await tabTo(page, (el) => el.role === 'checkbox' && el.name.includes(c.disclosure.ackAi));
          await page.keyboard.press('Space');
          await tabTo(page, (el) => el.role === 'checkbox' && el.name.includes(c.disclosure.ackRecording));
          await page.keyboard.press('Space');
          await tabTo(page, (el) => el.name === c.disclosure.accept);
          await page.keyboard.press('Enter');
          await headingFocused(page, c.preflight.title);
          await page.getByRole('meter', { name: c.preflight.micLevel }).waitFor({ timeout: 20_000 });
          await tabTo(page, (el) => el.name === c.display.size_large);
          await page.keyboard.press('Space');
          assert.equal(await page.evaluate(() => document.documentElement.dataset.textSize), 'large');
          await tabTo(page, (el) => el.name === c.preflight.start);
          await page.keyboard.press('Enter');
          await headingFocused(page, c.interview.title);
          assert.equal(await page.evaluate(() => document.documentElement.dataset.textSize), 'large', 'the text size carried into the interview');
          // The answers come from the fake microphone; the interviewer closes with end_session by itself.
          await headingFocused(page, c.summary.title).catch(async () => undefined);
          await page.getByRole('heading', { level: 1, name: c.summary.title }).waitFor({ timeout: 150_000 });
          await tabTo(page, (el) => el.name === c.summary.newInterview);
          await page.keyboard.press('Enter');
          await headingFocused(page, c.setup.title);
          assert.equal(await page.evaluate(() => document.documentElement.dataset.textSize), 'normal', 'the next candidate starts at the default size');
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
        const db = readDatabase(host.dbFile);
        const session = db.sessions.at(-1)!;
        assert.equal(session.status, 'completed');
        const interviewer = db.entries.filter((e) => e.session_id === session.id && e.speaker === 'interviewer').map((e) => e.text);
        const expect = { en: /I am the AI interviewer/, de: /Ich bin der KI-Interviewer/, ar: /أنا المحاور الآلي/ }[lang];
        assert.ok(interviewer.length >= FIXTURE.transcripts.length + 1, `every question and the goodbye (${interviewer.length})`);
        const calls = host.emulator()!.calls().slice(callsBefore);
        const call = calls.at(-1)!;
        // The line as spoken on this interview's first call (the stored one may be cut short when the fixture's
        // first answer barges in; a later call after a reconnect resumes mid-interview).
        assert.match(calls[0]?.responses[0]?.text ?? '', expect, `the greeting is in ${lang}`);
        assert.match(call.instructions, new RegExp(`language code ${lang}\\b`));
        t.diagnostic(`${lang}: keyboard-only interview in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    } finally {
      await host.close();
    }
  });
});

interface Focused {
  role: string;
  name: string;
}

/** The demo position with no interview language of its own (main/core/db/seed.ts). */
const OPEN_LANGUAGE_POSITION = 'Product Designer';

/** The text of the selected option of the focused drop-down. */
async function selectedOption(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement;
    return a instanceof HTMLSelectElement ? (a.selectedOptions[0]?.textContent ?? '') : '';
  });
}

/** Presses Tab until the focused element matches (at most 80 presses); the page is driven by the keyboard only. */
async function tabTo(page: Page, match: (el: Focused) => boolean): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (!a) return { role: '', name: '' };
      const role = a.getAttribute('role') ?? (a.tagName === 'BUTTON' ? 'button' : a.tagName === 'INPUT' ? (a as HTMLInputElement).type : a.tagName.toLowerCase());
      const label = a.getAttribute('aria-label') ?? (a.closest('label')?.textContent ?? a.textContent ?? '');
      return { role, name: label.trim() };
    });
    seen.push(`${el.role}:${el.name.slice(0, 30)}`);
    if (match(el)) return;
  }
  throw new Error(`Tab never reached the element; focus went through: ${seen.join(' | ')}`);
}
