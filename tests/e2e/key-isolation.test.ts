// The OpenAI key goes into main and never comes back: set a recognisable key through the settings screen, run
// into a live interview, then scan everything the renderer received or holds for it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Page } from 'playwright';
import { startTestWebHost } from '../support/webhost';
import { FIXTURE, openKiosk, pressEnd, startInterview, waitForSummary } from './support-interview';

interface RendererView {
  dom: string;
  inputValues: string[];
  local: string;
  session: string;
  indexedDbNames: string[];
}

// Runs in the page. A string, because tsx's name-keeping helpers (__name) do not exist in the page.
const RENDERER_VIEW_SCRIPT = `(async () => {
  const dump = (s) => JSON.stringify(Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i))])));
  const dbs = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
  return {
    dom: document.documentElement.outerHTML,
    inputValues: Array.from(document.querySelectorAll('input, textarea')).map((el) => el.value),
    local: dump(localStorage),
    session: dump(sessionStorage),
    indexedDbNames: dbs.map((d) => d.name || ''),
  };
})()`;

async function rendererView(page: Page): Promise<RendererView> {
  return (await page.evaluate(RENDERER_VIEW_SCRIPT)) as RendererView;
}

function findIn(view: RendererView, frames: string[], needle: string): string[] {
  const where: string[] = [];
  if (frames.some((f) => f.includes(needle))) where.push('a WebSocket frame to the renderer');
  if (view.dom.includes(needle)) where.push('the DOM');
  if (view.inputValues.some((v) => v.includes(needle))) where.push('an input field');
  if (view.local.includes(needle)) where.push('localStorage');
  if (view.session.includes(needle)) where.push('sessionStorage');
  if (view.indexedDbNames.some((n) => n.includes(needle))) where.push('IndexedDB');
  return where;
}

describe('key isolation', { timeout: 120_000 }, () => {
  it('the OpenAI key set in settings is never in a frame to the renderer, the DOM or browser storage', { timeout: 100_000 }, async () => {
    const canary = `sk-test-CANARY-${randomBytes(12).toString('hex')}`;
    const host = await startTestWebHost({ emulator: { userTranscripts: FIXTURE.transcripts, candidates: 'loopback' } });
    const received: string[] = [];
    const sent: string[] = [];
    const kiosk = await openKiosk(host.pageUrl, (page) => {
      page.on('websocket', (ws) => {
        ws.on('framereceived', (f) => received.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')));
        ws.on('framesent', (f) => sent.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')));
      });
    }).catch(async (e: unknown) => {
      await host.close();
      throw e;
    });
    try {
      const { page } = kiosk;
      await page.getByRole('button', { name: 'Operator settings' }).click();
      await page.getByRole('heading', { name: 'Operator settings' }).waitFor({ timeout: 10_000 });
      await page.getByLabel('Set OpenAI key').fill(canary);
      await page.getByRole('button', { name: 'Set key' }).click();
      await page.getByText('A key is set.').waitFor({ timeout: 10_000 });
      // With a key set the kiosk would go live (to OpenAI, unreachable here): stay in practice mode.
      await page.getByRole('checkbox', { name: /Practice mode/ }).check();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Settings saved.').waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Back to setup' }).click();
      await page.getByText(/^Practice mode/).waitFor({ timeout: 10_000 });

      await startInterview(page);
      await page.getByRole('status', { name: 'Connection' }).getByText('Live').waitFor({ timeout: 20_000 });
      await page.locator('ol.transcript > li.interviewer').first().waitFor({ timeout: 30_000 });
      const candidateName = (await page.locator('section.interview > p').first().innerText()).split(' — ')[0]!.trim();

      // Positive controls: the scan does find what is there.
      await page.evaluate(() => {
        localStorage.setItem('scan-probe', 'PROBE-local');
        sessionStorage.setItem('scan-probe', 'PROBE-session');
      });
      let view = await rendererView(page);
      assert.ok(candidateName.length > 0);
      assert.ok(findIn(view, received, candidateName).includes('a WebSocket frame to the renderer'), 'frames are captured');
      assert.ok(findIn(view, received, candidateName).includes('the DOM'), 'the DOM is scanned');
      assert.deepEqual(findIn(view, received, 'PROBE-local'), ['localStorage']);
      assert.deepEqual(findIn(view, received, 'PROBE-session'), ['sessionStorage']);
      assert.ok(sent.some((f) => f.includes(canary)), 'the key did go to main, once, through setOpenAIKey');
      assert.ok(received.length > 10, 'many frames came back');

      // The key itself: nowhere on the renderer side, during the interview…
      assert.deepEqual(findIn(view, received, canary), []);
      // …nor after it ended and the settings screen was shown again.
      await pressEnd(page);
      await waitForSummary(page, 30_000);
      await page.getByRole('button', { name: 'New interview' }).click();
      await page.getByRole('button', { name: 'Operator settings' }).click();
      await page.getByText('A key is set.').waitFor({ timeout: 10_000 });
      view = await rendererView(page);
      assert.deepEqual(findIn(view, received, canary), []);
      assert.deepEqual(findIn(view, received, canary.slice(-16)), [], 'not even a fragment of it');
    } finally {
      await kiosk.close();
      await host.close();
    }
  });
});
