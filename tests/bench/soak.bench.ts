// The long-interview soak: one interview of real length, time-compressed, through the real renderer in Chromium
// (fake mic), the web host's core in a child process of its own (practice emulator inside, as in practice mode)
// and SQLite. The emulator's session limit is short, so the kiosk rolls calls over as it would every 55 minutes;
// one interview-minute is REALTIME_SESSION_LIMIT_MS / SESSION_LIMIT_MS of wall time. The interviewer's lines are
// cut short and the candidate answers in short bursts with long transcripts, so hundreds of entries come by.
// Sampled every few seconds: main's RSS (after a forced GC), the renderer's JS heap and DOM nodes (after a forced
// GC, over CDP), the renderer main thread's busy time, entries, calls. Figures:
// - memory_growth_main_mb / memory_growth_renderer_mb: growth from interview-minute 10 to the end; baseline the
//   growth over the first 10 interview-minutes of the same interview. Goal ≤ 50 MB each.
// - soak_dom_nodes: DOM nodes at the end; baseline at interview-minute 10. Bounded: the nodes added per transcript
//   entry stay what one entry's row needs (no other growth), see DOM_PER_ENTRY.
// - soak_renderer_busy_ms_per_event: the renderer main thread's busy time per reported Realtime event, at the end
//   vs the start (is the page still as quick with hundreds of entries on screen?).
// - soak_event_to_durable_p99_ms: the durable bench's measure over the last events vs the first. Goal ≤ 1.5×.
// - soak_recording_mb (the recording file at the end) beside main's RSS growth: the recording is appended chunk by
//   chunk (main/core/recording/recorder.ts, renderer/call/recorder.ts), never held whole in either process.
// - soak_entries, soak_rollovers, soak_interview_minutes (baseline: wall minutes).
// Every figure is reported whatever happened; problems are listed (BenchProblems) and the run exits non-zero.
import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright';
import { REALTIME_SESSION_LIMIT_MS } from '../../main/core/recovery/policy';
import { DATABASE_FILE } from '../../main/web/host';
import { FIXTURE, FIXTURE_WAV, openKiosk, pressEnd, readDatabase, startInterview, waitForSummary, type DbSnapshot } from '../e2e/support-interview';
import { isInterrupted } from '../../main/core/transcript/reducer';
import { checkKept } from '../recovery/support';
import { BenchProblems, metric, percentile, type BenchResults } from './metric';

const SESSION_LIMIT_MS = Number(process.env.SOAK_SESSION_LIMIT_MS ?? 150_000);
const SCALE = REALTIME_SESSION_LIMIT_MS / SESSION_LIMIT_MS; // interview-ms per wall-ms
const WANT_MINUTES = 90;
const WANT_ENTRIES = Number(process.env.SOAK_ENTRIES ?? 300);
const WANT_ROLLOVERS = 2;
const WALL_LIMIT_MS = 9 * 60_000;
const SAMPLE_EVERY_MS = 5_000;
/** The candidate's turn: this much speech, then silence until the next (one question and answer per period). */
const BURST_MS = 600;
const PERIOD_MS = 2_600;
const LINE_MAX_MS = 500;
/** Events in each p99 window (the first and the last ones of the interview). */
const P99_WINDOW = 1_500;
/** Elements one transcript row needs (li + who, text, state), and room for everything else that may come and go
 * (the message list keeps its last 50 lines): more than that is growth of something else. */
const DOM_PER_ENTRY = 4;
const DOM_OTHER = 60;
const MB = 1024 * 1024;
/** No new entry for this long: the interview has stopped (reported with what the page shows). */
const STALL_MS = 30_000;

interface MainSample {
  rss: number;
  heapUsed: number;
  durable: number[];
  calls: Record<string, number>;
}

interface Sample {
  wallMs: number;
  mainRss: number;
  mainHeap: number;
  rendererHeap: number;
  nodes: number;
  elements: number;
  rows: number;
  taskMs: number;
  entries: number;
  events: number;
  calls: Record<string, number>;
}

/** The fake mic: short speech bursts cut from the committed answers WAV, one per period (Chromium loops it). */
function burstWav(dir: string): string {
  const wav = readFileSync(FIXTURE_WAV);
  let at = 12;
  let fmt: Buffer | null = null;
  let data: Buffer | null = null;
  while (at + 8 <= wav.length) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'fmt ') fmt = wav.subarray(at + 8, at + 8 + size);
    if (id === 'data') data = wav.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  if (!fmt || !data || fmt.readUInt16LE(2) !== 1 || fmt.readUInt32LE(4) !== 48_000 || fmt.readUInt16LE(14) !== 16) {
    throw new Error(`${FIXTURE_WAV} is not 48 kHz mono 16-bit PCM`);
  }
  const bytesPerMs = 96;
  const out = Buffer.alloc(FIXTURE.answerStartsSec.length * PERIOD_MS * bytesPerMs);
  FIXTURE.answerStartsSec.forEach((startSec, i) => {
    const from = Math.round(startSec * 1000) * bytesPerMs;
    data.copy(out, i * PERIOD_MS * bytesPerMs, from, from + BURST_MS * bytesPerMs);
  });
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + out.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(96_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(out.length, 40);
  const file = join(dir, 'bursts.wav');
  writeFileSync(file, Buffer.concat([header, out]));
  return file;
}

/** What the candidate "said" per turn: answers of an interview's length (60–190 words), all different. */
function answers(count: number): string[] {
  const parts = [
    'In my last role I led a small team that rebuilt the billing service',
    'we measured every step before we changed anything',
    'the hardest part was agreeing on what done meant with the finance colleagues',
    'I wrote the migration plan and reviewed it with the operations group',
    'when the first rollout failed we rolled back within ten minutes',
    'afterwards we added checks that caught the same mistake in testing',
    'I learned to ask for help earlier and to share bad news quickly',
    'the customers noticed fewer errors on their invoices within a month',
  ];
  return Array.from({ length: count }, (_, i) => {
    const words = 60 + ((i * 37) % 121);
    const out: string[] = [`Answer ${i + 1}.`];
    // Whole sentences: an answer that ends mid-sentence makes semantic turn detection wait for more.
    for (let k = i; out.join(' ').split(' ').length < words; k++) out.push(`${parts[k % parts.length]}.`);
    return out.join(' ');
  });
}

class HostChild {
  private waiting: ((m: MainSample) => void) | null = null;
  private constructor(readonly proc: ChildProcess, readonly pageUrl: string) {
    proc.on('message', (m: { type: string } & MainSample) => {
      if (m.type === 'sample') this.waiting?.(m);
    });
  }

  static async start(dataDir: string, emulator: Record<string, unknown>): Promise<HostChild> {
    const script = fileURLToPath(new URL('./soak-host.ts', import.meta.url));
    const proc = fork(script, [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const pageUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the soak host did not start in 60 s')), 60_000);
      proc.once('exit', (code) => reject(new Error(`the soak host exited (${code}) before it was ready`)));
      proc.send({ type: 'config', dataDir, emulator });
      proc.on('message', (m: { type: string; pageUrl?: string }) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve(m.pageUrl!);
        }
      });
    });
    return new HostChild(proc, pageUrl);
  }

  sample(): Promise<MainSample> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the soak host did not answer a sample in 30 s')), 30_000);
      this.waiting = (m) => {
        clearTimeout(timer);
        this.waiting = null;
        resolve(m);
      };
      this.proc.send({ type: 'sample' });
    });
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.send({ type: 'close' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }
}

async function rendererSample(cdp: CDPSession, page: Page) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const dom = await page.evaluate(() => ({ elements: document.getElementsByTagName('*').length, rows: document.querySelectorAll('ol.transcript > li').length }));
  return { heap: m.JSHeapUsedSize ?? Number.NaN, nodes: m.Nodes ?? Number.NaN, taskMs: (m.TaskDuration ?? Number.NaN) * 1000, ...dom };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export async function run(): Promise<BenchResults> {
  const problems: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-soak-'));
  const dataDir = join(dir, 'data');
  const emulator = {
    candidates: 'loopback',
    sessionLimitMs: SESSION_LIMIT_MS,
    userTranscripts: answers(WANT_ENTRIES),
    script: { questions: WANT_ENTRIES, lineMaxMs: LINE_MAX_MS },
  };
  let host: HostChild | null = null;
  const samples: Sample[] = [];
  const durable: number[] = [];
  const snapshots: DbSnapshot[] = [];
  let recordingBytes = 0;
  let recordingRowBytes = 0;
  let finalDb: DbSnapshot | null = null;
  const t0 = Date.now();
  try {
    host = await HostChild.start(dataDir, emulator);
    const showConsole = (page: Page) => void (process.env.SOAK_LOG && page.on('console', (m) => console.log(`[page] ${m.text()}`)));
    const kiosk = await openKiosk(host.pageUrl, showConsole, burstWav(dir));
    try {
      const { page } = kiosk;
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await startInterview(page);
      const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
      const entries = () => (db.prepare('SELECT count(*) AS n FROM transcript_entries').get() as { n: number }).n;
      const started = Date.now();
      const take = async () => {
        const [main, r] = [await host!.sample(), await rendererSample(cdp, page)];
        durable.push(...main.durable);
        const s: Sample = {
          wallMs: Date.now() - started, mainRss: main.rss, mainHeap: main.heapUsed, rendererHeap: r.heap, nodes: r.nodes, elements: r.elements,
          rows: r.rows, taskMs: r.taskMs, entries: entries(), events: durable.length, calls: main.calls,
        };
        samples.push(s);
        return s;
      };
      const rollovers = (s: Sample) => s.calls.rollover ?? 0;
      const minutes = (s: Sample) => (s.wallMs * SCALE) / 60_000;
      let last = await take();
      let lastCalls = 0;
      let lastNewEntryAt = Date.now();
      while (Date.now() - started < WALL_LIMIT_MS) {
        if (last.entries >= WANT_ENTRIES && rollovers(last) >= WANT_ROLLOVERS && minutes(last) >= WANT_MINUTES) break;
        await page.waitForTimeout(SAMPLE_EVERY_MS);
        const before = last.entries;
        last = await take();
        if (last.entries !== before) lastNewEntryAt = Date.now();
        else if (Date.now() - lastNewEntryAt > STALL_MS) {
          const shown = await page.locator('main, body').first().innerText().catch(() => '');
          problems.push(`no new entry for ${STALL_MS / 1000} s; the page shows: ${shown.replace(/\s+/g, ' ').slice(0, 400)}`);
          break;
        }
        const callCount = sum(Object.values(last.calls));
        if (callCount !== lastCalls) {
          snapshots.push(readDatabase(join(dataDir, DATABASE_FILE))); // what was committed as a new call began
          lastCalls = callCount;
        }
        console.log(
          `soak ${(last.wallMs / 1000).toFixed(0)} s (${minutes(last).toFixed(0)} interview-min): ${last.entries} entries, calls ${JSON.stringify(last.calls)}, ` +
            `main RSS ${(last.mainRss / MB).toFixed(1)} MB heap ${(last.mainHeap / MB).toFixed(1)} MB, renderer heap ${(last.rendererHeap / MB).toFixed(1)} MB, ` +
            `nodes ${last.nodes} (elements ${last.elements}, rows ${last.rows}), events ${last.events}`,
        );
      }
      if (last.entries < WANT_ENTRIES) problems.push(`only ${last.entries} of ${WANT_ENTRIES} entries in ${(last.wallMs / 60_000).toFixed(1)} wall minutes`);
      if (rollovers(last) < WANT_ROLLOVERS) problems.push(`only ${rollovers(last)} of ${WANT_ROLLOVERS} rollovers`);
      if (minutes(last) < WANT_MINUTES) problems.push(`only ${minutes(last).toFixed(0)} of ${WANT_MINUTES} interview-minutes`);
      if (last.calls.reconnect || last.calls.restart) {
        const shown = await page.locator('details.log li').allTextContents().catch(() => []);
        const marks = await page.evaluate(() => performance.getEntriesByType('mark').filter((m) => /lost|disconnected|recovered/.test(m.name)).map((m) => `${m.name}@${(m.startTime / 1000).toFixed(1)}s`));
        problems.push(`unplanned calls ${JSON.stringify(last.calls)} (${marks.join(', ')}); the page's messages: ${shown.join(' | ').slice(0, 300)}`);
      }
      await pressEnd(page);
      await waitForSummary(page, 60_000);
      db.close();
      finalDb = readDatabase(join(dataDir, DATABASE_FILE));
      if (kiosk.pageErrors.length) problems.push(`page errors: ${kiosk.pageErrors.slice(0, 3).join(' | ')}`);
    } finally {
      await kiosk.close();
    }
  } catch (error) {
    problems.push(`the soak interview failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    console.error(error);
  } finally {
    await host?.close();
  }
  try {
    if (finalDb) {
      if (finalDb.sessions[0]?.status !== 'completed') problems.push(`the interview ended ${finalDb.sessions[0]?.status ?? 'missing'}`);
      // Each item stored once, seqs without gaps (the script's questions repeat here by design, so lines may too).
      const items = new Set(finalDb.entries.map((e) => e.item_id));
      if (items.size !== finalDb.entries.length) problems.push(`${finalDb.entries.length - items.size} items stored twice`);
      if (finalDb.entries.some((e, i) => e.seq !== i)) problems.push('transcript seqs have gaps or duplicates');
      // Entries committed as each new call began are all there once, their text kept; a shorter text is right only
      // for a line still playing then and cut by the candidate afterwards (it keeps what was heard, marked cut).
      for (const before of snapshots) {
        const kept = checkKept(before.entries, finalDb);
        const wrong = kept.problems.filter((p) => !/ lost text: /.test(p) || !isInterrupted(/→ "(.*)"$/s.exec(p)?.[1] ?? ''));
        if (wrong.length > 0) problems.push(`entries committed before a new call: ${wrong.slice(0, 3).join('; ')}`);
      }
      recordingRowBytes = finalDb.recordings[0]?.bytes ?? 0;
    }
    const recordings = join(dataDir, 'recordings');
    for (const f of readdirSync(recordings)) recordingBytes += statSync(join(recordings, f)).size;
    if (recordingBytes === 0 || recordingBytes !== recordingRowBytes) problems.push(`recording file ${recordingBytes} B, row ${recordingRowBytes} B`);
  } catch (error) {
    problems.push(`reading the results failed: ${(error as Error).message}`);
  } finally {
    if (process.env.SOAK_KEEP) console.log(`soak: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return report(samples, durable, recordingBytes, (Date.now() - t0) / 60_000, problems);
}

function report(samples: Sample[], durable: number[], recordingBytes: number, wallMinutes: number, problems: string[]): BenchResults {
  const nan = Number.NaN;
  const first = samples[0];
  const end = samples.at(-1);
  // Interview-minute 10: the first sample at or after it.
  const min10 = samples.find((s) => (s.wallMs * SCALE) / 60_000 >= 10);
  const growth = (pick: (s: Sample) => number, a?: Sample, b?: Sample) => (a && b ? (pick(b) - pick(a)) / MB : nan);
  const mainGrowth = growth((s) => s.mainRss, min10, end);
  const rendererGrowth = growth((s) => s.rendererHeap, min10, end);
  const window = Math.min(P99_WINDOW, Math.floor(durable.length / 3));
  const p99Start = window > 0 ? percentile(durable.slice(0, window), 99) : nan;
  const p99End = window > 0 ? percentile(durable.slice(-window), 99) : nan;
  // Busy time per event over the first and the last fifth of the samples.
  const busy = (a?: Sample, b?: Sample) => (a && b && b.events > a.events ? (b.taskMs - a.taskMs) / (b.events - a.events) : nan);
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  const busyStart = busy(samples[0], samples[fifth]);
  const busyEnd = busy(samples.at(-1 - fifth), end);
  const domPerEntry = min10 && end && end.entries > min10.entries ? (end.elements - min10.elements) / (end.entries - min10.entries) : nan;
  const rollovers = end?.calls.rollover ?? 0;
  const minutes = end ? (end.wallMs * SCALE) / 60_000 : 0;

  if (!(mainGrowth <= 50)) problems.push(`main RSS grew ${mainGrowth.toFixed(1)} MB after interview-minute 10 (goal ≤ 50)`);
  if (!(rendererGrowth <= 50)) problems.push(`renderer JS heap grew ${rendererGrowth.toFixed(1)} MB after interview-minute 10 (goal ≤ 50)`);
  if (!(p99End <= 1.5 * p99Start)) problems.push(`event_to_durable p99 ${p99End.toFixed(2)} ms at the end vs ${p99Start.toFixed(2)} ms at the start (goal ≤ 1.5×)`);
  const domAdded = min10 && end ? end.elements - min10.elements : nan;
  const entriesAdded = min10 && end ? end.entries - min10.entries : nan;
  if (!(domAdded <= DOM_PER_ENTRY * entriesAdded + DOM_OTHER)) {
    problems.push(`${domAdded} elements added with ${entriesAdded} entries (rows need ${DOM_PER_ENTRY} each, other parts at most ${DOM_OTHER})`);
  }
  if (samples.length > 0) {
    console.log(`soak samples (wall s: main RSS MB / renderer heap MB / nodes / entries): ${samples.map((s) => `${(s.wallMs / 1000).toFixed(0)}: ${(s.mainRss / MB).toFixed(0)}/${(s.rendererHeap / MB).toFixed(1)}/${s.nodes}/${s.entries}`).join(', ')}`);
  }
  console.log(`soak: ${durable.length} events timed, p99 window ${window}; recording ${(recordingBytes / MB).toFixed(2)} MB; module wall ${wallMinutes.toFixed(1)} min`);

  const results: BenchResults = {
    memory_growth_main_mb: metric(mainGrowth, 'MB', growth((s) => s.mainRss, first, min10), 'main RSS after GC, minute 10 → end; baseline minutes 0 → 10; goal ≤ 50'),
    memory_growth_renderer_mb: metric(rendererGrowth, 'MB', growth((s) => s.rendererHeap, first, min10), 'renderer JS heap after GC, minute 10 → end; baseline 0 → 10; goal ≤ 50'),
    soak_dom_nodes: metric(end?.nodes ?? nan, 'nodes', min10?.nodes ?? null, `end vs minute 10; ${domPerEntry.toFixed(2)} elements per added entry (row = ${DOM_PER_ENTRY})`),
    soak_renderer_busy_ms_per_event: metric(busyEnd, 'ms', busyStart, 'renderer main-thread time per event, last fifth vs first fifth'),
    soak_event_to_durable_p99_ms: metric(p99End, 'ms', p99Start, `last ${window} events vs first ${window}; goal ≤ 1.5×`),
    soak_recording_mb: metric(recordingBytes / MB, 'MB', null, `streamed to disk; main RSS grew ${mainGrowth.toFixed(1)} MB meanwhile`),
    soak_entries: metric(end?.entries ?? 0, 'entries', null, `goal ≥ ${WANT_ENTRIES}`),
    soak_rollovers: metric(rollovers, 'rollovers', null, `goal ≥ ${WANT_ROLLOVERS}`),
    soak_interview_minutes: metric(minutes, 'min', end ? end.wallMs / 60_000 : null, `equivalent (session limit ${SESSION_LIMIT_MS / 1000} s = 60 min); baseline wall minutes; goal ≥ ${WANT_MINUTES}`),
  };
  if (problems.length > 0) throw new BenchProblems(results, problems);
  return results;
}
