// The real Electron shell, driven by Playwright's _electron (experimental; it needs the unpackaged app because
// release builds turn the inspect fuse off). It runs wherever an Electron binary exists (tests/support/electron.ts)
// and reports each test SKIPPED, with what is missing, where none does — never as passed.
//
// Kiosk run: a fresh --user-data-dir, Chromium's fake microphone playing the committed answers WAV, practice
// mode (no key): the candidate completes a practice interview through the UI; the window is a kiosk window, no
// menu, DevTools closed; the operator chooses the first PIN, quits from the admin screen, and the process exits
// with the operator exit code. Recruiter run: an ordinary window.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright';
import { EXIT_CODES } from '../../main/electron/kiosk';
import { FIXTURE_WAV, startInterview, waitForSummary } from '../e2e/support-interview';
import { findElectronBinary } from '../support/electron';

const root = new URL('../..', import.meta.url).pathname;
const binary = findElectronBinary();
const skip = 'path' in binary ? false : `no Electron binary: ${binary.missing}`;
const T = 20_000;

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((ok) => {
    if (child.exitCode !== null) ok(child.exitCode);
    else child.once('exit', (code) => ok(code));
  });
}

async function launch(mode: '--kiosk' | '--recruiter', userDataDir: string): Promise<{ app: ElectronApplication; page: Page }> {
  if (!('path' in binary)) throw new Error('unreachable: skipped without a binary');
  const { electronSqliteBinding } = (await import('../../scripts/electron-native.mjs' as string)) as { electronSqliteBinding(): string };
  const app = await electron.launch({
    executablePath: binary.path,
    args: [
      root,
      mode,
      `--user-data-dir=${userDataDir}`,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${FIXTURE_WAV}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
    env: { ...process.env, KIOSK_SQLITE_BINDING: electronSqliteBinding(), KIOSK_MODE: '', KIOSK_SUPERVISED: '1' },
    timeout: 60_000,
  });
  const page = await app.firstWindow({ timeout: 60_000 });
  return { app, page };
}

const windowFacts = (app: ElectronApplication) =>
  app.evaluate(({ BrowserWindow, Menu }) => {
    const w = BrowserWindow.getAllWindows()[0]!;
    return {
      windows: BrowserWindow.getAllWindows().length,
      kiosk: w.isKiosk(),
      fullscreen: w.isFullScreen(),
      devToolsOpen: w.webContents.isDevToolsOpened(),
      menu: Menu.getApplicationMenu() !== null,
      url: w.webContents.getURL(),
    };
  });

describe('Electron shell (_electron)', () => {
  before(() => {
    if (skip) return;
    // The app runs from dist/ with Electron's own better-sqlite3 build (prepared once, kept in .cache).
    for (const [cmd, args] of [
      ['npm', ['run', '--silent', 'build']],
      [process.execPath, ['scripts/prepare-electron-native.mjs']],
    ] as const) {
      const r = spawnSync(cmd, [...args], { cwd: root, stdio: ['ignore', 2, 2] }); // to stderr: stdout is the test runner's report channel
      assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed`);
    }
  });

  it('kiosk mode: a practice interview completes through the UI; kiosk window, no menu, DevTools closed; operator quit exits with its code', { skip, timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-electron-'));
    let app: ElectronApplication | null = null;
    try {
      const launched = await launch('--kiosk', dir);
      app = launched.app;
      const { page } = launched;
      const facts = await windowFacts(app);
      assert.deepEqual(facts, { windows: 1, kiosk: true, fullscreen: true, devToolsOpen: false, menu: false, url: 'app://kiosk/index.html' });
      assert.equal(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require), 'undefined', 'no Node in the page');
      assert.equal(await page.evaluate(() => typeof (window as unknown as { kiosk?: unknown }).kiosk), 'object', 'the preload bridge');

      await startInterview(page, T);
      await waitForSummary(page, 180_000);
      assert.equal((await windowFacts(app)).devToolsOpen, false);

      // Operator: first admin visit in kiosk mode chooses the PIN, then quits.
      await page.getByRole('button', { name: 'New interview' }).click();
      await page.getByRole('button', { name: 'Operator settings' }).first().click();
      await page.getByRole('heading', { name: 'Choose an operator PIN' }).waitFor({ timeout: T });
      for (const pin of ['482193', '482193']) {
        const field = page.locator('.pin-pad input');
        await field.focus();
        await page.keyboard.type(pin);
        await page.keyboard.press('Enter');
      }
      await page.getByRole('heading', { name: 'Operator PIN and quitting' }).waitFor({ timeout: T });
      const child = app.process();
      const exited = exitOf(child);
      await page.getByRole('button', { name: 'Quit the kiosk…' }).click();
      await page.getByRole('button', { name: 'Yes, quit' }).click();
      assert.equal(await exited, EXIT_CODES.operatorQuit);
      app = null;

      const db = new Database(join(dir, 'kiosk.sqlite'), { readonly: true });
      try {
        const sessions = db.prepare('SELECT status FROM interview_sessions').all() as { status: string }[];
        assert.deepEqual(sessions.map((s) => s.status), ['completed']);
        const entries = db.prepare("SELECT count(*) AS n FROM transcript_entries WHERE status = 'final'").get() as { n: number };
        assert.ok(entries.n >= 3, `${entries.n} final transcript entries`);
      } finally {
        db.close();
      }
    } finally {
      if (app) app.process().kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recruiter mode: an ordinary window (not kiosk, not fullscreen), DevTools closed, closes with exit code 0', { skip, timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-electron-'));
    let app: ElectronApplication | null = null;
    try {
      const launched = await launch('--recruiter', dir);
      app = launched.app;
      await launched.page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: T });
      const facts = await windowFacts(app);
      assert.equal(facts.kiosk, false);
      assert.equal(facts.fullscreen, false);
      assert.equal(facts.devToolsOpen, false);
      const exited = exitOf(app.process());
      await app.close();
      app = null;
      assert.equal(await exited, EXIT_CODES.ok);
    } finally {
      if (app) app.process().kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
