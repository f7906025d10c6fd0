// Helpers for the interview end-to-end tests: drive the real renderer in Chromium (fake mic = the committed
// answers WAV) against the web host + practice emulator, then read what reached SQLite and the recording file.
// They wait on visible state (roles, labels, text), never on sleeps, and every wait is bounded.
import { useElectronPreload } from '../support/electron-standin';
import Database from 'better-sqlite3';
import type { RecordingRow } from '../../main/core/db/store';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright';
import { launchChromium } from '../support/chromium';
import { startTestWebHost, type TestWebHost, type TestWebHostOptions } from '../support/webhost';

export const FIXTURE_WAV = fileURLToPath(new URL('../fixtures/answers-4.wav', import.meta.url));
export const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/answers-4.json', import.meta.url), 'utf8')) as {
  transcripts: string[];
  answerStartsSec: number[];
  durationSec: number;
};

export interface Kiosk {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Errors the page logged or threw (a test can assert there were none). */
  pageErrors: string[];
  close(): Promise<void>;
}

const RENDERER_INDEX = fileURLToPath(new URL('../../dist/renderer/index.html', import.meta.url));

export async function openKiosk(url: string, beforeGoto?: (page: Page) => void | Promise<void>, micWav = FIXTURE_WAV): Promise<Kiosk> {
  if (!existsSync(RENDERER_INDEX)) throw new Error('The renderer is not built: run `npm run build:renderer` first (npm test does it).');
  const browser = await launchChromium({ fakeMicWav: micWav });
  try {
    // A fresh context is a fresh profile: no storage carries over between tests.
    const context = await browser.newContext({ permissions: ['microphone'] });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // A CSP violation means the strict policy in index.html broke something: count it as a page error.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
    });
    await beforeGoto?.(page);
    await page.goto(url);
    return {
      browser,
      context,
      page,
      pageErrors,
      close: async () => {
        await context.close().catch(() => undefined);
        await browser.close();
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Writes a silent microphone to `file`: 2 s of 16-bit mono PCM zeros (Chromium loops it), for interviews whose
 * turns come from the candidate's controls (typed answers) instead of speech. Returns the file. */
export function writeSilentWav(file: string): string {
  const rate = 48_000;
  const samples = rate * 2;
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0); buf.writeUInt32LE(36 + samples * 2, 4); buf.write('WAVE', 8);
  buf.write('fmt ', 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24); buf.writeUInt32LE(rate * 2, 28); buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34);
  buf.write('data', 36); buf.writeUInt32LE(samples * 2, 40);
  writeFileSync(file, buf);
  return file;
}

/** How the page reaches main: the web host's WebSocket, or Electron's preload and IPC (tests/support/electron-standin.ts). */
export type KioskBridgeKind = 'web-host' | 'electron-preload';
export const BRIDGES: readonly KioskBridgeKind[] = ['web-host', 'electron-preload'];

/**
 * A web host (with its practice emulator) and Chromium on it for the length of `body`; both closed afterwards.
 * `via: 'electron-preload'` puts the real preload bundle and main's IPC binding between the page and the core.
 */
export async function withKiosk<T>(
  { via = 'web-host', micWav, ...options }: TestWebHostOptions & { via?: KioskBridgeKind; /** The fake microphone (default: the answers WAV). */ micWav?: string },
  body: (ctx: { host: TestWebHost; kiosk: Kiosk }) => Promise<T>,
): Promise<T> {
  const host = await startTestWebHost(options);
  try {
    const kiosk = await openKiosk(host.pageUrl, via === 'electron-preload' ? (page) => useElectronPreload(page, host.core) : undefined, micWav);
    if (via === 'electron-preload') {
      // The page sees the preload's window.kiosk (frozen, functions only) and no trace of the IPC plumbing.
      const seen = await kiosk.page.evaluate(() => ({
        frozen: Object.isFrozen((window as unknown as { kiosk: object }).kiosk),
        plumbing: Object.keys(window).filter((k) => /ipc|standin|require/i.test(k)),
      }));
      if (!seen.frozen || seen.plumbing.length) throw new Error(`the Electron stand-in is not in place: ${JSON.stringify(seen)}`);
    }
    try {
      return await body({ host, kiosk });
    } finally {
      await kiosk.close();
    }
  } finally {
    await host.close();
  }
}

/** The disclosure screen (before the microphone opens): acknowledge the AI interviewer and the recording. */
export async function acceptDisclosure(page: Page, timeout = 20_000): Promise<void> {
  await page.getByRole('heading', { name: 'Before the interview' }).waitFor({ timeout });
  await page.getByRole('checkbox', { name: /interviewer is an AI/ }).check({ timeout });
  await page.getByRole('checkbox', { name: /agree that this interview is recorded/ }).check({ timeout });
  await page.getByRole('button', { name: 'Continue', exact: true }).click({ timeout });
}

/** Setup (first candidate and position) → disclosure and consent → pre-flight (mic opens) → Start. */
export async function startInterview(page: Page, timeout = 20_000): Promise<void> {
  await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout });
  await page.getByRole('button', { name: 'Continue to pre-flight check' }).click({ timeout });
  await acceptDisclosure(page, timeout);
  await page.getByRole('heading', { name: 'Pre-flight check' }).waitFor({ timeout });
  await page.getByRole('meter', { name: 'Microphone level' }).waitFor({ timeout });
  await page.getByRole('button', { name: 'Start interview' }).click({ timeout });
  await page.getByRole('heading', { name: 'Interview', exact: true }).waitFor({ timeout });
}

/** Presses End and confirms, by keyboard (the End button must be reachable and operable without a mouse). */
export async function pressEnd(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'End interview' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Yes, end now' }).waitFor({ timeout: 5000 });
  await page.keyboard.press('Enter'); // the confirm button takes focus
}

export async function waitForSummary(page: Page, timeout: number): Promise<void> {
  await page.getByRole('heading', { name: 'Interview finished' }).waitFor({ timeout });
}

export interface ShownEntry {
  itemId: string;
  seq: number;
  who: string;
  text: string;
  state: string;
}

/** The transcript entries the interview screen shows right now, top to bottom. */
export async function shownEntries(page: Page): Promise<ShownEntry[]> {
  return page.$$eval('ol.transcript > li', (items) =>
    items.map((li) => ({
      itemId: li.getAttribute('data-item-id') ?? '',
      seq: Number(li.getAttribute('data-seq')),
      who: li.querySelector('.who')?.textContent ?? '',
      text: li.querySelector('.text')?.textContent ?? '',
      state: li.querySelector('.state')?.textContent ?? '',
    })),
  );
}

export interface EntryRow {
  id: string;
  session_id: string;
  item_id: string;
  previous_item_id: string | null;
  seq: number;
  speaker: 'interviewer' | 'candidate';
  text: string;
  status: string;
  start_ms: number | null;
}

export interface SessionRow {
  id: string;
  status: string;
  start_time: string | null;
  end_time: string | null;
  recording_consent: number;
}

export type { RecordingRow };

export interface DbSnapshot {
  sessions: SessionRow[];
  entries: EntryRow[];
  recordings: RecordingRow[];
}

/** Reads the kiosk's database read-only (the web host keeps writing to it; WAL lets us read alongside). */
export function readDatabase(dbFile: string): DbSnapshot {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return {
      sessions: db.prepare('SELECT id, status, start_time, end_time, recording_consent FROM interview_sessions').all() as SessionRow[],
      entries: db
        .prepare('SELECT id, session_id, item_id, previous_item_id, seq, speaker, text, status, start_ms FROM transcript_entries ORDER BY session_id, seq')
        .all() as EntryRow[],
      recordings: db.prepare('SELECT session_id, file_name, bytes, chunks, finalized, start_offset_ms FROM recordings').all() as RecordingRow[],
    };
  } finally {
    db.close();
  }
}

/** Loose text match for transcripts: case, punctuation and spacing do not matter. */
export const normalise = (text: string) => text.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Decodes a recording in Chromium (WebM/Opus as MediaRecorder wrote it): its duration in seconds and the RMS of
 * each half second. The bytes go to the page as base64; decodeAudioData reads the whole stream, so a missing
 * duration header (MediaRecorder never writes one) does not matter.
 */
export async function decodeRecording(page: Page, file: string): Promise<{ durationSec: number; rmsPerHalfSecond: number[] }> {
  const base64 = readFileSync(file).toString('base64');
  return page.evaluate(async (b64) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const ctx = new OfflineAudioContext(1, 48000, 48000);
    const buffer = await ctx.decodeAudioData(bytes.buffer);
    const data = buffer.getChannelData(0);
    const win = Math.floor(buffer.sampleRate / 2);
    const rmsPerHalfSecond: number[] = [];
    for (let start = 0; start + win <= data.length; start += win) {
      let sum = 0;
      for (let i = start; i < start + win; i++) sum += data[i]! * data[i]!;
      rmsPerHalfSecond.push(Math.sqrt(sum / win));
    }
    return { durationSec: buffer.duration, rmsPerHalfSecond };
  }, base64);
}
