// Drives one practice interview in Chromium against a web host whose emulator drops calls (or has a short session
// limit), and collects what the checks need. Used by the recovery tests and the recovery benchmark.
import type { EmulatorCallInfo } from '../../main/simulator/index';
import { startTestWebHost, type TestWebHost } from '../support/webhost';
import { FIXTURE, decodeRecording, openKiosk, readDatabase, waitForSummary, type DbSnapshot } from '../e2e/support-interview';
import { join } from 'node:path';
import type { Page } from 'playwright';

/** As startInterview (tests/e2e), but returns the wall-clock time Start was pressed (for cold-connect baselines). */
export async function startInterviewTimed(page: Page, timeout = 20_000): Promise<number> {
  await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout });
  await page.getByRole('button', { name: 'Continue to pre-flight check' }).click({ timeout });
  await page.getByRole('heading', { name: 'Pre-flight check' }).waitFor({ timeout });
  await page.getByRole('meter', { name: 'Microphone level' }).waitFor({ timeout });
  await page.getByRole('checkbox', { name: /agree that this interview is recorded/ }).check({ timeout });
  const start = page.getByRole('button', { name: 'Start interview' });
  await start.waitFor({ timeout });
  const at = Date.now();
  await start.click({ timeout });
  await page.getByRole('heading', { name: 'Interview', exact: true }).waitFor({ timeout });
  return at;
}

/** Polls a condition (state outside the page: the emulator's call registry), bounded. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface DropRun {
  calls: EmulatorCallInfo[];
  db: DbSnapshot;
  drops: number;
  /** Per reconnect: ms from the page noticing the loss (its `kiosk:call-lost` mark) to the new call's first client
   * event at the emulator (the restored context going out). */
  reconnectMs: number[];
  /** Start pressed → the first call's first client event at the emulator (cold connect; baseline). */
  coldConnectMs: number | null;
  recordingSec: number;
  interviewSec: number;
  pageErrors: string[];
  logs: string[];
}

export interface DropOptions {
  /** Drop each call this long after it connects, until `drops` drops have happened. */
  dropAfterMs?: number;
  drops?: number;
  /** Emulator session limit (rollover tests). */
  sessionLimitMs?: number;
  reconnectDelayScale?: number;
  timeoutMs?: number;
}

/** One interview from Start to the summary screen; the faults are lifted once enough drops happened. */
export async function runDropInterview(options: DropOptions): Promise<DropRun> {
  const dropsWanted = options.drops ?? 0;
  const host: TestWebHost = await startTestWebHost({
    emulator: {
      userTranscripts: FIXTURE.transcripts,
      ...(options.sessionLimitMs ? { sessionLimitMs: options.sessionLimitMs } : {}),
      ...(dropsWanted > 0 ? { faults: { dropCallAfterMs: options.dropAfterMs ?? 7000 } } : {}),
    },
    recovery: { reconnectDelayScale: options.reconnectDelayScale ?? 0.05 },
  });
  const kiosk = await openKiosk(host.pageUrl).catch(async (e: unknown) => {
    await host.close();
    throw e;
  });
  try {
    const emu = host.emulator()!;
    const startAt = await startInterviewTimed(kiosk.page);
    const timeout = options.timeoutMs ?? 150_000;
    const started = Date.now();
    if (dropsWanted > 0) {
      // Calls end by the fault; once `drops` calls have closed, the rest of the interview runs undisturbed.
      const closed = () => emu.calls().filter((c) => c.closed).length;
      const finished = () => emu.calls().some((c) => c.spoken.some((s) => s.step >= 4));
      await waitUntil(() => closed() >= dropsWanted || finished(), timeout, `${dropsWanted} dropped calls`);
      emu.setFaults({ dropCallAfterMs: null });
      // A call that connected just before the fault was lifted still carries its drop timer: that counts too.
    }
    await waitForSummary(kiosk.page, Math.max(10_000, timeout - (Date.now() - started)));
    const calls = emu.calls();
    const db = readDatabase(host.dbFile);
    // Wall-clock times of the page's loss marks; the emulator runs in this process, on the same clock.
    const lost = await kiosk.page.evaluate(() =>
      performance.getEntriesByName('kiosk:call-lost').map((m) => performance.timeOrigin + m.startTime),
    );
    const reconnectMs: number[] = [];
    lost.forEach((at, i) => {
      const firstIn = calls[i + 1]?.events.find((e) => e.direction === 'in');
      if (firstIn) reconnectMs.push(Math.round(firstIn.at - at));
    });
    const firstIn = calls[0]?.events.find((e) => e.direction === 'in');
    const coldConnectMs = firstIn ? firstIn.at - startAt : null;
    const rec = db.recordings[0];
    const recordingSec = rec ? (await decodeRecording(kiosk.page, join(host.dataDir, 'recordings', rec.file_name))).durationSec : 0;
    const s = db.sessions[0]!;
    const interviewSec = s.start_time && s.end_time ? (Date.parse(s.end_time) - Date.parse(s.start_time)) / 1000 : 0;
    return {
      calls,
      db,
      drops: calls.length - 1,
      reconnectMs,
      coldConnectMs,
      recordingSec,
      interviewSec,
      pageErrors: [...kiosk.pageErrors],
      logs: [...host.logs],
    };
  } finally {
    await kiosk.close();
    await host.close();
  }
}
