// The operator PIN in Chromium through the web host: the admin screens are unreachable without it (in the UI and
// by calling the API directly over the page's own socket), the right PIN opens them, three wrong PINs pause the
// pad — and during the pause even the right PIN is refused. An operator quit closes the web host cleanly. In kiosk
// mode the first PIN comes only from the administrator's terminal step, never from the screens.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright';
import { launchChromium } from '../support/chromium';
import { rawCall } from '../support/page-api';
import { startTestWebHost, type TestWebHost } from '../support/webhost';

const PIN = '482193';
const HOST_BUNDLE = fileURLToPath(new URL('../../dist/web/serve.js', import.meta.url));
const T = 15_000;


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
  it('not provisioned: the screens show so and cannot choose the first PIN; the terminal step provisions it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-provision-'));
    let host = await startTestWebHost({ kioskMode: true, dataDir });
    const browser = await launchChromium();
    try {
      let page = await browser.newPage();
      await page.goto(host.pageUrl);
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });
      await page.getByRole('button', { name: 'Operator settings' }).first().click();
      await page.getByRole('heading', { name: 'Operator PIN not provisioned' }).waitFor({ timeout: T });
      assert.equal(await page.locator('.pin-pad input').count(), 0, 'no PIN pad offers to choose one');
      // A page calling the API itself is refused too: main never takes a first PIN from the renderer.
      const chosen = await rawCall(page, 'setOperatorPin', { newPin: '739154' });
      assert.equal(chosen.error?.code, 'operator_locked');
      assert.match(chosen.error?.message ?? '', /--set-operator-pin/);
      assert.equal((await rawCall(page, 'setOperatorPin', { newPin: '1357' })).error?.code, 'invalid_request', 'a 4-digit PIN is refused before anything else');
      assert.equal((await rawCall(page, 'updateSettings', { voice: 'cedar' })).error?.code, 'operator_locked');
      assert.equal((await host.core.getOperatorLockState()).pinSet, false);
      await host.close();

      // The administrator's step: the bundled host with --set-operator-pin, the PIN on stdin (a weak one first).
      const cli = spawnSync(process.execPath, [HOST_BUNDLE, '--data-dir', dataDir, '--set-operator-pin'], {
        input: `123456\n${PIN}\n${PIN}\n`, encoding: 'utf8', timeout: 30_000,
      });
      assert.equal(cli.status, 0, cli.stderr + cli.stdout);
      assert.match(cli.stdout, /run of digits/);
      assert.match(cli.stdout, /Operator PIN set/);
      assert.ok(!`${cli.stdout}${cli.stderr}`.includes(PIN), 'the PIN is not echoed');

      host = await startTestWebHost({ kioskMode: true, dataDir });
      page = await browser.newPage();
      await page.goto(host.pageUrl);
      await page.getByRole('button', { name: 'Operator settings' }).first().click();
      await typePin(page, '000000');
      await page.getByText(/Wrong PIN/).waitFor({ timeout: T });
      await typePin(page, PIN);
      await page.getByRole('heading', { name: 'Operator settings' }).waitFor({ timeout: T });
      await page.getByText('1 wrong PIN was typed since the last unlock', { exact: false }).waitFor({ timeout: T });
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
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
