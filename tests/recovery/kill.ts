// The kill harness: the web host as a child process (the bundled `dist/web/serve.js`, as the app ships its main
// process bundled; practice emulator inside it),
// Chromium with the fake mic, an interview started, then the host SIGKILLed at random moments and restarted on
// the same port and data dir; the page's call notices, reconnects to the new host, which resumes the interview
// from SQLite. Before each kill the database is read (read-only) and the committed recording bytes copied; after
// the restart every entry committed before the kill must be there exactly once, and the recording prefix must
// decode. The interview must finish.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright';
import { DATABASE_FILE } from '../../main/web/host';
import { FIXTURE, decodeRecording, openKiosk, readDatabase, waitForSummary, type DbSnapshot } from '../e2e/support-interview';
import { startInterviewTimed } from './drive';
import { checkKept, checkTranscript, greetings } from './support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface HostProcess {
  proc: ChildProcess;
  url: string;
  output: string[];
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (clean stop); resolves when gone. */
  stop(): Promise<void>;
}

export interface HostArgs {
  port: number;
  dataDir: string;
  emulator: Record<string, unknown>;
  recovery: Record<string, unknown>;
  /** The socket token, the same for every restart: the page keeps the one it was opened with. */
  token: string;
}

const HOST_BUNDLE = join(ROOT, 'dist/web/serve.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

let bundleChecked = false;

/** The bundled host, refusing a missing or stale bundle (a stale one would test old code). Checked once, not on
 * every restart: the restart is timed. */
function hostBundle(): string {
  if (bundleChecked) return HOST_BUNDLE;
  if (!existsSync(HOST_BUNDLE)) throw new Error(`${HOST_BUNDLE} is missing: run \`npm run build:main\` (npm test does)`);
  const built = statSync(HOST_BUNDLE).mtimeMs;
  if (['main', 'preload'].some((d) => newestSource(join(ROOT, d)) > built)) {
    throw new Error(`${HOST_BUNDLE} is older than the sources in main/ or preload/: run \`npm run build:main\``);
  }
  bundleChecked = true;
  return HOST_BUNDLE;
}

/** Starts the bundled web host and waits (bounded) for its "Kiosk web host: <url>" line. */
export async function spawnHost(args: HostArgs, timeoutMs = 30_000): Promise<HostProcess> {
  const proc = spawn(
    process.execPath,
    [
      '--enable-source-maps', hostBundle(),
      '--port', String(args.port), '--data-dir', args.dataDir, '--practice',
      '--emulator-json', JSON.stringify(args.emulator), '--recovery-json', JSON.stringify(args.recovery),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KIOSK_WEB_TOKEN: args.token } },
  );
  const output: string[] = [];
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start in ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      const m = /Kiosk web host: (http:\/\/\S+)/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited (${code}) before it was ready:\n${output.join('')}`));
    });
  });
  return {
    proc,
    url,
    output,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await gone;
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    },
  };
}

/** A small seeded PRNG (mulberry32), so a failing trial's moments can be replayed from the printed seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface KillTrial {
  /** ms after the (re)connected call went live that the host was killed. */
  atMs: number;
  entriesBefore: number;
  /** Ids of the entries committed before the kill. */
  beforeIds: string[];
  losses: number;
  duplicates: number;
  problems: string[];
  /** SIGKILL → the resumed call live again in the page. */
  recoveryMs: number;
  /** The renderer's call marks after the kill (call-disconnected, call-lost, call-recovered), ms after it. */
  phases: string;
  /** SIGKILL → the new host process ready (its part of recoveryMs). */
  restartMs: number;
  /** SIGKILL → the page no longer shows the call as live (an upper bound: seen after the restart). */
  noticedMs: number;
  /** The recording bytes committed before the kill decode in Chromium (seconds decoded). */
  prefixSec: number;
  prefixBytes: number;
}

export interface KillRun {
  seed: number;
  trials: KillTrial[];
  finished: boolean;
  /** Start pressed → first call live (cold connect, the baseline for recovery_ms). */
  coldConnectMs: number;
  transcriptProblems: string[];
  greetings: number;
  finalDb: DbSnapshot;
  recordingSec: number;
  pageErrors: string[];
  hostOutput: string;
}

const connectionText = (page: Page) => page.getByRole('status', { name: 'Connection' }).textContent({ timeout: 5000 });

async function waitLive(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    () => /\bLive\b/.test(document.querySelector('[aria-label="Connection"]')?.textContent ?? ''),
    undefined,
    { timeout: timeoutMs, polling: 20 },
  );
}

async function waitNotLive(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    () => !/\bLive\b/.test(document.querySelector('[aria-label="Connection"]')?.textContent ?? ''),
    undefined,
    { timeout: timeoutMs, polling: 20 },
  );
}

/**
 * One interview with `kills` SIGKILLs of the host, each at a random moment (uniform in [minMs, maxMs] after the
 * call went live). Kills stop once the interviewer reached its closing line (the interview then just finishes).
 */
export async function runKillInterview(options: {
  kills: number;
  seed: number;
  minMs?: number;
  maxMs?: number;
  /** A prepared data dir (e.g. with a backend configured and signed in); kept afterwards. Default: a fresh temp dir. */
  dataDir?: string;
}): Promise<KillRun> {
  const random = rng(options.seed);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kiosk-kill-'));
  const port = await freePort();
  const args: HostArgs = {
    port,
    dataDir,
    emulator: { userTranscripts: FIXTURE.transcripts, candidates: 'loopback' },
    recovery: {}, // the product's own reconnect timing: recovery_ms is measured with it
    token: randomBytes(32).toString('base64url'),
  };
  let host = await spawnHost(args);
  const kiosk = await openKiosk(host.url).catch(async (e: unknown) => {
    await host.kill();
    throw e;
  });
  const dbFile = join(dataDir, DATABASE_FILE);
  const trials: KillTrial[] = [];
  let finished = false;
  try {
    const { page } = kiosk;
    const t0 = await startInterviewTimed(page);
    await waitLive(page, 30_000);
    const coldConnectMs = Date.now() - t0;
    for (let k = 0; k < options.kills; k++) {
      const atMs = Math.round((options.minMs ?? 1000) + random() * ((options.maxMs ?? 9000) - (options.minMs ?? 1000)));
      const summaryShown = await page
        .getByRole('heading', { name: 'Interview finished' })
        .waitFor({ timeout: atMs })
        .then(() => true, () => false);
      if (summaryShown) break;
      const closing = readDatabase(dbFile).entries.some((e) => /end of our interview/i.test(e.text));
      if (closing) break; // nothing left to interrupt
      // What was committed right before the kill (read-only), and the recording bytes it accounts for.
      const before = readDatabase(dbFile);
      const rec = before.recordings[0];
      const recBytes = rec ? readFileSync(join(dataDir, 'recordings', rec.file_name)).subarray(0, rec.bytes) : Buffer.alloc(0);
      const killedAt = Date.now();
      await host.kill();
      host = await spawnHost(args);
      const restartMs = Date.now() - killedAt;
      // The page notices the dead call, reconnects its socket to the new host, and resumes.
      await waitNotLive(page, 30_000).catch(() => undefined);
      const noticedMs = Date.now() - killedAt;
      await waitLive(page, 60_000);
      const recoveryMs = Date.now() - killedAt;
      const marks = await page.evaluate(() =>
        performance.getEntriesByType('mark').filter((m) => m.name.startsWith('kiosk:call-')).map((m) => [m.name.slice(6), Math.round(performance.timeOrigin + m.startTime)] as const),
      );
      const phases = marks.filter(([, at]) => at >= killedAt).map(([name, at]) => `${name} +${at - killedAt}`).join(', ');
      const after = readDatabase(dbFile);
      const kept = checkKept(before.entries, after);
      let prefixSec = 0;
      if (recBytes.length > 0) {
        const file = join(dataDir, `prefix-${k}.webm`);
        writeFileSync(file, recBytes);
        prefixSec = await decodeRecording(page, file).then((d) => d.durationSec, () => -1);
        // The recording after the restart still starts with exactly these bytes.
        const now = after.recordings[0];
        const head = now ? readFileSync(join(dataDir, 'recordings', now.file_name)).subarray(0, recBytes.length) : Buffer.alloc(0);
        if (!head.equals(recBytes)) kept.problems.push('the recording no longer starts with the bytes committed before the kill');
      }
      trials.push({ phases, restartMs, noticedMs, atMs, beforeIds: before.entries.map((e) => e.id), entriesBefore: before.entries.length, losses: kept.losses, duplicates: kept.duplicates, problems: kept.problems, recoveryMs, prefixSec, prefixBytes: recBytes.length });
    }
    await waitForSummary(page, 120_000);
    finished = true;
    const finalDb = readDatabase(dbFile);
    const recRow = finalDb.recordings[0];
    const recordingSec = recRow ? await decodeRecording(page, join(dataDir, 'recordings', recRow.file_name)).then((d) => d.durationSec, () => -1) : 0;
    return {
      seed: options.seed,
      trials,
      finished: finished && finalDb.sessions[0]?.status === 'completed',
      coldConnectMs,
      transcriptProblems: checkTranscript(finalDb.entries),
      greetings: greetings(finalDb.entries),
      finalDb,
      recordingSec,
      pageErrors: [...kiosk.pageErrors],
      hostOutput: host.output.join(''),
    };
  } catch (error) {
    const text = await connectionText(kiosk.page).catch(() => '?');
    throw new Error(`kill run (seed ${options.seed}, ${trials.length} kills done, connection "${text}") failed: ${(error as Error).message}\n--- host output ---\n${host.output.join('').slice(-3000)}`);
  } finally {
    await kiosk.close();
    await host.stop();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
