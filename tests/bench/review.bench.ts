// The review workspace's two reads on a recruiter's desktop that has kept a year of interviews.
// review_list_ms: the first page of the interview list with 10,000 stored sessions (30 entries each, most
//   evaluated, some dismissed), through the core's real call (the validated dispatcher the page's socket reaches).
//   Baseline, same run, same database: the bare SQL for the same page of rows (sessions joined to candidate and
//   position, newest first, LIMIT) — no review state, no entry counts, no total.
// review_list_page_ms: a later page (reached by following the list's cursor 50 pages deep) — paging must not
//   get slower the deeper the recruiter goes. Baseline: the same bare SQL with OFFSET for that page.
// review_open_ms: one interview of 300 entries with its evaluation, through the core's real call. Baseline: the bare
//   SQL reads of its session row, its 300 entries and its evaluation row.
// review_list_render_ms / review_open_render_ms: the same two in the real renderer in Chromium (web host on the
//   same database): from the click to the list's first page on screen, and from the click on an interview to its
//   300 lines and its evaluation on screen. Baseline, same browser: the same rows as static HTML (page.setContent).
// The data is written straight into SQLite in one transaction (fast), in a temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InterviewList } from '../../preload/contract';
import { createKioskService } from '../../main/core/api/service';
import { openDatabase, type KioskDatabase } from '../../main/core/db/database';
import { memoryCredentialStore } from '../../main/core/settings/credentials';
import { memorySecretStore, memorySettingsStore } from '../../main/core/settings/types';
import { launchChromium } from '../support/chromium';
import { startTestWebHost } from '../support/webhost';
import { BenchProblems, median, metric, type BenchResults } from './metric';

const SESSIONS = 10_000;
const ENTRIES_PER_SESSION = 30;
const OPEN_ENTRIES = 300;
const PAGE = 100;
const DEEP_PAGES = 50;
const RUNS = 15;
const RENDER_RUNS = 5;
const COMPETENCIES = ['System design', 'Reliability', 'Mentoring', 'Written communication'];

interface Seeded {
  openId: string;
}

/** UUID-shaped ids in insertion order: the seed appends to each index instead of scattering over it. */
let idCounter = 0;
const nextId = () => `00000000-0000-4000-8000-${(++idCounter).toString(16).padStart(12, '0')}`;

/** A year of interviews written straight into SQLite (one transaction). */
function seed(db: KioskDatabase): Seeded {
  db.pragma('cache_size = -131072'); // 128 MB while seeding
  const at = new Date().toISOString();
  const tenantId = nextId();
  const ins = {
    tenant: db.prepare(`INSERT INTO tenants (id, name, demo, created_at, updated_at) VALUES (?, 'Bench Ltd', 1, ?, ?)`),
    position: db.prepare(`INSERT INTO positions (id, tenant_id, title, competencies, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`),
    candidate: db.prepare(`INSERT INTO candidates (id, tenant_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`),
    session: db.prepare(`INSERT INTO interview_sessions (id, tenant_id, candidate_id, position_id, status, recording_consent, start_time,
      end_time, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`),
    entry: db.prepare(`INSERT INTO transcript_entries (id, session_id, item_id, seq, speaker, text, start_ms, status, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'final', ?, ?)`),
    job: db.prepare(`INSERT INTO evaluation_jobs (session_id, rubric_version, state, attempts, created_at, updated_at) VALUES (?, 'competency-4.v1', ?, 1, ?, ?)`),
    evaluation: db.prepare(`INSERT INTO evaluations (id, session_id, rubric_version, rubric, model, outcome, session_reasons, competencies, created_at)
      VALUES (?, ?, 'competency-4.v1', '{"version":"competency-4.v1","levels":[]}', 'practice-evaluator', ?, '[]', ?, ?)`),
    dismissal: db.prepare(`INSERT INTO session_dismissals (session_id, id, reason, created_at) VALUES (?, ?, 'Wrong candidate at the kiosk.', ?)`),
    recording: db.prepare(`INSERT INTO recordings (session_id, file_name, bytes, chunks, finalized, created_at, updated_at) VALUES (?, ?, 1048576, 60, 1, ?, ?)`),
  };
  const positions = Array.from({ length: 20 }, (_, i) => ({ id: nextId(), title: `Position ${i + 1}` }));
  const candidates = Array.from({ length: 2_000 }, (_, i) => ({ id: nextId(), name: `Candidate ${String(i + 1).padStart(4, '0')}` }));
  const competencies = (level: number | null, entryId: string) => JSON.stringify(COMPETENCIES.map((competency) => ({
    competency, level, rationale: 'Two or three sentences on what the answers showed.', insufficient: null,
    evidence: level === null ? [] : [{ entryId, quote: 'a quote from the answer', startMs: 25_000 }],
  })));
  const yearStart = Date.now() - 365 * 86_400_000;
  let openId = '';
  db.transaction(() => {
    ins.tenant.run(tenantId, at, at);
    for (const p of positions) ins.position.run(p.id, tenantId, p.title, JSON.stringify(COMPETENCIES), at, at);
    for (const c of candidates) ins.candidate.run(c.id, tenantId, c.name, at, at);
    for (let i = 0; i < SESSIONS; i++) {
      const id = nextId();
      const created = new Date(yearStart + Math.floor((i / SESSIONS) * 365 * 86_400_000)).toISOString();
      const ended = new Date(Date.parse(created) + 20 * 60_000).toISOString();
      const status = i % 50 === 7 ? 'failed' : 'completed';
      ins.session.run(id, tenantId, candidates[i % candidates.length]!.id, positions[i % positions.length]!.id, status, created, ended, created, ended);
      const entries = i === SESSIONS - 1 ? OPEN_ENTRIES : ENTRIES_PER_SESSION;
      let firstAnswer = '';
      for (let e = 0; e < entries; e++) {
        const entryId = nextId();
        if (e === 1) firstAnswer = entryId;
        const speaker = e % 2 ? 'candidate' : 'interviewer';
        const text = speaker === 'candidate'
          ? `Answer ${e}: in my last role I owned the design of a service and the reviews that kept it reliable for our customers.`
          : `Question ${e}: tell me about a time you had to make a hard call.`;
        ins.entry.run(entryId, id, `item_${e}`, e, speaker, text, e * 12_000, created, created);
      }
      ins.recording.run(id, `${id}.webm`, created, created);
      if (i % 10 < 8 || i === SESSIONS - 1) {
        ins.job.run(id, 'done', ended, ended);
        ins.evaluation.run(nextId(), id, i % 10 === 0 ? 'insufficient_evidence' : 'assessed', competencies(i % 10 === 0 ? null : 1 + (i % 4), firstAnswer), ended);
      } else if (i % 10 === 8) {
        ins.job.run(id, i % 20 === 8 ? 'failed' : 'queued', ended, ended);
      }
      if (i % 50 === 3) ins.dismissal.run(id, nextId(), ended);
      if (i === SESSIONS - 1) openId = id;
    }
  })();
  db.pragma('cache_size = -2000'); // SQLite's default again: the figures are measured as the app runs
  db.pragma('optimize');
  return { openId };
}

function timeRuns<T>(fn: () => T | Promise<T>): Promise<{ ms: number; last: T }> {
  return (async () => {
    const times: number[] = [];
    let last!: T;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      last = await fn();
      times.push(performance.now() - t0);
    }
    return { ms: median(times), last };
  })();
}

export async function run(): Promise<BenchResults> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-review-bench-'));
  const db = openDatabase(join(dir, 'kiosk.sqlite'));
  const service = createKioskService({
    db, dataDir: dir, settings: memorySettingsStore({ practiceMode: true }), secrets: memorySecretStore(), credentials: memoryCredentialStore(),
    evaluation: { manual: true },
  });
  const results: BenchResults = {};
  const problems: string[] = [];
  try {
    const t0 = performance.now();
    const { openId } = seed(db);
    console.log(`seeded ${SESSIONS} sessions (${ENTRIES_PER_SESSION} entries each, one of ${OPEN_ENTRIES}) in ${(performance.now() - t0).toFixed(0)} ms`);
    const call = async <T>(method: string, payload: unknown): Promise<T> => {
      const r = await service.dispatch(method as never, payload as never);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as T;
    };

    // --- the first page of the list
    const bare = db.prepare(`SELECT s.*, c.name AS candidate_name, p.title AS position_title FROM interview_sessions s
      JOIN candidates c ON c.id = s.candidate_id JOIN positions p ON p.id = s.position_id
      ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?`);
    const baseFirst = await timeRuns(() => bare.all(PAGE, 0) as { id: string }[]);
    const first = await timeRuns(() => call<InterviewList>('listInterviews', { limit: PAGE }));
    if (first.last.total !== SESSIONS) problems.push(`the list counts ${first.last.total} interviews, not ${SESSIONS}`);
    const same = (a: { id: string }[], b: InterviewList) => a.length === b.items.length && a.every((r, i) => r.id === b.items[i]!.session.id);
    if (!same(baseFirst.last, first.last)) problems.push('the first page differs from the bare query\'s rows');
    if (first.last.items.some((i) => i.entries !== ENTRIES_PER_SESSION && i.session.id !== openId)) problems.push('an entry count is wrong');
    results.review_list_ms = metric(first.ms, 'ms', baseFirst.ms, `first ${PAGE} of ${SESSIONS} sessions with review state, entry counts and total, via dispatch; baseline bare SQL page; median of ${RUNS}`);

    // --- a page deep in the list, by the list's own cursor
    let cursor: string | null | undefined = first.last.nextCursor;
    for (let p = 1; p < DEEP_PAGES && cursor; p++) cursor = (await call<InterviewList>('listInterviews', { limit: PAGE, cursor })).nextCursor;
    if (!cursor) problems.push(`the list's cursor ran out before page ${DEEP_PAGES + 1}`);
    const offset = DEEP_PAGES * PAGE;
    const baseDeep = await timeRuns(() => bare.all(PAGE, offset) as { id: string }[]);
    const deep = await timeRuns(() => call<InterviewList>('listInterviews', { limit: PAGE, cursor }));
    if (!same(baseDeep.last, deep.last)) problems.push(`page ${DEEP_PAGES + 1} by cursor differs from the bare query at OFFSET ${offset}`);
    results.review_list_page_ms = metric(deep.ms, 'ms', baseDeep.ms, `page ${DEEP_PAGES + 1} by cursor; baseline bare SQL with OFFSET ${offset}; median of ${RUNS}`);

    // --- one interview of 300 entries
    const bareSession = db.prepare('SELECT * FROM interview_sessions WHERE id = ?');
    const bareEntries = db.prepare('SELECT * FROM transcript_entries WHERE session_id = ? ORDER BY seq');
    const bareEvaluation = db.prepare('SELECT * FROM evaluations WHERE session_id = ?');
    const baseOpen = await timeRuns(() => ({ s: bareSession.get(openId), e: bareEntries.all(openId), ev: bareEvaluation.get(openId) }));
    const open = await timeRuns(() => call<{ summary: { entries: unknown[] }; evaluation: unknown }>('getInterview', { sessionId: openId }));
    if (open.last.summary.entries.length !== OPEN_ENTRIES) problems.push(`the interview opened with ${open.last.summary.entries.length} entries, not ${OPEN_ENTRIES}`);
    if (!open.last.evaluation) problems.push('the opened interview has no evaluation');
    results.review_open_ms = metric(open.ms, 'ms', baseOpen.ms, `${OPEN_ENTRIES} entries + evaluation via dispatch; baseline bare SQL reads; median of ${RUNS}`);
    await service.close();
    db.close(); // the web host opens the same file next

    await renderFigures(dir, results, problems);
    for (const [name, m] of Object.entries(results)) console.log(`${name}: ${m.value.toFixed(2)} ms (baseline ${m.baseline!.toFixed(2)} ms, ratio ${m.ratio!.toFixed(1)})`);
  } finally {
    await service.close();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (problems.length) throw new BenchProblems(results, problems);
  return results;
}

/** The list and the interview page in the real renderer, through the web host on the seeded database. */
async function renderFigures(dir: string, results: BenchResults, problems: string[]): Promise<void> {
  const host = await startTestWebHost({ dataDir: dir });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(host.pageUrl);
    await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 30_000 });
    const rows = page.locator('table.review-list tbody tr');
    const lines = page.locator('ol.transcript > li');
    const listTimes: number[] = [];
    const openTimes: number[] = [];
    let shownRows = 0;
    let shownLines = 0;
    for (let i = 0; i < RENDER_RUNS; i++) {
      let t0 = performance.now();
      await page.getByRole('button', { name: 'Past interviews' }).click();
      await rows.first().waitFor({ timeout: 30_000 });
      listTimes.push(performance.now() - t0);
      shownRows = await rows.count();
      t0 = performance.now();
      await rows.first().getByRole('button').click();
      await page.locator('article.competency').first().waitFor({ timeout: 30_000 });
      await lines.nth(OPEN_ENTRIES - 1).waitFor({ timeout: 30_000 });
      openTimes.push(performance.now() - t0);
      shownLines = await lines.count();
      await page.getByRole('button', { name: 'Back', exact: true }).click();
      await page.getByRole('button', { name: 'Back to setup' }).click();
      await page.getByRole('heading', { name: 'New interview' }).waitFor({ timeout: 30_000 });
    }
    if (shownLines !== OPEN_ENTRIES) problems.push(`the interview page showed ${shownLines} lines, not ${OPEN_ENTRIES}`);

    // Baselines: the same number of rows and lines as static HTML, rendered by the same browser.
    const bare = await browser.newPage();
    const staticTimes = async (html: string, selector: string) => {
      const times: number[] = [];
      for (let i = 0; i < RENDER_RUNS; i++) {
        const t0 = performance.now();
        await bare.setContent(html);
        await bare.locator(selector).waitFor();
        times.push(performance.now() - t0);
      }
      return median(times);
    };
    const tr = Array.from({ length: shownRows }, (_, i) => `<tr><td><button>Candidate ${i}</button></td><td>Position</td><td>1/1/2026</td><td>completed</td><td>Assessed</td></tr>`).join('');
    const li = Array.from({ length: OPEN_ENTRIES }, (_, i) => `<li><button>00:${String(i % 60).padStart(2, '0')}</button> <strong>Candidate:</strong> Answer ${i}: in my last role I owned the design of a service.</li>`).join('');
    const arts = COMPETENCIES.map((c) => `<article><h3>${c}: 3</h3><p>Rationale.</p><ul><li><button>“a quote”</button></li></ul></article>`).join('');
    const baseList = await staticTimes(`<table><tbody>${tr}</tbody></table><p id="end">end</p>`, '#end');
    const baseOpen = await staticTimes(`<audio controls></audio><ol>${li}</ol>${arts}<p id="end">end</p>`, '#end');
    results.review_list_render_ms = metric(median(listTimes), 'ms', baseList, `click → first page (${shownRows} rows) on screen in Chromium; baseline the same rows as static HTML; median of ${RENDER_RUNS}`);
    results.review_open_render_ms = metric(median(openTimes), 'ms', baseOpen, `click → ${OPEN_ENTRIES} lines + evaluation on screen in Chromium; baseline the same as static HTML; median of ${RENDER_RUNS}`);
  } finally {
    await browser.close();
    await host.close();
  }
}
