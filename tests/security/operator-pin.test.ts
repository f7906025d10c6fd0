// The operator PIN in Chromium through the web host: the admin screens are unreachable without it (in the UI and
// by calling the API directly over the page's own socket), the right PIN opens them, three wrong PINs pause the
// pad — and during the pause even the right PIN is refused. An operator quit closes the web host cleanly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright';
import { launchChromium } from '../support/chromium';
import { startTestWebHost, type TestWebHost } from '../support/webhost';

const PIN = '482193';
const T = 15_000;

/** Calls the KioskApi over a fresh same-origin WebSocket from inside the page, bypassing the UI (with the socket
 * token the page keeps, as any script in the page could). */
function rawCall(page: Page, method: string, payload?: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  return page.evaluate(
    ({ method, payload }) =>
      new Promise((ok, fail) => {
        const ws = new WebSocket(`ws://${location.host}/kiosk`, ['kiosk', `kiosk-token.${sessionStorage.getItem('kiosk-web-token')}`]);
        const timer = setTimeout(() => fail(new Error('no reply')), 5000);
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, method, payload }));
        ws.onmessage = (m) => {
          const msg = JSON.parse(String(m.data));
          if (msg.id !== 1) return;
          clearTimeout(timer);
          ws.close();
          ok(msg.result);
        };
        ws.onerror = () => fail(new Error('socket error'));
      }),
    { method, payload },
  );
}

async function typePin(page: Page, pin: string) {
  const field = page.locator('input').and(page.getByLabel('Operator PIN', { exact: true }));
  await field.waitFor({ timeout: T });
  await field.focus();
  await page.keyboard.type(pin);
  await page.keyboard.press('Enter');
}

describe('operator PIN (Chromium, web host)', () => {
  let host: TestWebHost;
  let browser: Browser;
  let page: Page;

  before(async () => {
    host = await startTestWebHost();
    await host.core.setOperatorPin({ newPin: PIN });
    await host.core.lockOperator();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(host.pageUrl);
    await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });
  });

  after(async () => {
    await browser?.close();
    await host?.close();
  });

  it('without the PIN: the settings and operator screens show only the PIN pad, and the API refuses admin requests', async () => {
    await page.getByRole('button', { name: 'Operator settings' }).first().click();
    await page.getByRole('heading', { name: 'Operator PIN' }).waitFor({ timeout: T });
    assert.equal(await page.getByRole('heading', { name: 'Operator settings' }).count(), 0);
    assert.equal(await page.getByLabel('Set OpenAI key').count(), 0, 'no key field behind the pad');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });

    const direct = await rawCall(page, 'updateSettings', { practiceMode: false });
    assert.equal(direct.ok, false);
    assert.equal(direct.error?.code, 'operator_locked');
    assert.equal((await host.core.getSettings()).practiceMode, true, 'nothing changed');
    const key = await rawCall(page, 'setOpenAIKey', { key: 'sk-test-abcdefghijklmnopqrstuvwxyz' });
    assert.equal(key.error?.code, 'operator_locked');
    assert.equal((await host.core.getSettings()).hasOpenAIKey, false);
    const quit = await rawCall(page, 'quitApp');
    assert.equal(quit.error?.code, 'operator_locked');
  });

  it('the right PIN (typed, Enter) opens the settings with the operator panel; Lock now closes them again', async () => {
    await page.getByRole('button', { name: 'Operator settings' }).first().click();
    await typePin(page, PIN);
    await page.getByRole('heading', { name: 'Operator settings' }).waitFor({ timeout: T });
    await page.getByRole('heading', { name: 'Operator PIN and quitting' }).waitFor({ timeout: T });
    await page.getByRole('button', { name: 'Lock now' }).click();
    await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });
    assert.equal((await host.core.getOperatorLockState()).unlocked, false);
  });

  it('three wrong PINs pause the pad; during the pause the right PIN is refused too', async () => {
    await page.getByRole('button', { name: 'Operator settings' }).first().click();
    await typePin(page, '000000');
    await page.getByText('Wrong PIN. 2 tries left before a pause.').waitFor({ timeout: T });
    await typePin(page, '111111');
    await page.getByText('Wrong PIN. 1 try left before a pause.').waitFor({ timeout: T });
    await typePin(page, '222222');
    await page.getByText(/The PIN pad is paused for \d+ s/).waitFor({ timeout: T });
    assert.equal(await page.locator('input').and(page.getByLabel('Operator PIN', { exact: true })).isDisabled(), true, 'the pad is disabled while paused');
    await assert.rejects(host.core.unlockOperator({ pin: PIN }), (e: { code?: string }) => e.code === 'too_many_attempts');
    const direct = await rawCall(page, 'unlockOperator', { pin: PIN });
    assert.equal(direct.error?.code, 'too_many_attempts');
    assert.equal(await page.getByRole('heading', { name: 'Operator settings' }).count(), 0);
    const state = await host.core.getOperatorLockState();
    assert.ok(state.retryInMs > 20_000 && state.retryInMs <= 30_000, `paused ${state.retryInMs} ms`);
  });
});

describe('operator quit (web host)', () => {
  it('quitApp after the PIN closes the host cleanly', async () => {
    const host = await startTestWebHost();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(host.pageUrl);
      await page.getByRole('button', { name: 'Operator settings' }).first().click();
      // Recruiter desk, first run: no PIN yet, so the screen opens and invites the operator to choose one.
      await page.getByText('No operator PIN is set').waitFor({ timeout: T });
      await page.getByRole('button', { name: 'Quit the kiosk…' }).click();
      await page.getByRole('button', { name: 'Yes, quit' }).click();
      await page.getByText('The kiosk is closing…').waitFor({ timeout: T });
      await host.closed;
      await assert.rejects(fetch(host.url), 'the HTTP server no longer listens');
    } finally {
      await browser.close();
      await host.close();
    }
  });
});

describe('first run in kiosk mode (web host with kiosk rules)', () => {
  it('admin stays closed until the operator chooses a PIN (typed twice); then the settings open', async () => {
    const host = await startTestWebHost({ kioskMode: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(host.pageUrl);
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });
      const direct = await rawCall(page, 'updateSettings', { voice: 'cedar' });
      assert.equal(direct.error?.code, 'operator_locked');
      assert.match(direct.error?.message ?? '', /none is set/);

      await page.getByRole('button', { name: 'Operator settings' }).first().click();
      await page.getByRole('heading', { name: 'Choose an operator PIN' }).waitFor({ timeout: T });
      const field = page.locator('.pin-pad input');
      const enter = async (pin: string) => {
        await field.focus();
        await page.keyboard.type(pin);
        await page.keyboard.press('Enter');
      };
      await enter('1357');
      await page.getByText('The same PIN again').waitFor({ timeout: T });
      await enter('1358');
      await page.getByText('The two PINs differ. Choose the PIN again.').waitFor({ timeout: T });
      assert.equal((await host.core.getOperatorLockState()).pinSet, false, 'a mismatch sets nothing');
      await enter('1357');
      await enter('1357');
      await page.getByRole('heading', { name: 'Operator settings' }).waitFor({ timeout: T });
      const state = await host.core.getOperatorLockState();
      assert.equal(state.pinSet, true);
      assert.equal(state.unlocked, true);
      // Leaving the admin screen in kiosk mode locks it at once.
      await page.getByRole('button', { name: 'Back to setup' }).click();
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });
      await page.waitForFunction(
        () => new Promise<boolean>((ok) => {
          const ws = new WebSocket(`ws://${location.host}/kiosk`, ['kiosk', `kiosk-token.${sessionStorage.getItem('kiosk-web-token')}`]);
          ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'getOperatorLockState' }));
          ws.onmessage = (m) => {
            ws.close();
            ok(JSON.parse(String(m.data)).result?.value?.unlocked === false);
          };
        }),
        undefined,
        { timeout: T },
      );
    } finally {
      await browser.close();
      await host.close();
    }
  });
});
